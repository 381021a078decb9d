// CSV import of contracts: the body is the file (text/csv). ?dryRun=true validates only. Either
// way the answer is the validation report (row, column, problem); nothing is imported when any row
// is invalid (lib/contracts/csv-import.ts).
import { getPrisma } from "@/lib/db/client";
import { actorOf, adminRoute } from "@/lib/http/admin-route";
import { BodyTooLargeError } from "@/lib/http/json-route";
import { importContractsCsv, MAX_CSV_BYTES, validateContractsCsv } from "@/lib/contracts/csv-import";

export const dynamic = "force-dynamic";

export const POST = adminRoute("contracts:write", async ({ request, principal, requestId }) => {
  // The importer reports an oversized file itself; far larger bodies are refused unread.
  if (Number(request.headers.get("content-length") ?? 0) > MAX_CSV_BYTES * 2) throw new BodyTooLargeError();
  const csv = await request.text();
  const prisma = await getPrisma();
  if (new URL(request.url).searchParams.get("dryRun") === "true") {
    const result = await validateContractsCsv(prisma, { csv });
    return Response.json(result.ok ? { ok: true, rows: result.items.length, dryRun: true } : result);
  }
  const result = await importContractsCsv(prisma, { csv, actor: actorOf(principal, requestId, request) });
  return Response.json(result, { status: result.ok ? 200 : 422 });
});
