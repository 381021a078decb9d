// In-process SCIM request metrics for Prometheus. Counters and histograms live in this process's
// memory: each instance exposes its own, and Prometheus sums over instances (`sum by (…)`); they
// restart from zero with the process, which counters in Prometheus tolerate by design. Labels are
// bounded: the directory's id (not its renameable name), the resource type (not the path), the
// method from a fixed set and the status class.
import { monitorEventLoopDelay, type IntervalHistogram } from "node:perf_hooks";
import { Counter, Gauge, Histogram, Registry } from "prom-client";

/** Seconds; Prometheus' default buckets, trimmed to the range a SCIM request lives in. */
export const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

// By lower-case name: SCIM endpoint names match in any case (lib/scim/router.ts); the label is canonical.
const RESOURCES = new Map(
  ["Users", "Groups", ".search", "ServiceProviderConfig", "ResourceTypes", "Schemas", "Bulk", "oauth"].map((r) => [r.toLowerCase(), r]),
);
const METHODS = new Set(["GET", "POST", "PUT", "PATCH", "DELETE"]);

/** The bounded resource label of a SCIM sub-path: its first segment when known, else "other". */
export function resourceLabel(subPath: string): string {
  const first = subPath.split("/").find(Boolean) ?? "";
  return RESOURCES.get(first.toLowerCase()) ?? "other";
}

export const statusClass = (status: number) => `${Math.floor(status / 100)}xx`;

/** This process's metrics (each instance exposes its own; not prom-client's global registry). */
export const registry = new Registry();

const scimRequests = new Counter({
  name: "custodian_scim_requests_total",
  help: "SCIM requests answered by this instance, by directory id, method, resource type and status class.",
  labelNames: ["directory", "method", "resource", "status_class"] as const,
  registers: [registry],
});

const scimDurations = new Histogram({
  name: "custodian_scim_request_duration_seconds",
  help: "SCIM request latency on this instance, by directory id, method and resource type.",
  labelNames: ["directory", "method", "resource"] as const,
  buckets: [...DURATION_BUCKETS],
  registers: [registry],
});

const requestLogDropped = new Counter({
  name: "custodian_scim_request_log_dropped_total",
  help: "SCIM request-log lines this instance did not write: sampled (unauthenticated failures over the per-source or per-minute allowance) or queue_full (the write queue was full while the database was slow).",
  labelNames: ["reason"] as const,
  registers: [registry],
});
const zeroRequestLogDrops = () => {
  for (const reason of ["sampled", "queue_full"] as const) requestLogDropped.inc({ reason }, 0);
};
zeroRequestLogDrops();

/** A request-log line not written (lib/scim/request-log.ts). */
export function countRequestLogDrop(reason: "sampled" | "queue_full"): void {
  requestLogDropped.inc({ reason });
}

let loopDelay: IntervalHistogram | undefined;

export function observeScimRequest(options: { directoryId: string | null; method: string; subPath: string; status: number; seconds: number }): void {
  const base = {
    directory: options.directoryId ?? "none",
    method: METHODS.has(options.method) ? options.method : "OTHER",
    resource: resourceLabel(options.subPath),
  };
  scimRequests.inc({ ...base, status_class: statusClass(options.status) });
  scimDurations.observe(base, options.seconds);
}

/** Starts sampling the event loop delay (once per process; cheap, timer based). */
export function startEventLoopMonitor(): IntervalHistogram {
  if (!loopDelay) {
    loopDelay = monitorEventLoopDelay({ resolution: 20 });
    loopDelay.enable();
  }
  return loopDelay;
}

/** Test seam: forget everything counted so far in this process. */
export function resetMetricsForTests(): void {
  scimRequests.reset();
  scimDurations.reset();
  requestLogDropped.reset();
  zeroRequestLogDrops();
}

// Process metrics, read when scraped. Names and meanings predate prom-client's default metrics
// (dashboards use them), so they are defined here rather than by collectDefaultMetrics().
const processGauge = (name: string, help: string, read: () => number) =>
  new Gauge({
    name,
    help,
    registers: [registry],
    collect() {
      this.set(read());
    },
  });

processGauge("process_resident_memory_bytes", "Resident set size in bytes.", () => process.memoryUsage().rss);
processGauge("nodejs_heap_used_bytes", "V8 heap in use, bytes.", () => process.memoryUsage().heapUsed);
processGauge("nodejs_heap_total_bytes", "V8 heap allocated, bytes.", () => process.memoryUsage().heapTotal);
let cpuSecondsCounted = 0;
new Counter({
  name: "process_cpu_seconds_total",
  help: "User and system CPU time, seconds.",
  registers: [registry],
  collect() {
    const cpu = process.cpuUsage();
    const total = (cpu.user + cpu.system) / 1e6;
    this.inc(Math.max(0, total - cpuSecondsCounted));
    cpuSecondsCounted = Math.max(total, cpuSecondsCounted);
  },
});
processGauge("process_start_time_seconds", "Start time of the process, seconds since the epoch.", () => Math.round(Date.now() / 1000 - process.uptime()));

// Nanoseconds → seconds; before the first sample the histogram reports NaN/0. Both lag gauges
// describe the interval since the last scrape: the second one read resets the histogram.
const lagSeconds = (ns: number) => (Number.isFinite(ns) ? ns / 1e9 : 0);
let lagP99 = 0;
processGauge("nodejs_eventloop_lag_seconds", "Mean event loop delay since the last scrape, seconds.", () => {
  const lag = startEventLoopMonitor();
  const mean = lagSeconds(lag.mean);
  lagP99 = lagSeconds(lag.percentile(99));
  lag.reset();
  return mean;
});
processGauge("nodejs_eventloop_lag_p99_seconds", "99th percentile event loop delay since the last scrape, seconds.", () => lagP99);

const authzenDecisions = new Counter({
  name: "custodian_authzen_decisions_total",
  help: "Decisions answered by this instance's AuthZEN API, by endpoint (evaluation, evaluations) and outcome (permit, deny, error: a malformed batch item).",
  labelNames: ["endpoint", "outcome"] as const,
  registers: [registry],
});
for (const endpoint of ["evaluation", "evaluations"] as const) for (const outcome of ["permit", "deny", "error"] as const) authzenDecisions.inc({ endpoint, outcome }, 0);

/** Decisions of one AuthZEN request, counted per outcome (lib/authzen). */
export function countDecisions(options: { endpoint: "evaluation" | "evaluations"; permit: number; deny: number; error: number }): void {
  for (const outcome of ["permit", "deny", "error"] as const) if (options[outcome] > 0) authzenDecisions.inc({ endpoint: options.endpoint, outcome }, options[outcome]);
}

const decisionLogDropped = new Counter({
  name: "custodian_decision_log_dropped_total",
  help: "Permits the decision log did not record: its in-process buffer was full (the database was slow to take the batches).",
  registers: [registry],
});
decisionLogDropped.inc(0);

/** A permit the decision log's full buffer could not hold (lib/authzen/decision-log.ts). */
export function countDecisionLogDrop(n = 1): void {
  decisionLogDropped.inc(n);
}
