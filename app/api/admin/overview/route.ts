import { getPrisma } from "@/lib/db/client";
import { adminRoute } from "@/lib/http/admin-route";
import { getOverview } from "@/lib/overview/queries";

export const dynamic = "force-dynamic";

export const GET = adminRoute("overview:read", async ({ request }) =>
  Response.json(await getOverview(await getPrisma(), Object.fromEntries(new URL(request.url).searchParams))),
);
