import { route } from "@/lib/http/route";
import { listAuditEvents } from "@/lib/audit/queries";

export const dynamic = "force-dynamic";

export const GET = route({ auth: { permission: "audit:read" } }, async ({ db, query }) => Response.json(await listAuditEvents(db, query)));
