import { z } from "zod";
import { route } from "@/lib/http/route";
import { deliveryFilter, listDeliveries } from "@/lib/webhooks/service";

export const dynamic = "force-dynamic";

const query = deliveryFilter.extend({ page: z.string().optional(), pageSize: z.string().optional() });

/** The delivery log: ?endpointId=&status=pending|succeeded|failed&page=&pageSize= */
export const GET = route({ auth: { permission: "webhooks:manage" }, query }, async ({ db, query: { page, pageSize, ...filter } }) =>
  Response.json(await listDeliveries(db, { filter, page: { page, pageSize } })),
);
