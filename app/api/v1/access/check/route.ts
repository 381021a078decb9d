import { accessCheck } from "@/lib/api-v1/access";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** ?user=…&contract=…&level=view[&at=…][&directory=…] → { allowed, level, reasons } */
export const GET = route({ auth: { scope: "access:read" } }, async ({ db, query }) => Response.json(await accessCheck(db, query)));
