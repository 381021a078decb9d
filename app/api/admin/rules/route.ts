import { getPrisma } from "@/lib/db/client";
import { actorOf, adminRoute } from "@/lib/http/admin-route";
import { readJsonBody } from "@/lib/http/json-route";
import { pageInput } from "@/lib/pagination";
import { listRules } from "@/lib/rules/queries";
import { createRule } from "@/lib/rules/service";

export const dynamic = "force-dynamic";

export const GET = adminRoute("rules:read", async ({ request }) => {
  const { page, pageSize, ...rest } = Object.fromEntries(new URL(request.url).searchParams);
  const filter = Object.fromEntries(Object.entries(rest).filter(([k, v]) => v !== "" && !["sort", "order"].includes(k)));
  return Response.json(await listRules(await getPrisma(), { page: pageInput.parse({ page, pageSize }), filter }));
});

export const POST = adminRoute("rules:write", async ({ request, principal, requestId }) => {
  const rule = await createRule(await getPrisma(), { input: await readJsonBody(request), actor: actorOf(principal, requestId, request) });
  return Response.json(rule, { status: 201 });
});
