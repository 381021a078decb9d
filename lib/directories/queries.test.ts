import { describe, expect, it } from "vitest";
import { setupTestDatabase } from "@/lib/testing/database";
import { newDirectory } from "@/lib/testing/scim";
import { listDirectoriesForAdmin, listRequestLogForAdmin, REQUEST_LOG_COUNT_CAP, requestStatsOf } from "./queries";

const { db } = setupTestDatabase();

describe("directory read models", () => {
  it("computes the 24-hour error rate and the last successful request from the request log", async () => {
    const prisma = db().prisma;
    const { directory } = await newDirectory("okta");
    const now = new Date();
    const ago = (ms: number) => new Date(now.getTime() - ms);
    const base = { directoryId: directory.id, method: "GET", path: "/Users", latencyMs: 3 };
    await prisma.requestLog.createMany({
      data: [
        { ...base, createdAt: ago(2 * 86_400_000), status: 200 }, // outside the 24 h window
        { ...base, createdAt: ago(3_600_000), status: 200 },
        { ...base, createdAt: ago(60_000), status: 500 },
        { ...base, createdAt: ago(30_000), status: 409 },
        { ...base, createdAt: ago(10_000), status: 304 },
      ],
    });
    const stats = (await requestStatsOf(prisma, [directory.id], now)).get(directory.id)!;
    expect(stats).toMatchObject({ requests24h: 4, errors24h: 2, errorRate24h: 0.5, lastSuccessAt: ago(10_000).toISOString() });
    const list = await listDirectoriesForAdmin(prisma, { search: directory.name }, now);
    expect(list.items[0]).toMatchObject({ id: directory.id, activeTokens: 1, requests24h: 4, errorRate24h: 0.5 });
  });

  it("filters the request log by status class, exact status, method, path and time, newest first", async () => {
    const prisma = db().prisma;
    const { directory } = await newDirectory();
    const t0 = new Date("2026-01-10T10:00:00Z").getTime();
    const at = (min: number) => new Date(t0 + min * 60_000);
    const base = { directoryId: directory.id, latencyMs: 5 };
    await prisma.requestLog.createMany({
      data: [
        { ...base, createdAt: at(0), method: "GET", path: "/Users?filter=userName%20eq%20%22a%22", status: 200 },
        { ...base, createdAt: at(1), method: "POST", path: "/Users", status: 201 },
        { ...base, createdAt: at(2), method: "POST", path: "/Users", status: 409, scimType: "uniqueness" },
        { ...base, createdAt: at(3), method: "PATCH", path: "/Groups/g1", status: 500 },
      ],
    });
    const list = (q: Record<string, string>) => listRequestLogForAdmin(prisma, { directoryId: directory.id, ...q });
    expect((await list({})).items.map((r) => r.status)).toEqual([500, 409, 201, 200]);
    expect((await list({ status: "4xx" })).items.map((r) => r.scimType)).toEqual(["uniqueness"]);
    expect((await list({ status: "errors" })).total).toBe(2);
    expect((await list({ status: "201" })).items.map((r) => r.method)).toEqual(["POST"]);
    expect((await list({ method: "POST", path: "users" })).total).toBe(2);
    expect((await list({ path: "FILTER" })).total).toBe(1);
    expect((await list({ from: at(1).toISOString(), to: at(3).toISOString() })).items.map((r) => r.status)).toEqual([409, 201]);
    expect((await list({ status: "", method: "", path: "" })).total).toBe(4);
    expect((await list({ pageSize: "1", page: "2" })).items.map((r) => r.status)).toEqual([409]);
    await expect(list({ method: "TRACE" })).rejects.toThrow();
    // Unauthenticated requests have no directory; "none" finds them.
    await prisma.requestLog.create({ data: { directoryId: null, method: "GET", path: "/Users", status: 401, latencyMs: 1 } });
    expect((await listRequestLogForAdmin(prisma, { directoryId: "none", status: "401" })).total).toBeGreaterThanOrEqual(1);
  });

  it("stops counting the request log at the cap", async () => {
    const prisma = db().prisma;
    const { directory } = await newDirectory();
    const rows = Array.from({ length: REQUEST_LOG_COUNT_CAP + 5 }, (_, i) => ({
      directoryId: directory.id, method: "GET", path: "/Users", status: 200, latencyMs: 1, createdAt: new Date(Date.now() - i * 1000),
    }));
    await prisma.requestLog.createMany({ data: rows });
    const page = await listRequestLogForAdmin(prisma, { directoryId: directory.id, pageSize: "10" });
    expect(page).toMatchObject({ total: REQUEST_LOG_COUNT_CAP, totalCapped: true });
    expect(page.items).toHaveLength(10);
  });
});
