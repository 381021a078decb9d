import { apiJson, apiRoute } from "@/lib/api-v1/route";
import { getContract } from "@/lib/contracts/queries";
import { upsertContractByExternalRef } from "@/lib/contracts/service";

export const dynamic = "force-dynamic";

type Params = { ref: string };

/** A contract by id or external reference. */
export const GET = apiRoute<Params>("contracts:read", async ({ prisma, params }) =>
  apiJson(await getContract(prisma, { ref: params.ref })),
);

/** Creates (201) or replaces (200) the contract with this external reference. */
export const PUT = apiRoute<Params>("contracts:write", async ({ prisma, params, actor, body }) => {
  const { contract, outcome } = await upsertContractByExternalRef(prisma, { externalRef: params.ref, input: await body(), actor });
  return apiJson({ ...contract, outcome }, { status: outcome === "created" ? 201 : 200 });
});
