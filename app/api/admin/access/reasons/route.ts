import { route } from "@/lib/http/route";
import { contractReaderGroups } from "@/lib/access-review/queries";

export const dynamic = "force-dynamic";

/** ?contractId=…&at=ISO — the contract's readers grouped by reason (rule, level, group chain), with counts. */
export const GET = route({ auth: { permission: "access:review" } }, async ({ db, query }) =>
  Response.json(await contractReaderGroups(db, query)),
);
