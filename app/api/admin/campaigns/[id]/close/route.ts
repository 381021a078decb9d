import { idParams, route } from "@/lib/http/route";
import { closeCampaign } from "@/lib/reviews/service";

export const dynamic = "force-dynamic";

/** Applies the default to undecided items, then every revocation (exclusion or end of a direct grant). */
export const POST = route({ auth: { permission: "campaigns:manage" }, params: idParams }, async ({ db, params, actor }) =>
  Response.json(await closeCampaign(db, { campaignId: params.id, actor })),
);
