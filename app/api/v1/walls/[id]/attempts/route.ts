import { listBreachAttempts, summarizeBreachAttempts } from "@/lib/walls/queries";
import { attemptsQuery } from "@/lib/walls/schemas";
import { idParams, route } from "@/lib/http/route";
import { pageInput } from "@/lib/pagination";

export const dynamic = "force-dynamic";

/** Decision-API attempts the wall denied, newest first, with their summary per person. */
export const GET = route({ auth: { scope: "walls:read" }, params: idParams, query: pageInput.extend(attemptsQuery.shape) }, async ({ db, params, query: { page, pageSize, ...filter } }) =>
  Response.json({
    ...(await listBreachAttempts(db, { wallId: params.id, filter, page: { page, pageSize } })),
    summary: await summarizeBreachAttempts(db, { wallId: params.id, since: filter.from }),
  }));
