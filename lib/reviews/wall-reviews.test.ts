// Reviews of ethical walls (issue 20 with the campaigns of issue 19): a definition scoped to walls
// yields per active wall "is it still needed" and one item per person on its roster; reviewers are
// never the item's subject nor screened by the wall; removals are explicit (justification always,
// never in bulk, never by default) and applied at close through the walls service with the
// campaign as justification; a lift waits for an admin; everything is in the report and the trail.
import { describe, expect, it } from "vitest";
import { checkAccess } from "@/lib/access/effective-access";
import { admin, newWorld } from "@/lib/testing/access-world";
import { setupTestDatabase } from "@/lib/testing/database";
import { acknowledgeWall, activateWall, createWall } from "@/lib/walls/service";
import { signedCampaignReport, verifySignedCampaignReport, type SignedCampaignReport } from "./export";
import { campaignReport, getCampaign, reportCsv } from "./queries";
import { closeCampaign, createDefinition, previewCampaign, startCampaign } from "./service";
import { campaignWallItems, myWallQueue } from "./wall-review-queries";
import { decideWallItems, resolveWallLift } from "./wall-reviews";

setupTestDatabase();

async function world() {
  const w = await newWorld();
  const [ann, ben, dan, eve, fallback] = [await w.user("ann"), await w.user("ben"), await w.user("dan"), await w.user("eve"), await w.user("fallback")];
  const staff = await w.group("staff", [ann, ben, dan, eve]);
  const lateral = await w.group("lateral", [eve]);
  const deal = await w.repository("deal");
  const bid = await w.repository("bid");
  const d1 = await w.contract(deal, { title: "d1" });
  const b1 = await w.contract(bid, { title: "b1" });
  await w.rule({ groupId: staff, level: "view", repositoryId: deal });
  await w.rule({ groupId: staff, level: "view", repositoryId: bid });
  // A: dan screened by name, eve through the "lateral" group.
  const screen = await createWall(w.prisma, {
    input: { name: `Lateral screen ${w.tag}`, matterRef: "M-1", description: "Dan and Eve are screened.", kind: "exclusionary", members: [{ userId: dan }, { groupId: lateral }], scope: [{ kind: "repository", value: deal }] },
    actor: admin,
  });
  await activateWall(w.prisma, { id: screen.id, input: { reason: "Lateral hires" }, actor: admin });
  // B: only ann and ben may open the bid; ann acknowledged the memo.
  const team = await createWall(w.prisma, {
    input: { name: `Bid team ${w.tag}`, matterRef: "M-2", description: "Bid team only.", kind: "inclusionary", members: [{ userId: ann }, { userId: ben }], scope: [{ kind: "repository", value: bid }] },
    actor: admin,
  });
  await activateWall(w.prisma, { id: team.id, input: { reason: "Bid opened" }, actor: admin });
  await acknowledgeWall(w.prisma, { id: team.id, userId: ann, actor: admin });
  // C: a draft, never reviewed.
  const draft = await createWall(w.prisma, {
    input: { name: `Draft ${w.tag}`, kind: "exclusionary", members: [{ userId: ann }], scope: [{ kind: "repository", value: bid }] },
    actor: admin,
  });
  return { w, ann, ben, dan, eve, fallback, lateral, d1, b1, screen, team, draft };
}

