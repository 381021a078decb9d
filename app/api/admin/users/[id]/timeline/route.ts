import { idParams, route } from "@/lib/http/route";
import { timelineQuery, userTimeline } from "@/lib/users/detail-queries";

export const dynamic = "force-dynamic";

export const GET = route({ auth: { permission: "users:read" }, params: idParams, query: timelineQuery }, async ({ db, params, query }) =>
  Response.json(await userTimeline(db, { userId: params.id, ...query })),
);
