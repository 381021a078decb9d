import { route } from "@/lib/http/route";
import { getOverview } from "@/lib/overview/queries";

export const dynamic = "force-dynamic";

export const GET = route({ auth: { permission: "overview:read" } }, async ({ db, query }) => Response.json(await getOverview(db, query)));
