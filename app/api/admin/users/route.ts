import { getPrisma } from "@/lib/db/client";
import { adminRoute } from "@/lib/http/admin-route";
import { listUsersForAdmin } from "@/lib/users/queries";

export const dynamic = "force-dynamic";

export const GET = adminRoute("users:read", async ({ request }) =>
  Response.json(await listUsersForAdmin(await getPrisma(), Object.fromEntries(new URL(request.url).searchParams))),
);
