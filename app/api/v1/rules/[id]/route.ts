import { apiJson, apiRoute } from "@/lib/api-v1/route";
import { getRule } from "@/lib/rules/queries";
import { deleteRule, updateRule } from "@/lib/rules/service";

export const dynamic = "force-dynamic";

type Params = { id: string };

export const GET = apiRoute<Params>("rules:read", async ({ prisma, params }) => apiJson(await getRule(prisma, { id: params.id })));

/** Changes the given fields (a new version); `If-Match: "<version>"` guards concurrent edits. */
export const PATCH = apiRoute<Params>("rules:write", async ({ prisma, params, actor, body, expectedVersion }) =>
  apiJson(await updateRule(prisma, { id: params.id, input: await body(), actor, expectedVersion })),
);

/** Deletes the rule (a final "deleted" version; history stays). Optional body: { justification }. */
export const DELETE = apiRoute<Params>("rules:write", async ({ prisma, params, actor, body, expectedVersion }) =>
  apiJson(await deleteRule(prisma, { id: params.id, input: await body({ optional: true }), actor, expectedVersion })),
);
