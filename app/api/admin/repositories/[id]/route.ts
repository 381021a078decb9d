import { getPrisma } from "@/lib/db/client";
import { actorOf, adminRoute } from "@/lib/http/admin-route";
import { readJsonBody } from "@/lib/http/json-route";
import { getRepositoryDetail } from "@/lib/contracts/queries";
import { repositoryView } from "@/lib/contracts/queries";
import { updateRepository } from "@/lib/contracts/service";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ id: string }> };

export const GET = adminRoute<Context>("contracts:read", async ({ context }) => {
  const { id } = await context.params;
  return Response.json(await getRepositoryDetail(await getPrisma(), { id }));
});

export const PATCH = adminRoute<Context>("contracts:write", async ({ request, context, principal, requestId }) => {
  const { id } = await context.params;
  const repository = await updateRepository(await getPrisma(), { id, input: (await readJsonBody(request)) as never, actor: actorOf(principal, requestId, request) });
  return Response.json(repositoryView(repository));
});
