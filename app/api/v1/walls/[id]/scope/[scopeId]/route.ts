import { z } from "zod";
import { removeWallScope } from "@/lib/walls/service";
import { jsonBody, route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

const scopeParams = z.object({ id: z.string(), scopeId: z.string() });

/** Ends one scope item now: `{ justification }` (required on an active wall). */
export const DELETE = route({ auth: { scope: "walls:write" }, params: scopeParams, body: jsonBody.optional() }, async ({ db, params, body, actor }) =>
  Response.json(await removeWallScope(db, { id: params.id, scopeId: params.scopeId, input: body ?? {}, actor })));
