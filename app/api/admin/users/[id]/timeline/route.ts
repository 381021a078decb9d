import { getPrisma } from "@/lib/db/client";
import { adminRoute } from "@/lib/http/admin-route";
import { timelineQuery, userTimeline } from "@/lib/users/detail-queries";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ id: string }> };

export const GET = adminRoute<Context>("users:read", async ({ request, context }) => {
  const { id } = await context.params;
  const query = timelineQuery.parse(Object.fromEntries(new URL(request.url).searchParams));
  return Response.json(await userTimeline(await getPrisma(), { userId: id, ...query }));
});
