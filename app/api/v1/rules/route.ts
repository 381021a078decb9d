import { apiJson, apiRoute, queryOf } from "@/lib/api-v1/route";
import { listRules } from "@/lib/rules/queries";
import { createRule } from "@/lib/rules/service";

export const dynamic = "force-dynamic";

export const GET = apiRoute("rules:read", async ({ prisma, url }) => {
  const { page, pageSize, ...filter } = queryOf(url);
  return apiJson(await listRules(prisma, { page: { page, pageSize }, filter }));
});

export const POST = apiRoute("rules:write", async ({ prisma, actor, body }) =>
  apiJson(await createRule(prisma, { input: await body(), actor }), { status: 201 }),
);
