import { createEndpoint, createEndpointInput, listEndpoints } from "@/lib/webhooks/service";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const GET = route({ auth: { permission: "webhooks:manage" } }, async ({ db }) => Response.json({ items: await listEndpoints(db) }));

// The response is the only time the signing secret exists in clear: never cached.
export const POST = route({ auth: { permission: "webhooks:manage" }, body: createEndpointInput }, async ({ db, body, actor }) => {
  const created = await createEndpoint(db, { input: body, actor });
  return Response.json(created, { status: 201, headers: { "cache-control": "no-store" } });
});
