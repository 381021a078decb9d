import { jsonBody, route } from "@/lib/http/route";
import { previewRule } from "@/lib/rules/preview";

export const dynamic = "force-dynamic";

/**
 * The change impact preview shown before saving: `{ action: "create", rule }`,
 * `{ action: "update", ruleId, rule }` or `{ action: "delete", ruleId }`. Writes nothing.
 */
export const POST = route({ auth: { permission: "rules:write" }, body: jsonBody }, async ({ db, body }) =>
  Response.json(await previewRule(db, { input: body })),
);
