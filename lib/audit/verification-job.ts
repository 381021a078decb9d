// The periodic chain verification (lib/jobs/maintenance.ts): incremental runs from the last
// successfully verified event (whose recorded hash must still match) and a full run once a day or
// after a break. Each run's result is recorded (dashboard status, anchors for later runs); a newly
// found break is also recorded in the trail as "audit.chain_broken" (webhook subscribers see it).
import type { Tx } from "@/lib/db/errors";
import type { AuditVerification } from "@/lib/generated/prisma/client";
import { recordAuditEvent } from "./record";
import { recordVerification, verifyAuditChain, type VerifyResult } from "./verify";

export const FULL_VERIFICATION_INTERVAL_MS = 24 * 60 * 60 * 1000;
/**
 * Full verifications asked for on demand (the audit page's "Verify now"), each a pass over the
 * whole trail that records a row: while the last full run is fresh — finished within this long,
 * no event recorded after it — it is the answer; otherwise each account may start one such pass
 * per interval.
 */
export const ON_DEMAND_INTERVAL_MS = 5 * 60 * 1000;

type Verified = VerifyResult & { kind: string };
export type OnDemandVerification =
  | { outcome: "ran" | "recent"; result: Verified }
  | { outcome: "rate_limited"; retryAfterSeconds: number; result: Verified };
export const CHAIN_BROKEN_ACTION = "audit.chain_broken";

export async function runChainVerification(
  tx: Tx,
  options: { now: Date; forceFull?: boolean; requestedBy?: string },
): Promise<VerifyResult & { kind: "full" | "incremental" }> {
  const latest = await tx.auditVerification.findFirst({ orderBy: { finishedAt: "desc" } });
  const lastFull = await tx.auditVerification.findFirst({ where: { kind: "full" }, orderBy: { finishedAt: "desc" }, select: { finishedAt: true } });
  const full =
    options.forceFull ||
    !latest?.ok ||
    !lastFull ||
    options.now.getTime() - lastFull.finishedAt.getTime() >= FULL_VERIFICATION_INTERVAL_MS;
  const lastOk = full ? null : await tx.auditVerification.findFirst({ where: { ok: true, lastHash: { not: null } }, orderBy: { finishedAt: "desc" } });
  const kind = full || !lastOk ? "full" : "incremental";
  const result = await verifyAuditChain(tx, kind === "incremental" ? { from: lastOk!.toPosition } : {});
  await recordVerification(tx, result, kind, options.requestedBy);
  const newBreak =
    !result.ok &&
    (latest?.ok !== false || String(latest.brokenPosition) !== result.break?.position || latest.reason !== result.break?.reason);
  if (newBreak) {
    await recordAuditEvent(tx, {
      actor: { type: "system", label: "audit chain verification" },
      action: CHAIN_BROKEN_ACTION,
      target: result.break?.eventId ? { type: "AuditEvent", id: result.break.eventId } : undefined,
      after: { position: result.break?.position, eventId: result.break?.eventId, reason: result.break?.reason, kind },
    });
  }
  return { ...result, kind };
}

/** A recorded full run as the result it reported (it starts at the genesis or at the retention checkpoint). */
function resultOf(row: AuditVerification): Verified {
  return {
    ok: row.ok,
    kind: row.kind,
    fromPosition: String(row.fromPosition),
    toPosition: String(row.toPosition),
    checked: row.checked,
    lastHash: row.lastHash,
    anchor: row.fromPosition <= 1n ? "genesis" : "checkpoint",
    startedAt: row.startedAt.toISOString(),
    finishedAt: row.finishedAt.toISOString(),
    ...(row.ok ? {} : { break: { position: String(row.brokenPosition), eventId: row.brokenEventId, reason: row.reason ?? "" } }),
  };
}

/** The newest full run, if any. */
export async function latestFullVerification(tx: Pick<Tx, "auditVerification">): Promise<Verified | undefined> {
  const row = await tx.auditVerification.findFirst({ where: { kind: "full" }, orderBy: { finishedAt: "desc" } });
  return row ? resultOf(row) : undefined;
}

/**
 * A full verification on demand for `requestedBy` (an account id), under the job's lock (the
 * caller holds it, so the runs read here are every instance's, recorded in the database).
 */
export async function verifyOnDemand(tx: Tx, options: { now: Date; requestedBy: string }): Promise<OnDemandVerification> {
  const since = new Date(options.now.getTime() - ON_DEMAND_INTERVAL_MS);
  const last = await tx.auditVerification.findFirst({ where: { kind: "full" }, orderBy: { finishedAt: "desc" } });
  if (last && last.finishedAt > since) {
    const head = await tx.auditChainHead.findUnique({ where: { id: 1 }, select: { position: true } });
    if ((head?.position ?? 0n) <= last.toPosition) return { outcome: "recent", result: resultOf(last) };
  }
  const own = await tx.auditVerification.findFirst({
    where: { requestedBy: options.requestedBy, startedAt: { gt: since } },
    orderBy: { startedAt: "desc" },
  });
  if (own) {
    const waitMs = own.startedAt.getTime() + ON_DEMAND_INTERVAL_MS - options.now.getTime();
    return { outcome: "rate_limited", retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)), result: resultOf(own) };
  }
  return {
    outcome: "ran",
    result: await runChainVerification(tx, { now: options.now, forceFull: true, requestedBy: options.requestedBy }),
  };
}
