import { z } from "zod";
import { listWallPeople } from "@/lib/walls/queries";
import { addWallMembers } from "@/lib/walls/service";
import { idParams, jsonBody, route } from "@/lib/http/route";
import { pageInput } from "@/lib/pagination";

export const dynamic = "force-dynamic";

/** The people on the roster (also those recorded through a group); ?history=true: every row ever. */
export const GET = route({ auth: { scope: "walls:read" }, params: idParams, query: pageInput.extend({ history: z.enum(["true", "false"]).optional() }) }, async ({ db, params, query: { page, pageSize, history } }) =>
  Response.json(await listWallPeople(db, { wallId: params.id, history: history === "true", page: { page, pageSize } })));

/** Adds people or groups: `{ sideId?, items: [{ userId } | { groupId }] }`. */
export const POST = route({ auth: { scope: "walls:write" }, params: idParams, body: jsonBody }, async ({ db, params, body, actor }) =>
  Response.json(await addWallMembers(db, { id: params.id, input: body, actor }), { status: 201 }));
