import { getPrisma } from "@/lib/db/client";
import { actorOf, adminRoute } from "@/lib/http/admin-route";
import { readJsonBody } from "@/lib/http/json-route";
import { listRepositories, repositoryListQuery, repositoryView } from "@/lib/contracts/queries";
import { createRepository } from "@/lib/contracts/service";

export const dynamic = "force-dynamic";

export const GET = adminRoute("contracts:read", async ({ request }) => {
  const q = repositoryListQuery.parse(Object.fromEntries(new URL(request.url).searchParams));
  return Response.json(await listRepositories(await getPrisma(), { q: q.q, page: { page: q.page, pageSize: q.pageSize } }));
});

export const POST = adminRoute("contracts:write", async ({ request, principal, requestId }) => {
  const repository = await createRepository(await getPrisma(), { input: await readJsonBody(request), actor: actorOf(principal, requestId, request) });
  return Response.json(repositoryView(repository), { status: 201 });
});
