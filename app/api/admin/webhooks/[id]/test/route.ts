import { idParams, route } from "@/lib/http/route";
import { sendTestEvent } from "@/lib/webhooks/service";

export const dynamic = "force-dynamic";

/** Queues a webhook.test event for the endpoint; it appears in the delivery log. */
export const POST = route({ auth: { permission: "webhooks:manage" }, params: idParams }, async ({ db, params, actor }) =>
  Response.json(await sendTestEvent(db, { id: params.id, actor }), { status: 202 }),
);
