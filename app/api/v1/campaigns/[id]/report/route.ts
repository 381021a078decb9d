import { idParams, route } from "@/lib/http/route";
import { campaignReport, reportCsvFile, reportQuery } from "@/lib/reviews/queries";

export const dynamic = "force-dynamic";

export const GET = route({ auth: { scope: "access:read" }, params: idParams, query: reportQuery }, async ({ db, params, query }) => {
  const report = await campaignReport(db, { id: params.id });
  if (query.format === "json") return Response.json(report);
  const file = reportCsvFile(report);
  return new Response(file.body, { headers: { "content-type": file.contentType, "content-disposition": `attachment; filename="${file.filename}"` } });
});
