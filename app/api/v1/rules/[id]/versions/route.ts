import { apiJson, apiRoute } from "@/lib/api-v1/route";
import { listRuleVersions } from "@/lib/rules/queries";

export const dynamic = "force-dynamic";

export const GET = apiRoute<{ id: string }>("rules:read", async ({ prisma, params }) =>
  apiJson({ items: await listRuleVersions(prisma, { ruleId: params.id }) }),
);
