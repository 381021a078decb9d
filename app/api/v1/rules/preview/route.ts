import { jsonBody, route } from "@/lib/http/route";
import { pageInput } from "@/lib/pagination";
import { previewRule } from "@/lib/rules/preview";

export const dynamic = "force-dynamic";

/** Who would gain / lose access if the rule change were saved, and on which contracts (`?page=` of them); writes nothing. */
export const POST = route({ auth: { scope: "rules:write" }, body: jsonBody, query: pageInput }, async ({ db, body, query }) =>
  Response.json(await previewRule(db, { input: body, contractsPage: query })),
);
