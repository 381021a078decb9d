import { route } from "@/lib/http/route";
import { reviewAccess } from "@/lib/access-review/queries";

export const dynamic = "force-dynamic";

/** ?subject=contract|repository|user&id=…&at=ISO&page=&pageSize= */
export const GET = route({ auth: { permission: "access:review" } }, async ({ db, query }) => Response.json(await reviewAccess(db, query)));
