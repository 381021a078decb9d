import { idParams, route } from "@/lib/http/route";
import { getCampaign } from "@/lib/reviews/queries";
import { startCampaignInput } from "@/lib/reviews/schemas";
import { startCampaignInBackground } from "@/lib/reviews/service";

export const dynamic = "force-dynamic";

/**
 * Optional body: `{ name }`. Answers the campaign as GET /api/v1/campaigns/{id} does: 201 when it
 * is active, 202 while a large population is still being written (status "starting", progress).
 */
export const POST = route({ auth: { scope: "admin" }, params: idParams, body: startCampaignInput }, async ({ db, params, body, actor }) => {
  const { campaign, done } = await startCampaignInBackground(db, { definitionId: params.id, name: body?.name, actor });
  return Response.json(await getCampaign(db, { id: campaign.id }), { status: done ? 201 : 202 });
});
