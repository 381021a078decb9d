import { idParams, jsonBody, route } from "@/lib/http/route";
import { deleteRule, updateRule } from "@/lib/rules/service";
import { getRule } from "@/lib/rules/queries";

export const dynamic = "force-dynamic";

export const GET = route({ auth: { scope: "rules:read" }, params: idParams }, async ({ db, params }) => Response.json(await getRule(db, { id: params.id })));

/** Changes the given fields (a new version); `If-Match: "<version>"` guards concurrent edits. */
export const PATCH = route({ auth: { scope: "rules:write" }, params: idParams, body: jsonBody }, async ({ db, params, body, actor, ifMatch }) =>
  Response.json(await updateRule(db, { id: params.id, input: body, actor, expectedVersion: ifMatch })),
);

/** Deletes the rule (a final "deleted" version; history stays). Optional body: { justification }. */
export const DELETE = route(
  { auth: { scope: "rules:write" }, params: idParams, body: jsonBody.optional() },
  async ({ db, params, body, actor, ifMatch }) => Response.json(await deleteRule(db, { id: params.id, input: body, actor, expectedVersion: ifMatch })),
);
