import { getPrisma } from "@/lib/db/client";
import { adminRoute } from "@/lib/http/admin-route";
import { listRequestLogForAdmin } from "@/lib/directories/queries";

export const dynamic = "force-dynamic";

export const GET = adminRoute("directories:read", async ({ request }) =>
  Response.json(await listRequestLogForAdmin(await getPrisma(), Object.fromEntries(new URL(request.url).searchParams))),
);
