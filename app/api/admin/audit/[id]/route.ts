import { getPrisma } from "@/lib/db/client";
import { adminRoute } from "@/lib/http/admin-route";
import { getAuditEvent } from "@/lib/audit/queries";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ id: string }> };

export const GET = adminRoute<Context>("audit:read", async ({ context }) =>
  Response.json(await getAuditEvent(await getPrisma(), (await context.params).id)),
);
