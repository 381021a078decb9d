// Impact previews look ahead and list the contracts (issue 15): a rule that starts in 30 days is
// previewed at its start and says so — a contract that ends before then gains nothing — and the
// contracts gaining are listed a page at a time. The real route handler, a real database.
import { describe, expect, it } from "vitest";
import { setupTestDatabase } from "@/lib/testing/database";
import { callRoute, documentProblems, newApiKey } from "@/lib/testing/api-v1";
import { newWorld } from "@/lib/testing/access-world";
import { POST as preview } from "./route";

setupTestDatabase();

const DAY = 86_400_000;

describe("POST /api/v1/rules/preview", () => {
  it("previews a rule that starts in 30 days at its start, with the contracts paged by title", async () => {
    const w = await newWorld();
    const [ann, ben] = [await w.user("ann"), await w.user("ben")];
    const all = await w.group("all", [ann, ben]);
    const repo = await w.repository("leases");
    const ending = await w.contract(repo, { title: `A ends in 10 days ${w.tag}`, endDate: new Date(Date.now() + 10 * DAY) });
    const b = await w.contract(repo, { title: `B open ${w.tag}`, confidentiality: "confidential" });
    const c = await w.contract(repo, { title: `C open ${w.tag}` });
    const { key } = await newApiKey(["rules:write"]);
    const startsAt = new Date(Date.now() + 30 * DAY);
    const ask = async (rule: Record<string, unknown>, query = "") => {
      const res = await callRoute(preview, { method: "POST", path: `/api/v1/rules/preview${query}`, key, body: { action: "create", rule } });
      expect(res.status).toBe(200);
      expect(documentProblems({ method: "post", path: "/api/v1/rules/preview", status: res.status, body: res.body })).toEqual([]);
      return res.body;
    };
    const rule = { name: "Leases for everyone", groupId: all, level: "view", repositoryId: repo, justification: "Leases for everyone" };

    const later = await ask({ ...rule, validFrom: startsAt.toISOString() });
    expect(later).toMatchObject({ atBasis: "rule_start", at: startsAt.toISOString() });
    expect(later.totals).toMatchObject({ usersGaining: 2, contractsGained: 2, grantsGained: 4 });
    expect(later.contracts).toMatchObject({ page: 1, pageSize: 50, lost: { total: 0, items: [] } });
    expect(later.contracts.gained.total).toBe(2);
    expect(later.contracts.gained.items.map((i: { contract: { id: string }; people: number }) => [i.contract.id, i.people])).toEqual([[b, 2], [c, 2]]);
    expect(later.contracts.gained.items[0].contract).toMatchObject({ title: `B open ${w.tag}`, repositoryId: repo, confidentiality: "confidential" });

    const page2 = await ask({ ...rule, validFrom: startsAt.toISOString() }, "?page=2&pageSize=1");
    expect(page2.contracts).toMatchObject({ page: 2, pageSize: 1, gained: { total: 2 } });
    expect(page2.contracts.gained.items.map((i: { contract: { id: string } }) => i.contract.id)).toEqual([c]);

    // Starting now: all three, the one ending in 10 days included; said to be now.
    const now = await ask(rule);
    expect(now.atBasis).toBe("now");
    expect(now.totals.contractsGained).toBe(3);
    expect(now.contracts.gained.items.map((i: { contract: { id: string } }) => i.contract.id)).toEqual([ending, b, c]);
  });
});
