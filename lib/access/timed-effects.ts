// Time-driven access changes: a contract passing its end date (+ the rule's grace days), a rule
// passing its validUntil, a rule reaching a future validFrom, a time-limited exclusion reaching its
// end (access returns: access.granted). The access queries already filter by
// time, so access ends at the exact instant whether or not this job runs; the job only RECORDS the
// change (access.revoked / access.granted events), after the fact, once.
//
// Exactly once across instances: each due item is claimed by inserting (kind, subjectId, dueAt)
// into TimedEffect — unique, ON CONFLICT DO NOTHING — in the same transaction as its events. A
// second instance racing on the same item blocks on the unique index until the first commits and
// then inserts nothing; if the first rolls back, the second claims it. Items due at the same
// instant are processed together, so a user losing ten contracts of one repository at midnight
// gets one event for that repository, not ten.
import type { PrismaClient } from "@/lib/generated/prisma/client";
import type { Actor } from "@/lib/audit/record";
import type { Tx } from "@/lib/db/errors";
import { recordAccessChanges, type AccessChangeCause } from "./change-events";
import { usersInGroup } from "./group-graph";
import { diffSnapshots, snapshotAccess } from "./snapshot";
import { cutoff, repositoryScopeCovers, ts, type Db } from "./sql";
import { now as clockNow } from "@/lib/clock";

export interface TimedEffectsResult {
  /** Due items this run claimed (items claimed earlier, by any instance, are skipped). */
  claimed: number;
  /** access.granted / access.revoked events recorded. */
  events: number;
  /** True when more items were due than one run processes; the next run continues. */
  more: boolean;
}

const SYSTEM_ACTOR: Actor = { type: "system", label: "timed-effects" };
/** Items a run looks back for. A job down for longer misses events (never access: queries are exact). */
const DEFAULT_LOOKBACK_DAYS = 30;
const MAX_ROWS_PER_RUN = 20_000;
const MAX_EVENTS_PER_RUN = 50_000;
const CAUSE_SUBJECTS_LIMIT = 20;

interface DueRow {
  kind: "contract.end" | "rule.expiry" | "rule.start" | "exclusion.end";
  subjectId: string;
  dueAt: Date;
  eventId: string | null;
  principalType: string;
  groupId: string | null;
  userId: string | null;
  /** The repository whose access changes (the contract's, or the rule's scope). */
  repositoryId: string | null;
}

/** Finds what became due in (now - lookback, now] and records its access events, in a transaction of its own. */
export async function processTimedEffects(
  prisma: PrismaClient,
  options: { now: Date; lookbackDays?: number; actor?: Actor },
): Promise<TimedEffectsResult> {
  return prisma.$transaction((tx) => processTimedEffectsInTx(tx, options), { timeout: 10 * 60 * 1000 });
}

/** The same inside the caller's transaction (the maintenance job's, which holds its advisory lock). */
export async function processTimedEffectsInTx(
  tx: Tx,
  options: { now: Date; lookbackDays?: number; actor?: Actor },
): Promise<TimedEffectsResult> {
  const since = new Date(options.now.getTime() - (options.lookbackDays ?? DEFAULT_LOOKBACK_DAYS) * 86_400_000);
  const rows = await dueRows(tx, since, options.now);
  const more = rows.length === MAX_ROWS_PER_RUN;
  const byInstant = new Map<number, DueRow[]>();
  for (const r of rows) {
    const list = byInstant.get(r.dueAt.getTime()) ?? [];
    list.push(r);
    byInstant.set(r.dueAt.getTime(), list);
  }
  // A full batch may end in the middle of an instant: leave that instant whole to the next run.
  if (more && byInstant.size > 1) byInstant.delete(Math.max(...byInstant.keys()));

  let claimed = 0;
  let events = 0;
  let budgetSpent = false;
  for (const [instant, list] of [...byInstant.entries()].sort((a, b) => a[0] - b[0])) {
    // Keep one run's transaction bounded: a backlog (a job down for days, a first run) continues
    // in the next run; what is left is still due and unclaimed.
    if (events >= MAX_EVENTS_PER_RUN) {
      budgetSpent = true;
      break;
    }
    const result = await processInstant(tx, new Date(instant), list, options.actor ?? SYSTEM_ACTOR);
    claimed += result.claimed;
    events += result.events;
  }
  return { claimed, events, more: more || budgetSpent };
}

