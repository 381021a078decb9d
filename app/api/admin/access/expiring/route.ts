import { z } from "zod";
import { listExpiringAccess } from "@/lib/access/expiring";
import { getConfig } from "@/lib/config";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

const query = z.object({ days: z.coerce.number().int().min(1).max(365).optional() });

/** Access ending within `days` (default ACCESS_EXPIRY_WARNING_DAYS): whoever reviews access sees it. */
export const GET = route({ auth: { permission: "access:review" }, query }, async ({ db, query }) =>
  Response.json(await listExpiringAccess(db, { days: query.days ?? getConfig().ACCESS_EXPIRY_WARNING_DAYS })),
);
