import { jsonBody, refParams, route } from "@/lib/http/route";
import { getContract } from "@/lib/contracts/queries";
import { upsertContractByExternalRef } from "@/lib/contracts/service";

export const dynamic = "force-dynamic";

/** A contract by id or external reference. */
export const GET = route({ auth: { scope: "contracts:read" }, params: refParams }, async ({ db, params }) =>
  Response.json(await getContract(db, { ref: params.ref })),
);

/** Creates (201) or replaces (200) the contract with this external reference. */
export const PUT = route({ auth: { scope: "contracts:write" }, params: refParams, body: jsonBody }, async ({ db, params, body, actor }) => {
  const { contract, outcome } = await upsertContractByExternalRef(db, { externalRef: params.ref, input: body, actor });
  return Response.json({ ...contract, outcome }, { status: outcome === "created" ? 201 : 200 });
});
