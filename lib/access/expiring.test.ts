import { describe, expect, it, vi } from "vitest";
import { GET as expiringRoute } from "@/app/api/admin/access/expiring/route";
import { openDatabase } from "@/lib/db/client";
import { setupRoleAccounts } from "@/lib/testing/admin-session";
import { setupTestDatabase } from "@/lib/testing/database";
import { listExpiringAccess, recordExpiryWarnings, type ExpiringItem } from "./expiring";
import { createExclusion } from "@/lib/exclusions/service";
import { admin, newWorld } from "@/lib/testing/access-world";

vi.mock("next-auth", async (importOriginal) => (await import("@/lib/testing/next-auth-session")).mockNextAuth(importOriginal));

const { db } = setupTestDatabase();
const { signInAs } = setupRoleAccounts(db);
const DAY = 86_400_000;
const inDays = (d: number) => new Date(Date.now() + d * DAY);

async function expiringWorld() {
  const w = await newWorld();
  const [ann, bob, cid] = [await w.user("ann"), await w.user("bob"), await w.user("cid")];
  const team = await w.group("team", [ann, bob]);
  const repo = await w.repository("repo");
  const soon = await w.contract(repo, { title: `ending-${w.tag}`, endDate: inDays(10) });
  const later = await w.contract(repo, { endDate: inDays(40) });
  await w.rule({ groupId: team, level: "view", repositoryId: repo });
  const rule = await w.rule({ name: `Team edits until soon ${w.tag}`, groupId: team, level: "edit", repositoryId: repo, validUntil: inDays(5) });
  const grant = await w.rule({ userId: cid, level: "view", contractId: later, validUntil: inDays(20) });
  return { w, ann, cid, repo, soon, later, rule, grant, ids: new Set([soon, later, rule, grant]) };
}

const mine = (items: ExpiringItem[], ids: Set<string>) => items.filter((i) => ids.has(i.id)).map((i) => [i.kind, i.id, i.people]);
const warnings = async (ids: Set<string>) =>
  (await db().prisma.auditEvent.findMany({ where: { action: "access.expiring", targetId: { in: [...ids] } }, orderBy: { seq: "asc" } })).map((e) => e.targetId);

describe("expiring access", () => {
  it("lists contracts ending, rules expiring and direct grants within the window, with the people concerned", async () => {
    const { w, soon, rule, grant, ids } = await expiringWorld();
    const { items } = await listExpiringAccess(w.prisma, { days: 30, limit: 500 });
    expect(mine(items, ids)).toEqual([
      ["rule", rule, 2],
      ["contract", soon, 2],
      ["grant", grant, 1],
    ]);
    const contract = items.find((i) => i.id === soon)!;
    expect(contract.reviewHref).toBe(`/dashboard/access-review?subject=contract&id=${soon}`);
    expect(contract.label).toBe(`ending-${w.tag}`);
    // A rule is named by its name; what it grants to whom is the detail.
    expect(items.find((i) => i.id === rule)).toMatchObject({ label: `Team edits until soon ${w.tag}`, detail: expect.stringMatching(/^Edit · /) });
    expect(mine((await listExpiringAccess(w.prisma, { days: 7, limit: 500 })).items, ids)).toEqual([["rule", rule, 2]]);
  });

  it("gives a date-only contract end as its last day beside the instant access ends; an instant end has none", async () => {
    const { w, soon, later, ids } = await expiringWorld();
    const day = inDays(8).toISOString().slice(0, 10);
    await w.changeContract(soon, { endDate: day });
    const items = (await listExpiringAccess(w.prisma, { days: 30, limit: 500 })).items.filter((i) => ids.has(i.id));
    const ending = items.find((i) => i.id === soon)!;
    expect(ending.endDay).toBe(day);
    expect(new Date(ending.endsAt).getTime()).toBeGreaterThan(new Date(`${day}T00:00:00Z`).getTime());
    expect(items.find((i) => i.id === later)).toBeUndefined();
    expect(items.filter((i) => i.kind !== "contract").every((i) => i.endDay === null)).toBe(true);
  });

  it("records one access.expiring event per item within the lead time, once across runs and runners", async () => {
    const { w, soon, rule, grant, ids } = await expiringWorld();
    await w.prisma.$transaction((tx) => recordExpiryWarnings(tx, { now: new Date(), leadDays: 7 }));
    expect(await warnings(ids)).toEqual([rule]);
    expect((await w.prisma.auditEvent.findFirstOrThrow({ where: { action: "access.expiring", targetId: rule } })).targetLabel).toBe(`Team edits until soon ${w.tag}`);
    const url = process.env.DATABASE_URL;
    const second = url ? await openDatabase({ databaseUrl: url, poolMax: 2 }) : undefined;
    try {
      const clients = [w.prisma, second?.prisma ?? w.prisma];
      await Promise.all(clients.map((c) => c.$transaction((tx) => recordExpiryWarnings(tx, { now: new Date(), leadDays: 30 }), { timeout: 60_000 })));
    } finally {
      await second?.close();
    }
    expect((await warnings(ids)).sort()).toEqual([rule, soon, grant].sort());
    const event = await w.prisma.auditEvent.findFirstOrThrow({ where: { action: "access.expiring", targetId: soon } });
    expect(event).toMatchObject({ targetType: "Contract", actorType: "system" });
    expect(event.after).toMatchObject({ kind: "contract", people: 2, daysLeft: 10 });

    // A contract extended into the window later is warned about for its new end date.
    await w.changeContract(soon, { endDate: inDays(12).toISOString() });
    await w.prisma.$transaction((tx) => recordExpiryWarnings(tx, { now: new Date(), leadDays: 30 }));
    expect((await warnings(new Set([soon]))).length).toBe(2);
  });

  it("does not count or warn about people an exclusion already denies (issue 19 item 4)", async () => {
    const { w, ann, cid, repo, later, rule, grant } = await expiringWorld();
    await createExclusion(w.prisma, { input: { userId: ann, repositoryId: repo, reason: "Left the deal team" }, actor: admin });
    await createExclusion(w.prisma, { input: { userId: cid, contractId: later, reason: "Conflict of interest" }, actor: admin });
    const { items } = await listExpiringAccess(w.prisma, { days: 30, limit: 500 });
    // the rule reaches bob only now; cid's grant reaches nobody
    expect(mine(items, new Set([rule, grant]))).toEqual([
      ["rule", rule, 1],
      ["grant", grant, 0],
    ]);
    await w.prisma.$transaction((tx) => recordExpiryWarnings(tx, { now: new Date(), leadDays: 30 }));
    expect(await warnings(new Set([grant]))).toEqual([]);
    const ruleWarning = await w.prisma.auditEvent.findFirstOrThrow({ where: { action: "access.expiring", targetId: rule } });
    expect(ruleWarning.after).toMatchObject({ people: 1 });
  });

  it("is visible to whoever can review access", async () => {
    const req = () => new Request("http://localhost/api/admin/access/expiring?days=30");
    signInAs(null);
    expect((await expiringRoute(req(), undefined)).status).toBe(401);
    signInAs("auditor");
    const res = await expiringRoute(req(), undefined);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ days: 30, items: expect.any(Array) });
    expect((await expiringRoute(new Request("http://localhost/api/admin/access/expiring?days=0"), undefined)).status).toBe(400);
  });
});
