// A wall review's scheduled life (issues 19 and 20): the campaign jobs and the reassignment read a
// wall review's items (WallReviewItem) as they read access items. Reminders on the definition's
// cadence (once per slot, each reviewer with their own count, wording about walls), escalation to
// the fallback after N days (item history in ReviewAssignment, audit event, e-mail; never the
// fallback's own place on a roster nor a wall that screens the fallback; never twice), and an
// admin's reassignment of a reviewer's undecided wall items (the new reviewer's own place and the
// walls that screen them stay behind).
import { describe, expect, it } from "vitest";
import { runAt } from "@/lib/clock";
import { runReviewJobs } from "@/lib/jobs/maintenance";
import { runEmailDeliveriesOnce } from "@/lib/notifications/dispatcher";
import { appLink } from "@/lib/notifications/outbox";
import { admin, newWorld, person } from "@/lib/testing/access-world";
import { setupTestDatabase } from "@/lib/testing/database";
import { smtpReceiverForFile } from "@/lib/testing/smtp-receiver";
import { activateWall, createWall } from "@/lib/walls/service";
import { campaignReport, getCampaign } from "./queries";
import { createDefinition, reassignItems, startCampaign } from "./service";
import { decideWallItems } from "./wall-reviews";

const { db } = setupTestDatabase();
const DAY = 86_400_000;
const HOUR = 3_600_000;
const smtp = smtpReceiverForFile("Custodian <wall-reviews@example.test>");

const deliverMail = () => runEmailDeliveriesOnce(db().prisma);
const jobsAt = (at: Date) => runAt(at, () => runReviewJobs(db().prisma, { now: at }));

/**
 * Two walls reviewed by one named reviewer (rev), the fallback on both rosters:
 *  A (exclusionary) screens dan and the fallback — the fallback may review none of A's items;
 *  B (inclusionary) has ann, ben and the fallback inside — the fallback may review all but their own place.
 */
async function wallReview(options: { t0: Date; reminderEveryDays?: number; escalateAfterDays?: number }) {
  return runAt(options.t0, async () => {
    const w = await newWorld();
    const [rev, ann, ben, dan, fallback] = [await person(w, "rev"), await person(w, "ann"), await person(w, "ben"), await person(w, "dan"), await person(w, "fallback")];
    const deal = await w.repository("deal");
    const bid = await w.repository("bid");
    const screen = await createWall(w.prisma, {
      input: { name: `Screen ${w.tag}`, matterRef: "M-1", description: "Dan and the fallback are screened.", kind: "exclusionary", members: [{ userId: dan.id }, { userId: fallback.id }], scope: [{ kind: "repository", value: deal }] },
      actor: admin,
    });
    await activateWall(w.prisma, { id: screen.id, input: { reason: "Lateral hire conflict" }, actor: admin });
    const team = await createWall(w.prisma, {
      input: { name: `Team ${w.tag}`, matterRef: "M-2", description: "Bid team only.", kind: "inclusionary", members: [{ userId: ann.id }, { userId: ben.id }, { userId: fallback.id }], scope: [{ kind: "repository", value: bid }] },
      actor: admin,
    });
    await activateWall(w.prisma, { id: team.id, input: { reason: "Bid opened" }, actor: admin });
    const definition = await createDefinition(w.prisma, {
      input: {
        name: `Scheduled wall review ${w.tag}`,
        config: {
          walls: { wallIds: [screen.id, team.id] },
          stages: [{ reviewers: "named", namedReviewerIds: [rev.id] }],
          fallbackReviewerId: fallback.id,
          durationDays: 14,
          ...(options.reminderEveryDays ? { reminderEveryDays: options.reminderEveryDays } : {}),
          ...(options.escalateAfterDays ? { escalateAfterDays: options.escalateAfterDays } : {}),
        },
      },
      actor: admin,
    });
    return { w, rev, ann, ben, dan, fallback, screen, team, definition };
  });
}

