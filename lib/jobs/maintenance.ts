// Periodic housekeeping inside each server. Jobs coordinate through the database — a transaction
// advisory lock per job — so several instances never run the same job at the same time.
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { getConfig } from "@/lib/config";
import { getPrisma } from "@/lib/db/client";
import type { Tx } from "@/lib/db/errors";
import { log } from "@/lib/log";
import { pruneRequestLog } from "@/lib/scim/request-log";

const JOB_LOCK_KEYS = { requestLogRetention: 72_707_372_401 } as const;
const INTERVAL_MS = 60 * 60 * 1000;

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

export async function runMaintenanceOnce(prisma: PrismaClient): Promise<{ requestLogPruned?: number }> {
  const retentionDays = getConfig().REQUEST_LOG_RETENTION_DAYS;
  const requestLogPruned = await runExclusively(prisma, JOB_LOCK_KEYS.requestLogRetention, (tx) =>
    pruneRequestLog(tx, retentionDays),
  );
  return { requestLogPruned };
}

let started = false;

export function startMaintenance(): void {
  if (started) return;
  started = true;
  const tick = async () => {
    try {
      const result = await runMaintenanceOnce(await getPrisma());
      if (result.requestLogPruned) log.info("request log pruned", { entries: result.requestLogPruned });
    } catch (err) {
      log.warn("maintenance failed", { error: err instanceof Error ? err.message : String(err) });
    }
  };
  void tick();
  setInterval(() => void tick(), INTERVAL_MS).unref();
}
