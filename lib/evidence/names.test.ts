// Evidence keeps the names history needs (issue 15): a group deleted since the window still reads
// by its name (marked deleted) in a contract pack's chains and in a person's memberships, and each
// chain names its rule.
import { describe, expect, it } from "vitest";
import { instant, newWorld, sleep } from "@/lib/testing/access-world";
import { setupTestDatabase } from "@/lib/testing/database";
import { contractPack } from "./packs";
import { personPack } from "./person";

setupTestDatabase();

describe("names in evidence", () => {
  it("a deleted group keeps its name in chains and memberships; chains name the rule", async () => {
    const w = await newWorld();
    const from = await instant();
    const ann = await w.user("ann");
    const team = await w.group("deal-team", [ann]);
    const repo = await w.repository("deals");
    const deal = await w.contract(repo);
    await w.rule({ name: "Deal team reads", groupId: team, level: "view", repositoryId: repo });
    await sleep(10);
    expect((await w.scim.delete(`/Groups/${team}`)).status).toBe(204);
    await sleep(10);
    const to = await instant();

    const pack = await contractPack(w.prisma, { id: deal, window: { from, to } });
    const [row] = pack.intervals;
    expect(row.reasons[0].chain).toMatch(new RegExp(`^deal-team-${w.tag} \\(deleted group\\) ← rule “Deal team reads” v1 \\(view\\) ← repository deals-${w.tag}$`));
    const person = await personPack(w.prisma, { id: ann, window: { from, to } });
    expect(person.memberships.map((m) => m.displayName)).toEqual([`deal-team-${w.tag} (deleted group)`]);
  });
});
