import { route } from "@/lib/http/route";
import { listRequestLogForAdmin } from "@/lib/directories/queries";

export const dynamic = "force-dynamic";

export const GET = route({ auth: { permission: "directories:read" } }, async ({ db, query }) => Response.json(await listRequestLogForAdmin(db, query)));
