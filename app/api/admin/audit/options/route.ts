import { route } from "@/lib/http/route";
import { auditFilterOptions } from "@/lib/audit/queries";

export const dynamic = "force-dynamic";

export const GET = route({ auth: { permission: "audit:read" } }, async ({ db }) => Response.json(await auditFilterOptions(db)));
