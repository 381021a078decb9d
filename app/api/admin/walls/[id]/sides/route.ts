import { addWallSide } from "@/lib/walls/service";
import { idParams, jsonBody, route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** A new side on a draft wall of sides: `{ name }`. */
export const POST = route({ auth: { permission: "walls:write" }, params: idParams, body: jsonBody }, async ({ db, params, body, actor }) =>
  Response.json(await addWallSide(db, { id: params.id, input: body, actor }), { status: 201 }));
