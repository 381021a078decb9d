// The decision log: for each (person, contract), the last time the decision API permitted it —
// the "last opened" evidence of an access review. A permit costs the request one Map write: pairs
// are aggregated in this process (latest instant and a count per pair) and written every
// DECISION_LOG_FLUSH_MS by one multi-row upsert, whose GREATEST/sum makes instances' batches
// commute. Evidence, not authorization: a crash loses at most one interval's permits, and a buffer
// filled while the database is slow drops new pairs (counted in /api/metrics) rather than grow.
import { getConfig } from "@/lib/config";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { log } from "@/lib/log";
import { countDecisionLogDrop } from "@/lib/monitoring/metrics";

/** Distinct pairs held between writes; a bounded buffer is a bounded memory cost. */
const MAX_PENDING = 200_000;
/** Rows per upsert statement. */
const CHUNK = 5_000;

interface Pending {
  at: Date;
  permits: number;
}

let pending = new Map<string, Pending>();
let timer: ReturnType<typeof setInterval> | undefined;
let timerMs = 0;
let flushing: Promise<void> | undefined;
let target: (() => Promise<PrismaClient>) | undefined;

/** Permits given now (never for a past instant asked through context.time: that is no opening). */
export function recordPermits(options: { db: () => Promise<PrismaClient>; pairs: { userId: string; contractId: string }[]; at: Date }): void {
  if (options.pairs.length === 0 || !getConfig().DECISION_LOG) return;
  target = options.db;
  let dropped = 0;
  for (const { userId, contractId } of options.pairs) {
    const key = `${userId}|${contractId}`;
    const entry = pending.get(key);
    if (entry) {
      entry.permits += 1;
      if (options.at > entry.at) entry.at = options.at;
    } else if (pending.size < MAX_PENDING) {
      pending.set(key, { at: options.at, permits: 1 });
    } else dropped += 1;
  }
  if (dropped > 0) countDecisionLogDrop(dropped);
  const interval = getConfig().DECISION_LOG_FLUSH_MS;
  if (!timer || timerMs !== interval) {
    if (timer) clearInterval(timer);
    timerMs = interval;
    timer = setInterval(() => void flushDecisionLog().catch((err) => log.error("decision log write failed", { error: String(err) })), interval);
    // The log never keeps a process alive (tests, scripts).
    timer.unref?.();
  }
}

/** Writes the buffered permits now (the timer's job; tests and shutdown call it directly). */
export async function flushDecisionLog(): Promise<void> {
  // One write at a time: a slow database makes the next interval's batch larger, not concurrent.
  while (flushing) await flushing;
  if (pending.size === 0 || !target) return;
  const batch = pending;
  pending = new Map();
  flushing = writeBatch(await target(), batch).finally(() => (flushing = undefined));
  await flushing;
}

async function writeBatch(db: PrismaClient, batch: Map<string, Pending>): Promise<void> {
  const rows = [...batch];
  for (let i = 0; i < rows.length; i += CHUNK) {
    const chunk = rows.slice(i, i + CHUNK);
    const users: string[] = [];
    const contracts: string[] = [];
    for (const [key] of chunk) {
      const bar = key.indexOf("|");
      users.push(key.slice(0, bar));
      contracts.push(key.slice(bar + 1));
    }
    await db.$executeRawUnsafe(
      `INSERT INTO "DecisionLog" ("userId", "contractId", "lastPermitAt", "permits")
       SELECT * FROM unnest($1::text[], $2::text[], $3::timestamp(3)[], $4::int[])
       ON CONFLICT ("userId", "contractId") DO UPDATE
       SET "lastPermitAt" = GREATEST("DecisionLog"."lastPermitAt", EXCLUDED."lastPermitAt"),
           "permits" = "DecisionLog"."permits" + EXCLUDED."permits"`,
      users,
      contracts,
      chunk.map(([, p]) => p.at.toISOString()),
      chunk.map(([, p]) => p.permits),
    );
  }
}
