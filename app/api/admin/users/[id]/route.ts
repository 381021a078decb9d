import { getPrisma } from "@/lib/db/client";
import { adminRoute } from "@/lib/http/admin-route";
import { getUserDetail, groupsOfUser } from "@/lib/users/detail-queries";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ id: string }> };

export const GET = adminRoute<Context>("users:read", async ({ context }) => {
  const { id } = await context.params;
  const prisma = await getPrisma();
  const user = await getUserDetail(prisma, { id });
  return Response.json({ user, groups: await groupsOfUser(prisma, { userId: id }) });
});
