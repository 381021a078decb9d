// The benchmark's list floor (bench/scim.ts): one SELECT of 100 "User" rows with their total
// through the app's pool, no authentication, no logging — what the SCIM list page is measured
// against. Ids and versions only: no personal data. Off (404) unless BENCH_FLOOR_ROUTE=1.
import { getConfig } from "@/lib/config";
import { listUserRowsForFloor } from "@/lib/db/floor";
import { AppError } from "@/lib/errors";
import { errorResponse } from "@/lib/http/error-response";

export const dynamic = "force-dynamic";

export async function GET(request: Request) {
  if (!getConfig().BENCH_FLOOR_ROUTE) return errorResponse(new AppError("not_found"));
  const offset = Number.parseInt(new URL(request.url).searchParams.get("offset") ?? "0", 10) || 0;
  return Response.json(await listUserRowsForFloor(Math.min(offset, 1_000_000)), { headers: { "cache-control": "no-store" } });
}
