import { idParams, route } from "@/lib/http/route";
import { erasureCertificate, erasureCertificateHtml } from "@/lib/audit/certificate";
import { API_CSP } from "@/lib/http/security-headers.js";

export const dynamic = "force-dynamic";

// The signed erasure certificate as JSON (default) or a printable page (format=html). It sets its
// own policy on both (next.config.js leaves it out of the API's, see SELF_POLICED_API_PATHS).
export const GET = route({ auth: { permission: "audit:read" }, params: idParams }, async ({ db, params, query }) => {
  const certificate = await erasureCertificate(db, params.id);
  if (query.format === "html") {
    return new Response(erasureCertificateHtml(certificate), {
      headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store", "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'" },
    });
  }
  return Response.json(certificate, {
    headers: { "content-disposition": `attachment; filename="erasure-certificate-${params.id}.json"`, "cache-control": "no-store", "content-security-policy": API_CSP },
  });
});
