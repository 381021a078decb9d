import { getPrisma } from "@/lib/db/client";
import { actorOf, adminRoute } from "@/lib/http/admin-route";
import { replayDelivery } from "@/lib/webhooks/service";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ id: string }> };

/** Sends the delivery's payload again (same event id) as a new delivery. */
export const POST = adminRoute<Context>("webhooks:manage", async ({ request, context, principal, requestId }) =>
  Response.json(await replayDelivery(await getPrisma(), { id: (await context.params).id, actor: actorOf(principal, requestId, request) }), {
    status: 202,
  }),
);
