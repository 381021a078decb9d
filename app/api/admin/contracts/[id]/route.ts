import { idParams, route } from "@/lib/http/route";
import { getContractDetail } from "@/lib/contracts/queries";
import { updateContractInput } from "@/lib/contracts/schemas";
import { updateContract } from "@/lib/contracts/service";

export const dynamic = "force-dynamic";

export const GET = route({ auth: { permission: "contracts:read" }, params: idParams }, async ({ db, params }) =>
  Response.json(await getContractDetail(db, { id: params.id })),
);

/** Body: the changed fields; `If-Match: "<version>"` (optional) refuses to overwrite someone else's edit. */
export const PATCH = route(
  { auth: { permission: "contracts:write" }, params: idParams, body: updateContractInput },
  async ({ db, params, body, actor, ifMatch }) =>
    Response.json(await updateContract(db, { id: params.id, input: body, expectedVersion: ifMatch, actor })),
);
