import { idParams, route } from "@/lib/http/route";
import { signedCampaignReportFile } from "@/lib/reviews/export";

export const dynamic = "force-dynamic";

export const GET = route({ auth: { scope: "access:read" }, params: idParams }, async ({ db, params }) => {
  const file = await signedCampaignReportFile(db, { id: params.id });
  return new Response(file.body, { headers: { "content-type": file.contentType, "content-disposition": `attachment; filename="${file.filename}"` } });
});
