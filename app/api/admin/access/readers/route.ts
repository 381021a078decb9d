import { route } from "@/lib/http/route";
import { contractReadersPage } from "@/lib/access-review/queries";

export const dynamic = "force-dynamic";

/** ?contractId=…&at=ISO&reason=KEY|q=TEXT&page=&pageSize= — one page of the contract's readers. */
export const GET = route({ auth: { permission: "access:review" } }, async ({ db, query }) =>
  Response.json(await contractReadersPage(db, query)),
);
