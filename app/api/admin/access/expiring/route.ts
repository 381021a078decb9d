import { z } from "zod";
import { listExpiringAccess } from "@/lib/access/expiring";
import { getConfig } from "@/lib/config";
import { getPrisma } from "@/lib/db/client";
import { adminRoute } from "@/lib/http/admin-route";

export const dynamic = "force-dynamic";

const query = z.object({ days: z.coerce.number().int().min(1).max(365).optional() });

/** Access ending within `days` (default ACCESS_EXPIRY_WARNING_DAYS): whoever reviews access sees it. */
export const GET = adminRoute("access:review", async ({ request }) => {
  const { days } = query.parse(Object.fromEntries(new URL(request.url).searchParams));
  return Response.json(await listExpiringAccess(await getPrisma(), { days: days ?? getConfig().ACCESS_EXPIRY_WARNING_DAYS }));
});
