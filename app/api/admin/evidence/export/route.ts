import { route } from "@/lib/http/route";
import { exportEvidence } from "@/lib/evidence/export";
import { API_CSP } from "@/lib/http/security-headers.js";

export const dynamic = "force-dynamic";

/** ?kind=…&id=…&from=ISO&to=ISO&format=csv|json|html[&part=…] — a file download, recorded in the audit trail. */
export const GET = route({ auth: { permission: "evidence:export" } }, async ({ db, query, actor }) => {
  const file = await exportEvidence(db, { input: query, actor });
  const inline = file.contentType.startsWith("text/html");
  return new Response(file.body, {
    headers: {
      "content-type": file.contentType,
      // The printable summary opens in the browser (to print it); tables download.
      "content-disposition": `${inline ? "inline" : "attachment"}; filename="${file.filename}"`,
      "x-export-rows": String(file.rows),
      "x-export-truncated": String(file.truncated),
      "cache-control": "no-store",
      // next.config.js leaves this route out of its blanket API policy (SELF_POLICED_API_PATHS).
      "content-security-policy": file.contentSecurityPolicy ?? API_CSP,
    },
  });
});
