// The benchmark's floor (bench/scim.ts): the cheapest database-backed route this app can have —
// one primary-key SELECT on "User" through the app's database connection, no authentication, no
// logging. It answers the row's id and version only: no one is authenticated, so no personal data.
// `npm run bench:scim` measures it beside the no-database ceiling, so each SCIM phase can be read
// against what any route that touches the database reaches on the same machine. Off (404) unless
// BENCH_FLOOR_ROUTE=1, which only the benchmark's server sets. Deliberately outside lib/http/route.ts:
// the floor is the bare minimum (no request context, no log line), so the wrapper's cost shows in the
// phases measured against it.
import { getConfig } from "@/lib/config";
import { readUserRowForFloor } from "@/lib/db/floor";
import { AppError } from "@/lib/errors";
import { errorResponse } from "@/lib/http/error-response";

export const dynamic = "force-dynamic";

export async function GET(request: Request) {
  if (!getConfig().BENCH_FLOOR_ROUTE) return errorResponse(new AppError("not_found"));
  const id = (new URL(request.url).searchParams.get("id") ?? "").slice(0, 64);
  return Response.json({ user: await readUserRowForFloor(id) }, { headers: { "cache-control": "no-store" } });
}
