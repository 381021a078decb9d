import { idParams, route } from "@/lib/http/route";
import { getCampaign } from "@/lib/reviews/queries";
import { closeCampaign } from "@/lib/reviews/service";

export const dynamic = "force-dynamic";

/** Applies the default to undecided items, then every revocation; answers the campaign as GET does. */
export const POST = route({ auth: { scope: "admin" }, params: idParams }, async ({ db, params, actor }) => {
  await closeCampaign(db, { campaignId: params.id, actor });
  return Response.json(await getCampaign(db, { id: params.id }));
});
