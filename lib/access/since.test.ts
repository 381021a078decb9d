// "Since when, in one field" (issue 15): per reader of a contract, the instant from which they have
// had access at their level (or higher) without a break, checked against a history built by hand on a
// back-dated clock — joined before the rule existed, the rule created later, deactivated and
// reactivated, left and rejoined, nested later, a higher level granted later, the contract coming
// into a rule's scope by a revision — and against the point-in-time engine on both sides of it.
// Answered by /api/v1/contracts/{ref}/access and the dashboard's reader lists, for the page only.
import { describe, expect, it } from "vitest";
import { runAt } from "@/lib/clock";
import { checkAccess } from "@/lib/access/effective-access";
import { levelRank, type Level } from "@/lib/access/levels";
import { contractAccessPage, contractReadersPage } from "@/lib/access-review/queries";
import { setupTestDatabase } from "@/lib/testing/database";
import { callRoute, newApiKey } from "@/lib/testing/api-v1";
import { newWorld } from "@/lib/testing/access-world";
import * as contractAccessRoute from "@/app/api/v1/contracts/[ref]/access/route";
import { accessSince } from "./intervals";

setupTestDatabase();

const DAY = 86_400_000;
const base = Date.now();
const day = (n: number) => new Date(base - n * DAY);

describe("since: continuous access at the reader's level, up to at", () => {
  it("matches a hand-built history and the point-in-time engine on both sides of it", async () => {
    const w = await runAt(day(20), () => newWorld());
    const at = (n: number, fn: () => Promise<unknown>) => runAt(day(n), fn);
    const ids: Record<string, string> = {};
    let legal = "", sales = "", team = "", repo = "", contract = "";
    await at(20, async () => {
      for (const name of ["ann", "bob", "carl", "dora", "eve", "gina"]) ids[name] = await w.user(name);
      legal = await w.group("legal");
      sales = await w.group("sales", [ids.gina]);
      team = await w.group("team", [ids.carl]);
      repo = await w.repository("leases");
      contract = await w.contract(repo, { type: "NDA" });
      // Sales may see MSAs only: the contract is an NDA until day 7.
      await w.rule({ groupId: sales, level: "view", repositoryId: repo, contractTypes: ["MSA"] });
    });
    await at(18, () => w.addMembers(legal, [ids.ann, ids.bob, ids.dora, ids.eve]));
    await at(15, () => w.rule({ groupId: legal, level: "view", repositoryId: repo })); // after they joined
    await at(14, () => w.removeMember(legal, ids.eve));
    await at(13, () => w.addMembers(legal, [ids.eve])); // left and rejoined
    await at(12, () => w.addMembers(legal, [team])); // carl's team nested into legal
    await at(10, () => w.setActive(ids.ann, false));
    await at(8, () => w.setActive(ids.ann, true)); // deactivated and reactivated
    await at(7, () => w.changeContract(contract, { contractType: "MSA" })); // into sales' scope
    await at(5, () => w.rule({ userId: ids.dora, level: "edit", contractId: contract, validUntil: new Date(base + 30 * DAY) })); // higher level later
    const now = new Date(base + 1000);

    const expected: Record<string, [number, Level]> = { ann: [8, "view"], bob: [15, "view"], carl: [12, "view"], dora: [5, "edit"], eve: [13, "view"], gina: [7, "view"] };
    const page = await contractAccessPage(w.prisma, { contractId: contract, at: now, pageSize: 50 });
    expect(page.total).toBe(6);
    const byId = new Map(page.items.map((i) => [i.user.id, i]));
    for (const [name, [n, level]] of Object.entries(expected)) {
      const item = byId.get(ids[name])!;
      expect(item.level, name).toBe(level);
      // Written on a clock started at that day (plus the milliseconds the writes took).
      expect(item.since!.getTime() - day(n).getTime(), name).toBeGreaterThanOrEqual(0);
      expect(item.since!.getTime() - day(n).getTime(), name).toBeLessThan(60_000);
      // The engine agrees: at `since` the level holds; just before, it did not.
      const atSince = await checkAccess(w.prisma, { userId: ids[name], contractId: contract, at: item.since! });
      const before = await checkAccess(w.prisma, { userId: ids[name], contractId: contract, at: new Date(item.since!.getTime() - 1) });
      expect(levelRank(atSince.level!), name).toBeGreaterThanOrEqual(levelRank(level));
      expect(before.level === null || levelRank(before.level) < levelRank(level), name).toBe(true);
    }

    // In the past: at day 9 Ann was deactivated (not a reader); Dora had view since the rule, day 15.
    const past = await accessSince(w.prisma, { contractId: contract, at: day(9), readers: [{ userId: ids.dora, level: "view" }, { userId: ids.ann, level: "view" }] });
    expect(past.get(ids.dora)!.getTime() - day(15).getTime()).toBeLessThan(60_000);
    expect(past.get(ids.ann)).toBeUndefined();

    // The API and the dashboard's reader list say the same, for their page.
    const { key } = await newApiKey(["access:read"]);
    const api = await callRoute(contractAccessRoute.GET, { path: `/api/v1/contracts/${contract}/access?pageSize=2`, params: { ref: contract }, key });
    expect(api.status).toBe(200);
    expect(api.body.items).toHaveLength(2);
    for (const item of api.body.items as { user: { id: string }; since: string }[]) expect(item.since).toBe(byId.get(item.user.id)!.since!.toISOString());
    const readers = await contractReadersPage(w.prisma, { contractId: contract, q: "dora" });
    expect(readers.items.map((r) => [r.user.id, r.since?.toISOString()])).toEqual([[ids.dora, byId.get(ids.dora)!.since!.toISOString()]]);
  });
});
