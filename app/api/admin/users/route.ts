import { route } from "@/lib/http/route";
import { listUsersForAdmin } from "@/lib/users/queries";

export const dynamic = "force-dynamic";

export const GET = route({ auth: { permission: "users:read" } }, async ({ db, query }) => Response.json(await listUsersForAdmin(db, query)));
