import { getPrisma } from "@/lib/db/client";
import { actorOf, adminRoute } from "@/lib/http/admin-route";
import { eraseUser } from "@/lib/users/service";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ id: string }> };

// GDPR erasure of a user (admins): deletes a user still provisioned, erases their personal data.
export const POST = adminRoute<Context>("users:erase", async ({ request, context, principal, requestId }) => {
  const { id } = await context.params;
  const result = await eraseUser(await getPrisma(), { id, actor: actorOf(principal, requestId, request) });
  return Response.json(result);
});
