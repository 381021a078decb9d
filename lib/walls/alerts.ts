// The dashboard's breach-attempt alert (issue 20): decision-API attempts walls denied recently,
// summarised per person × wall (count, contracts, first, last) — repeated attempts are one line.
import type { PrismaClient } from "@/lib/generated/prisma/client";
import type { Tx } from "@/lib/db/errors";
import { now as clockNow } from "@/lib/clock";
import { summarizeBreachAttempts, type BreachAttemptSummary } from "./queries";

type Db = PrismaClient | Tx;

export const ALERT_WINDOW_DAYS = 7;

export interface WallAttemptAlert {
  since: Date;
  /** Attempts denied since `since`. */
  attempts: number;
  /** Distinct people and walls among them. */
  people: number;
  walls: number;
  /** The most recent lines, per person × wall. */
  lines: BreachAttemptSummary[];
}

export async function wallAttemptAlert(db: Db, options: { since?: Date; limit?: number } = {}): Promise<WallAttemptAlert> {
  const since = options.since ?? new Date(clockNow().getTime() - ALERT_WINDOW_DAYS * 86_400_000);
  const [counts, lines] = await Promise.all([
    db.$queryRawUnsafe<{ attempts: number; people: number; walls: number }[]>(
      `SELECT count(*)::int AS attempts, count(DISTINCT "userId")::int AS people, count(DISTINCT "wallId")::int AS walls
       FROM "WallBreachAttempt" WHERE at >= $1::timestamp(3)`,
      since,
    ),
    summarizeBreachAttempts(db, { since, limit: options.limit ?? 10 }),
  ]);
  const c = counts[0] ?? { attempts: 0, people: 0, walls: 0 };
  return { since, attempts: Number(c.attempts), people: Number(c.people), walls: Number(c.walls), lines };
}
