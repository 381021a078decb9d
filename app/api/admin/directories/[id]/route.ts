import { idParams, jsonBody, route } from "@/lib/http/route";
import { getDirectoryForAdmin } from "@/lib/directories/queries";
import { updateDirectorySettings } from "@/lib/directories/service";

export const dynamic = "force-dynamic";

export const GET = route({ auth: { permission: "directories:read" }, params: idParams }, async ({ db, params }) =>
  Response.json(await getDirectoryForAdmin(db, params.id)),
);

/** Directory settings: the inactivity policy. */
export const PATCH = route(
  { auth: { permission: "directories:write" }, params: idParams, body: jsonBody },
  async ({ db, params, body, actor }) => {
    await updateDirectorySettings(db, { directoryId: params.id, input: body, actor });
    return Response.json(await getDirectoryForAdmin(db, params.id));
  },
);
