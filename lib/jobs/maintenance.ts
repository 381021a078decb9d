// Periodic housekeeping inside each server. Jobs coordinate through the database — a transaction
// advisory lock per job — so several instances never run the same job at the same time.
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { processTimedEffectsInTx, type TimedEffectsResult } from "@/lib/access/timed-effects";
import { getConfig } from "@/lib/config";
import { getPrisma } from "@/lib/db/client";
import type { Tx } from "@/lib/db/errors";
import { log } from "@/lib/log";
import { pruneRequestLog } from "@/lib/scim/request-log";
import { now as clockNow } from "@/lib/clock";

const JOB_LOCK_KEYS = { requestLogRetention: 72_707_372_401, timedEffects: 72_707_372_402 } as const;
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
    // maxWait: at start-up, with migrations and bootstrap running, 2 s to get a connection was too little.
    { maxWait: 10_000, timeout: 10 * 60 * 1000 },
  );
}

export async function runMaintenanceOnce(
  prisma: PrismaClient,
  options: { now?: Date } = {},
): Promise<{ requestLogPruned?: number; timedEffects?: TimedEffectsResult }> {
  const retentionDays = getConfig().REQUEST_LOG_RETENTION_DAYS;
  const requestLogPruned = await runExclusively(prisma, JOB_LOCK_KEYS.requestLogRetention, (tx) =>
    pruneRequestLog(tx, retentionDays),
  );
  // The advisory lock keeps instances from doing the work twice at once; the TimedEffect claims
  // keep a later run from recording an item again.
  const timedEffects = await runExclusively(prisma, JOB_LOCK_KEYS.timedEffects, (tx) =>
    processTimedEffectsInTx(tx, { now: options.now ?? clockNow() }),
  );
  return { requestLogPruned, timedEffects };
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
    } catch (err) {
      log.warn("maintenance failed", { error: err instanceof Error ? err.message : String(err) });
    }
  };
  void tick();
  setInterval(() => void tick(), INTERVAL_MS).unref();
}
