// /api/metrics through its real route handler: off without METRICS_TOKEN, 401 without or with a
// wrong token, and a parseable Prometheus exposition with the SCIM counters and histogram this
// process counted (real SCIM requests) and the database gauges.
import { afterEach, describe, expect, it } from "vitest";
import { GET as metricsRoute } from "@/app/api/metrics/route";
import { resetConfigForTests } from "@/lib/config";
import { flushRequestLog } from "@/lib/scim/request-log";
import { setupTestDatabase } from "@/lib/testing/database";
import { newDirectory, patchBody } from "@/lib/testing/scim";
import { Gauge, Registry } from "prom-client";

setupTestDatabase();
const TOKEN = "metrics-token-for-tests-0123456789";

function withToken(token: string | undefined) {
  if (token) process.env.METRICS_TOKEN = token;
  else delete process.env.METRICS_TOKEN;
  resetConfigForTests();
}
afterEach(() => withToken(undefined));

const scrape = (authorization?: string) =>
  metricsRoute(new Request("http://localhost/api/metrics", { headers: authorization ? { authorization } : {} }));

interface Parsed {
  types: Map<string, string>;
  samples: { name: string; labels: Record<string, string>; value: number }[];
}

/** A strict-enough parser of the text format: every line is a comment or `name{labels} value`. */
function parse(text: string): Parsed {
  const types = new Map<string, string>();
  const samples: Parsed["samples"] = [];
  for (const line of text.trimEnd().split("\n")) {
    const type = /^# TYPE (\w+) (counter|gauge|histogram|summary|untyped)$/.exec(line);
    if (type) {
      types.set(type[1], type[2]);
      continue;
    }
    // The format allows blank lines (between families).
    if (line.startsWith("# HELP ") || line === "") continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`unparseable line: ${line}`);
    const labels: Record<string, string> = {};
    for (const pair of m[2] ? m[2].match(/\w+="(?:[^"\\]|\\.)*"/g) ?? [] : []) {
      const eq = pair.indexOf("=");
      labels[pair.slice(0, eq)] = pair.slice(eq + 2, -1);
    }
    const value = m[3] === "+Inf" ? Infinity : Number(m[3]);
    if (Number.isNaN(value) && m[3] !== "NaN") throw new Error(`bad value: ${line}`);
    samples.push({ name: m[1], labels, value });
  }
  return { types, samples };
}

describe("GET /api/metrics", () => {
  it("is off (404) unless METRICS_TOKEN is set, and wants that exact bearer token", async () => {
    withToken(undefined);
    expect((await scrape(`Bearer ${TOKEN}`)).status).toBe(404);
    withToken(TOKEN);
    expect((await scrape()).status).toBe(401);
    expect((await scrape(`Bearer ${TOKEN}x`)).status).toBe(401);
    expect((await scrape(`Basic ${TOKEN}`)).status).toBe(401);
    expect((await scrape(`Bearer ${TOKEN}`)).status).toBe(200);
  });

  it("exposes SCIM request counts and latency histograms, directory gauges and process metrics", async () => {
    const { directory, scim } = await newDirectory("okta");
    const created = await scim.post("/Users", { schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"], userName: `m-${Date.now()}@example.com`, favouriteColour: "teal" });
    expect(created.status).toBe(201);
    expect((await scim.get(`/Users/${created.body.id}`)).status).toBe(200);
    expect((await scim.get("/Users/does-not-exist")).status).toBe(404);
    expect((await scim.patch(`/Users/${created.body.id}`, patchBody({ op: "remove" }))).status).toBe(400);
    await flushRequestLog();

    withToken(TOKEN);
    const res = await scrape(`Bearer ${TOKEN}`);
    expect(res.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
    const { types, samples } = parse(await res.text());
    const mine = (name: string, extra: Record<string, string> = {}) =>
      samples.filter((s) => s.name === name && s.labels.directory === directory.id && Object.entries(extra).every(([k, v]) => s.labels[k] === v));

    expect(types.get("custodian_scim_requests_total")).toBe("counter");
    expect(types.get("custodian_scim_request_duration_seconds")).toBe("histogram");
    expect(mine("custodian_scim_requests_total", { method: "POST", resource: "Users", status_class: "2xx" })[0]?.value).toBe(1);
    expect(mine("custodian_scim_requests_total", { method: "GET", resource: "Users", status_class: "2xx" })[0]?.value).toBe(1);
    expect(mine("custodian_scim_requests_total", { method: "GET", resource: "Users", status_class: "4xx" })[0]?.value).toBe(1);
    expect(mine("custodian_scim_requests_total", { method: "PATCH", resource: "Users", status_class: "4xx" })[0]?.value).toBe(1);
    // No unbounded label: the user's id never appears.
    expect(samples.some((s) => Object.values(s.labels).includes(created.body.id as string))).toBe(false);

    const buckets = mine("custodian_scim_request_duration_seconds_bucket", { method: "GET", resource: "Users" });
    expect(buckets.at(-1)).toMatchObject({ labels: expect.objectContaining({ le: "+Inf" }), value: 2 });
    const values = buckets.map((b) => b.value);
    expect(values).toEqual([...values].sort((a, b) => a - b)); // cumulative
    expect(mine("custodian_scim_request_duration_seconds_count", { method: "GET", resource: "Users" })[0]?.value).toBe(2);
    expect(mine("custodian_scim_request_duration_seconds_sum", { method: "GET", resource: "Users" })[0]?.value).toBeGreaterThan(0);

    const lastSuccess = mine("custodian_directory_last_success_timestamp_seconds")[0]?.value ?? 0;
    expect(Math.abs(lastSuccess - Date.now() / 1000)).toBeLessThan(120);
    expect(mine("custodian_users", { state: "active" })[0]?.value).toBe(1);
    expect(mine("custodian_users", { state: "suspended" })[0]?.value).toBe(0);
    expect(samples.find((s) => s.name === "custodian_audit_events_total")?.value).toBeGreaterThan(0);
    expect(samples.find((s) => s.name === "process_resident_memory_bytes")?.value).toBeGreaterThan(0);
    expect(types.get("nodejs_eventloop_lag_seconds")).toBe("gauge");
  });

  it("escapes label values", async () => {
    const registry = new Registry();
    new Gauge({ name: "x", help: "h", labelNames: ["a"], registers: [registry] }).set({ a: 'q"\\\n' }, 1);
    const text = await registry.metrics();
    expect(text).toBe('# HELP x h\n# TYPE x gauge\nx{a="q\\"\\\\\\n"} 1\n');
  });
});
