import { getPrisma } from "@/lib/db/client";
import { adminRoute } from "@/lib/http/admin-route";
import { readJsonBody } from "@/lib/http/json-route";
import { previewRule } from "@/lib/rules/preview";

export const dynamic = "force-dynamic";

/**
 * The change impact preview shown before saving: `{ action: "create", rule }`,
 * `{ action: "update", ruleId, rule }` or `{ action: "delete", ruleId }`. Writes nothing.
 */
export const POST = adminRoute("rules:write", async ({ request }) =>
  Response.json(await previewRule(await getPrisma(), { input: await readJsonBody(request) })),
);
