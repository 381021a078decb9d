// Issue 19's scale work, on a small world: a start in the background (the campaign "starting",
// in nobody's queue, its progress in people, then active), a failed or stalled start leaving
// nothing behind and the definition startable again, and a close whose revocations are applied in
// batches: each revoked person is denied from the instant their item reads applied, with the
// exclusion, its audit event, the access.revoked event naming that exclusion as its cause, and
// the review_item.revoked event.
import { describe, expect, it } from "vitest";
import { checkAccess } from "@/lib/access/effective-access";
import { admin, newWorld } from "@/lib/testing/access-world";
import { setupTestDatabase } from "@/lib/testing/database";
import { myQueue } from "./queries";
import { beginCampaign, closeCampaign, createDefinition, decideItems, failStalledStarts, runCampaignStart, setRepositoryOwners, startCampaign, START_STALLED_MS } from "./service";

setupTestDatabase();

async function setting() {
  const w = await newWorld();
  const people = await Promise.all(["a", "b", "c", "d", "e"].map((n) => w.user(n)));
  const [owner, fallback] = [await w.user("owner"), await w.user("fallback")];
  const team = await w.group("team", people);
  const repo = await w.repository("scale");
  const c1 = await w.contract(repo);
  await w.contract(repo);
  await w.rule({ groupId: team, level: "edit", repositoryId: repo });
  await setRepositoryOwners(w.prisma, { repositoryId: repo, userIds: [owner], actor: admin });
  const definition = await createDefinition(w.prisma, {
    input: { name: `Scale ${w.tag}`, config: { scope: { repositoryIds: [repo] }, stages: [{ reviewers: "repository_owners" }], fallbackReviewerId: fallback, undecided: "keep" } },
    actor: admin,
  });
  return { w, people, owner, fallback, repo, c1, definition };
}

describe("campaign start in the background and batched revocations", () => {
  it("starts in the background: starting and in nobody's queue, then active with its progress complete", async () => {
    const { w, owner, definition } = await setting();
    const begun = await beginCampaign(w.prisma, { definitionId: definition.id, actor: admin });
    expect(begun).toMatchObject({ status: "starting", populationSize: 0, progressDone: 0 });
    expect((await myQueue(w.prisma, { reviewerId: owner, query: { campaignId: begun.id } })).total).toBe(0);
    const active = await runCampaignStart(w.prisma, { campaignId: begun.id, actor: admin });
    expect(active).toMatchObject({ status: "active", populationSize: 5, progressDone: 5, progressTotal: 5 });
    expect(active.populationHash).toMatch(/^[0-9a-f]{64}$/);
    expect((await myQueue(w.prisma, { reviewerId: owner, query: { campaignId: begun.id } })).total).toBe(5);
    expect(await w.prisma.auditEvent.count({ where: { action: "review_campaign.started", targetId: begun.id } })).toBe(1);
  });

  it("a failed start is marked failed with its reason and leaves no items; a stalled one too; the definition starts again", async () => {
    const { w, definition } = await setting();
    // fails in the process: its configuration is unreadable
    const broken = await beginCampaign(w.prisma, { definitionId: definition.id, actor: admin });
    await w.prisma.reviewCampaign.update({ where: { id: broken.id }, data: { config: { stages: "none" } } });
    await expect(runCampaignStart(w.prisma, { campaignId: broken.id, actor: admin })).rejects.toThrow();
    expect(await w.prisma.reviewCampaign.findUniqueOrThrow({ where: { id: broken.id } })).toMatchObject({ status: "failed", failure: expect.any(String) });
    // stalls after writing some items (its server stopped): the maintenance job fails it and removes them
    const stalled = await beginCampaign(w.prisma, { definitionId: definition.id, actor: admin });
    const [person] = await w.prisma.user.findMany({ where: { directoryId: w.directory.id }, take: 1 });
    await w.prisma.reviewItem.create({ data: { campaignId: stalled.id, userId: person.id, repositoryId: (await w.prisma.repository.findFirstOrThrow()).id, level: 1, contracts: 1, confidentiality: 0, reasons: [], personStatus: "active" } });
    await w.prisma.reviewCampaign.update({ where: { id: stalled.id }, data: { heartbeatAt: new Date(Date.now() - START_STALLED_MS - 1000) } });
    expect(await failStalledStarts(w.prisma, { now: new Date() })).toBeGreaterThanOrEqual(1);
    expect(await w.prisma.reviewCampaign.findUniqueOrThrow({ where: { id: stalled.id } })).toMatchObject({ status: "failed" });
    expect(await w.prisma.reviewItem.count({ where: { campaignId: { in: [broken.id, stalled.id] } } })).toBe(0);
    // a start that finds its campaign failed meanwhile writes nothing
    await expect(runCampaignStart(w.prisma, { campaignId: stalled.id, actor: admin })).rejects.toThrow(/failed/);
    // and the definition starts again
    expect(await startCampaign(w.prisma, { definitionId: definition.id, actor: admin })).toMatchObject({ status: "active", populationSize: 5 });
  });

  it("applies revocations in batches: denied from the instant applied, each with its exclusion and events", async () => {
    const { w, people, owner, c1, definition } = await setting();
    const campaign = await startCampaign(w.prisma, { definitionId: definition.id, actor: admin });
    const items = await w.prisma.reviewItem.findMany({ where: { campaignId: campaign.id }, orderBy: { userId: "asc" } });
    const revoked = items.slice(0, 3);
    await decideItems(w.prisma, { campaignId: campaign.id, reviewerId: owner, input: { itemIds: revoked.map((i) => i.id), decision: "revoke", justification: "Left the matter team in October" }, actor: admin });
    await closeCampaign(w.prisma, { campaignId: campaign.id, actor: admin });
    for (const item of revoked) {
      const applied = await w.prisma.reviewItem.findUniqueOrThrow({ where: { id: item.id } });
      expect(applied.appliedAt).not.toBeNull();
      expect(applied.proof).toMatchObject({ query: "contracts_of_user", allowed: false, contractsLeft: 0 });
      const exclusion = await w.prisma.exclusion.findUniqueOrThrow({ where: { id: applied.exclusionId! } });
      expect(exclusion).toMatchObject({ userId: item.userId, repositoryId: item.repositoryId, source: "campaign", campaignId: campaign.id });
      expect(exclusion.validFrom.getTime()).toBeLessThanOrEqual(applied.appliedAt!.getTime());
      // denied at the instant it reads applied
      expect((await checkAccess(w.prisma, { userId: item.userId, contractId: c1, at: applied.appliedAt! })).allowed).toBe(false);
      const created = await w.prisma.auditEvent.findFirstOrThrow({ where: { action: "exclusion.created", targetId: exclusion.id } });
      expect(exclusion.eventId).toBe(created.id);
      const lost = await w.prisma.auditEvent.findFirstOrThrow({ where: { action: "access.revoked", targetId: item.userId } });
      expect((lost.after as { cause: { kind: string; eventId: string } }).cause).toMatchObject({ kind: "exclusion.created", eventId: created.id });
      expect(await w.prisma.auditEvent.count({ where: { action: "review_item.revoked", targetId: item.id } })).toBe(1);
    }
    // the others keep their access
    const kept = people.filter((p) => !revoked.some((r) => r.userId === p));
    for (const p of kept) expect((await checkAccess(w.prisma, { userId: p, contractId: c1 })).allowed).toBe(true);
  });
});
