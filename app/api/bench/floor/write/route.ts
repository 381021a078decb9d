// The benchmark's write floor (bench/scim.ts): one single-row UPDATE … RETURNING of a bench-only
// table through the app's pool, no authentication, no logging — what a SCIM write phase is measured
// against. The table holds counters only, so the answer discloses nothing. Off (404) unless
// BENCH_FLOOR_ROUTE=1; outside lib/http/route.ts for the reason the read floor gives.
import { getConfig } from "@/lib/config";
import { writeBenchRowForFloor } from "@/lib/db/floor";
import { AppError } from "@/lib/errors";
import { errorResponse } from "@/lib/http/error-response";

export const dynamic = "force-dynamic";

export async function POST(request: Request) {
  if (!getConfig().BENCH_FLOOR_ROUTE) return errorResponse(new AppError("not_found"));
  const key = Number.parseInt(new URL(request.url).searchParams.get("key") ?? "0", 10) || 0;
  return Response.json({ row: await writeBenchRowForFloor(key) }, { headers: { "cache-control": "no-store" } });
}
