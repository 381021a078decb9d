import { route } from "@/lib/http/route";
import { pageInput } from "@/lib/pagination";
import { listCampaigns } from "@/lib/reviews/queries";

export const dynamic = "force-dynamic";

export const GET = route({ auth: { scope: "access:read" }, query: pageInput }, async ({ db, query }) => Response.json(await listCampaigns(db, { page: query })));
