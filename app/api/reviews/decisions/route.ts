import { z } from "zod";
import { route } from "@/lib/http/route";
import { decideItems } from "@/lib/reviews/service";

export const dynamic = "force-dynamic";

const body = z.looseObject({ campaignId: z.string().trim().min(1).max(100) });

/** Body: `{ campaignId, itemIds, decision, justification?, secondsSpent? }`; items must be in the caller's queue. */
export const POST = route({ auth: { reviewer: true }, body }, async ({ db, reviewer, body, actor }) => {
  const { campaignId, ...input } = body;
  return Response.json(await decideItems(db, { campaignId, reviewerId: reviewer.personId, input, actor }));
});
