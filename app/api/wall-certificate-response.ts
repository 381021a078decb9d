// The answer of the certificate routes: the signed JSON as a download, or the printable page. Both
// set their own Content-Security-Policy (next.config.js leaves these paths out of the API's,
// lib/http/security-headers.js SELF_POLICED_API_PATHS): the page needs its inline style.
import { API_CSP } from "@/lib/http/security-headers.js";
import { wallCertificateHtml, type WallCertificate } from "@/lib/walls/certificate";

export function certificateResponse(certificate: WallCertificate, format: "json" | "html"): Response {
  if (format === "html") {
    return new Response(wallCertificateHtml(certificate), {
      headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store", "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'" },
    });
  }
  const day = certificate.period.to.slice(0, 10);
  return Response.json(certificate, {
    headers: {
      "content-disposition": `attachment; filename="wall-certificate-${certificate.wall.id}-${day}.json"`,
      "cache-control": "no-store",
      "content-security-policy": API_CSP,
    },
  });
}
