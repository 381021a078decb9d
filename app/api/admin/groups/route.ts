import { getPrisma } from "@/lib/db/client";
import { adminRoute } from "@/lib/http/admin-route";
import { listGroupsForAdmin } from "@/lib/groups/queries";

export const dynamic = "force-dynamic";

export const GET = adminRoute("groups:read", async ({ request }) =>
  Response.json(await listGroupsForAdmin(await getPrisma(), Object.fromEntries(new URL(request.url).searchParams))),
);
