import { idParams, route } from "@/lib/http/route";
import { listRuleVersions } from "@/lib/rules/queries";

export const dynamic = "force-dynamic";

export const GET = route({ auth: { scope: "rules:read" }, params: idParams }, async ({ db, params }) =>
  Response.json({ items: await listRuleVersions(db, { ruleId: params.id }) }),
);
