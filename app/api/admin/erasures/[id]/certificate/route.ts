import { idParams, route } from "@/lib/http/route";
import { erasureCertificate, erasureCertificateHtml } from "@/lib/audit/certificate";

export const dynamic = "force-dynamic";

// The signed erasure certificate as JSON (default) or a printable page (format=html).
export const GET = route({ auth: { permission: "audit:read" }, params: idParams }, async ({ db, params, query }) => {
  const certificate = await erasureCertificate(db, params.id);
  if (query.format === "html") {
    return new Response(erasureCertificateHtml(certificate), {
      headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store", "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'" },
    });
  }
  return Response.json(certificate, {
    headers: { "content-disposition": `attachment; filename="erasure-certificate-${params.id}.json"`, "cache-control": "no-store" },
  });
});
