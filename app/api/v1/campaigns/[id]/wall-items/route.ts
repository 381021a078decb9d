import { idParams, route } from "@/lib/http/route";
import { pageInput } from "@/lib/pagination";
import { campaignWallItems, wallItemsQuery } from "@/lib/reviews/wall-review-queries";

export const dynamic = "force-dynamic";

export const GET = route(
  { auth: { scope: "access:read" }, params: idParams, query: pageInput.extend(wallItemsQuery.shape) },
  async ({ db, params, query: { page, pageSize, ...filter } }) => Response.json(await campaignWallItems(db, { id: params.id, filter, page: { page, pageSize } })),
);
