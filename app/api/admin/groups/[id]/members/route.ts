import { getPrisma } from "@/lib/db/client";
import { adminRoute } from "@/lib/http/admin-route";
import { listGroupMembers } from "@/lib/groups/queries";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ id: string }> };

export const GET = adminRoute<Context>("groups:read", async ({ request, context }) => {
  const { id } = await context.params;
  return Response.json(await listGroupMembers(await getPrisma(), { ...Object.fromEntries(new URL(request.url).searchParams), groupId: id }));
});
