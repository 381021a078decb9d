import { getPrisma } from "@/lib/db/client";
import { createApiKey, listApiKeys } from "@/lib/api-keys/service";
import { actorOf, adminRoute } from "@/lib/http/admin-route";
import { readJsonBody } from "@/lib/http/json-route";

export const dynamic = "force-dynamic";

export const GET = adminRoute("api-keys:manage", async ({ request }) => {
  const params = new URL(request.url).searchParams;
  return Response.json(
    await listApiKeys(await getPrisma(), {
      page: { page: params.get("page") ?? undefined, pageSize: params.get("pageSize") ?? undefined },
      includeRevoked: params.get("status") !== "active",
    }),
  );
});

// The response is the only time the key exists in clear: never cached.
export const POST = adminRoute("api-keys:manage", async ({ request, principal, requestId }) => {
  const created = await createApiKey(await getPrisma(), {
    input: (await readJsonBody(request)) as never,
    actor: actorOf(principal, requestId, request),
  });
  return Response.json(created, { status: 201, headers: { "cache-control": "no-store" } });
});
