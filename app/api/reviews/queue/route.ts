import { route } from "@/lib/http/route";
import { myQueue } from "@/lib/reviews/queries";

export const dynamic = "force-dynamic";

/** "My reviews": the signed-in person's own items, never anyone else's. */
export const GET = route({ auth: { reviewer: true } }, async ({ db, reviewer, query }) =>
  Response.json(await myQueue(db, { reviewerId: reviewer.personId, query })),
);
