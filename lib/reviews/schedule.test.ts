// The campaign's scheduled life with a controlled clock (lib/clock.ts runAt) and a real SMTP
// receiver on 127.0.0.1: assignment at start (each reviewer once, with their count and a link to
// My reviews), reminders on the definition's cadence (once per slot, only reviewers with undecided
// items), escalation to the fallback after N days (item history, audit trail, e-mail to the
// fallback; never the fallback's own access), close (reviewers and the campaign's owner) — each
// also a webhook event, delivered to a real HTTP receiver. Then recurrence: the scheduler starts a
// recurring definition's campaign once per occurrence, the definition's duration setting the due
// date, and a second start of the same occurrence is refused by the database.
import { describe, expect, it } from "vitest";
import { runAt } from "@/lib/clock";
import { parseTargetPolicy } from "@/lib/config";
import { runReviewJobs } from "@/lib/jobs/maintenance";
import { runEmailDeliveriesOnce } from "@/lib/notifications/dispatcher";
import { appLink } from "@/lib/notifications/outbox";
import { newWorld, person } from "@/lib/testing/access-world";
import { setupTestDatabase, unique } from "@/lib/testing/database";
import { smtpReceiverForFile } from "@/lib/testing/smtp-receiver";
import { startWebhookReceiver } from "@/lib/testing/webhook-receiver";
import { runDeliveriesOnce } from "@/lib/webhooks/dispatcher";
import { createEndpoint, deleteEndpoint } from "@/lib/webhooks/service";
import { addMonthsUtc, latestOccurrence, nextOccurrence } from "./recurrence";
import { startDueRecurrences } from "./schedule";
import { closeCampaign, createDefinition, decideItems, setRepositoryOwners, startCampaign, startCampaignInTx } from "./service";

const { db } = setupTestDatabase();
const DAY = 86_400_000;
const HOUR = 3_600_000;
const policy = parseTargetPolicy("127.0.0.1");
const smtp = smtpReceiverForFile("Custodian <reviews@example.test>");

const deliverMail = () => runEmailDeliveriesOnce(db().prisma);
const jobsAt = (at: Date) => runAt(at, () => runReviewJobs(db().prisma, { now: at }));

