import { previewWallActivation } from "@/lib/walls/service";
import { idParams, route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** Who would lose access to what if the wall were activated now: ?by=person|contract&offset=&limit=. */
export const GET = route({ auth: { scope: "walls:read" }, params: idParams }, async ({ db, params, query }) =>
  Response.json(await previewWallActivation(db, { id: params.id, query })));
