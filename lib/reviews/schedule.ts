// The campaign jobs the scheduler runs (lib/jobs/maintenance.ts, each under its own advisory lock,
// so two instances never do the same work at once) — and each idempotent by itself as well:
//  - recurrence: a definition with a recurrence starts its campaign for the latest occurrence due,
//    once (the campaign records the occurrence; a unique index holds one campaign per occurrence);
//  - reminders: every `reminderEveryDays` after the start, reviewers with undecided items are
//    reminded, once per cadence slot (the campaign's slot is claimed by a conditional UPDATE);
//  - escalation: items left undecided `escalateAfterDays` after their reviewer received them go
//    to the fallback reviewer (the item's history, the audit trail, an e-mail to the fallback).
// Both read the campaign's own items: access items, or a wall review's wall items (itemTable).
// Missed slots (the servers were down) are not caught up one by one: the latest slot counts.
import type { Actor } from "@/lib/audit/record";
import { recordAuditEvent } from "@/lib/audit/record";
import type { Tx } from "@/lib/db/errors";
import { log } from "@/lib/log";
import { enqueueEmails } from "@/lib/notifications/outbox";
import { escalationMessages, reminderMessages } from "./notifications";
import { latestOccurrence } from "./recurrence";
import { campaignConfig } from "./schemas";
import { handOverItems, itemTable, itemsReviewableBy, lockOpenItems, reviewerCounts, startCampaignInTx } from "./service";

const DAY_MS = 86_400_000;
export const SCHEDULER: Actor = { type: "system", label: "review scheduler" };

export interface RecurrenceResult {
  started: number;
  failed: number;
}

/**
 * Starts the campaign of each recurring definition whose latest occurrence has none yet. Each start
 * runs in a savepoint of the job's transaction: a definition that cannot start (its fallback
 * reviewer was deleted, …) is logged and retried next run without undoing the others.
 */
export async function startDueRecurrences(tx: Tx, options: { now: Date }): Promise<RecurrenceResult> {
  const result: RecurrenceResult = { started: 0, failed: 0 };
  const definitions = await tx.$queryRawUnsafe<{ id: string; name: string; config: unknown }[]>(
    `SELECT id, name, config FROM "ReviewDefinition" WHERE jsonb_typeof(config->'recurrence') = 'object' ORDER BY id`,
  );
  for (const d of definitions) {
    const recurrence = campaignConfig.safeParse(d.config).data?.recurrence;
    if (!recurrence) continue;
    const occurrenceAt = latestOccurrence(recurrence, options.now);
    if (!occurrenceAt) continue;
    if (await tx.reviewCampaign.findFirst({ where: { definitionId: d.id, occurrenceAt }, select: { id: true } })) continue;
    await tx.$executeRawUnsafe(`SAVEPOINT recurring_start`);
    try {
      await startCampaignInTx(tx, { definitionId: d.id, actor: SCHEDULER, occurrenceAt });
      await tx.$executeRawUnsafe(`RELEASE SAVEPOINT recurring_start`);
      result.started++;
    } catch (err) {
      await tx.$executeRawUnsafe(`ROLLBACK TO SAVEPOINT recurring_start`);
      result.failed++;
      log.warn("recurring review campaign could not start", { definitionId: d.id, occurrenceAt: occurrenceAt.toISOString(), error: err instanceof Error ? err.message : String(err) });
    }
  }
  return result;
}

interface ActiveCampaign {
  id: string;
  name: string;
  kind: string;
  config: unknown;
  startedAt: Date;
  dueAt: Date;
  reminderSlot: number;
}

async function activeCampaignsWith(tx: Tx, setting: "reminderEveryDays" | "escalateAfterDays"): Promise<ActiveCampaign[]> {
  return tx.$queryRawUnsafe<ActiveCampaign[]>(
    `SELECT id, name, kind, config, "startedAt", "dueAt", "reminderSlot" FROM "ReviewCampaign"
     WHERE status = 'active' AND jsonb_typeof(config->'${setting}') = 'number' ORDER BY "startedAt", id`,
  );
}

/** Open (undecided) items per reviewer of a campaign, in its own item table. */
async function openByReviewer(tx: Tx, campaign: { id: string; kind: string }): Promise<Map<string, number>> {
  const rows = await tx.$queryRawUnsafe<{ reviewerId: string; open: number }[]>(
    `SELECT "reviewerId", count(*)::int AS open FROM "${itemTable(campaign.kind)}" WHERE "campaignId" = $1 AND decision IS NULL AND "reviewerId" IS NOT NULL GROUP BY "reviewerId"`,
    campaign.id,
  );
  return new Map(rows.map((r) => [r.reviewerId, r.open]));
}

