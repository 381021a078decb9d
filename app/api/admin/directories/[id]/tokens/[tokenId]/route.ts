import { getPrisma } from "@/lib/db/client";
import { actorOf, adminRoute } from "@/lib/http/admin-route";
import { revokeDirectoryToken } from "@/lib/directories/service";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ id: string; tokenId: string }> };

/** Revokes the token (kept, marked revoked, for the record). */
export const DELETE = adminRoute<Context>("directories:write", async ({ request, context, principal, requestId }) => {
  const { id, tokenId } = await context.params;
  return Response.json(await revokeDirectoryToken(await getPrisma(), { directoryId: id, tokenId, actor: actorOf(principal, requestId, request) }));
});
