import { activateWall } from "@/lib/walls/service";
import { idParams, jsonBody, route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** Activates a draft: `{ reason }`. In force from this request's commit on. */
export const POST = route({ auth: { permission: "walls:write" }, params: idParams, body: jsonBody }, async ({ db, params, body, actor }) =>
  Response.json(await activateWall(db, { id: params.id, input: body, actor })));
