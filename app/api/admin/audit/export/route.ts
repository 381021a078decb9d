import { z } from "zod";
import { getPrisma } from "@/lib/db/client";
import { adminRoute } from "@/lib/http/admin-route";
import { AUDIT_EXPORT_FORMATS, auditExportStream } from "@/lib/audit/queries";

export const dynamic = "force-dynamic";

// The filtered trail as a streamed download (GET, so a plain link works and the browser shows
// its own download progress).
export const GET = adminRoute("audit:export", async ({ request }) => {
  const { format = "csv", ...filters } = Object.fromEntries(new URL(request.url).searchParams);
  const chosen = z.enum(AUDIT_EXPORT_FORMATS).parse(format);
  const stream = auditExportStream(await getPrisma(), { input: filters, format: chosen });
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  return new Response(stream, {
    headers: {
      "content-type": chosen === "csv" ? "text/csv; charset=utf-8" : "application/json; charset=utf-8",
      "content-disposition": `attachment; filename="custodian-audit-${stamp}.${chosen}"`,
      "cache-control": "no-store",
    },
  });
});
