import { contractAccess } from "@/lib/api-v1/access";
import { refParams, route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** Who can open the contract (now or `at`), with level and reasons; paginated. */
export const GET = route({ auth: { scope: "access:read" }, params: refParams }, async ({ db, params, query }) =>
  Response.json(await contractAccess(db, { ref: params.ref, query })),
);
