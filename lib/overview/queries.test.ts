import { describe, expect, it } from "vitest";
import { setupTestDatabase } from "@/lib/testing/database";
import { newDirectory } from "@/lib/testing/scim";
import { flushRequestLog } from "@/lib/scim/request-log";
import { createScimToken } from "@/lib/directories/service";
import { directoryHealth } from "@/lib/directories/health";
import { runAt } from "@/lib/clock";
import { processTimedEffects } from "@/lib/access/timed-effects";
import { newWorld } from "@/lib/testing/access-world";
import { accessByRepository, dayKeys, getOverview, provisioningActivity, recentRevocations, userStatusCounts } from "./queries";

const { db } = setupTestDatabase();
const USER = "urn:ietf:params:scim:schemas:core:2.0:User";

describe("overview read models", () => {
  it("counts provisioning events per UTC day, directory and operation", async () => {
    const prisma = db().prisma;
    const { directory, scim } = await newDirectory("entra");
    const a = await scim.post("/Users", { schemas: [USER], userName: "ov-a@example.com", active: true });
    await scim.post("/Users", { schemas: [USER], userName: "ov-b@example.com", active: true });
    await scim.patch(`/Users/${a.body.id}`, { schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], Operations: [{ op: "replace", path: "active", value: false }] });
    await scim.post("/Groups", { schemas: ["urn:ietf:params:scim:schemas:core:2.0:Group"], displayName: "ov-group", members: [{ value: a.body.id }] });

    const { days, rows } = await provisioningActivity(prisma, { days: 7 });
    expect(days).toHaveLength(7);
    expect(days[6]).toBe(new Date().toISOString().slice(0, 10));
    const mine = rows.filter((r) => r.directoryId === directory.id);
    expect(mine.every((r) => r.day === days[6])).toBe(true);
    expect(Object.fromEntries(mine.map((r) => [r.action, r.count]))).toEqual({ "user.created": 2, "user.deactivated": 1, "group.created": 1 });

    const status = (await userStatusCounts(prisma)).find((s) => s.directoryId === directory.id);
    expect(status).toMatchObject({ active: 1, deactivated: 1 });

    // A window that ends before the events sees none of them.
    const old = await provisioningActivity(prisma, { days: 7, now: new Date(Date.now() - 8 * 86_400_000) });
    expect(old.rows.filter((r) => r.directoryId === directory.id)).toEqual([]);
  });

  it("reports per-directory health from the request log and the tokens", async () => {
    const prisma = db().prisma;
    const { directory, scim } = await newDirectory("okta");
    await scim.get("/Users");
    await scim.get("/Users/does-not-exist");
    await flushRequestLog();
    await createScimToken(prisma, { directoryId: directory.id, input: { name: "soon", expiresAt: new Date(Date.now() + 3 * 86_400_000) }, actor: { type: "system" } });
    const health = (await directoryHealth(prisma)).find((h) => h.id === directory.id)!;
    expect(health.requests24h).toBe(2);
    expect(health.failed24h).toBe(1);
    expect(health.errorRate24h).toBeCloseTo(0.5);
    expect(health.lastSuccessAt).not.toBeNull();
    expect(new Date(health.lastSuccessAt!).getTime()).toBeGreaterThan(Date.now() - 60_000);
    expect(health).toMatchObject({ liveTokens: 2, tokensExpiringSoon: 1, tokensExpired: 0 });
    expect(new Date(health.nextTokenExpiry!).getTime()).toBeGreaterThan(Date.now());
  });

  it("assembles the whole overview", async () => {
    const overview = await getOverview(db().prisma, { days: "30" });
    expect(overview.days).toBe(30);
    expect(overview.activity.days).toHaveLength(30);
    expect(Array.isArray(overview.access)).toBe(true);
    await expect(getOverview(db().prisma, { days: "12" })).rejects.toThrow();
    expect(dayKeys(3, new Date("2026-03-01T23:59:00Z"))).toEqual(["2026-02-27", "2026-02-28", "2026-03-01"]);
  });

  it("counts granted and open contracts over the same contracts, and the ended ones still in grace apart", async () => {
    const w = await newWorld();
    const member = await w.user("reader");
    const g = await w.group("readers", [member]);
    const repo = await w.repository("grace");
    await w.contract(repo);
    await w.contract(repo);
    await w.contract(repo, { endDate: new Date(Date.now() - 2 * 86_400_000) });
    await w.rule({ groupId: g, level: "view", repositoryId: repo, graceDaysAfterEnd: 30 });

    const entry = (await accessByRepository(w.prisma)).find((r) => r.repositoryId === repo)!;
    const sum = (x: Record<string, number>) => Object.values(x).reduce((a, b) => a + b, 0);
    expect(sum(entry.granted)).toBe(2);
    expect(sum(entry.contracts)).toBe(2);
    expect(sum(entry.inGrace)).toBe(1);
  });

  it("lists every repository, not the first twelve", async () => {
    const w = await newWorld();
    const repos: string[] = [];
    for (let i = 0; i < 14; i++) repos.push(await w.repository(`many${i}`));
    const overview = await getOverview(w.prisma, { days: "7" });
    const listed = new Set(overview.access.map((r) => r.repositoryId));
    expect(repos.filter((r) => !listed.has(r))).toEqual([]);
    expect(overview.access.find((r) => r.repositoryId === repos[0])!.repository).toMatch(/^many0-/);
  });

  it("folds one contract end into one revocation line that names the contract and counts the people", async () => {
    const base = Date.now() - 300_000;
    const endAt = new Date(base + 60_000);
    const { w, repo } = await runAt(new Date(base), async () => {
      const w = await newWorld();
      const people = [await w.user("p1"), await w.user("p2"), await w.user("p3")];
      const g = await w.group("falcon", people);
      const repo = await w.repository("falcon");
      await w.contract(repo, { title: `Falcon SPA ${w.tag}`, endDate: endAt });
      await w.contract(repo);
      await w.rule({ groupId: g, level: "edit", repositoryId: repo });
      return { w, repo };
    });
    await processTimedEffects(w.prisma, { now: new Date() });

    const lines = (await recentRevocations(w.prisma)).filter((l) => l.repositories.some((r) => r.id === repo));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      people: 3,
      cause: { kind: "contract.end", contracts: [{ title: `Falcon SPA ${w.tag}` }] },
      repositories: [{ id: repo, name: expect.stringMatching(/^falcon-/) }],
    });
    expect(lines[0].examples).toHaveLength(3);
  });
});
