// Evidence packs at the size of the demo organisation (issue 14 item 11): a rule giving a big group
// view on a repository of many contracts, a second rule added and deleted, then the repository
// pack for the last minutes. Three intervals per person and contract put it over the cap: the pack
// must come back truncated at MAX_INTERVALS (it answered 500, a RangeError from spreading an array
// of 150,000 intervals into push()).
import { describe, expect, it } from "vitest";
import { saveContracts } from "@/lib/contracts/service";
import { admin, instant, newWorld, sleep } from "@/lib/testing/access-world";
import { setupTestDatabase } from "@/lib/testing/database";
import { contractPack, MAX_INTERVALS, repositoryPack } from "./packs";

setupTestDatabase({ empty: true });

const PEOPLE = 250;
const CONTRACTS = 200;

describe("evidence packs over the cap", () => {
  it("a repository pack of 150,000 intervals is truncated at MAX_INTERVALS with its marker (issue 14 item 11)", async () => {
    const w = await newWorld();
    const from = await instant();
    const people: string[] = [];
    for (let i = 0; i < PEOPLE; i++) people.push(await w.user(`staff${i}`));
    const allStaff = await w.group("all-staff", people);
    const repo = await w.repository("customer-agreements");
    await saveContracts(w.prisma, {
      items: Array.from({ length: CONTRACTS }, (_, i) => ({
        externalRef: `CA-${w.tag}-${i}`, repositoryId: repo, title: `Customer agreement ${i}`, counterparty: null, contractType: "MSA",
        confidentiality: 1, status: "active", effectiveDate: null, endDate: null, effectiveDay: null, endDay: null, owner: null, tags: [],
      })),
      actor: admin,
    });
    await w.rule({ groupId: allStaff, level: "view", repositoryId: repo });
    await sleep(10);
    const second = await w.rule({ groupId: allStaff, level: "comment", repositoryId: repo });
    await sleep(10);
    await w.dropRule(second);
    await sleep(10);
    const to = await instant();

    // view, then comment (two reasons), then view again: 3 intervals per person and contract.
    const pack = await repositoryPack(w.prisma, { id: repo, window: { from, to } });
    expect(pack.truncated.intervals).toBe(true);
    expect(pack.intervals).toHaveLength(MAX_INTERVALS);
    // Only whole (person, contract) histories are kept: every pair in the pack has all three.
    const perPair = new Map<string, string[]>();
    for (const i of pack.intervals) {
      const key = `${i.userId}|${i.contractId}`;
      perPair.set(key, [...(perPair.get(key) ?? []), i.level]);
    }
    const complete = [...perPair.values()].filter((levels) => levels.length === 3);
    expect(complete.length).toBeGreaterThanOrEqual(perPair.size - 1);
    expect(complete[0]).toEqual(["view", "comment", "view"]);

    // A contract pack stays whole: 250 people × 3 intervals.
    const one = await contractPack(w.prisma, { id: pack.intervals[0].contractId, window: { from, to } });
    expect(one.truncated.intervals).toBe(false);
    expect(one.intervals).toHaveLength(PEOPLE * 3);
  }, 180_000);
});
