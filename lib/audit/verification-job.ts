// The periodic chain verification (lib/jobs/maintenance.ts): incremental runs from the last
// successfully verified event (whose recorded hash must still match) and a full run once a day or
// after a break. Each run's result is recorded (dashboard status, anchors for later runs); a newly
// found break is also recorded in the trail as "audit.chain_broken" (webhook subscribers see it).
import type { Tx } from "@/lib/db/errors";
import { recordAuditEvent } from "./record";
import { recordVerification, verifyAuditChain, type VerifyResult } from "./verify";

export const FULL_VERIFICATION_INTERVAL_MS = 24 * 60 * 60 * 1000;
export const CHAIN_BROKEN_ACTION = "audit.chain_broken";

export async function runChainVerification(
  tx: Tx,
  options: { now: Date; forceFull?: boolean },
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
  await recordVerification(tx, result, kind);
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
