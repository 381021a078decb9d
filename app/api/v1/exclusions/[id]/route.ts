import { getExclusion } from "@/lib/exclusions/queries";
import { idParams, route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const GET = route({ auth: { scope: "access:read" }, params: idParams }, async ({ db, params }) => Response.json(await getExclusion(db, { id: params.id })));