describe("review campaign schedule and notifications", () => {
  it("assigns, reminds once per slot, escalates to the fallback, closes — by e-mail and webhook", async () => {
    const hooks = await startWebhookReceiver();
    const prisma = db().prisma;
    const endpoint = await createEndpoint(prisma, {
      input: { url: hooks.url, events: ["review.campaign_started", "review.reminder_sent", "review.items_escalated", "review.campaign_closed"], description: "reviews" },
      actor: { type: "system", label: "test" },
      policy,
    });
    try {
      const t0 = new Date(Date.now() - 30 * DAY);
      const at = (days: number, hours = 0) => new Date(t0.getTime() + days * DAY + hours * HOUR);
      const compliance = { type: "admin" as const, id: "schedule-test", label: `${unique("compliance")}@example.test` };
      const s = await runAt(t0, async () => {
        const w = await newWorld();
        const [ann, ben, cid, owner, fallback] = [await person(w, "ann"), await person(w, "ben"), await person(w, "cid"), await person(w, "owner"), await person(w, "fallback")];
        // the fallback is also reviewed (by the owner): escalation never hands them their own item
        const team = await w.group("team", [ann.id, ben.id, cid.id, fallback.id]);
        const repo = await w.repository("sched");
        await w.contract(repo);
        await w.rule({ groupId: team, level: "view", repositoryId: repo });
        await setRepositoryOwners(w.prisma, { repositoryId: repo, userIds: [owner.id], actor: compliance });
        const definition = await createDefinition(w.prisma, {
          input: {
            name: `Scheduled ${w.tag}`,
            config: {
              scope: { repositoryIds: [repo] },
              stages: [{ reviewers: "repository_owners" }],
              fallbackReviewerId: fallback.id,
              durationDays: 14,
              reminderEveryDays: 3,
              escalateAfterDays: 7,
              justification: { keep: false, revoke: false },
            },
          },
          actor: compliance,
        });
        return { w, ann, ben, cid, owner, fallback, definition };
      });
      expect(s.definition.ownerEmail).toBe(compliance.label);

      // Start (an hour after the world): the owner is told once, with the count and the link.
      const campaign = await runAt(at(0, 1), () => startCampaign(prisma, { definitionId: s.definition.id, actor: compliance }));
      expect(campaign.populationSize).toBe(4);
      await deliverMail();
      const assigned = smtp().to(s.owner.email);
      expect(assigned).toHaveLength(1);
      expect(assigned[0].subject).toBe(`Access review "${campaign.name}": 4 items to review`);
      expect(assigned[0].text).toContain("4 items await your decision");
      expect(assigned[0].text).toContain(appLink("/reviews"));
      expect(smtp().to(s.fallback.email)).toHaveLength(0);
      const started = await prisma.auditEvent.findUniqueOrThrow({ where: { id: campaign.startEventId! } });
      expect(started.after).toMatchObject({ reviewers: 1, assignments: [{ reviewerId: s.owner.id, items: 4 }] });

      const items = await prisma.reviewItem.findMany({ where: { campaignId: campaign.id } });
      const item = (userId: string) => items.find((i) => i.userId === userId)!;
      await runAt(at(1), () =>
        decideItems(prisma, { campaignId: campaign.id, reviewerId: s.owner.id, input: { itemIds: [item(s.ann.id).id], decision: "keep" }, actor: { type: "admin", label: "owner" } }),
      );

      // Reminders every 3 days from the start: nothing before the first slot; slot 1 once (3 undecided), however often the job runs.
      await jobsAt(at(3, 0));
      await jobsAt(at(3, 2));
      await jobsAt(at(3, 3));
      await deliverMail();
      const reminders = smtp().to(s.owner.email).filter((m) => m.subject.startsWith("Reminder"));
      expect(reminders).toHaveLength(1);
      expect(reminders[0].subject).toBe(`Reminder: 3 items still to review in "${campaign.name}"`);
      expect(reminders[0].text).toContain(appLink("/reviews"));
      expect((await prisma.reviewCampaign.findUniqueOrThrow({ where: { id: campaign.id } })).reminderSlot).toBe(1);
      await jobsAt(at(6, 2));
      await deliverMail();
      expect(smtp().to(s.owner.email).filter((m) => m.subject.startsWith("Reminder"))).toHaveLength(2);

      // Escalation after 7 days: ben's and cid's items go to the fallback; the fallback's own stays.
      const before = await jobsAt(at(6, 23));
      expect(before.reviewEscalation).toEqual({ campaigns: 0, items: 0 });
      const escalated = await jobsAt(at(7, 2));
      expect(escalated.reviewEscalation).toEqual({ campaigns: 1, items: 2 });
      expect((await jobsAt(at(7, 3))).reviewEscalation).toEqual({ campaigns: 0, items: 0 });
      const after = await prisma.reviewItem.findMany({ where: { campaignId: campaign.id } });
      const now = (userId: string) => after.find((i) => i.userId === userId)!;
      expect(now(s.ben.id).reviewerId).toBe(s.fallback.id);
      expect(now(s.cid.id).reviewerId).toBe(s.fallback.id);
      expect(now(s.fallback.id).reviewerId).toBe(s.owner.id);
      expect(now(s.ann.id)).toMatchObject({ reviewerId: s.owner.id, decision: "keep" });
      const history = await prisma.reviewAssignment.findMany({ where: { campaignId: campaign.id }, orderBy: { itemId: "asc" } });
      expect(history.map((h) => [h.itemId, h.kind, h.fromReviewerId, h.toReviewerId]).sort()).toEqual(
        [[now(s.ben.id).id, "escalated", s.owner.id, s.fallback.id], [now(s.cid.id).id, "escalated", s.owner.id, s.fallback.id]].sort(),
      );
      const event = await prisma.auditEvent.findUniqueOrThrow({ where: { id: history[0].eventId! } });
      expect(event).toMatchObject({ action: "review_campaign.escalated", actorType: "system", targetId: campaign.id });
      expect(event.after).toMatchObject({ fallbackReviewerId: s.fallback.id, afterDays: 7, items: 2, from: [{ reviewerId: s.owner.id, items: 2 }] });
      await deliverMail();
      const toFallback = smtp().to(s.fallback.email);
      expect(toFallback).toHaveLength(1);
      expect(toFallback[0].subject).toBe(`Access review "${campaign.name}": 2 items escalated to you`);
      expect(toFallback[0].text).toContain("undecided for 7 days");
      expect(toFallback[0].text).toContain(appLink("/reviews"));

      // Slot 3 (day 9): both reviewers with undecided items are reminded, each with their own count.
      await jobsAt(at(9, 2));
      await deliverMail();
      expect(smtp().to(s.owner.email).filter((m) => m.subject.startsWith("Reminder")).map((m) => m.subject)).toContain(`Reminder: 1 item still to review in "${campaign.name}"`);
      expect(smtp().to(s.fallback.email).filter((m) => m.subject.startsWith("Reminder")).map((m) => m.subject)).toEqual([`Reminder: 2 items still to review in "${campaign.name}"`]);

      // Close: every reviewer and the owner (the account that started it) hear of it.
      await runAt(at(10), () => closeCampaign(prisma, { campaignId: campaign.id, actor: compliance }));
      await deliverMail();
      for (const reviewer of [s.owner.email, s.fallback.email]) {
        const closed = smtp().to(reviewer).filter((m) => m.subject.endsWith("is closed"));
        expect(closed).toHaveLength(1);
        expect(closed[0].text).toContain("4 items kept, 0 items revoked (3 items nobody decided got the campaign's default)");
      }
      const ownerMail = smtp().to(compliance.label).filter((m) => m.subject.endsWith("is closed"));
      expect(ownerMail).toHaveLength(1);
      expect(ownerMail[0].text).toContain(appLink(`/dashboard/campaigns/${campaign.id}/report`));
      // nobody whose access was reviewed is told anything (ann, ben and cid are no reviewers)
      for (const subject of [s.ann, s.ben, s.cid]) expect(smtp().to(subject.email)).toHaveLength(0);

      // The same four moments as webhook events.
      for (let i = 0; i < 5; i++) await runDeliveriesOnce(prisma, { policy });
      const received = hooks.received.map((r) => JSON.parse(r.body) as { type: string; data: { target: { id: string }; after: Record<string, unknown> } }).filter((p) => p.data.target?.id === campaign.id);
      expect(received.map((p) => p.type).sort()).toEqual(
        ["review.campaign_closed", "review.campaign_started", "review.items_escalated", "review.reminder_sent", "review.reminder_sent", "review.reminder_sent"].sort(),
      );
      expect(received.find((p) => p.type === "review.campaign_started")!.data.after).toMatchObject({ assignments: [{ reviewerId: s.owner.id, items: 4 }] });
      expect(received.find((p) => p.type === "review.items_escalated")!.data.after).toMatchObject({ fallbackReviewerId: s.fallback.id, items: 2 });
    } finally {
      await deleteEndpoint(prisma, { id: endpoint.endpoint.id, actor: { type: "system", label: "test" } });
      await hooks.close();
    }
  });

  it("starts a recurring definition's campaign once per occurrence, due after the definition's duration", async () => {
    const prisma = db().prisma;
    const startAt = "2026-01-31T09:00:00.000Z";
    const s = await runAt(new Date("2026-01-20T00:00:00Z"), async () => {
      const w = await newWorld();
      const [ann, fallback] = [await person(w, "ann"), await person(w, "fallback")];
      const repo = await w.repository("recurring");
      await w.contract(repo);
      await w.rule({ groupId: await w.group("monthly", [ann.id]), level: "view", repositoryId: repo });
      const definition = await createDefinition(w.prisma, {
        input: {
          name: `Monthly ${w.tag}`,
          config: { scope: { repositoryIds: [repo] }, stages: [{ reviewers: "named", namedReviewerIds: [fallback.id] }], fallbackReviewerId: fallback.id, durationDays: 10, recurrence: { every: "monthly", startAt } },
        },
        actor: { type: "system", label: "test" },
      });
      return { ann, fallback, definition };
    });
    const campaigns = () => prisma.reviewCampaign.findMany({ where: { definitionId: s.definition.id }, orderBy: { startedAt: "asc" } });

    expect((await jobsAt(new Date("2026-01-30T00:00:00Z"))).reviewRecurrence).toEqual({ started: 0, failed: 0 });
    // two instances at once (on PostgreSQL the second finds the lock taken; on PGlite it runs after and finds the campaign)
    const first = new Date("2026-02-10T00:00:00Z");
    await Promise.all([jobsAt(first), jobsAt(first)]);
    await jobsAt(new Date("2026-02-20T00:00:00Z"));
    let list = await campaigns();
    expect(list).toHaveLength(1);
    expect(list[0].occurrenceAt?.toISOString()).toBe(startAt);
    expect(list[0].startedBy).toBe("review scheduler");
    expect(list[0].dueAt.getTime() - list[0].startedAt.getTime()).toBe(10 * DAY);
    expect(list[0].populationSize).toBe(1);

    // 31 January + 1 month: the last day of February
    await jobsAt(new Date("2026-03-01T00:00:00Z"));
    list = await campaigns();
    expect(list.map((c) => c.occurrenceAt?.toISOString())).toEqual([startAt, "2026-02-28T09:00:00.000Z"]);
    expect(list.map((c) => c.name)).toEqual([`${s.definition.name} #1`, `${s.definition.name} #2`]);

    // the same occurrence twice is refused by the database, whoever tries
    await expect(
      prisma.$transaction((tx) => startCampaignInTx(tx, { definitionId: s.definition.id, actor: { type: "system", label: "test" }, occurrenceAt: new Date(startAt) })),
    ).rejects.toThrow();
    const started = await runAt(new Date("2026-03-02T00:00:00Z"), () => prisma.$transaction((tx) => startDueRecurrences(tx, { now: new Date("2026-03-02T00:00:00Z") })));
    expect(started).toEqual({ started: 0, failed: 0 });
  });

  it("computes occurrences by calendar month", () => {
    expect(addMonthsUtc(new Date("2026-01-31T09:00:00Z"), 1).toISOString()).toBe("2026-02-28T09:00:00.000Z");
    expect(addMonthsUtc(new Date("2024-01-31T09:00:00Z"), 1).toISOString()).toBe("2024-02-29T09:00:00.000Z");
    expect(addMonthsUtc(new Date("2026-11-15T00:00:00Z"), 3).toISOString()).toBe("2027-02-15T00:00:00.000Z");
    const quarterly = { every: "quarterly" as const, startAt: "2026-01-15T00:00:00Z" };
    expect(latestOccurrence(quarterly, new Date("2026-01-14T23:59:59Z"))).toBeNull();
    expect(latestOccurrence(quarterly, new Date("2026-01-15T00:00:00Z"))?.toISOString()).toBe("2026-01-15T00:00:00.000Z");
    expect(latestOccurrence(quarterly, new Date("2026-07-14T00:00:00Z"))?.toISOString()).toBe("2026-04-15T00:00:00.000Z");
    expect(latestOccurrence(quarterly, new Date("2027-01-15T00:00:00Z"))?.toISOString()).toBe("2027-01-15T00:00:00.000Z");
    expect(nextOccurrence(quarterly, new Date("2026-07-14T00:00:00Z")).toISOString()).toBe("2026-07-15T00:00:00.000Z");
    expect(nextOccurrence({ every: "annually", startAt: "2027-03-01T00:00:00Z" }, new Date("2026-07-14T00:00:00Z")).toISOString()).toBe("2027-03-01T00:00:00.000Z");
  });
});
