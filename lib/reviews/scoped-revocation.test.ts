// What a revocation does in a campaign scoped to direct grants, groups or rules (issue 19): a
// "direct grants only" campaign ends the direct grant it reviewed and leaves access through groups
// alone; a campaign scoped to a group or rule excludes the person from the item's repository —
// whatever else grants it — and tells the reviewer so before they decide (myQueue revokeNotes).
import { describe, expect, it } from "vitest";
import { checkAccess } from "@/lib/access/effective-access";
import { admin, newWorld } from "@/lib/testing/access-world";
import { setupTestDatabase } from "@/lib/testing/database";
import { myQueue } from "./queries";
import { closeCampaign, createDefinition, decideItems, startCampaign } from "./service";

setupTestDatabase();

async function setting() {
  const w = await newWorld();
  const [ann, mgr, fallback] = [await w.user("ann"), await w.user("mgr"), await w.user("fallback")];
  const team = await w.group("team", [ann]);
  const other = await w.group("other", [ann]);
  const repo = await w.repository("paths");
  const c1 = await w.contract(repo);
  const groupRule = await w.rule({ groupId: team, level: "view", repositoryId: repo });
  await w.rule({ groupId: other, level: "view", repositoryId: repo });
  const direct = await w.rule({ userId: ann, level: "edit", repositoryId: repo, validUntil: new Date(Date.now() + 90 * 86_400_000) });
  return { w, ann, mgr, fallback, team, repo, c1, groupRule, direct };
}

async function revoke(s: Awaited<ReturnType<typeof setting>>, scope: Record<string, unknown>) {
  const definition = await createDefinition(s.w.prisma, {
    input: { name: "Paths", config: { scope: { repositoryIds: [s.repo], ...scope }, stages: [{ reviewers: "named", namedReviewerIds: [s.mgr] }], fallbackReviewerId: s.fallback } },
    actor: admin,
  });
  const campaign = await startCampaign(s.w.prisma, { definitionId: definition.id, actor: admin });
  const queue = await myQueue(s.w.prisma, { reviewerId: s.mgr, query: { campaignId: campaign.id } });
  const item = await s.w.prisma.reviewItem.findFirstOrThrow({ where: { campaignId: campaign.id, userId: s.ann } });
  await decideItems(s.w.prisma, { campaignId: campaign.id, reviewerId: s.mgr, input: { itemIds: [item.id], decision: "revoke", justification: "Not on this matter" }, actor: { type: "admin", id: s.mgr } });
  await closeCampaign(s.w.prisma, { campaignId: campaign.id, actor: admin });
  return { campaign, queue, applied: await s.w.prisma.reviewItem.findUniqueOrThrow({ where: { id: item.id } }) };
}

describe("revocations in campaigns scoped by path", () => {
  it("direct grants only: the direct grant ends, access through groups stays; the reviewer is told", async () => {
    const s = await setting();
    const { queue, applied } = await revoke(s, { directOnly: true });
    expect(queue.revokeNotes[applied.campaignId]).toMatch(/ends the direct grant/);
    expect(applied).toMatchObject({ exclusionId: null, endedRuleId: s.direct });
    const check = await checkAccess(s.w.prisma, { userId: s.ann, contractId: s.c1 });
    expect(check).toMatchObject({ allowed: true, level: "view" });
  });

  it("a group: the person is excluded from the repository, whatever else grants it; the reviewer is told first", async () => {
    const s = await setting();
    const { queue, applied } = await revoke(s, { groupIds: [s.team] });
    expect(queue.revokeNotes[applied.campaignId]).toMatch(/excludes the person from the whole repository/);
    expect(applied.exclusionId).not.toBeNull();
    expect((await checkAccess(s.w.prisma, { userId: s.ann, contractId: s.c1 })).allowed).toBe(false);
  });
});
