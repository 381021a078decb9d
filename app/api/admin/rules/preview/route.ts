import { jsonBody, route } from "@/lib/http/route";
import { pageInput } from "@/lib/pagination";
import { previewRule } from "@/lib/rules/preview";

export const dynamic = "force-dynamic";

/**
 * The change impact preview shown before saving: `{ action: "create", rule }`,
 * `{ action: "update", ruleId, rule }` or `{ action: "delete", ruleId }`; `?page=` pages the contracts.
 * Writes nothing.
 */
export const POST = route({ auth: { permission: "rules:write" }, body: jsonBody, query: pageInput }, async ({ db, body, query }) =>
  Response.json(await previewRule(db, { input: body, contractsPage: query })),
);
