// Mover reviews (issue 19): when a SCIM update changes a person's department or manager and their
// directory enables it, a small review campaign of that person's access goes to the new manager.
// The SCIM write only adds an outbox row (MoverReview) — one more CTE in its single statement, or
// one INSERT in its transaction, conditional on the directory's setting, so the SCIM path stays as
// cheap as it is; processMoverReviews (the maintenance job, every few minutes, and on demand)
// starts the campaigns off that path, each in its own transaction with its audit events.
import { randomUUID } from "node:crypto";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { recordAuditEvent, type Actor } from "@/lib/audit/record";
import { now as clockNow } from "@/lib/clock";
import type { Tx } from "@/lib/db/errors";
import { log } from "@/lib/log";
import { startCampaignInTx } from "./service";

/** The moves that call for a review: department, and the enterprise extension's manager. */
const MOVER_FIELDS = ["department", "managerId"] as const;
type MoverField = (typeof MOVER_FIELDS)[number];

export type MoverChange = Partial<Record<MoverField, { before: string | null; after: string | null }>>;

/** What moved between the stored row and the new data (null: no move). */
export function moverChange(before: Record<MoverField, string | null>, after: Record<MoverField, string | null>): MoverChange | null {
  const changed: MoverChange = {};
  for (const field of MOVER_FIELDS) {
    if ((before[field] ?? null) !== (after[field] ?? null)) changed[field] = { before: before[field] ?? null, after: after[field] ?? null };
  }
  return Object.keys(changed).length ? changed : null;
}

/**
 * The outbox row's INSERT as SQL, for the SCIM update's own statement or transaction: written only
 * when the user's directory enables mover reviews (one primary-key probe). `userSql`: an
 * expression or CTE column giving the user's id and directory (`<source>.id`, `<source>."directoryId"`).
 */
export function moverReviewInsertSql(options: { source: string; id: string; changed: string }): string {
  return `INSERT INTO "MoverReview" (id, "directoryId", "userId", changed)
    SELECT ${options.id}, s."directoryId", s.id, ${options.changed}::jsonb FROM ${options.source} s
    JOIN "Directory" d ON d.id = s."directoryId" WHERE d."moverReviews"`;
}

/** The outbox row inside the caller's transaction (the SCIM update's locking path). */
export async function queueMoverReview(tx: Tx, options: { userId: string; change: MoverChange }): Promise<void> {
  await tx.$executeRawUnsafe(
    moverReviewInsertSql({ source: `(SELECT id, "directoryId" FROM "User" WHERE id = $2)`, id: "$1", changed: "$3" }),
    randomUUID(),
    options.userId,
    JSON.stringify(options.change),
  );
}

const ACTOR: Actor = { type: "system", label: "mover review" };

export interface MoverReviewsResult {
  started: number;
  skipped: number;
}

/**
 * Starts the campaigns of pending mover reviews, oldest first. Each row is claimed FOR UPDATE SKIP
 * LOCKED in its own transaction with the campaign it starts, so instances share the work and a
 * crash leaves the row pending. A person who moved twice before the job ran gets one review of
 * their access as it is now (their other pending rows are marked merged into it). Outcomes:
 * started, no_access (nothing to review), off (the setting was turned off since), gone (the
 * person was deleted), merged.
 */
