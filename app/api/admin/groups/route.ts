import { route } from "@/lib/http/route";
import { listGroupsForAdmin } from "@/lib/groups/queries";

export const dynamic = "force-dynamic";

export const GET = route({ auth: { permission: "groups:read" } }, async ({ db, query }) => Response.json(await listGroupsForAdmin(db, query)));
