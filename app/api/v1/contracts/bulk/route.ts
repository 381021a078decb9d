import { jsonBody, route } from "@/lib/http/route";
import { bulkUpsertContracts } from "@/lib/contracts/service";

export const dynamic = "force-dynamic";

/** Upserts up to 1,000 contracts by external reference: all or none. */
export const POST = route({ auth: { scope: "contracts:write" }, body: jsonBody }, async ({ db, body, actor }) =>
  Response.json(await bulkUpsertContracts(db, { input: body, actor })),
);
