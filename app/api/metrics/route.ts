import { getConfig } from "@/lib/config";
import { getPrisma } from "@/lib/db/client";
import { metricsResponse } from "@/lib/monitoring/prometheus";

export const dynamic = "force-dynamic";

/** Prometheus scrape endpoint (README "Monitoring"): Bearer METRICS_TOKEN; 404 when unset. */
export const GET = (request: Request) => metricsResponse(getPrisma, { request, token: getConfig().METRICS_TOKEN });
