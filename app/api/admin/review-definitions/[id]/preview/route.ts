import { idParams, route } from "@/lib/http/route";
import { previewCampaign } from "@/lib/reviews/service";

export const dynamic = "force-dynamic";

/** What starting now would create: items, people, reviewers, unassigned items. */
export const GET = route({ auth: { permission: "campaigns:manage" }, params: idParams }, async ({ db, params }) =>
  Response.json(await previewCampaign(db, { definitionId: params.id })),
);
