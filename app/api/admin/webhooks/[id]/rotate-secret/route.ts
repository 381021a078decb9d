import { getPrisma } from "@/lib/db/client";
import { actorOf, adminRoute } from "@/lib/http/admin-route";
import { rotateEndpointSecret } from "@/lib/webhooks/service";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ id: string }> };

/** A new secret, shown once; the previous one keeps signing for 24 hours. */
export const POST = adminRoute<Context>("webhooks:manage", async ({ request, context, principal, requestId }) =>
  Response.json(
    await rotateEndpointSecret(await getPrisma(), { id: (await context.params).id, actor: actorOf(principal, requestId, request) }),
    { headers: { "cache-control": "no-store" } },
  ),
);
