import { idParams, route } from "@/lib/http/route";
import { startCampaign } from "@/lib/reviews/service";
import { startCampaignInput } from "@/lib/reviews/schemas";

export const dynamic = "force-dynamic";

export const POST = route({ auth: { permission: "campaigns:manage" }, params: idParams, body: startCampaignInput }, async ({ db, params, body, actor }) =>
  Response.json(await startCampaign(db, { definitionId: params.id, name: body?.name, actor }), { status: 201 }),
);
