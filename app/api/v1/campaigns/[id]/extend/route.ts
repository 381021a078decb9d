import { idParams, route } from "@/lib/http/route";
import { getCampaign } from "@/lib/reviews/queries";
import { extendInput } from "@/lib/reviews/schemas";
import { extendCampaign } from "@/lib/reviews/service";

export const dynamic = "force-dynamic";

/** `{ dueAt, reason }`; answers the campaign as GET /api/v1/campaigns/{id} does. */
export const POST = route({ auth: { scope: "admin" }, params: idParams, body: extendInput }, async ({ db, params, body, actor }) => {
  await extendCampaign(db, { campaignId: params.id, input: body, actor });
  return Response.json(await getCampaign(db, { id: params.id }));
});
