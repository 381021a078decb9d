import { userContracts } from "@/lib/api-v1/access";
import { refParams, route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** The contracts the user can open (now or `at`), with level and reasons; paginated. */
export const GET = route({ auth: { scope: "access:read" }, params: refParams }, async ({ db, params, query }) =>
  Response.json(await userContracts(db, { ref: params.ref, query })),
);
