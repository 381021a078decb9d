import { describe, expect, it, vi } from "vitest";
import { GET as reasonsRoute } from "@/app/api/admin/access/reasons/route";
import { GET as readersRoute } from "@/app/api/admin/access/readers/route";
import { whoCanAccessContract } from "@/lib/access/effective-access";
import { setupRoleAccounts } from "@/lib/testing/admin-session";
import { newWorld } from "@/lib/testing/access-world";
import { setupTestDatabase } from "@/lib/testing/database";

vi.mock("next-auth", async (importOriginal) => (await import("@/lib/testing/next-auth-session")).mockNextAuth(importOriginal));

const { db } = setupTestDatabase();
const { signInAs } = setupRoleAccounts(db);

const get = async (handler: typeof reasonsRoute, path: string, params: Record<string, string>) => {
  const res = await handler(new Request(`http://localhost/api/admin/access/${path}?${new URLSearchParams(params)}`), undefined);
  return { status: res.status, body: await res.json() };
};

/** 61 people reach one contract through two groups: 40 in Commercial (inside All Staff), 21 directly in All Staff. */
async function readersWorld() {
  const w = await newWorld();
  const pad = (i: number) => String(i).padStart(2, "0");
  const commercial: string[] = [];
  for (let i = 0; i < 40; i++) commercial.push(await w.user(`commercial-${pad(i)}`));
  const staff: string[] = [];
  for (let i = 0; i < 21; i++) staff.push(await w.user(`staff-${pad(i)}`));
  const legal = await w.group("Legal - Commercial", commercial);
  const all = await w.group("All Staff", [...staff, legal]);
  const repo = await w.repository("agreements");
  const contract = await w.contract(repo, { title: `Customer agreement ${w.tag}` });
  const rule = await w.rule({ groupId: all, level: "edit", repositoryId: repo });
  const grant = await w.rule({ userId: staff[3], level: "sign", contractId: contract, validUntil: new Date(Date.now() + 30 * 86_400_000) });
  return { w, commercial, staff, legal, all, contract, rule, grant };
}

describe("readers of a contract grouped by reason", () => {
  it("groups 61 readers through two groups into two reasons with counts, pages each, and finds one person by name", async () => {
    const { w, legal, all, contract, rule, grant } = await readersWorld();
    signInAs("auditor");

    const grouped = await get(reasonsRoute, "reasons", { contractId: contract });
    expect(grouped.status).toBe(200);
    expect(grouped.body.total).toBe(61);
    const groups = grouped.body.groups as { key: string; people: number; level: string; rule: { ruleId: string }; via: { kind: "group"; path: { groupId: string; displayName: string }[] } | { kind: "direct" } }[];
    expect(groups.map((g) => [g.people, g.level, g.rule.ruleId, g.via.kind === "group" ? g.via.path.map((h) => h.groupId) : "direct"])).toEqual([
      [1, "sign", grant, "direct"],
      [40, "edit", rule, [legal, all]],
      [21, "edit", rule, [all]],
    ]);
    const direct = await get(readersRoute, "readers", { contractId: contract, reason: groups[0].key });
    expect(direct.body.items.map((i: { user: { userName: string }; level: string }) => [i.user.userName, i.level])).toEqual([[`staff-03-${w.tag}@example.com`, "sign"]]);
    const via = groups[1].via;
    expect(via.kind === "group" && via.path.map((h) => h.displayName)).toEqual([`Legal - Commercial-${w.tag}`, `All Staff-${w.tag}`]);

    // Expanding a reason pages its people in name order, without overlap.
    const page1 = await get(readersRoute, "readers", { contractId: contract, reason: groups[1].key, pageSize: "25" });
    const page2 = await get(readersRoute, "readers", { contractId: contract, reason: groups[1].key, pageSize: "25", page: "2" });
    expect([page1.status, page1.body.total, page1.body.items.length, page2.body.items.length]).toEqual([200, 40, 25, 15]);
    const names = [...page1.body.items, ...page2.body.items].map((i: { user: { userName: string } }) => i.user.userName);
    expect(names).toEqual([...Array(40).keys()].map((i) => `commercial-${String(i).padStart(2, "0")}-${w.tag}@example.com`));
    expect(page1.body.items[0]).toMatchObject({ level: "edit", user: { active: true } });

    // The groups say what the per-person reasons say.
    const people = await whoCanAccessContract(w.prisma, { contractId: contract, offset: 0, limit: 100 });
    expect(people.total).toBe(61);
    const keys = new Set(groups.map((g) => g.key));
    for (const p of people.items) {
      for (const r of p.reasons) expect(keys).toContain(`${r.rule.versionId}:${r.via.kind === "group" ? r.via.path.map((h) => h.groupId).join(",") : "direct"}`);
    }

    // A search shows people again, with their reasons.
    const found = await get(readersRoute, "readers", { contractId: contract, q: "STAFF-07" });
    expect(found.status).toBe(200);
    expect(found.body.total).toBe(1);
    expect(found.body.items[0].user.userName).toBe(`staff-07-${w.tag}@example.com`);
    expect(found.body.items[0].reasons.map((r: { rule: { ruleId: string } }) => r.rule.ruleId)).toEqual([rule]);
    expect((await get(readersRoute, "readers", { contractId: contract, q: "100%" })).body.total).toBe(0);
  });

  it("asks for a review permission and a well-formed reason", async () => {
    const w = await newWorld();
    const contract = await w.contract(await w.repository("r"));
    signInAs(null);
    expect((await get(reasonsRoute, "reasons", { contractId: contract })).status).toBe(401);
    expect((await get(readersRoute, "readers", { contractId: contract })).status).toBe(401);
    signInAs("auditor");
    expect((await get(reasonsRoute, "reasons", { contractId: contract })).body).toMatchObject({ total: 0, groups: [] });
    expect((await get(readersRoute, "readers", { contractId: contract, reason: "nonsense" })).status).toBe(400);
    expect((await get(reasonsRoute, "reasons", { contractId: "no-such-contract" })).status).toBe(404);
  });
});