describe("wall reviews", () => {
  it("review each wall and its roster; removals are explicit and applied at close, lifts wait for an admin", async () => {
    const { w, ann, ben, dan, eve, fallback, lateral, d1, b1, screen, team } = await world();
    const definition = await createDefinition(w.prisma, {
      input: {
        name: `Wall review ${w.tag}`,
        // dan is named first: screened by A, he never reviews it (ben does); he reviews B.
        config: { walls: { wallIds: [screen.id, team.id] }, stages: [{ reviewers: "named", namedReviewerIds: [dan, ben] }], fallbackReviewerId: fallback },
      },
      actor: admin,
    });
    expect(await previewCampaign(w.prisma, { definitionId: definition.id })).toMatchObject({ items: 6, walls: 2, people: 4, reviewers: 2, unassigned: 0 });
    const campaign = await startCampaign(w.prisma, { definitionId: definition.id, actor: admin });
    expect(campaign).toMatchObject({ kind: "walls", populationSize: 6 });
    const started = await w.prisma.auditEvent.findUniqueOrThrow({ where: { id: campaign.startEventId! } });
    expect(started.after).toMatchObject({ subject: "walls", populationHash: campaign.populationHash, populationSize: 6 });

    const items = await w.prisma.wallReviewItem.findMany({ where: { campaignId: campaign.id } });
    const item = (wallId: string, userId: string | null) => items.find((i) => i.wallId === wallId && i.userId === userId)!;
    expect(item(screen.id, null)).toMatchObject({ question: "wall", reviewerId: ben });
    expect(item(screen.id, dan)).toMatchObject({ question: "roster", role: "screened", viaGroupId: null, reviewerId: ben });
    expect(item(screen.id, eve)).toMatchObject({ role: "screened", viaGroupId: lateral, reviewerId: ben });
    expect(item(team.id, null)).toMatchObject({ reviewerId: dan });
    expect(item(team.id, ann)).toMatchObject({ role: "insider", reviewerId: dan, acknowledgedAt: expect.any(Date) });
    // ben never reviews his own place on B (dan, named first, reviews B anyway).
    expect(item(team.id, ben)).toMatchObject({ role: "insider", reviewerId: dan, acknowledgedAt: null });

    // My reviews: ben's wall items, named and explained.
    const queue = await myWallQueue(w.prisma, { reviewerId: ben, query: { campaignId: campaign.id } });
    expect(queue.total).toBe(3);
    expect(queue.items.find((i) => i.person?.id === eve)).toMatchObject({
      wall: { id: screen.id, name: `Lateral screen ${w.tag}`, matterRef: "M-1", kind: "exclusionary" },
      questionText: "Should this person still be on this wall?",
      role: "screened",
      viaGroup: { id: lateral, name: `lateral-${w.tag}` },
      decisions: ["keep", "remove", "dont_know"],
    });

    const decide = (reviewerId: string, itemIds: string[], decision: string, justification?: string) =>
      decideWallItems(w.prisma, { campaignId: campaign.id, reviewerId, input: { itemIds, decision, justification, secondsSpent: 20 }, actor: { type: "admin", id: reviewerId, label: reviewerId } });

    // Lift and remove always need a reason, each on its own kind of item, never in bulk; others' items are not found.
    await expect(decide(ben, [item(screen.id, null).id], "lift")).rejects.toMatchObject({ code: "invalid_input" });
    await expect(decide(ben, [item(screen.id, dan).id], "lift", "x")).rejects.toMatchObject({ code: "invalid_input" });
    await expect(decide(ben, [item(screen.id, null).id], "remove", "x")).rejects.toMatchObject({ code: "invalid_input" });
    await expect(decide(ben, [item(screen.id, dan).id, item(screen.id, eve).id], "remove", "both")).rejects.toMatchObject({ code: "invalid_input" });
    await expect(decide(ben, [item(team.id, ann).id], "keep")).rejects.toMatchObject({ code: "not_found" });
    await decide(ben, [item(screen.id, null).id], "lift", "Both hires left the firm's M-1 team; matter closed");
    await decide(ben, [item(screen.id, dan).id], "remove", "Dan's conflict ended with the matter");
    // eve: left undecided — she stays screened (never a removal by default).

    await decide(dan, [item(team.id, null).id, item(team.id, ann).id], "keep"); // bulk keep
    await decide(dan, [item(team.id, ben).id], "dont_know");
    expect(await w.prisma.wallReviewItem.findUniqueOrThrow({ where: { id: item(team.id, ben).id } })).toMatchObject({ reviewerId: fallback, decision: null });
    await decide(fallback, [item(team.id, ben).id], "remove", "Ben moved to litigation");

    // Self-review is refused even if an item reached its subject (e.g. reassigned by hand).
    await w.prisma.wallReviewItem.update({ where: { id: item(screen.id, eve).id }, data: { reviewerId: eve } });
    await expect(decide(eve, [item(screen.id, eve).id], "remove", "me")).rejects.toMatchObject({ code: "forbidden" });
    await w.prisma.wallReviewItem.update({ where: { id: item(screen.id, eve).id }, data: { reviewerId: ben } });

    expect(await getCampaign(w.prisma, { id: campaign.id })).toMatchObject({ decided: 5, populationSize: 6 });
    expect((await checkAccess(w.prisma, { userId: dan, contractId: d1 })).allowed).toBe(false);

    await closeCampaign(w.prisma, { campaignId: campaign.id, actor: admin });
    const closed = await w.prisma.wallReviewItem.findMany({ where: { campaignId: campaign.id } });
    const after = (wallId: string, userId: string | null) => closed.find((i) => i.wallId === wallId && i.userId === userId)!;
    expect(after(screen.id, dan)).toMatchObject({ outcome: "remove", applyResult: "removed", appliedAt: expect.any(Date) });
    expect(after(screen.id, eve)).toMatchObject({ decision: null, outcome: "keep", applyResult: null });
    expect(after(screen.id, null)).toMatchObject({ outcome: "lift", applyResult: "lift_pending", liftResolution: "pending" });
    expect(after(team.id, ben)).toMatchObject({ outcome: "remove", applyResult: "removed" });

    // The engine follows: dan is no longer screened, eve still is, the wall still stands; ben is no insider any more.
    expect((await checkAccess(w.prisma, { userId: dan, contractId: d1 })).allowed).toBe(true);
    expect((await checkAccess(w.prisma, { userId: eve, contractId: d1 })).allowed).toBe(false);
    expect((await checkAccess(w.prisma, { userId: ben, contractId: b1 })).denial[0]).toMatchObject({ code: "wall", reason: "not_insider" });
    expect((await w.prisma.wall.findUniqueOrThrow({ where: { id: screen.id } })).state).toBe("active");
    const removal = await w.prisma.wallPerson.findFirstOrThrow({ where: { wallId: screen.id, userId: dan } });
    expect(removal.removalJustification).toContain(`wall review campaign "${campaign.name}"`);
    expect(removal.removalJustification).toContain("Dan's conflict ended with the matter");
    const removedEvent = await w.prisma.auditEvent.findUniqueOrThrow({ where: { id: removal.removedEventId! } });
    expect(removedEvent).toMatchObject({ action: "wall.roster_removed", targetId: screen.id });
    expect(await w.prisma.auditEvent.count({ where: { action: "review_wall_item.applied", targetId: { in: closed.map((i) => i.id) } } })).toBe(3);

    // The admin confirms the lift (or could keep the wall); answered once.
    const pending = await campaignWallItems(w.prisma, { id: campaign.id, filter: { state: "all", liftResolution: "pending" } });
    expect(pending.items.map((i) => i.wall.id)).toEqual([screen.id]);
    await expect(resolveWallLift(w.prisma, { campaignId: campaign.id, itemId: after(screen.id, dan).id, input: { action: "lift", reason: "x" }, actor: admin })).rejects.toMatchObject({ code: "conflict" });
    const resolved = await resolveWallLift(w.prisma, { campaignId: campaign.id, itemId: after(screen.id, null).id, input: { action: "lift", reason: "Compliance agrees: matter closed" }, actor: admin });
    expect(resolved).toMatchObject({ liftResolution: "lifted", liftReason: "Compliance agrees: matter closed" });
    expect(await w.prisma.wall.findUniqueOrThrow({ where: { id: screen.id } })).toMatchObject({ state: "lifted", liftReason: expect.stringContaining(campaign.name) });
    expect(await w.prisma.wallCertificate.count({ where: { liftOf: screen.id } })).toBe(1);
    await expect(resolveWallLift(w.prisma, { campaignId: campaign.id, itemId: after(screen.id, null).id, input: { action: "keep", reason: "again" }, actor: admin })).rejects.toMatchObject({ code: "conflict" });
    expect((await checkAccess(w.prisma, { userId: eve, contractId: d1 })).allowed).toBe(true);

    // The report, its CSV and the signed export carry the wall items; the export verifies.
    const report = await campaignReport(w.prisma, { id: campaign.id });
    expect(report.wallItems).toHaveLength(6);
    expect(report.indicators).toMatchObject({ wallRemovals: 2, wallLiftsPending: 0, defaulted: 1 });
    expect(report.wallItems.find((i) => i.person?.id === ben)?.history.map((h) => h.decision)).toEqual(["dont_know", "remove"]);
    const csv = reportCsv(report);
    expect(csv).toContain("# wall items");
    expect(csv).toContain(`Lateral screen ${w.tag}`);
    const signed = JSON.parse(JSON.stringify(await signedCampaignReport(w.prisma, { id: campaign.id }))) as SignedCampaignReport;
    expect(verifySignedCampaignReport({ signed })).toEqual({ ok: true, items: 6, revocations: 2, problems: [] });
  });

  it("reviews every active wall when none is chosen, never a draft; undecided items stay as they are", async () => {
    const { w, ann, fallback, screen, team, draft } = await world();
    const definition = await createDefinition(w.prisma, {
      input: { name: `All walls ${w.tag}`, config: { walls: { wallIds: [] }, stages: [{ reviewers: "named", namedReviewerIds: [ann] }], fallbackReviewerId: fallback, undecided: "revoke" } },
      actor: admin,
    });
    const campaign = await startCampaign(w.prisma, { definitionId: definition.id, actor: admin });
    const walls = new Set((await w.prisma.wallReviewItem.findMany({ where: { campaignId: campaign.id } })).map((i) => i.wallId));
    expect(walls.has(screen.id) && walls.has(team.id)).toBe(true);
    expect(walls.has(draft.id)).toBe(false);
    // ann reviews B, except her own place on it (the fallback does).
    const mine = await w.prisma.wallReviewItem.findMany({ where: { campaignId: campaign.id, wallId: team.id } });
    expect(mine.find((i) => i.question === "wall")?.reviewerId).toBe(ann);
    expect(mine.find((i) => i.userId === ann)?.reviewerId).toBe(fallback);
    // Nobody decides; the definition's "revoke" default does not apply to walls: nothing is removed.
    await closeCampaign(w.prisma, { campaignId: campaign.id, actor: admin });
    expect(await w.prisma.wallReviewItem.count({ where: { campaignId: campaign.id, outcome: { not: "keep" } } })).toBe(0);
    expect(await w.prisma.wallPerson.count({ where: { wallId: team.id, userId: ann, validTo: null } })).toBe(1);
  });
});
