import { checkHealth } from "@/lib/health";
import { withRequestContext } from "@/lib/http/request-context";

export const dynamic = "force-dynamic";

export const GET = withRequestContext(async () => {
  const report = await checkHealth();
  return Response.json(report, {
    status: report.status === "ok" ? 200 : 503,
    headers: { "cache-control": "no-store" },
  });
});
