import { liftWallAndCertify } from "@/lib/walls/certificate";
import { idParams, jsonBody, route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** Lifts an active wall: `{ reason }`. Its lift certificate is issued and stored once the lift committed. */
export const POST = route({ auth: { scope: "walls:write" }, params: idParams, body: jsonBody }, async ({ db, params, body, actor }) =>
  Response.json((await liftWallAndCertify(db, { id: params.id, input: body, actor })).wall));
