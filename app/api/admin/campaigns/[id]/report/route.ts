import { z } from "zod";
import { idParams, route } from "@/lib/http/route";
import { campaignReport, reportCsv } from "@/lib/reviews/queries";

export const dynamic = "force-dynamic";

const query = z.object({ format: z.enum(["json", "csv"]).default("json") });

export const GET = route({ auth: { permission: "campaigns:read" }, params: idParams, query }, async ({ db, params, query }) => {
  const report = await campaignReport(db, { id: params.id });
  if (query.format === "json") return Response.json(report);
  return new Response(reportCsv(report), {
    headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": `attachment; filename="campaign-${report.campaign.id}.csv"` },
  });
});
