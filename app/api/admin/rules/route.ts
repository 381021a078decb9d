import { jsonBody, route } from "@/lib/http/route";
import { pageInput } from "@/lib/pagination";
import { listRules } from "@/lib/rules/queries";
import { createRule } from "@/lib/rules/service";

export const dynamic = "force-dynamic";

export const GET = route({ auth: { permission: "rules:read" } }, async ({ db, query }) => {
  const { page, pageSize, ...rest } = query;
  const filter = Object.fromEntries(Object.entries(rest).filter(([k, v]) => v !== "" && !["sort", "order"].includes(k)));
  return Response.json(await listRules(db, { page: pageInput.parse({ page, pageSize }), filter }));
});

export const POST = route({ auth: { permission: "rules:write" }, body: jsonBody }, async ({ db, body, actor }) =>
  Response.json(await createRule(db, { input: body, actor }), { status: 201 }),
);
