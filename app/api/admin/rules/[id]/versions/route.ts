import { getPrisma } from "@/lib/db/client";
import { adminRoute } from "@/lib/http/admin-route";
import { listRuleVersions } from "@/lib/rules/queries";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ id: string }> };

export const GET = adminRoute<Context>("rules:read", async ({ context }) => {
  const { id } = await context.params;
  return Response.json({ items: await listRuleVersions(await getPrisma(), { ruleId: id }) });
});
