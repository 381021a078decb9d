// Issue 14 item 9: what unauthenticated SCIM traffic can make the request log keep, and how far
// the in-memory write queue can grow while the database is slow — both bounded, and what was not
// written counted in /api/metrics. Real route handlers, the real database.
import { afterEach, describe, expect, it } from "vitest";
import { GET as metricsRoute } from "@/app/api/metrics/route";
import { runAt } from "@/lib/clock";
import { resetConfigForTests } from "@/lib/config";
import { setupTestDatabase, unique } from "@/lib/testing/database";
import { newDirectory, SCIM_BASE } from "@/lib/testing/scim";
import { flushRequestLog, logScimRequest } from "./request-log";
import { handleScimRequest } from "./router";

const { db } = setupTestDatabase();
const TOKEN = "metrics-token-for-request-log-tests-0123";
afterEach(() => {
  delete process.env.METRICS_TOKEN;
  resetConfigForTests();
});

async function dropped(reason: "sampled" | "queue_full"): Promise<number> {
  process.env.METRICS_TOKEN = TOKEN;
  resetConfigForTests();
  const res = await metricsRoute(new Request("http://localhost/api/metrics", { headers: { authorization: `Bearer ${TOKEN}` } }));
  expect(res.status).toBe(200);
  const match = new RegExp(`^custodian_scim_request_log_dropped_total\\{reason="${reason}"\\} (\\d+)$`, "m").exec(await res.text());
  return match ? Number(match[1]) : 0;
}

let octet = 0;
const newSource = () => `203.0.113.${++octet}`;
const scim = (path: string, headers: Record<string, string>) => handleScimRequest(new Request(`${SCIM_BASE}${path}`, { headers }));
const linesOf = (userAgent: string) => db().prisma.requestLog.count({ where: { userAgent } });

describe("request log bounds", () => {
  it("writes at most 10 unauthenticated failures per source per minute, counts the rest, and still logs other sources and authenticated calls", async () => {
    const source = newSource();
    const userAgent = unique("scanner");
    const sampledBefore = await dropped("sampled");
    const other = unique("other-source");
    // At the start of a minute of the application clock, so the burst cannot straddle two minutes.
    await runAt(new Date("2031-01-01T00:00:00Z"), async () => {
      for (let i = 0; i < 40; i++) {
        expect((await scim("/Users", { authorization: "Bearer not-a-token", "user-agent": userAgent, "x-forwarded-for": source })).status).toBe(401);
      }
      expect((await scim("/Users", { "user-agent": other, "x-forwarded-for": newSource() })).status).toBe(401);
    });
    // A directory calling from the same address is not sampled: every authenticated request is kept.
    const { token } = await newDirectory();
    const idp = unique("idp");
    for (let i = 0; i < 15; i++) {
      expect((await scim("/Users", { authorization: `Bearer ${token}`, "user-agent": idp, "x-forwarded-for": source })).status).toBe(200);
    }
    await flushRequestLog();
    expect(await linesOf(userAgent)).toBe(10);
    expect(await linesOf(other)).toBe(1);
    expect(await linesOf(idp)).toBe(15);
    expect((await dropped("sampled")) - sampledBefore).toBe(30);
  });

  it("caps what one unauthenticated line can hold", async () => {
    const userAgent = unique("long") + "u".repeat(1000);
    const res = await scim(`/Users/${"x".repeat(3000)}`, { "user-agent": userAgent, "x-forwarded-for": newSource() });
    expect(res.status).toBe(401);
    await flushRequestLog();
    const line = await db().prisma.requestLog.findFirst({ where: { userAgent: { startsWith: userAgent.slice(0, 40) } } });
    expect(line).not.toBeNull();
    expect(line!.path.length).toBeLessThanOrEqual(256);
    expect(line!.userAgent!.length).toBeLessThanOrEqual(256);
  });

  it("drops (and counts) entries past 5,000 waiting to be written instead of queueing without limit", async () => {
    const userAgent = unique("burst");
    const queueFullBefore = await dropped("queue_full");
    // A synchronous burst outruns every write, as a slow database would: all of it waits in memory.
    for (let i = 0; i < 6_000; i++) {
      logScimRequest(db().prisma, {
        createdAt: new Date(), directoryId: null, credentialId: `cred-${i}`, method: "GET", path: "/Users", status: 200, scimType: null,
        latencyMs: 1, ignoredCount: 0, ignoredAttributes: null, userAgent, requestId: null, clientRequestId: null,
      });
    }
    await flushRequestLog();
    expect(await linesOf(userAgent)).toBe(5_000);
    expect((await dropped("queue_full")) - queueFullBefore).toBe(1_000);
    // Once written, the queue takes entries again.
    logScimRequest(db().prisma, {
      createdAt: new Date(), directoryId: null, credentialId: "cred-after", method: "GET", path: "/Users", status: 200, scimType: null,
      latencyMs: 1, ignoredCount: 0, ignoredAttributes: null, userAgent, requestId: null, clientRequestId: null,
    });
    await flushRequestLog();
    expect(await linesOf(userAgent)).toBe(5_001);
  });
});
