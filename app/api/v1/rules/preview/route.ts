import { apiJson, apiRoute } from "@/lib/api-v1/route";
import { previewRule } from "@/lib/rules/preview";

export const dynamic = "force-dynamic";

/** Who would gain / lose access if the rule change were saved; writes nothing. */
export const POST = apiRoute("rules:write", async ({ prisma, body }) => apiJson(await previewRule(prisma, { input: await body() })));