/**
 * Due items with the principals of the rule versions concerned. A contract end counts only when
 * the contract revision carrying that end date was recorded before the cut-off (an end date
 * entered retroactively is a synchronous change, recorded by whoever changed the contract); the
 * same holds for rule windows. Each rule version has its own cut-off per contract (its grace).
 */
async function dueRows(db: Db, since: Date, now: Date): Promise<DueRow[]> {
  const S = ts(1);
  const N = ts(2);
  const cut = cutoff("v", "cr");
  // Rule version in force, and granting, just before the instant `x`.
  const grantedJustBefore = (x: string) =>
    `v.change <> 'deleted' AND v."recordedFrom" < ${x} AND (v."recordedTo" IS NULL OR v."recordedTo" >= ${x})
     AND (v."validFrom" IS NULL OR v."validFrom" < ${x}) AND (v."validUntil" IS NULL OR v."validUntil" >= ${x})`;
  // The repository a rule grants in at instant `x` (a contract-scoped rule: its contract's then).
  const ruleRepository = (x: string) =>
    `COALESCE(v."repositoryId", (SELECT cr."repositoryId" FROM "ContractRevision" cr
       WHERE cr."contractId" = v."contractId" AND cr."validFrom" < ${x} ORDER BY cr."validFrom" DESC LIMIT 1))`;
  const contractEnd = (join: string) => `
    SELECT 'contract.end' AS kind, cr."contractId" AS "subjectId", ${cut} AS "dueAt", cr."eventId",
           v."principalType", v."groupId", v."userId", cr."repositoryId"
    FROM ends cr JOIN "AccessRuleVersion" v ON ${join}
    WHERE ${cut} > ${S} AND ${cut} <= ${N}
      AND cr."validFrom" < ${cut} AND (cr."validTo" IS NULL OR cr."validTo" >= ${cut})
      AND ${grantedJustBefore(cut)}`;
  return db.$queryRawUnsafe<DueRow[]>(
    `WITH ends AS (
       SELECT cr.* FROM "ContractRevision" cr
       WHERE cr."endDate" IS NOT NULL AND cr."endDate" <= ${N}
         AND cr."endDate" > ${S} - make_interval(days => (
           SELECT COALESCE(max("graceDaysAfterEnd"), 0) FROM "AccessRuleVersion" WHERE "recordedTo" IS NULL OR "recordedTo" > ${S}))
     )
     SELECT * FROM (
       ${contractEnd(`v."contractId" = cr."contractId"`)}
       UNION ALL
       ${contractEnd(`v."repositoryId" = cr."repositoryId" AND ${repositoryScopeCovers("v", "cr")}`)}
       UNION ALL
       SELECT 'rule.expiry', v."ruleId", v."validUntil", v."eventId", v."principalType", v."groupId", v."userId",
              ${ruleRepository(`v."validUntil"`)}
       FROM "AccessRuleVersion" v
       WHERE v."validUntil" > ${S} AND v."validUntil" <= ${N} AND ${grantedJustBefore(`v."validUntil"`)}
       UNION ALL
       SELECT 'rule.start', v."ruleId", v."validFrom", v."eventId", v."principalType", v."groupId", v."userId",
              ${ruleRepository(`v."validFrom"`)}
       FROM "AccessRuleVersion" v
       WHERE v."validFrom" > ${S} AND v."validFrom" <= ${N} AND v.change <> 'deleted'
         AND v."recordedFrom" < v."validFrom" AND (v."recordedTo" IS NULL OR v."recordedTo" > v."validFrom")
         AND (v."validUntil" IS NULL OR v."validUntil" > v."validFrom")
       UNION ALL
       -- A lifted exclusion's end is the lift, recorded synchronously by whoever lifted it.
       SELECT 'exclusion.end', x.id, x."validTo", x."eventId", 'user', NULL, x."userId",
              COALESCE(x."repositoryId", (SELECT cr."repositoryId" FROM "ContractRevision" cr
                WHERE cr."contractId" = x."contractId" AND cr."validFrom" < x."validTo" ORDER BY cr."validFrom" DESC LIMIT 1))
       FROM "Exclusion" x
       WHERE x."validTo" > ${S} AND x."validTo" <= ${N} AND x."liftedAt" IS NULL AND x."validFrom" < x."validTo"
     ) due
     ORDER BY "dueAt", kind, "subjectId"
     LIMIT ${MAX_ROWS_PER_RUN}`,
    since,
    now,
  );
}

