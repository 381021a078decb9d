// The benchmark's floor (bench/scim.ts): the cheapest database-backed route this app can have —
// one primary-key SELECT on "User" through the app's database connection, no authentication, no
// logging. It answers the row's id and version only: no one is authenticated, so no personal data.
// `npm run bench:scim` measures it beside the no-database ceiling, so each SCIM phase can be read
// against what any route that touches the database reaches on the same machine. Off (404) unless
// BENCH_FLOOR_ROUTE=1, which only the benchmark's server sets.
import { getConfig } from "@/lib/config";
import { readUserRowForFloor } from "@/lib/db/floor";
import { jsonError } from "@/lib/http/json-route";

export const dynamic = "force-dynamic";

export async function GET(request: Request) {
  if (!getConfig().BENCH_FLOOR_ROUTE) return jsonError(404, "not_found", "Not found");
  const id = (new URL(request.url).searchParams.get("id") ?? "").slice(0, 64);
  return Response.json({ user: await readUserRowForFloor(id) }, { headers: { "cache-control": "no-store" } });
}
