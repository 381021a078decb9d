import { apiJson, apiRoute } from "@/lib/api-v1/route";
import { bulkUpsertContracts } from "@/lib/contracts/service";

export const dynamic = "force-dynamic";

/** Upserts up to 1,000 contracts by external reference: all or none. */
export const POST = apiRoute("contracts:write", async ({ prisma, actor, body }) =>
  apiJson(await bulkUpsertContracts(prisma, { input: await body(), actor })),
);
