import { getConfig } from "@/lib/config";
import { getPrisma } from "@/lib/db/client";
import { route } from "@/lib/http/route";
import { metricsResponse } from "@/lib/monitoring/prometheus";

export const dynamic = "force-dynamic";

/** Prometheus scrape endpoint (README "Monitoring"): Bearer METRICS_TOKEN (checked by metricsResponse); 404 when unset. */
export const GET = route({ auth: "none" }, ({ request }) => metricsResponse(getPrisma, { request, token: getConfig().METRICS_TOKEN }));
