import { idParams, route } from "@/lib/http/route";
import { replayDelivery } from "@/lib/webhooks/service";

export const dynamic = "force-dynamic";

/** Sends the delivery's payload again (same event id) as a new delivery. */
export const POST = route({ auth: { permission: "webhooks:manage" }, params: idParams }, async ({ db, params, actor }) =>
  Response.json(await replayDelivery(db, { id: params.id, actor }), { status: 202 }),
);
