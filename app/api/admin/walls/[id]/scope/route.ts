import { addWallScope } from "@/lib/walls/service";
import { idParams, jsonBody, route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** Adds scope: `{ sideId?, items: [{ kind: contract|repository|counterparty|tag, value }] }`. */
export const POST = route({ auth: { permission: "walls:write" }, params: idParams, body: jsonBody }, async ({ db, params, body, actor }) =>
  Response.json(await addWallScope(db, { id: params.id, input: body, actor }), { status: 201 }));
