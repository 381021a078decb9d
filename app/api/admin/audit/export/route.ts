import { z } from "zod";
import { route } from "@/lib/http/route";
import { AUDIT_EXPORT_FORMATS, auditExportStream } from "@/lib/audit/queries";

export const dynamic = "force-dynamic";

// The filtered trail as a streamed download (GET, so a plain link works and the browser shows
// its own download progress).
export const GET = route({ auth: { permission: "audit:export" } }, async ({ db, query }) => {
  const { format = "csv", ...filters } = query;
  const chosen = z.enum(AUDIT_EXPORT_FORMATS).parse(format);
  const stream = auditExportStream(db, { input: filters, format: chosen });
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  return new Response(stream, {
    headers: {
      "content-type": chosen === "csv" ? "text/csv; charset=utf-8" : "application/json; charset=utf-8",
      "content-disposition": `attachment; filename="custodian-audit-${stamp}.${chosen}"`,
      "cache-control": "no-store",
    },
  });
});
