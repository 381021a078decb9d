import { getPrisma } from "@/lib/db/client";
import { actorOf, adminRoute } from "@/lib/http/admin-route";
import { readJsonBody } from "@/lib/http/json-route";
import { deleteEndpoint, updateEndpoint } from "@/lib/webhooks/service";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ id: string }> };

/** URL, description, events, enabled. */
export const PATCH = adminRoute<Context>("webhooks:manage", async ({ request, context, principal, requestId }) =>
  Response.json(
    await updateEndpoint(await getPrisma(), {
      id: (await context.params).id,
      input: (await readJsonBody(request)) as never,
      actor: actorOf(principal, requestId, request),
    }),
  ),
);

export const DELETE = adminRoute<Context>("webhooks:manage", async ({ request, context, principal, requestId }) => {
  await deleteEndpoint(await getPrisma(), { id: (await context.params).id, actor: actorOf(principal, requestId, request) });
  return new Response(null, { status: 204 });
});
