import { idParams, route } from "@/lib/http/route";
import { getCampaign } from "@/lib/reviews/queries";
import { startCampaignInput } from "@/lib/reviews/schemas";
import { startCampaign } from "@/lib/reviews/service";

export const dynamic = "force-dynamic";

/** Optional body: `{ name }`. Answers the campaign as GET /api/v1/campaigns/{id} does. */
export const POST = route({ auth: { scope: "admin" }, params: idParams, body: startCampaignInput }, async ({ db, params, body, actor }) => {
  const started = await startCampaign(db, { definitionId: params.id, name: body?.name, actor });
  return Response.json(await getCampaign(db, { id: started.id }), { status: 201 });
});
