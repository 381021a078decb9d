import { route } from "@/lib/http/route";
import { listContractsForAdmin } from "@/lib/contracts/queries";
import { createContractInput } from "@/lib/contracts/schemas";
import { createContract } from "@/lib/contracts/service";

export const dynamic = "force-dynamic";

export const GET = route({ auth: { permission: "contracts:read" } }, async ({ db, query }) => Response.json(await listContractsForAdmin(db, query)));

export const POST = route({ auth: { permission: "contracts:write" }, body: createContractInput }, async ({ db, body, actor }) =>
  Response.json(await createContract(db, { input: body, actor }), { status: 201 }),
);
