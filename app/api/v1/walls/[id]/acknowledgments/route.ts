import { listWallAcknowledgments } from "@/lib/walls/queries";
import { acknowledgeWallOnBehalf } from "@/lib/walls/service";
import { idParams, jsonBody, route } from "@/lib/http/route";
import { pageInput } from "@/lib/pagination";

export const dynamic = "force-dynamic";

/** Acknowledgments of the memo, newest first. */
export const GET = route({ auth: { scope: "walls:read" }, params: idParams, query: pageInput }, async ({ db, params, query }) =>
  Response.json(await listWallAcknowledgments(db, { wallId: params.id, page: query })));

/** Acknowledges on a person's behalf: `{ userId, reason }`. */
export const POST = route({ auth: { scope: "walls:write" }, params: idParams, body: jsonBody }, async ({ db, params, body, actor }) =>
  Response.json(await acknowledgeWallOnBehalf(db, { id: params.id, input: body, actor }), { status: 201 }));
