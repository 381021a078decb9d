import { idParams, route } from "@/lib/http/route";
import { startCampaignInBackground } from "@/lib/reviews/service";
import { startCampaignInput } from "@/lib/reviews/schemas";

export const dynamic = "force-dynamic";

/** 201 with the active campaign, or 202 with it "starting" (a large population: its page shows the progress). */
export const POST = route({ auth: { permission: "campaigns:manage" }, params: idParams, body: startCampaignInput }, async ({ db, params, body, actor }) => {
  const { campaign, done } = await startCampaignInBackground(db, { definitionId: params.id, name: body?.name, actor });
  return Response.json(campaign, { status: done ? 201 : 202 });
});
