import { getPrisma } from "@/lib/db/client";
import { actorOf, adminRoute } from "@/lib/http/admin-route";
import { sendTestEvent } from "@/lib/webhooks/service";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ id: string }> };

/** Queues a webhook.test event for the endpoint; it appears in the delivery log. */
export const POST = adminRoute<Context>("webhooks:manage", async ({ request, context, principal, requestId }) =>
  Response.json(await sendTestEvent(await getPrisma(), { id: (await context.params).id, actor: actorOf(principal, requestId, request) }), {
    status: 202,
  }),
);
