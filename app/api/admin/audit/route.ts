import { getPrisma } from "@/lib/db/client";
import { adminRoute } from "@/lib/http/admin-route";
import { listAuditEvents } from "@/lib/audit/queries";

export const dynamic = "force-dynamic";

export const GET = adminRoute("audit:read", async ({ request }) =>
  Response.json(await listAuditEvents(await getPrisma(), Object.fromEntries(new URL(request.url).searchParams))),
);
