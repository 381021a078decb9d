import { apiJson, apiRoute, queryOf } from "@/lib/api-v1/route";
import { listRepositories, repositoryView } from "@/lib/contracts/queries";
import { createRepository } from "@/lib/contracts/service";

export const dynamic = "force-dynamic";

export const GET = apiRoute(["contracts:read", "rules:read"], async ({ prisma, url }) => {
  const { q, ...page } = queryOf(url);
  return apiJson(await listRepositories(prisma, { page, q }));
});

export const POST = apiRoute("admin", async ({ prisma, actor, body }) =>
  apiJson(repositoryView(await createRepository(prisma, { input: await body(), actor })), { status: 201 }),
);
