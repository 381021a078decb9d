import { listWalls } from "@/lib/walls/queries";
import { wallListQuery } from "@/lib/walls/schemas";
import { createWall } from "@/lib/walls/service";
import { jsonBody, route } from "@/lib/http/route";
import { pageInput } from "@/lib/pagination";

export const dynamic = "force-dynamic";

/** Walls, newest first: ?state=draft|active|lifted&kind=…&q=…&userId=…&page=&pageSize= */
export const GET = route({ auth: { scope: "walls:read" }, query: pageInput.extend(wallListQuery.shape) }, async ({ db, query: { page, pageSize, ...filter } }) =>
  Response.json(await listWalls(db, { filter, page: { page, pageSize } })));

/** A new draft: `{ name, matterRef?, description, kind, requiresAcknowledgment?, screenedAcknowledge?, members?, scope?, sides? }`. */
export const POST = route({ auth: { scope: "walls:write" }, body: jsonBody }, async ({ db, body, actor }) =>
  Response.json(await createWall(db, { input: body, actor }), { status: 201 }));
