import { liftWall } from "@/lib/walls/service";
import { idParams, jsonBody, route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** Lifts an active wall: `{ reason }`. */
export const POST = route({ auth: { permission: "walls:write" }, params: idParams, body: jsonBody }, async ({ db, params, body, actor }) =>
  Response.json(await liftWall(db, { id: params.id, input: body, actor })));
