import { idParams, route } from "@/lib/http/route";
import { reassignInput } from "@/lib/reviews/schemas";
import { reassignItems } from "@/lib/reviews/service";

export const dynamic = "force-dynamic";

/** `{ fromReviewerId, toReviewerId, reason }`: A's undecided items go to B (B's own stay with A). */
export const POST = route({ auth: { permission: "campaigns:manage" }, params: idParams, body: reassignInput }, async ({ db, params, body, actor }) =>
  Response.json(await reassignItems(db, { campaignId: params.id, input: body, actor })),
);
