import { getPrisma } from "@/lib/db/client";
import { actorOf, adminRoute } from "@/lib/http/admin-route";
import { readJsonBody } from "@/lib/http/json-route";
import { listContractsForAdmin } from "@/lib/contracts/queries";
import { createContract } from "@/lib/contracts/service";

export const dynamic = "force-dynamic";

export const GET = adminRoute("contracts:read", async ({ request }) =>
  Response.json(await listContractsForAdmin(await getPrisma(), Object.fromEntries(new URL(request.url).searchParams))),
);

export const POST = adminRoute("contracts:write", async ({ request, principal, requestId }) => {
  const contract = await createContract(await getPrisma(), { input: (await readJsonBody(request)) as never, actor: actorOf(principal, requestId, request) });
  return Response.json(contract, { status: 201 });
});
