// The decision benchmark's floor (bench/decisions.ts): an authenticated AuthZEN-shaped route that
// answers a constant decision — the same wrapper, API key check, body read and request-id echo as
// /access/v1/evaluation, without resolving or deciding anything. `npm run bench:decisions` reads
// the evaluation endpoint's throughput against it. Off (404) unless BENCH_FLOOR_ROUTE=1.
import { requireJsonContentType } from "@/lib/authzen/protocol";
import { getConfig } from "@/lib/config";
import { AppError } from "@/lib/errors";
import { jsonBody, route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const POST = route({ auth: { scope: ["access:decide", "access:read"] }, body: jsonBody, echoRequestId: true }, ({ request }) => {
  if (!getConfig().BENCH_FLOOR_ROUTE) throw new AppError("not_found");
  requireJsonContentType(request);
  return Response.json({ decision: true });
});
