import { idParams, route } from "@/lib/http/route";
import { getAuditEvent } from "@/lib/audit/queries";

export const dynamic = "force-dynamic";

export const GET = route({ auth: { permission: "audit:read" }, params: idParams }, async ({ db, params }) =>
  Response.json(await getAuditEvent(db, params.id)),
);
