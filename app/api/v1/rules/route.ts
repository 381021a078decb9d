import { jsonBody, route } from "@/lib/http/route";
import { createRule } from "@/lib/rules/service";
import { listRules } from "@/lib/rules/queries";

export const dynamic = "force-dynamic";

export const GET = route({ auth: { scope: "rules:read" } }, async ({ db, query: { page, pageSize, ...filter } }) =>
  Response.json(await listRules(db, { page: { page, pageSize }, filter })),
);

export const POST = route({ auth: { scope: "rules:write" }, body: jsonBody }, async ({ db, body, actor }) =>
  Response.json(await createRule(db, { input: body, actor }), { status: 201 }),
);
