import { getPrisma } from "@/lib/db/client";
import { actorOf, adminRoute } from "@/lib/http/admin-route";
import { exportEvidence } from "@/lib/evidence/export";

export const dynamic = "force-dynamic";

/** ?kind=…&id=…&from=ISO&to=ISO&format=csv|json|html[&part=…] — a file download, recorded in the audit trail. */
export const GET = adminRoute("evidence:export", async ({ request, principal, requestId }) => {
  const file = await exportEvidence(await getPrisma(), {
    input: Object.fromEntries(new URL(request.url).searchParams),
    actor: actorOf(principal, requestId, request),
  });
  const inline = file.contentType.startsWith("text/html");
  return new Response(file.body, {
    headers: {
      "content-type": file.contentType,
      // The printable summary opens in the browser (to print it); tables download.
      "content-disposition": `${inline ? "inline" : "attachment"}; filename="${file.filename}"`,
      "x-export-rows": String(file.rows),
      "x-export-truncated": String(file.truncated),
      "cache-control": "no-store",
    },
  });
});
