import { route } from "@/lib/http/route";
import { auditFilterOptions } from "@/lib/admin/audit";

export const dynamic = "force-dynamic";

export const GET = route({ auth: { permission: "audit:read" } }, async ({ db }) => Response.json(await auditFilterOptions(db)));
