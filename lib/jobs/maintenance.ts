// Periodic housekeeping inside each server. Jobs coordinate through the database — a transaction
// advisory lock per job — so several instances never run the same job at the same time.
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { processTimedEffectsInTx, type TimedEffectsResult } from "@/lib/access/timed-effects";
import { getConfig } from "@/lib/config";
import { recordExpiryWarnings, type ExpiryWarningsResult } from "@/lib/access/expiring";
import { getPrisma } from "@/lib/db/client";
import type { Tx } from "@/lib/db/errors";
import { log } from "@/lib/log";
import { pruneRequestLog } from "@/lib/scim/request-log";
import { pruneSignInThrottle } from "@/lib/auth/sign-in-limits";
import { applyInactivityPolicies, type InactivityResult } from "@/lib/users/inactivity";
import { now as clockNow } from "@/lib/clock";
import { applyAuditRetention } from "@/lib/audit/retention";
import { latestFullVerification, runChainVerification, verifyOnDemand, type OnDemandVerification } from "@/lib/audit/verification-job";
import { describeVerification } from "@/lib/audit/verify";
import { runGroupClosureCheck } from "@/lib/access/graph-check";
import { issueMissingLiftCertificates } from "@/lib/walls/certificate";
import { escalateOverdueItems, sendDueReminders, startDueRecurrences, type EscalationResult, type RecurrenceResult, type RemindersResult } from "@/lib/reviews/schedule";
import { processMoverReviews, type MoverReviewsResult } from "@/lib/reviews/mover";
import { failStalledStarts } from "@/lib/reviews/service";
import { everyInterval } from "@/lib/interval-loop";

export const JOB_LOCK_KEYS = {
  requestLogRetention: 72_707_372_401,
  timedEffects: 72_707_372_402,
  auditRetention: 72_707_372_403,
  auditVerification: 72_707_372_404,
  inactivity: 72_707_372_405,
  expiryWarnings: 72_707_372_406,
  groupClosureCheck: 72_707_372_407,
  reviewRecurrence: 72_707_372_408,
  reviewEscalation: 72_707_372_409,
  reviewReminders: 72_707_372_410,
} as const;
// Often enough that access.revoked events for ended contracts and expired rules follow within
// minutes (access itself ends at the exact instant regardless: the queries filter by time).
const INTERVAL_MS = 5 * 60 * 1000;

/** Runs `job` when no other instance is running it; returns undefined when skipped. */
export async function runExclusively<T>(prisma: PrismaClient, key: number, job: (tx: Tx) => Promise<T>): Promise<T | undefined> {
  return prisma.$transaction(
    async (tx) => {
      const [{ locked }] = await tx.$queryRawUnsafe<{ locked: boolean }[]>("SELECT pg_try_advisory_xact_lock($1) AS locked", key);
      return locked ? job(tx) : undefined;
    },
    { timeout: 10 * 60 * 1000 },
  );
}

export async function runMaintenanceOnce(
  prisma: PrismaClient,
  options: { now?: Date } = {},
): Promise<{
  requestLogPruned?: number;
  timedEffects?: TimedEffectsResult;
  inactivity?: InactivityResult;
  expiryWarnings?: ExpiryWarningsResult;
  auditRetention?: { deleted: number; throughPosition?: string };
  auditVerification?: { ok: boolean; kind: string; summary: string };
  groupClosureCheck?: { checkedGroups: number; differences: number };
  wallLiftCertificates?: number;
  reviewRecurrence?: RecurrenceResult;
  reviewEscalation?: EscalationResult;
  reviewReminders?: RemindersResult;
  stalledStarts?: number;
  moverReviews?: MoverReviewsResult;
}> {
  const config = getConfig();
  const now = options.now ?? clockNow();
  const retentionDays = config.REQUEST_LOG_RETENTION_DAYS;
  const requestLogPruned = await runExclusively(prisma, JOB_LOCK_KEYS.requestLogRetention, (tx) =>
    pruneRequestLog(tx, retentionDays),
  );
  // The advisory lock keeps instances from doing the work twice at once; the TimedEffect claims
  // keep a later run from recording an item again.
  const timedEffects = await runExclusively(prisma, JOB_LOCK_KEYS.timedEffects, (tx) =>
    processTimedEffectsInTx(tx, { now }),
  );
  // Flags and suspensions are claimed by conditional UPDATEs, so a run racing another (or a SCIM
  // touch) never handles a user twice even without the lock.
  const inactivity = await runExclusively(prisma, JOB_LOCK_KEYS.inactivity, (tx) => applyInactivityPolicies(tx, { now }));
  const expiryWarnings = await runExclusively(prisma, JOB_LOCK_KEYS.expiryWarnings, (tx) =>
    recordExpiryWarnings(tx, { now, leadDays: config.ACCESS_EXPIRY_WARNING_DAYS }),
  );
  // Ended sign-in rate-limit windows; idempotent, so no job lock.
  await pruneSignInThrottle(prisma, now);
  const auditRetentionDays = config.AUDIT_RETENTION_DAYS;
  const auditRetention =
    auditRetentionDays === undefined
      ? undefined
      : await runExclusively(prisma, JOB_LOCK_KEYS.auditRetention, (tx) => applyAuditRetention(tx, { retentionDays: auditRetentionDays, now }));
  const verified = await runExclusively(prisma, JOB_LOCK_KEYS.auditVerification, (tx) => runChainVerification(tx, { now }));
  const auditVerification = verified && { ok: verified.ok, kind: verified.kind, summary: describeVerification(verified) };
  const closure = await runExclusively(prisma, JOB_LOCK_KEYS.groupClosureCheck, (tx) => runGroupClosureCheck(tx, { now }));
  const groupClosureCheck = closure && { checkedGroups: closure.checkedGroups, differences: closure.mismatches.length };
  // A lifted wall whose lift certificate was not issued (a crash right after the lift): issued now.
  // No job lock: the certificate's unique liftOf keeps two instances from storing two.
  const wallLiftCertificates = await issueMissingLiftCertificates(prisma);
  const reviews = await runReviewJobs(prisma, { now });
  // Rows are claimed FOR UPDATE SKIP LOCKED: instances share the work without a job lock.
  const moverReviews = await processMoverReviews(prisma);
  return { requestLogPruned, timedEffects, inactivity, expiryWarnings, auditRetention, auditVerification, groupClosureCheck, wallLiftCertificates, ...reviews, moverReviews };
}