describe("wall review schedule", () => {
  it("reminds a wall review's reviewers with undecided wall items once per slot", async () => {
    const prisma = db().prisma;
    const t0 = new Date(Date.now() - 30 * DAY);
    const at = (days: number, hours = 0) => new Date(t0.getTime() + days * DAY + hours * HOUR);
    const s = await wallReview({ t0, reminderEveryDays: 3 });
    const campaign = await runAt(at(0, 1), () => startCampaign(prisma, { definitionId: s.definition.id, actor: admin }));
    expect(campaign).toMatchObject({ kind: "walls", populationSize: 7 });
    const items = await prisma.wallReviewItem.findMany({ where: { campaignId: campaign.id } });
    expect(items.every((i) => i.reviewerId === s.rev.id)).toBe(true);
    const teamWall = items.find((i) => i.wallId === s.team.id && i.question === "wall")!;
    await runAt(at(1), () => decideWallItems(prisma, { campaignId: campaign.id, reviewerId: s.rev.id, input: { itemIds: [teamWall.id], decision: "keep" }, actor: { type: "admin", label: "rev" } }));

    // Nothing before the first slot (3 days after the start, an hour into day 0); slot 1: rev is
    // reminded once of the 6 undecided, however often the job runs.
    expect((await jobsAt(at(3, 0))).reviewReminders).toEqual({ campaigns: 0, reviewers: 0 });
    expect((await jobsAt(at(3, 2))).reviewReminders).toEqual({ campaigns: 1, reviewers: 1 });
    expect((await jobsAt(at(3, 3))).reviewReminders).toEqual({ campaigns: 0, reviewers: 0 });
    await deliverMail();
    const reminders = smtp().to(s.rev.email).filter((m) => m.subject.startsWith("Reminder"));
    expect(reminders.map((m) => m.subject)).toEqual([`Reminder: 6 walls and roster places still to review in "${campaign.name}"`]);
    expect(reminders[0].text).toContain(`6 walls and roster places of the wall review campaign "${campaign.name}" still wait for your decision`);
    expect(reminders[0].text).toContain(appLink("/reviews"));
    const reminded = await prisma.auditEvent.findMany({ where: { action: "review_campaign.reminded", targetId: campaign.id } });
    expect(reminded).toHaveLength(1);
    expect(reminded[0]).toMatchObject({ actorType: "system" });
    expect(reminded[0].after).toMatchObject({ slot: 1, everyDays: 3, overdue: false, reviewers: [{ reviewerId: s.rev.id, items: 6 }] });
    expect((await prisma.reviewCampaign.findUniqueOrThrow({ where: { id: campaign.id } })).reminderSlot).toBe(1);
    // The assignment at start spoke of walls as well.
    expect(smtp().to(s.rev.email).filter((m) => !m.subject.startsWith("Reminder")).map((m) => m.subject)).toEqual([`Wall review "${campaign.name}": 7 walls and roster places to review`]);
  });

  it("escalates a wall review's overdue items to the fallback, never their own place nor a wall that screens them, never twice", async () => {
    const prisma = db().prisma;
    const t0 = new Date(Date.now() - 30 * DAY);
    const at = (days: number, hours = 0) => new Date(t0.getTime() + days * DAY + hours * HOUR);
    const s = await wallReview({ t0, reminderEveryDays: 3, escalateAfterDays: 7 });
    const campaign = await runAt(at(0, 1), () => startCampaign(prisma, { definitionId: s.definition.id, actor: admin }));
    const items = await prisma.wallReviewItem.findMany({ where: { campaignId: campaign.id } });
    const teamWall = items.find((i) => i.wallId === s.team.id && i.question === "wall")!;
    await runAt(at(1), () => decideWallItems(prisma, { campaignId: campaign.id, reviewerId: s.rev.id, input: { itemIds: [teamWall.id], decision: "keep" }, actor: { type: "admin", label: "rev" } }));

    // After 7 days: only B's places of ann and ben go to the fallback — A screens the fallback (its
    // wall item and roster items stay with rev), and the fallback's own place on B stays too.
    expect((await jobsAt(at(6, 23))).reviewEscalation).toEqual({ campaigns: 0, items: 0 });
    expect((await jobsAt(at(7, 2))).reviewEscalation).toEqual({ campaigns: 1, items: 2 });
    expect((await jobsAt(at(7, 3))).reviewEscalation).toEqual({ campaigns: 0, items: 0 });
    const after = await prisma.wallReviewItem.findMany({ where: { campaignId: campaign.id } });
    const now = (wallId: string, userId: string | null) => after.find((i) => i.wallId === wallId && i.userId === userId)!;
    expect(now(s.team.id, s.ann.id)).toMatchObject({ reviewerId: s.fallback.id, assignedAt: at(7, 2), decision: null });
    expect(now(s.team.id, s.ben.id)).toMatchObject({ reviewerId: s.fallback.id, assignedAt: at(7, 2) });
    expect(now(s.team.id, s.fallback.id).reviewerId).toBe(s.rev.id);
    for (const userId of [null, s.dan.id, s.fallback.id]) expect(now(s.screen.id, userId).reviewerId).toBe(s.rev.id);
    const history = await prisma.reviewAssignment.findMany({ where: { campaignId: campaign.id } });
    expect(history.map((h) => [h.itemId, h.kind, h.stage, h.fromReviewerId, h.toReviewerId]).sort()).toEqual(
      [
        [now(s.team.id, s.ann.id).id, "escalated", 1, s.rev.id, s.fallback.id],
        [now(s.team.id, s.ben.id).id, "escalated", 1, s.rev.id, s.fallback.id],
      ].sort(),
    );
    const escalated = await prisma.auditEvent.findUniqueOrThrow({ where: { id: history[0].eventId! } });
    expect(escalated).toMatchObject({ action: "review_campaign.escalated", actorType: "system", targetId: campaign.id });
    expect(escalated.after).toMatchObject({ fallbackReviewerId: s.fallback.id, afterDays: 7, items: 2, from: [{ reviewerId: s.rev.id, items: 2 }] });
    expect(await prisma.auditEvent.count({ where: { action: "review_campaign.escalated", targetId: campaign.id } })).toBe(1);
    await deliverMail();
    const toFallback = smtp().to(s.fallback.email);
    expect(toFallback.map((m) => m.subject)).toEqual([`Wall review "${campaign.name}": 2 walls and roster places escalated to you`]);
    expect(toFallback[0].text).toContain("undecided for 7 days");

    // Slot 3 (day 9): each reviewer with undecided wall items, with their own count.
    await jobsAt(at(9, 2));
    await deliverMail();
    expect(smtp().to(s.rev.email).filter((m) => m.subject.startsWith("Reminder")).map((m) => m.subject)).toContain(`Reminder: 4 walls and roster places still to review in "${campaign.name}"`);
    expect(smtp().to(s.fallback.email).filter((m) => m.subject.startsWith("Reminder")).map((m) => m.subject)).toEqual([`Reminder: 2 walls and roster places still to review in "${campaign.name}"`]);
    const latest = await prisma.auditEvent.findFirstOrThrow({ where: { action: "review_campaign.reminded", targetId: campaign.id }, orderBy: { seq: "desc" } });
    expect(latest.after).toMatchObject({ slot: 3, reviewers: [{ reviewerId: s.fallback.id, items: 2 }, { reviewerId: s.rev.id, items: 4 }].sort((a, b) => (a.reviewerId < b.reviewerId ? -1 : 1)) });
  });

  it("reassigns a wall review reviewer's undecided items; the new reviewer's own place and the walls that screen them stay", async () => {
    const prisma = db().prisma;
    const s = await wallReview({ t0: new Date(Date.now() - 2 * DAY) });
    const campaign = await startCampaign(prisma, { definitionId: s.definition.id, actor: admin });
    // The campaign page offers rev (7 undecided) for reassignment.
    expect((await getCampaign(prisma, { id: campaign.id })).reviewers).toEqual([expect.objectContaining({ reviewerId: s.rev.id, total: 7, decided: 0 })]);
    const items = await prisma.wallReviewItem.findMany({ where: { campaignId: campaign.id } });
    const item = (wallId: string, userId: string | null) => items.find((i) => i.wallId === wallId && i.userId === userId)!;

    // To dan: A screens him (A's three items stay with rev); B's four move.
    const toDan = await reassignItems(prisma, { campaignId: campaign.id, input: { fromReviewerId: s.rev.id, toReviewerId: s.dan.id, reason: "Rev is on leave" }, actor: admin });
    expect(toDan).toEqual({ reassigned: 4, keptBack: 3 });
    // Then from dan to ann: her own place on B stays with dan.
    const toAnn = await reassignItems(prisma, { campaignId: campaign.id, input: { fromReviewerId: s.dan.id, toReviewerId: s.ann.id, reason: "Dan is busy" }, actor: admin });
    expect(toAnn).toEqual({ reassigned: 3, keptBack: 1 });
    const after = await prisma.wallReviewItem.findMany({ where: { campaignId: campaign.id } });
    const now = (wallId: string, userId: string | null) => after.find((i) => i.wallId === wallId && i.userId === userId)!;
    for (const userId of [null, s.dan.id, s.fallback.id]) expect(now(s.screen.id, userId).reviewerId).toBe(s.rev.id);
    expect(now(s.team.id, s.ann.id).reviewerId).toBe(s.dan.id);
    for (const userId of [null, s.ben.id, s.fallback.id]) expect(now(s.team.id, userId).reviewerId).toBe(s.ann.id);
    const history = await prisma.reviewAssignment.findMany({ where: { campaignId: campaign.id, itemId: item(s.team.id, s.ben.id).id }, orderBy: { at: "asc" } });
    expect(history.map((h) => [h.kind, h.fromReviewerId, h.toReviewerId, h.reason])).toEqual([
      ["reassigned", s.rev.id, s.dan.id, "Rev is on leave"],
      ["reassigned", s.dan.id, s.ann.id, "Dan is busy"],
    ]);
    // The report shows the moves beside the decisions, as for access items.
    const report = await campaignReport(prisma, { id: campaign.id });
    expect(report.wallItems.find((i) => i.id === item(s.team.id, s.ben.id).id)?.reassignments.map((r) => [r.kind, r.toReviewerId])).toEqual([["reassigned", s.dan.id], ["reassigned", s.ann.id]]);
    const event = await prisma.auditEvent.findUniqueOrThrow({ where: { id: history[1].eventId! } });
    expect(event).toMatchObject({ action: "review_campaign.items_reassigned", targetId: campaign.id });
    expect(event.after).toMatchObject({ reviewerId: s.ann.id, items: 3, keptBack: 1 });
    // ann can decide what reached her; nobody else's items are in her queue.
    await decideWallItems(prisma, { campaignId: campaign.id, reviewerId: s.ann.id, input: { itemIds: [item(s.team.id, s.ben.id).id], decision: "keep" }, actor: { type: "admin", label: "ann" } });
    await deliverMail();
    expect(smtp().to(s.ann.email).map((m) => m.subject)).toEqual([`Wall review "${campaign.name}": 3 walls and roster places reassigned to you`]);

    // Everything undecided of dan is his own place: nothing moves, the request fails.
    await expect(reassignItems(prisma, { campaignId: campaign.id, input: { fromReviewerId: s.dan.id, toReviewerId: s.ann.id, reason: "again" }, actor: admin })).rejects.toMatchObject({ code: "invalid_input" });
  });
});
