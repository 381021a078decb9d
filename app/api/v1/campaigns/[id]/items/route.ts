import { idParams, route } from "@/lib/http/route";
import { pageInput } from "@/lib/pagination";
import { campaignItems, campaignItemsQuery } from "@/lib/reviews/queries";

export const dynamic = "force-dynamic";

export const GET = route(
  { auth: { scope: "access:read" }, params: idParams, query: pageInput.extend(campaignItemsQuery.shape) },
  async ({ db, params, query: { page, pageSize, ...filter } }) => Response.json(await campaignItems(db, { id: params.id, filter, page: { page, pageSize } })),
);
