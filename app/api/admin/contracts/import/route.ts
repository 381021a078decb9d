// CSV import of contracts: the body is the file (text/csv). ?dryRun=true validates only. Either
// way the answer is the validation report (row, column, problem); nothing is imported when any row
// is invalid (lib/contracts/csv-import.ts).
import { readBodyText } from "@/lib/http/body";
import { route } from "@/lib/http/route";
import { importContractsCsv, MAX_CSV_BYTES, validateContractsCsv } from "@/lib/contracts/csv-import";

export const dynamic = "force-dynamic";

export const POST = route({ auth: { permission: "contracts:write" }, accepts: ["text/csv"] }, async ({ db, request, query, actor }) => {
  // The importer reports an oversized file itself; a far larger body is refused (413) as soon as
  // it passes twice that, without reading the rest.
  const csv = await readBodyText(request, MAX_CSV_BYTES * 2);
  if (query.dryRun === "true") {
    const result = await validateContractsCsv(db, { csv });
    return Response.json(result.ok ? { ok: true, rows: result.items.length, dryRun: true } : result);
  }
  const result = await importContractsCsv(db, { csv, actor });
  return Response.json(result, { status: result.ok ? 200 : 422 });
});
