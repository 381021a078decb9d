import { describe, expect, it } from "vitest";
import { setupTestDatabase } from "@/lib/testing/database";
import { previewRuleChange, type RuleChangeImpact } from "./impact";
import { newWorld } from "@/lib/testing/access-world";

setupTestDatabase();

const DAY = 86_400_000;

/** user id → contracts, for one side of an impact. */
const byUser = (list: RuleChangeImpact["gained"]) => Object.fromEntries(list.map((u) => [u.user.id, u.contracts]));

async function setting() {
  const w = await newWorld();
  const [ann, ben, cat, dan] = [await w.user("ann"), await w.user("ben"), await w.user("cat"), await w.user("dan")];
  const sub = await w.group("sub", [cat]);
  const all = await w.group("all", [ann, ben, sub, dan]);
  const editors = await w.group("editors", [ben]);
  await w.setActive(dan, false); // inactive: never gains or loses anything
  const repo = await w.repository("impact");
  const contracts = [
    await w.contract(repo, { confidentiality: "public" }),
    await w.contract(repo, { confidentiality: "internal" }),
    await w.contract(repo, { confidentiality: "confidential" }),
    await w.contract(repo, { confidentiality: "strictly_confidential" }),
  ];
  const otherRepo = await w.repository("elsewhere");
  await w.contract(otherRepo);
  // ben already edits everything in the repository through another group.
  await w.rule({ groupId: editors, level: "edit", repositoryId: repo });
  return { w, ann, ben, cat, dan, sub, all, editors, repo, contracts, otherRepo };
}

describe("impact preview", () => {
  it("create: who gains what, by confidentiality, taking other rules into account", async () => {
    const { w, ann, ben, cat, all, repo } = await setting();
    const impact = await previewRuleChange(w.prisma, { after: { principalType: "group", groupId: all, level: "view", repositoryId: repo } });
    // ben edits already (another rule): a view rule changes nothing for him.
    expect(byUser(impact.gained)).toEqual({ [ann]: 4, [cat]: 4 });
    expect(impact.lost).toEqual([]);
    expect(impact.gained[0].byConfidentiality).toEqual({ 0: 1, 1: 1, 2: 1, 3: 1 });
    expect(impact.gained[0].changes).toEqual([{ from: null, to: "view", contracts: 4 }]);
    expect(impact.totals).toEqual({
      usersGaining: 2,
      usersLosing: 0,
      contractsGained: 4,
      contractsLost: 0,
      grantsGained: 8,
      grantsLost: 0,
    });
    expect(impact.gained.map((g) => g.user.userName)).toEqual([...impact.gained.map((g) => g.user.userName)].sort());

    const manage = await previewRuleChange(w.prisma, {
      after: { principalType: "group", groupId: all, level: "manage", repositoryId: repo, confidentialityCeiling: "confidential" },
    });
    expect(byUser(manage.gained)).toEqual({ [ann]: 3, [ben]: 3, [cat]: 3 });
    const benGain = manage.gained.find((g) => g.user.id === ben)!;
    expect(benGain.changes).toEqual([{ from: "edit", to: "manage", contracts: 3 }]);
    expect(benGain.byConfidentiality).toEqual({ 0: 1, 1: 1, 2: 1, 3: 0 });

    const capped = await previewRuleChange(w.prisma, { after: { principalType: "group", groupId: all, level: "view", repositoryId: repo }, limit: 1 });
    expect(capped.gained).toHaveLength(1);
    expect(capped.totals.usersGaining).toBe(2);
    expect(capped.truncated).toBe(true);

    // A rule whose window has not started grants nothing now.
    const future = await previewRuleChange(w.prisma, {
      after: { principalType: "group", groupId: all, level: "view", repositoryId: repo, validFrom: new Date(Date.now() + DAY) },
    });
    expect(future.totals.usersGaining).toBe(0);
  });

  it("delete and edit: who loses what; a user another rule still covers loses nothing", async () => {
    const { w, ann, ben, cat, all, editors, repo, contracts } = await setting();
    const ruleId = await w.rule({ groupId: all, level: "view", repositoryId: repo });
    // ann also holds a direct grant on the public contract.
    await w.rule({ userId: ann, level: "view", contractId: contracts[0], validUntil: new Date(Date.now() + 30 * DAY) });

    const deletion = await previewRuleChange(w.prisma, { ruleId });
    expect(byUser(deletion.lost)).toEqual({ [ann]: 3, [cat]: 4 });
    expect(deletion.gained).toEqual([]);
    expect(deletion.lost.find((l) => l.user.id === ann)!.byConfidentiality).toEqual({ 0: 0, 1: 1, 2: 1, 3: 1 });
    expect(deletion.totals).toMatchObject({ usersLosing: 2, contractsLost: 4, grantsLost: 7 });

    const narrowed = await previewRuleChange(w.prisma, {
      ruleId,
      after: { principalType: "group", groupId: all, level: "view", repositoryId: repo, confidentialityCeiling: "internal" },
    });
    expect(byUser(narrowed.lost)).toEqual({ [ann]: 2, [cat]: 2 });
    expect(narrowed.lost[0].byConfidentiality).toEqual({ 0: 0, 1: 0, 2: 1, 3: 1 });

    const moved = await previewRuleChange(w.prisma, {
      ruleId,
      after: { principalType: "group", groupId: editors, level: "view", repositoryId: repo },
    });
    expect(byUser(moved.lost)).toEqual({ [ann]: 3, [cat]: 4 });
    expect(moved.gained).toEqual([]);

    const raised = await previewRuleChange(w.prisma, {
      ruleId,
      after: { principalType: "group", groupId: all, level: "sign", repositoryId: repo, contractTypes: ["NDA"] },
    });
    expect(byUser(raised.gained)).toEqual({ [ann]: 4, [ben]: 4, [cat]: 4 });
    expect(raised.gained.find((g) => g.user.id === ann)!.changes).toEqual([{ from: "view", to: "sign", contracts: 4 }]);

    // An explicit `before` equal to the stored version gives the same answer as the default.
    const explicit = await previewRuleChange(w.prisma, {
      ruleId,
      before: { principalType: "group", groupId: all, level: "view", repositoryId: repo },
    });
    expect(explicit.totals).toEqual(deletion.totals);
  });
});
