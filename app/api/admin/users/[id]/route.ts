import { idParams, route } from "@/lib/http/route";
import { getUserDetail, groupsOfUser } from "@/lib/users/detail-queries";

export const dynamic = "force-dynamic";

export const GET = route({ auth: { permission: "users:read" }, params: idParams }, async ({ db, params }) => {
  const user = await getUserDetail(db, { id: params.id });
  return Response.json({ user, groups: await groupsOfUser(db, { userId: params.id }) });
});
