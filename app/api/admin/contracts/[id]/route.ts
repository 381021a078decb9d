import { z } from "zod";
import { getPrisma } from "@/lib/db/client";
import { actorOf, adminRoute } from "@/lib/http/admin-route";
import { readJsonBody } from "@/lib/http/json-route";
import { getContractDetail } from "@/lib/contracts/queries";
import { updateContract } from "@/lib/contracts/service";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ id: string }> };

export const GET = adminRoute<Context>("contracts:read", async ({ context }) => {
  const { id } = await context.params;
  return Response.json(await getContractDetail(await getPrisma(), { id }));
});

/** Body: the changed fields; `expectedVersion` (optional) refuses to overwrite someone else's edit. */
export const PATCH = adminRoute<Context>("contracts:write", async ({ request, context, principal, requestId }) => {
  const { id } = await context.params;
  const { expectedVersion, ...input } = z.object({ expectedVersion: z.number().int().optional() }).passthrough().parse(await readJsonBody(request));
  const contract = await updateContract(await getPrisma(), { id, input: input as never, expectedVersion, actor: actorOf(principal, requestId, request) });
  return Response.json(contract);
});
