import { idParams, route } from "@/lib/http/route";
import { getGroupDetail } from "@/lib/groups/queries";

export const dynamic = "force-dynamic";

export const GET = route({ auth: { permission: "groups:read" }, params: idParams }, async ({ db, params }) =>
  Response.json(await getGroupDetail(db, { id: params.id })),
);
