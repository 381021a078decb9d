import { getPrisma } from "@/lib/db/client";
import { adminRoute } from "@/lib/http/admin-route";
import { erasureCertificate, erasureCertificateHtml } from "@/lib/audit/certificate";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ id: string }> };

// The signed erasure certificate as JSON (default) or a printable page (format=html).
export const GET = adminRoute<Context>("audit:read", async ({ request, context }) => {
  const { id } = await context.params;
  const certificate = await erasureCertificate(await getPrisma(), id);
  if (new URL(request.url).searchParams.get("format") === "html") {
    return new Response(erasureCertificateHtml(certificate), {
      headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store", "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'" },
    });
  }
  return Response.json(certificate, {
    headers: { "content-disposition": `attachment; filename="erasure-certificate-${id}.json"`, "cache-control": "no-store" },
  });
});
