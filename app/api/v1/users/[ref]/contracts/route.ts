import { userContracts } from "@/lib/api-v1/access";
import { apiJson, apiRoute, queryOf } from "@/lib/api-v1/route";

export const dynamic = "force-dynamic";

/** The contracts the user can open (now or `at`), with level and reasons; paginated. */
export const GET = apiRoute<{ ref: string }>("access:read", async ({ prisma, params, url }) =>
  apiJson(await userContracts(prisma, { ref: params.ref, query: queryOf(url) })),
);
