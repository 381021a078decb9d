import { jsonBody, route } from "@/lib/http/route";
import { previewRule } from "@/lib/rules/preview";

export const dynamic = "force-dynamic";

/** Who would gain / lose access if the rule change were saved; writes nothing. */
export const POST = route({ auth: { scope: "rules:write" }, body: jsonBody }, async ({ db, body }) => Response.json(await previewRule(db, { input: body })));
