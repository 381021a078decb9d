import { getPrisma } from "@/lib/db/client";
import { revokeApiKey } from "@/lib/api-keys/service";
import { actorOf, adminRoute } from "@/lib/http/admin-route";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ id: string }> };

/** Revokes the key (kept, marked revoked: it explains the audit events it caused). */
export const DELETE = adminRoute<Context>("api-keys:manage", async ({ request, context, principal, requestId }) =>
  Response.json(await revokeApiKey(await getPrisma(), { id: (await context.params).id, actor: actorOf(principal, requestId, request) })),
);
