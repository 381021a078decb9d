import { z } from "zod";
import { route } from "@/lib/http/route";
import { decideWallItems } from "@/lib/reviews/wall-reviews";

export const dynamic = "force-dynamic";

const body = z.looseObject({ campaignId: z.string().trim().min(1).max(100) });

/** Body: `{ campaignId, itemIds, decision: keep | remove | lift | dont_know, justification?, secondsSpent? }`; items must be in the caller's queue. */
export const POST = route({ auth: { reviewer: true }, body }, async ({ db, reviewer, body, actor }) => {
  const { campaignId, ...input } = body;
  return Response.json(await decideWallItems(db, { campaignId, reviewerId: reviewer.personId, input, actor }));
});
