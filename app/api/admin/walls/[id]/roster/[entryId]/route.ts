import { z } from "zod";
import { removeWallMember } from "@/lib/walls/service";
import { jsonBody, route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

const entryParams = z.object({ id: z.string(), entryId: z.string() });

/** Removes a roster entry (a person or a group, with the people it recorded — not those another entry still covers): `{ justification }`. */
export const DELETE = route({ auth: { permission: "walls:write" }, params: entryParams, body: jsonBody }, async ({ db, params, body, actor }) =>
  Response.json(await removeWallMember(db, { id: params.id, entryId: params.entryId, input: body, actor })));
