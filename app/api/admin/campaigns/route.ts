import { route } from "@/lib/http/route";
import { listCampaigns } from "@/lib/reviews/queries";

export const dynamic = "force-dynamic";

export const GET = route({ auth: { permission: "campaigns:read" } }, async ({ db, query }) =>
  Response.json(await listCampaigns(db, { page: { page: query.page, pageSize: query.pageSize } })),
);
