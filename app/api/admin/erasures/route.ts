import { route } from "@/lib/http/route";
import { listErasures } from "@/lib/audit/certificate";

export const dynamic = "force-dynamic";

export const GET = route({ auth: { permission: "audit:read" } }, async ({ db, query }) =>
  Response.json(await listErasures(db, { limit: Number(query.limit ?? 50) || 50, before: query.before })),
);
