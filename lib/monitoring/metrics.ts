// In-process SCIM request metrics for Prometheus. Counters and histograms live in this process's
// memory: each instance exposes its own, and Prometheus sums over instances (`sum by (…)`); they
// restart from zero with the process, which counters in Prometheus tolerate by design. Labels are
// bounded: the directory's id (not its renameable name), the resource type (not the path), the
// method from a fixed set and the status class.
import { monitorEventLoopDelay, type IntervalHistogram } from "node:perf_hooks";

/** Seconds; Prometheus' default buckets, trimmed to the range a SCIM request lives in. */
export const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

const RESOURCES = new Set(["Users", "Groups", ".search", "ServiceProviderConfig", "ResourceTypes", "Schemas", "Bulk", "oauth"]);
const METHODS = new Set(["GET", "POST", "PUT", "PATCH", "DELETE"]);

/** The bounded resource label of a SCIM sub-path: its first segment when known, else "other". */
export function resourceLabel(subPath: string): string {
  const first = subPath.split("/").find(Boolean) ?? "";
  return RESOURCES.has(first) ? first : "other";
}

export const statusClass = (status: number) => `${Math.floor(status / 100)}xx`;

interface Histogram {
  buckets: number[];
  sum: number;
  count: number;
}

const requests = new Map<string, number>();
const durations = new Map<string, Histogram>();
let loopDelay: IntervalHistogram | undefined;

/** JSON of the label values: a stable map key that is easy to turn back into labels. */
const key = (labels: Record<string, string>) => JSON.stringify(labels);

export function observeScimRequest(options: { directoryId: string | null; method: string; subPath: string; status: number; seconds: number }): void {
  const base = {
    directory: options.directoryId ?? "none",
    method: METHODS.has(options.method) ? options.method : "OTHER",
    resource: resourceLabel(options.subPath),
  };
  const counterKey = key({ ...base, status_class: statusClass(options.status) });
  requests.set(counterKey, (requests.get(counterKey) ?? 0) + 1);
  const histogramKey = key(base);
  let h = durations.get(histogramKey);
  if (!h) durations.set(histogramKey, (h = { buckets: DURATION_BUCKETS.map(() => 0), sum: 0, count: 0 }));
  DURATION_BUCKETS.forEach((le, i) => {
    if (options.seconds <= le) h.buckets[i]++;
  });
  h.sum += options.seconds;
  h.count++;
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
  requests.clear();
  durations.clear();
}

export interface Sample {
  labels: Record<string, string>;
  value: number;
}

export interface MetricFamily {
  name: string;
  help: string;
  type: "counter" | "gauge" | "histogram";
  samples: Sample[];
}

export function scimRequestFamilies(): MetricFamily[] {
  const histogramSamples: Sample[] = [];
  for (const [k, h] of durations) {
    const labels = JSON.parse(k) as Record<string, string>;
    // Buckets are cumulative in the exposition format; observe() counted each bucket it fits.
    DURATION_BUCKETS.forEach((le, i) => histogramSamples.push({ labels: { ...labels, le: String(le) }, value: h.buckets[i] }));
    histogramSamples.push({ labels: { ...labels, le: "+Inf" }, value: h.count });
    histogramSamples.push({ labels: { ...labels, __suffix: "_sum" }, value: h.sum });
    histogramSamples.push({ labels: { ...labels, __suffix: "_count" }, value: h.count });
  }
  return [
    {
      name: "custodian_scim_requests_total",
      help: "SCIM requests answered by this instance, by directory id, method, resource type and status class.",
      type: "counter",
      samples: [...requests].map(([k, value]) => ({ labels: JSON.parse(k) as Record<string, string>, value })),
    },
    {
      name: "custodian_scim_request_duration_seconds",
      help: "SCIM request latency on this instance, by directory id, method and resource type.",
      type: "histogram",
      samples: histogramSamples,
    },
  ];
}

export function processFamilies(): MetricFamily[] {
  const memory = process.memoryUsage();
  const cpu = process.cpuUsage();
  const lag = startEventLoopMonitor();
  // Nanoseconds → seconds; before the first sample the histogram reports NaN/0.
  const seconds = (ns: number) => (Number.isFinite(ns) ? ns / 1e9 : 0);
  const lagMean = seconds(lag.mean);
  const lagP99 = seconds(lag.percentile(99));
  lag.reset();
  const gauge = (name: string, help: string, value: number, type: MetricFamily["type"] = "gauge"): MetricFamily => ({
    name,
    help,
    type,
    samples: [{ labels: {}, value }],
  });
  return [
    gauge("process_resident_memory_bytes", "Resident set size in bytes.", memory.rss),
    gauge("nodejs_heap_used_bytes", "V8 heap in use, bytes.", memory.heapUsed),
    gauge("nodejs_heap_total_bytes", "V8 heap allocated, bytes.", memory.heapTotal),
    gauge("process_cpu_seconds_total", "User and system CPU time, seconds.", (cpu.user + cpu.system) / 1e6, "counter"),
    gauge("process_start_time_seconds", "Start time of the process, seconds since the epoch.", Math.round(Date.now() / 1000 - process.uptime())),
    gauge("nodejs_eventloop_lag_seconds", "Mean event loop delay since the last scrape, seconds.", lagMean),
    gauge("nodejs_eventloop_lag_p99_seconds", "99th percentile event loop delay since the last scrape, seconds.", lagP99),
  ];
}

const escapeLabel = (v: string) => v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
const escapeHelp = (v: string) => v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");

function formatValue(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Infinity) return "+Inf";
  if (v === -Infinity) return "-Inf";
  return String(v);
}

/** Prometheus text exposition format 0.0.4. */
export function renderExposition(families: MetricFamily[]): string {
  const lines: string[] = [];
  for (const f of families) {
    lines.push(`# HELP ${f.name} ${escapeHelp(f.help)}`, `# TYPE ${f.name} ${f.type}`);
    for (const s of f.samples) {
      const { __suffix, ...labels } = s.labels;
      const suffix = __suffix ?? (f.type === "histogram" ? "_bucket" : "");
      const pairs = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`);
      lines.push(`${f.name}${suffix}${pairs.length ? `{${pairs.join(",")}}` : ""} ${formatValue(s.value)}`);
    }
  }
  return `${lines.join("\n")}\n`;
}
