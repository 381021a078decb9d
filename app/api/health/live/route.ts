// Liveness: the process answers HTTP. No database, no logging — for load balancers and as the
// ceiling the benchmarks compare against.
export const dynamic = "force-dynamic";

export function GET() {
  return new Response("ok", { headers: { "content-type": "text/plain", "cache-control": "no-store" } });
}
