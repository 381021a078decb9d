import { idParams, route } from "@/lib/http/route";
import { getCampaign } from "@/lib/reviews/queries";
import { extendInput } from "@/lib/reviews/schemas";
import { extendCampaign } from "@/lib/reviews/service";

export const dynamic = "force-dynamic";

/** `{ dueAt, reason }`: a later due date for an active campaign. */
export const POST = route({ auth: { permission: "campaigns:manage" }, params: idParams, body: extendInput }, async ({ db, params, body, actor }) => {
  await extendCampaign(db, { campaignId: params.id, input: body, actor });
  return Response.json(await getCampaign(db, { id: params.id }));
});
