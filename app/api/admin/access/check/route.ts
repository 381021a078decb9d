import { route } from "@/lib/http/route";
import { checkOne } from "@/lib/access-review/queries";

export const dynamic = "force-dynamic";

/** ?userId=…&contractId=…[&level=view][&at=ISO] → { allowed, level, reasons, denial } */
export const GET = route({ auth: { permission: "access:review" } }, async ({ db, query }) => Response.json(await checkOne(db, query)));
