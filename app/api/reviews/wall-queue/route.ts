import { route } from "@/lib/http/route";
import { myWallQueue } from "@/lib/reviews/wall-review-queries";

export const dynamic = "force-dynamic";

/** "My reviews", walls: the signed-in person's own wall review items, never anyone else's. */
export const GET = route({ auth: { reviewer: true } }, async ({ db, reviewer, query }) =>
  Response.json(await myWallQueue(db, { reviewerId: reviewer.personId, query })),
);