export interface RemindersResult {
  campaigns: number;
  reviewers: number;
}

/** Reminds the reviewers with undecided items of each campaign whose cadence slot came, once per slot. */
export async function sendDueReminders(tx: Tx, options: { now: Date }): Promise<RemindersResult> {
  const result: RemindersResult = { campaigns: 0, reviewers: 0 };
  for (const c of await activeCampaignsWith(tx, "reminderEveryDays")) {
    const every = campaignConfig.parse(c.config).reminderEveryDays!;
    const slot = Math.floor((options.now.getTime() - c.startedAt.getTime()) / (every * DAY_MS));
    if (slot < 1 || slot <= c.reminderSlot) continue;
    // The claim: a slot already taken (another run, or this one before a crash after commit) updates nothing.
    const claimed = await tx.$executeRawUnsafe(
      `UPDATE "ReviewCampaign" SET "reminderSlot" = $2 WHERE id = $1 AND status = 'active' AND "reminderSlot" < $2`,
      c.id,
      slot,
    );
    if (claimed === 0) continue;
    const open = await openByReviewer(tx, c);
    if (open.size === 0) continue;
    const eventId = await recordAuditEvent(tx, {
      actor: SCHEDULER,
      action: "review_campaign.reminded",
      target: { type: "ReviewCampaign", id: c.id, label: c.name },
      after: { slot, everyDays: every, dueAt: c.dueAt.toISOString(), overdue: c.dueAt <= options.now, reviewers: reviewerCounts(open) },
    });
    await enqueueEmails(tx, { messages: await reminderMessages(tx, c, open, options.now), eventId, now: options.now });
    result.campaigns++;
    result.reviewers += open.size;
  }
  return result;
}

export interface EscalationResult {
  campaigns: number;
  items: number;
}

/**
 * Moves items undecided `escalateAfterDays` after their reviewer received them to the campaign's
 * fallback reviewer — never an item the fallback may not review (their own access or place on a
 * roster, an item of a scope an ethical wall screens them from or of a wall that screens them:
 * those stay with their reviewer; each run looks at them again, and a run that moves nothing
 * records and sends nothing), never items without a reviewer. The event counts what stayed and
 * what of it a wall kept back. The campaign row is locked as a close locks it, so a decision in
 * flight finishes first.
 */
export async function escalateOverdueItems(tx: Tx, options: { now: Date }): Promise<EscalationResult> {
  const result: EscalationResult = { campaigns: 0, items: 0 };
  for (const c of await activeCampaignsWith(tx, "escalateAfterDays")) {
    const config = campaignConfig.parse(c.config);
    const afterDays = config.escalateAfterDays!;
    const fallback = config.fallbackReviewerId;
    const cutoff = new Date(options.now.getTime() - afterDays * DAY_MS);
    const locked = await tx.$queryRawUnsafe<{ status: string }[]>(`SELECT status FROM "ReviewCampaign" WHERE id = $1 FOR UPDATE`, c.id);
    if (locked[0]?.status !== "active") continue;
    // Items already with the fallback are not due: run twice, nothing moves twice.
    const overdue = await lockOpenItems(tx, c, { notReviewerId: fallback, assignedBy: cutoff });
    const { reviewable: due, screened } = await itemsReviewableBy(tx, c, fallback, overdue, options.now);
    if (due.length === 0) continue;
    const from = new Map<string, number>();
    for (const i of due) from.set(i.reviewerId, (from.get(i.reviewerId) ?? 0) + 1);
    const eventId = await recordAuditEvent(tx, {
      actor: SCHEDULER,
      action: "review_campaign.escalated",
      target: { type: "ReviewCampaign", id: c.id, label: c.name },
      after: {
        fallbackReviewerId: fallback,
        afterDays,
        items: due.length,
        keptBack: overdue.length - due.length,
        keptBackByWall: screened,
        from: reviewerCounts(from),
        itemIds: due.map((i) => i.id),
      },
    });
    await handOverItems(tx, { campaign: c, items: due, toReviewerId: fallback, kind: "escalated", reason: `Undecided ${afterDays} days after assignment`, at: options.now, eventId });
    await enqueueEmails(tx, { messages: await escalationMessages(tx, c, fallback, due.length, afterDays), eventId, now: options.now });
    result.campaigns++;
    result.items += due.length;
  }
  return result;
}
