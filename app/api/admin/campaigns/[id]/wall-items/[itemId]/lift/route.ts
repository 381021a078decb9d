import { z } from "zod";
import { jsonBody, route } from "@/lib/http/route";
import { getWallItem } from "@/lib/reviews/wall-review-queries";
import { resolveWallLift } from "@/lib/reviews/wall-reviews";

export const dynamic = "force-dynamic";

const params = z.object({ id: z.string(), itemId: z.string() });

/** Answers a wall review's lift: `{ action: "lift" | "keep", reason }` (lifting a wall: walls:write). */
export const POST = route({ auth: { permission: "walls:write" }, params, body: jsonBody }, async ({ db, params, body, actor }) => {
  await resolveWallLift(db, { campaignId: params.id, itemId: params.itemId, input: body, actor });
  return Response.json(await getWallItem(db, { campaignId: params.id, itemId: params.itemId }));
});
