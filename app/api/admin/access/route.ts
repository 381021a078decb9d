import { getPrisma } from "@/lib/db/client";
import { adminRoute } from "@/lib/http/admin-route";
import { reviewAccess } from "@/lib/access-review/queries";

export const dynamic = "force-dynamic";

/** ?subject=contract|repository|user&id=…&at=ISO&page=&pageSize= */
export const GET = adminRoute("access:review", async ({ request }) =>
  Response.json(await reviewAccess(await getPrisma(), Object.fromEntries(new URL(request.url).searchParams))),
);
