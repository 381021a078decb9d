import { contractAccess } from "@/lib/api-v1/access";
import { apiJson, apiRoute, queryOf } from "@/lib/api-v1/route";

export const dynamic = "force-dynamic";

/** Who can open the contract (now or `at`), with level and reasons; paginated. */
export const GET = apiRoute<{ ref: string }>("access:read", async ({ prisma, params, url }) =>
  apiJson(await contractAccess(prisma, { ref: params.ref, query: queryOf(url) })),
);