export async function processMoverReviews(prisma: PrismaClient, options: { limit?: number } = {}): Promise<MoverReviewsResult> {
  const result: MoverReviewsResult = { started: 0, skipped: 0 };
  const limit = options.limit ?? 200;
  while (result.started + result.skipped < limit) {
    const done = await prisma.$transaction(
      async (tx) => {
        const [row] = await tx.$queryRawUnsafe<{ id: string; directoryId: string; userId: string; changed: unknown }[]>(
          `SELECT id, "directoryId", "userId", changed FROM "MoverReview" WHERE "processedAt" IS NULL
           ORDER BY "createdAt", id LIMIT 1 FOR UPDATE SKIP LOCKED`,
        );
        if (!row) return false;
        const outcome = await startMoverCampaign(tx, row);
        const at = clockNow();
        await tx.moverReview.update({ where: { id: row.id }, data: { processedAt: at, outcome: outcome.outcome, campaignId: outcome.campaignId } });
        if (outcome.outcome === "started") result.started++;
        else result.skipped++;
        // The same person's later moves, already queued: this review covers them.
        const merged = await tx.$executeRawUnsafe(
          `UPDATE "MoverReview" SET "processedAt" = $2::timestamp(3), outcome = 'merged', "campaignId" = $3
           WHERE id IN (SELECT id FROM "MoverReview" WHERE "userId" = $1 AND "processedAt" IS NULL FOR UPDATE SKIP LOCKED)`,
          row.userId,
          at,
          outcome.campaignId,
        );
        result.skipped += merged;
        return true;
      },
      { maxWait: 10_000, timeout: 120_000 },
    );
    if (!done) break;
  }
  if (result.started) log.info("mover reviews started", { ...result });
  return result;
}

async function startMoverCampaign(
  tx: Tx,
  row: { id: string; directoryId: string; userId: string; changed: unknown },
): Promise<{ outcome: string; campaignId: string | null }> {
  const directory = await tx.directory.findUnique({ where: { id: row.directoryId } });
  if (!directory?.moverReviews || !directory.moverReviewFallbackId) return { outcome: "off", campaignId: null };
  const person = await tx.user.findUnique({ where: { id: row.userId }, select: { id: true, userName: true, displayName: true } });
  if (!person) return { outcome: "gone", campaignId: null };
  const definitionId = await moverDefinition(tx, directory);
  const campaign = await startCampaignInTx(tx, {
    definitionId,
    name: `Mover review: ${person.displayName ?? person.userName}`,
    actor: ACTOR,
    people: [person.id],
    kind: "mover",
    skipEmpty: true,
  });
  // A person with nothing to review: no campaign (an empty one would only need closing).
  if (!campaign) return { outcome: "no_access", campaignId: null };
  await recordAuditEvent(tx, {
    actor: ACTOR,
    action: "mover_review.started",
    directoryId: directory.id,
    target: { type: "ReviewCampaign", id: campaign.id, label: campaign.name },
    after: { userId: person.id, changed: row.changed, moverReviewId: row.id, items: campaign.populationSize },
  });
  return { outcome: "started", campaignId: campaign.id };
}

/** The directory's mover definition (created on first use): the person's manager reviews, the directory's fallback otherwise. */
async function moverDefinition(
  tx: Tx,
  directory: { id: string; name: string; moverReviewDefinitionId: string | null; moverReviewFallbackId: string | null; moverReviewDays: number },
): Promise<string> {
  const config = {
    scope: { repositoryIds: [], contractTypes: [], counterparties: [], directoryIds: [directory.id], userIds: [], groupIds: [], ruleIds: [], directOnly: false },
    perContractFrom: "strictly_confidential",
    stages: [{ reviewers: "manager", namedReviewerIds: [] }],
    fallbackReviewerId: directory.moverReviewFallbackId!,
    durationDays: directory.moverReviewDays,
    undecided: "keep",
    justification: { keep: false, revoke: true },
    bulkAllowed: true,
    inactivityRevokeDays: 90,
    recentlyOpenedDays: 90,
    carryForward: false,
  };
  if (directory.moverReviewDefinitionId) {
    // Follows the directory's current setting (fallback, duration) at each start.
    const updated = await tx.reviewDefinition.updateMany({ where: { id: directory.moverReviewDefinitionId }, data: { config } });
    if (updated.count === 1) return directory.moverReviewDefinitionId;
  }
  const definition = await tx.reviewDefinition.create({ data: { name: `Mover reviews: ${directory.name}`, config, createdBy: ACTOR.label } });
  await recordAuditEvent(tx, {
    actor: ACTOR,
    action: "review_definition.created",
    target: { type: "ReviewDefinition", id: definition.id, label: definition.name },
    after: { name: definition.name, config },
  });
  await tx.directory.update({ where: { id: directory.id }, data: { moverReviewDefinitionId: definition.id } });
  return definition.id;
}
