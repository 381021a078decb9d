import { idParams, route } from "@/lib/http/route";
import { listGroupMembers } from "@/lib/groups/queries";

export const dynamic = "force-dynamic";

export const GET = route({ auth: { permission: "groups:read" }, params: idParams }, async ({ db, params, query }) =>
  Response.json(await listGroupMembers(db, { ...query, groupId: params.id })),
);
