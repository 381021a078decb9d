import { idParams, jsonBody, route } from "@/lib/http/route";
import { getRepositoryDetail, repositoryView } from "@/lib/contracts/queries";
import { updateRepository } from "@/lib/contracts/service";

export const dynamic = "force-dynamic";

export const GET = route({ auth: { permission: "contracts:read" }, params: idParams }, async ({ db, params }) =>
  Response.json(await getRepositoryDetail(db, { id: params.id })),
);

export const PATCH = route({ auth: { permission: "contracts:write" }, params: idParams, body: jsonBody }, async ({ db, params, body, actor }) =>
  Response.json(repositoryView(await updateRepository(db, { id: params.id, input: body, actor }))),
);
