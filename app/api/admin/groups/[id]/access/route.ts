import { idParams, route } from "@/lib/http/route";
import { groupAccess } from "@/lib/groups/queries";

export const dynamic = "force-dynamic";

/** Rules that reach the group's members (on the group or a parent) and what they grant now. */
export const GET = route({ auth: { permission: "groups:read" }, params: idParams }, async ({ db, params }) =>
  Response.json(await groupAccess(db, { groupId: params.id })),
);
