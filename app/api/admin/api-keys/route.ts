import { createApiKey, createApiKeyInput, listApiKeys } from "@/lib/api-keys/service";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const GET = route({ auth: { permission: "api-keys:manage" } }, async ({ db, query }) =>
  Response.json(await listApiKeys(db, { page: { page: query.page, pageSize: query.pageSize }, includeRevoked: query.status !== "active" })),
);

// The response is the only time the key exists in clear: never cached.
export const POST = route({ auth: { permission: "api-keys:manage" }, body: createApiKeyInput }, async ({ db, body, actor }) => {
  const created = await createApiKey(db, { input: body, actor });
  return Response.json(created, { status: 201, headers: { "cache-control": "no-store" } });
});
