import { route } from "@/lib/http/route";
import { contractTypes } from "@/lib/contracts/queries";

export const dynamic = "force-dynamic";

/** Contract types in use (for filters and rule forms). */
export const GET = route({ auth: { permission: "contracts:read" } }, async ({ db, query }) =>
  Response.json({ items: await contractTypes(db, { repositoryId: query.repositoryId }) }),
);
