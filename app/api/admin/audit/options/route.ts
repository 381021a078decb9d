import { getPrisma } from "@/lib/db/client";
import { adminRoute } from "@/lib/http/admin-route";
import { auditFilterOptions } from "@/lib/audit/queries";

export const dynamic = "force-dynamic";

export const GET = adminRoute("audit:read", async () => Response.json(await auditFilterOptions(await getPrisma())));
