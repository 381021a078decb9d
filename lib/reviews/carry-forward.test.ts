// Carry-forward and the "keep" recommendation (issue 19): items unchanged since a reviewer kept them
// in the previous campaign of the same definition are decided keep at start, recorded as carried
// forward (distinct from any reviewer's decision in the item's history, the report, the CSV and
// the audit trail), never two campaigns in a row; "keep" is recommended for access kept last time
// and opened recently.
import { describe, expect, it } from "vitest";
import { flushDecisionLog, recordPermits } from "@/lib/authzen/decision-log";
import { getPrisma } from "@/lib/db/client";
import { admin, newWorld } from "@/lib/testing/access-world";
import { setupTestDatabase } from "@/lib/testing/database";
import { campaignReport, myQueue, reportCsv } from "./queries";
import { closeCampaign, createDefinition, decideItems, previewCampaign, startCampaign } from "./service";

setupTestDatabase();

describe("carry forward", () => {
  it("decides unchanged, reviewer-kept items at start, marks them, and never carries twice in a row", async () => {
    const w = await newWorld();
    const [ann, ben, cid, dan, mgr, fallback] = [await w.user("ann"), await w.user("ben"), await w.user("cid"), await w.user("dan"), await w.user("mgr"), await w.user("fallback")];
    const team = await w.group("team", [ann, ben, cid, dan]);
    const repo = await w.repository("carry");
    const c1 = await w.contract(repo);
    await w.rule({ groupId: team, level: "edit", repositoryId: repo });
    const definition = await createDefinition(w.prisma, {
      input: {
        name: "Carry forward",
        config: { scope: { repositoryIds: [repo] }, stages: [{ reviewers: "named", namedReviewerIds: [mgr] }], fallbackReviewerId: fallback, undecided: "keep", carryForward: true },
      },
      actor: admin,
    });
    const reviewer = { type: "admin" as const, id: mgr, label: "mgr" };
    const items = async (campaignId: string) => {
      const rows = await w.prisma.reviewItem.findMany({ where: { campaignId } });
      return (userId: string) => rows.find((r) => r.userId === userId)!;
    };
    const keep = async (campaignId: string, ids: string[]) =>
      decideItems(w.prisma, { campaignId, reviewerId: mgr, input: { itemIds: ids, decision: "keep", secondsSpent: 30 }, actor: reviewer });

    // First campaign: nothing to carry from. ann, ben, dan kept by the reviewer; cid left undecided (keep by default).
    const first = await startCampaign(w.prisma, { definitionId: definition.id, actor: admin });
    const one = await items(first.id);
    expect([ann, ben, cid, dan].map((u) => one(u).carriedForward)).toEqual([false, false, false, false]);
    await keep(first.id, [one(ann).id, one(ben).id, one(dan).id]);
    await closeCampaign(w.prisma, { campaignId: first.id, actor: admin });

    // Between the campaigns: dan's access changes (a second path, a new reason); ann opens c1.
    const extra = await w.group("extra", [dan]);
    await w.rule({ groupId: extra, level: "view", repositoryId: repo });
    recordPermits({ db: getPrisma, pairs: [{ userId: ann, contractId: c1 }], at: new Date(Date.now() - 3_600_000) });
    await flushDecisionLog();

    expect(await previewCampaign(w.prisma, { definitionId: definition.id })).toMatchObject({ items: 4, carriedForward: 2 });
    const second = await startCampaign(w.prisma, { definitionId: definition.id, actor: admin });
    const two = await items(second.id);
    // ann and ben: unchanged and kept by the reviewer → carried; cid: kept only by default; dan: changed.
    expect(two(ann)).toMatchObject({ carriedForward: true, decision: "keep", decidedBy: null, reviewerId: mgr });
    expect(two(ben)).toMatchObject({ carriedForward: true, decision: "keep" });
    expect(two(cid)).toMatchObject({ carriedForward: false, decision: null });
    expect(two(dan)).toMatchObject({ carriedForward: false, decision: null });
    // "keep" recommended: kept last time and opened recently (ann); ben never opened anything.
    expect(two(ann).recommendation).toBe("keep");
    expect(two(ben).recommendation).toBeNull();
    expect(two(cid).recommendation).toBeNull();

    const history = await w.prisma.reviewDecision.findMany({ where: { itemId: two(ann).id } });
    expect(history).toEqual([expect.objectContaining({ decision: "keep", via: "carry_forward", reviewerId: null, eventId: expect.any(String) })]);
    const event = await w.prisma.auditEvent.findUniqueOrThrow({ where: { id: history[0].eventId! } });
    expect(event).toMatchObject({ action: "review_campaign.carried_forward", targetId: second.id });
    expect(event.after).toMatchObject({ previousCampaignId: first.id, items: 2 });
    const started = await w.prisma.auditEvent.findUniqueOrThrow({ where: { id: second.startEventId! } });
    expect(started.after).toMatchObject({ carriedForward: 2, populationSize: 4 });

    // The reviewer's queue: carried items are not open; carried ones can't be decided again.
    const open = await myQueue(w.prisma, { reviewerId: mgr, query: { campaignId: second.id, state: "open" } });
    expect(open.items.map((i) => i.person.id).sort()).toEqual([cid, dan].sort());
    await expect(keep(second.id, [two(ann).id])).rejects.toMatchObject({ code: "conflict" });

    // The report tells carried-forward decisions apart; they are nobody's decisions in the indicators.
    await keep(second.id, [two(cid).id]);
    const report = await campaignReport(w.prisma, { id: second.id });
    expect(report.campaign).toMatchObject({ carriedForward: 2, decided: 3 });
    expect(report.indicators).toMatchObject({ carriedForward: 2, decisions: 1 });
    expect(report.items.find((i) => i.person.id === ann)).toMatchObject({ carriedForward: true, history: [expect.objectContaining({ via: "carry_forward", reviewerId: null })] });
    expect(report.items.find((i) => i.person.id === cid)!.history).toEqual([expect.objectContaining({ via: "reviewer", reviewerId: mgr })]);
    // progress by reviewer counts only what reviewers have to decide
    expect(report.campaign.reviewers).toEqual([expect.objectContaining({ reviewerId: mgr, total: 2, decided: 1 })]);
    const csv = reportCsv(report).split("\r\n");
    expect(csv.find((l) => l.startsWith(two(ann).id))).toContain(",carry forward,");

    // Third campaign: ann and ben were carried last time, not kept by a person → reviewed again.
    await keep(second.id, [two(dan).id]);
    await closeCampaign(w.prisma, { campaignId: second.id, actor: admin });
    const third = await startCampaign(w.prisma, { definitionId: definition.id, actor: admin });
    const three = await items(third.id);
    expect([ann, ben, cid, dan].map((u) => three(u).carriedForward)).toEqual([false, false, true, true]);
  });

  it("is off unless the definition asks for it, and never carries someone recommended for revocation", async () => {
    const w = await newWorld();
    const [ann, mgr, fallback] = [await w.user("ann"), await w.user("mgr"), await w.user("fallback")];
    const repo = await w.repository("nocarry");
    await w.contract(repo);
    await w.rule({ groupId: await w.group("team", [ann]), level: "view", repositoryId: repo });
    const define = (carryForward: boolean) =>
      createDefinition(w.prisma, {
        input: { name: "Plain", config: { scope: { repositoryIds: [repo] }, stages: [{ reviewers: "named", namedReviewerIds: [mgr] }], fallbackReviewerId: fallback, carryForward } },
        actor: admin,
      });
    for (const carryForward of [false, true]) {
      const definition = await define(carryForward);
      const first = await startCampaign(w.prisma, { definitionId: definition.id, actor: admin });
      const item = await w.prisma.reviewItem.findFirstOrThrow({ where: { campaignId: first.id } });
      await decideItems(w.prisma, { campaignId: first.id, reviewerId: mgr, input: { itemIds: [item.id], decision: "keep" }, actor: { type: "admin", id: mgr } });
      await closeCampaign(w.prisma, { campaignId: first.id, actor: admin });
      if (carryForward) {
        // ann is flagged inactive since: the recommendation is revoke, a person decides
        await w.prisma.user.update({ where: { id: ann }, data: { inactiveFlaggedAt: new Date() } });
      }
      const second = await startCampaign(w.prisma, { definitionId: definition.id, actor: admin });
      const next = await w.prisma.reviewItem.findFirstOrThrow({ where: { campaignId: second.id } });
      expect(next).toMatchObject({ carriedForward: false, decision: null, recommendation: carryForward ? "revoke" : null });
    }
  });
});
