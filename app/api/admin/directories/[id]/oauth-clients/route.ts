import { getPrisma } from "@/lib/db/client";
import { actorOf, adminRoute } from "@/lib/http/admin-route";
import { readJsonBody } from "@/lib/http/json-route";
import { listOAuthClientsForAdmin } from "@/lib/directories/queries";
import { createDirectoryOAuthClient } from "@/lib/directories/service";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ id: string }> };

export const GET = adminRoute<Context>("directories:read", async ({ context }) =>
  Response.json(await listOAuthClientsForAdmin(await getPrisma(), (await context.params).id)),
);

export const POST = adminRoute<Context>("directories:write", async ({ request, context, principal, requestId }) => {
  const created = await createDirectoryOAuthClient(await getPrisma(), {
    directoryId: (await context.params).id,
    input: (await readJsonBody(request)) as { name: string },
    actor: actorOf(principal, requestId, request),
  });
  return Response.json(created, { status: 201, headers: { "cache-control": "no-store" } });
});
