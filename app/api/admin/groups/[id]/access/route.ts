import { getPrisma } from "@/lib/db/client";
import { adminRoute } from "@/lib/http/admin-route";
import { groupAccess } from "@/lib/groups/queries";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ id: string }> };

/** Rules that reach the group's members (on the group or a parent) and what they grant now. */
export const GET = adminRoute<Context>("groups:read", async ({ context }) => {
  const { id } = await context.params;
  return Response.json(await groupAccess(await getPrisma(), { groupId: id }));
});
