import { getWall } from "@/lib/walls/queries";
import { updateWall } from "@/lib/walls/service";
import { idParams, jsonBody, route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** One wall: sides, scope, roster, counts. */
export const GET = route({ auth: { permission: "walls:read" }, params: idParams }, async ({ db, params }) => Response.json(await getWall(db, { id: params.id })));

/** Edits a draft (name, matterRef, description, kind, acknowledgment settings); an active wall: name, matterRef, description. */
export const PATCH = route({ auth: { permission: "walls:write" }, params: idParams, body: jsonBody }, async ({ db, params, body, actor, ifMatch }) =>
  Response.json(await updateWall(db, { id: params.id, input: body, actor, expectedVersion: ifMatch })));
