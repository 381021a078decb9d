import { idParams, jsonBody, route } from "@/lib/http/route";
import { deleteRule, updateRule } from "@/lib/rules/service";
import { getRule } from "@/lib/rules/queries";

export const dynamic = "force-dynamic";

export const GET = route({ auth: { permission: "rules:read" }, params: idParams }, async ({ db, params }) =>
  Response.json(await getRule(db, { id: params.id })),
);

/** Body: the changed fields; `If-Match: "<version>"` (optional) names the version the editor saw. */
export const PATCH = route({ auth: { permission: "rules:write" }, params: idParams, body: jsonBody }, async ({ db, params, body, actor, ifMatch }) =>
  Response.json(await updateRule(db, { id: params.id, input: body, expectedVersion: ifMatch, actor })),
);

/** Body (optional): `{ justification }`; `If-Match` as for PATCH. */
export const DELETE = route(
  { auth: { permission: "rules:write" }, params: idParams, body: jsonBody.optional() },
  async ({ db, params, body, actor, ifMatch }) => Response.json(await deleteRule(db, { id: params.id, input: body, expectedVersion: ifMatch, actor })),
);
