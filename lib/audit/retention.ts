// Audit retention (AUDIT_RETENTION_DAYS; unset = keep forever): deletes only a prefix of the chain
// — the oldest events up to the first one still inside the retention period — and first records a
// checkpoint (last deleted position and its hash), from which verification of what remains starts.
// The delete trigger lets a delete through only in a transaction that set custodian.audit_retention
// and only at or below the newest checkpoint.
import type { Tx } from "@/lib/db/errors";
import { recordAuditEvent } from "./record";

/** Events one run deletes at most: the work per run stays bounded; the next run continues. */
export const RETENTION_BATCH = 50_000;

export async function applyAuditRetention(
  tx: Tx,
  options: { retentionDays: number; now: Date; batch?: number },
): Promise<{ deleted: number; throughPosition?: string }> {
  const cutoff = new Date(options.now.getTime() - options.retentionDays * 86_400_000);
  const batch = options.batch ?? RETENTION_BATCH;
  // The prefix ends before the first event at or after the cutoff (createdAt is not strictly
  // monotonic in position: an event is never deleted while an older position is kept).
  const [last] = await tx.$queryRawUnsafe<{ position: string; hash: string; count: bigint | number }[]>(
    `WITH head AS (SELECT e."seq", e."hash", e."createdAt" FROM "AuditEvent" e ORDER BY e."seq" LIMIT $2),
          stop AS (SELECT min("seq") AS s FROM head WHERE "createdAt" >= $1)
     SELECT h."seq"::text AS position, h."hash", (SELECT count(*) FROM head WHERE "seq" <= h."seq") AS count
     FROM head h, stop WHERE stop.s IS NULL OR h."seq" < stop.s
     ORDER BY h."seq" DESC LIMIT 1`,
    cutoff,
    batch,
  );
  if (!last) return { deleted: 0 };
  const deletedCount = Number(last.count);
  await tx.auditChainCheckpoint.create({ data: { position: BigInt(last.position), hash: last.hash, deletedCount, cutoff } });
  await tx.$executeRawUnsafe(`SELECT set_config('custodian.audit_retention', 'on', true)`);
  const deleted = await tx.$executeRawUnsafe(`DELETE FROM "AuditEvent" WHERE "seq" <= $1`, BigInt(last.position));
  await tx.$executeRawUnsafe(`SELECT set_config('custodian.audit_retention', '', true)`);
  await recordAuditEvent(tx, {
    actor: { type: "system", label: "audit retention" },
    action: "audit.retention_applied",
    after: { throughPosition: last.position, hash: last.hash, deleted, cutoff: cutoff.toISOString(), retentionDays: options.retentionDays },
  });
  return { deleted, throughPosition: last.position };
}
