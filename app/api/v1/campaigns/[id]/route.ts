import { idParams, route } from "@/lib/http/route";
import { getCampaign } from "@/lib/reviews/queries";

export const dynamic = "force-dynamic";

export const GET = route({ auth: { scope: "access:read" }, params: idParams }, async ({ db, params }) => Response.json(await getCampaign(db, { id: params.id })));
