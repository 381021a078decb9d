import { remindWallAcknowledgments } from "@/lib/walls/service";
import { idParams, route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** Reminds everyone who still owes an acknowledgment (webhook wall.acknowledgment_requested). */
export const POST = route({ auth: { scope: "walls:write" }, params: idParams }, async ({ db, params, actor }) => Response.json(await remindWallAcknowledgments(db, { id: params.id, actor })));
