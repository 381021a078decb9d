import { z } from "zod";
import { removeWallPerson } from "@/lib/walls/service";
import { jsonBody, route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

const personParams = z.object({ id: z.string(), userId: z.string() });

/** Removes one person (e.g. screened through a group they left): `{ justification }`; ?sideId= one side only. */
export const DELETE = route({ auth: { scope: "walls:write" }, params: personParams, query: z.object({ sideId: z.string().optional() }), body: jsonBody }, async ({ db, params, query, body, actor }) =>
  Response.json(await removeWallPerson(db, { id: params.id, userId: params.userId, sideId: query.sideId ?? null, input: body, actor })));
