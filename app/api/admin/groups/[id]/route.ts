import { getPrisma } from "@/lib/db/client";
import { adminRoute } from "@/lib/http/admin-route";
import { getGroupDetail } from "@/lib/groups/queries";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ id: string }> };

export const GET = adminRoute<Context>("groups:read", async ({ context }) => {
  const { id } = await context.params;
  return Response.json(await getGroupDetail(await getPrisma(), { id }));
});
