import { idParams, route } from "@/lib/http/route";
import { pageInput } from "@/lib/pagination";
import { campaignWallItems, wallItemsQuery } from "@/lib/reviews/wall-review-queries";

export const dynamic = "force-dynamic";

/** A wall review's items (filter: state, liftResolution=pending for the lifts waiting for an answer). */
export const GET = route(
  { auth: { permission: "campaigns:read" }, params: idParams, query: pageInput.extend(wallItemsQuery.shape) },
  async ({ db, params, query: { page, pageSize, ...filter } }) => Response.json(await campaignWallItems(db, { id: params.id, filter, page: { page, pageSize } })),
);