/**
 * The access review campaign jobs (lib/reviews/schedule.ts): recurring starts, then escalation
 * (so a reminder counts items where they are now), then reminders — each under its own lock, and
 * each claiming its work in the database (one campaign per occurrence, one reminder per slot).
 */
export async function runReviewJobs(prisma: PrismaClient, options: { now: Date }) {
  const reviewRecurrence = await runExclusively(prisma, JOB_LOCK_KEYS.reviewRecurrence, (tx) => startDueRecurrences(tx, options));
  const reviewEscalation = await runExclusively(prisma, JOB_LOCK_KEYS.reviewEscalation, (tx) => escalateOverdueItems(tx, options));
  const reviewReminders = await runExclusively(prisma, JOB_LOCK_KEYS.reviewReminders, (tx) => sendDueReminders(tx, options));
  // A background start whose server stopped: marked failed, its items removed (each under a row lock).
  const stalledStarts = await failStalledStarts(prisma, options);
  return { reviewRecurrence, reviewEscalation, reviewReminders, stalledStarts };
}

// Mover reviews follow the SCIM change within this interval (the maintenance tick runs them too).
const MOVER_INTERVAL_MS = 30 * 1000;

/**
 * A full verification on demand (dashboard button), or the recent result, or a refusal to run
 * again so soon (lib/audit/verification-job.ts); while another run holds the lock, its
 * predecessor's result (the caller reads the status again later).
 */
export async function verifyAuditChainNow(
  prisma: PrismaClient,
  options: { requestedBy: string; now?: Date },
): Promise<OnDemandVerification | { outcome: "running"; result: Awaited<ReturnType<typeof latestFullVerification>> }> {
  const now = options.now ?? clockNow();
  const answer = await runExclusively(prisma, JOB_LOCK_KEYS.auditVerification, (tx) => verifyOnDemand(tx, { now, requestedBy: options.requestedBy }));
  return answer ?? { outcome: "running", result: await latestFullVerification(prisma) };
}

let started = false;

export function startMaintenance(): void {
  if (started) return;
  started = true;
  const tick = async () => {
    try {
      const result = await runMaintenanceOnce(await getPrisma());
      if (result.requestLogPruned) log.info("request log pruned", { entries: result.requestLogPruned });
      if (result.timedEffects?.claimed) log.info("timed access effects recorded", { ...result.timedEffects });
      if (result.auditRetention?.deleted) log.info("audit retention applied", { ...result.auditRetention });
      if (result.auditVerification && !result.auditVerification.ok) log.error("audit chain broken", { ...result.auditVerification });
      if (result.groupClosureCheck?.differences) log.error("group closure differs from its recomputation", { ...result.groupClosureCheck });
      if (result.expiryWarnings?.events) log.info("access expiry warnings recorded", { ...result.expiryWarnings });
      if (result.inactivity?.flagged || result.inactivity?.suspended) log.info("inactivity policy applied", { ...result.inactivity });
      if (result.reviewRecurrence?.started || result.reviewRecurrence?.failed) log.info("recurring review campaigns", { ...result.reviewRecurrence });
      if (result.reviewEscalation?.items) log.info("review items escalated", { ...result.reviewEscalation });
      if (result.reviewReminders?.reviewers) log.info("review reminders sent", { ...result.reviewReminders });
    } catch (err) {
      log.warn("maintenance failed", { error: err instanceof Error ? err.message : String(err) });
    }
  };
  void tick();
  setInterval(() => void tick(), INTERVAL_MS).unref();
  // Never two passes at once (a slow pass used to overlap the next one).
  everyInterval("mover reviews", MOVER_INTERVAL_MS, async () => void (await processMoverReviews(await getPrisma())));
}