async function processInstant(tx: Tx, dueAt: Date, rows: DueRow[], actor: Actor) {
  const items = new Map<string, { kind: DueRow["kind"]; subjectId: string; eventId: string | null }>();
  for (const r of rows) items.set(`${r.kind}|${r.subjectId}`, { kind: r.kind, subjectId: r.subjectId, eventId: r.eventId });
  const list = [...items.values()];
  const claims = await tx.$queryRawUnsafe<{ id: string; kind: string; subjectId: string }[]>(
    `INSERT INTO "TimedEffect" (id, kind, "subjectId", "dueAt", "processedAt")
     SELECT gen_random_uuid()::text, k, s, $3::timestamp(3), $4::timestamp(3) FROM unnest($1::text[], $2::text[]) AS x(k, s)
     ON CONFLICT (kind, "subjectId", "dueAt") DO NOTHING
     RETURNING id, kind, "subjectId"`,
    list.map((i) => i.kind),
    list.map((i) => i.subjectId),
    dueAt,
    clockNow(),
  );
  if (claims.length === 0) return { claimed: 0, events: 0 };
  const claimedKeys = new Set(claims.map((c) => `${c.kind}|${c.subjectId}`));
  const mine = rows.filter((r) => claimedKeys.has(`${r.kind}|${r.subjectId}`));

  // Users reached by the rules concerned, just before and at the instant.
  const justBefore = new Date(dueAt.getTime() - 1);
  const groupIds = [...new Set(mine.filter((r) => r.principalType === "group" && r.groupId).map((r) => r.groupId!))];
  const userIds = new Set(mine.filter((r) => r.principalType === "user" && r.userId).map((r) => r.userId!));
  for (const groupId of groupIds) {
    for (const at of [justBefore, dueAt]) for (const uid of await usersInGroup(tx, groupId, at)) userIds.add(uid);
  }
  const ids = [...userIds];
  // Only the repositories of the items can change at this instant.
  const repositoryIds = [...new Set(mine.map((r) => r.repositoryId).filter((r): r is string => r !== null))];
  const before = await snapshotAccess(tx, { userIds: ids, repositoryIds, at: justBefore });
  const after = await snapshotAccess(tx, { userIds: ids, repositoryIds, at: dueAt });
  const claimedItems = list.filter((i) => claimedKeys.has(`${i.kind}|${i.subjectId}`));
  const events = await recordAccessChanges(tx, {
    changes: diffSnapshots(before, after),
    actor,
    cause: causeOf(claimedItems),
    at: dueAt,
  });
  // eventCount: the events of the instant, which its items caused together.
  await tx.$executeRawUnsafe(`UPDATE "TimedEffect" SET "eventCount" = $2 WHERE id = ANY($1::text[])`, claims.map((c) => c.id), events);
  return { claimed: claims.length, events };
}

function causeOf(items: { kind: DueRow["kind"]; subjectId: string; eventId: string | null }[]): AccessChangeCause {
  const kinds = [...new Set(items.map((i) => i.kind))];
  const count = (kind: DueRow["kind"]) => items.filter((i) => i.kind === kind).length;
  const parts = [
    count("contract.end") && `${count("contract.end")} contract(s) reached their end date (plus grace)`,
    count("rule.expiry") && `${count("rule.expiry")} rule(s) expired`,
    count("rule.start") && `${count("rule.start")} rule(s) took effect`,
    count("exclusion.end") && `${count("exclusion.end")} exclusion(s) reached their end`,
  ].filter(Boolean);
  return {
    kind: kinds.length === 1 ? kinds[0] : "timed",
    ...(items.length === 1 && items[0].eventId ? { eventId: items[0].eventId } : {}),
    description: parts.join("; "),
    subjects: items.slice(0, CAUSE_SUBJECTS_LIMIT).map((i) => ({ kind: i.kind, id: i.subjectId, eventId: i.eventId })),
  };
}
