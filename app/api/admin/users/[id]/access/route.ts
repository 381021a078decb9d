import { getPrisma } from "@/lib/db/client";
import { adminRoute } from "@/lib/http/admin-route";
import { reviewAccess } from "@/lib/access-review/queries";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ id: string }> };

/** The person's effective contract access with reasons (optionally at a past instant `at`). */
export const GET = adminRoute<Context>("users:read", async ({ request, context }) => {
  const { id } = await context.params;
  const query = Object.fromEntries(new URL(request.url).searchParams);
  return Response.json(await reviewAccess(await getPrisma(), { ...query, subject: "user", id }));
});
