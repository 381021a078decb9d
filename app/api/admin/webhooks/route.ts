import { getPrisma } from "@/lib/db/client";
import { actorOf, adminRoute } from "@/lib/http/admin-route";
import { readJsonBody } from "@/lib/http/json-route";
import { createEndpoint, listEndpoints } from "@/lib/webhooks/service";

export const dynamic = "force-dynamic";

export const GET = adminRoute("webhooks:manage", async () => Response.json({ items: await listEndpoints(await getPrisma()) }));

// The response is the only time the signing secret exists in clear: never cached.
export const POST = adminRoute("webhooks:manage", async ({ request, principal, requestId }) => {
  const created = await createEndpoint(await getPrisma(), {
    input: (await readJsonBody(request)) as never,
    actor: actorOf(principal, requestId, request),
  });
  return Response.json(created, { status: 201, headers: { "cache-control": "no-store" } });
});
