// Access that is about to end on its own: contracts reaching their end date, rules reaching their
// validUntil (time-boxed direct grants to one person are rules too, shown as "grant"). A read
// model for the dashboard ("Access ending in the next 30 days") and a job that records one
// `access.expiring` audit event per item ahead of time, so webhooks can notify someone.
//
// Exactly once across instances, like timed-effects.ts: each item is claimed by inserting
// (kind, subjectId, dueAt = the end instant) into TimedEffect. An item whose end moves gets a new
// claim (and a new warning) for its new end.
import type { Actor } from "@/lib/audit/record";
import { recordAuditEvent } from "@/lib/audit/record";
import type { Tx } from "@/lib/db/errors";
import { now as clockNow } from "@/lib/clock";
import { whoCanAccessContract } from "./effective-access";
import { usersInGroup } from "./group-graph";
import { activeAt, exclusionNarrowed, notWalledAt, ts, validAt, wallDeniesAt, wallInForceAt, type Db } from "./sql";

export type ExpiringKind = "contract" | "rule" | "grant";

export interface ExpiringItem {
  kind: ExpiringKind;
  /** Contract id (kind contract) or rule id. */
  id: string;
  label: string;
  /** Repository (and, for rules, the principal) — context for the label. */
  detail: string | null;
  endsAt: string;
  /**
   * A contract's last day as written ("2026-12-17", inclusive in ACCESS_TIME_ZONE) when its end date
   * was given date-only; endsAt is then the instant access ends (the next day's start). Null otherwise.
   */
  endDay: string | null;
  /** People who can open the contract now / people the rule reaches now (active users). */
  people: number;
  /** Where to review the access concerned (the access review of the contract or repository). */
  reviewHref: string | null;
  /** The rule's page, for rules and grants. */
  ruleId: string | null;
}

const SYSTEM_ACTOR: Actor = { type: "system", label: "expiry-warnings" };
const DAY_MS = 86_400_000;
/** Items one job run warns about; the next run continues. */
const MAX_WARNINGS_PER_RUN = 500;

interface Candidate {
  kind: ExpiringKind;
  id: string;
  label: string;
  detail: string | null;
  endsAt: Date;
  endDay: Date | null;
  principalType: string | null;
  groupId: string | null;
  userId: string | null;
  repositoryId: string | null;
  contractId: string | null;
}

/** Contracts ending and rules expiring in (now, until], soonest first, at most `limit` of each. */
async function candidates(db: Db, now: Date, until: Date, limit: number, unwarnedOnly = false): Promise<Candidate[]> {
  // For the job: leave out items claimed already, so a backlog larger than one run drains.
  const unwarned = (kind: string, id: string, end: string) =>
    unwarnedOnly ? `AND NOT EXISTS (SELECT 1 FROM "TimedEffect" te WHERE te.kind = '${kind}' AND te."subjectId" = ${id} AND te."dueAt" = ${end})` : "";
  const [contracts, rules] = await Promise.all([
    db.$queryRawUnsafe<Candidate[]>(
      `SELECT 'contract' AS kind, c.id, c.title AS label, r.name AS detail, cr."endDate" AS "endsAt", cr."endDay",
              NULL AS "principalType", NULL AS "groupId", NULL AS "userId", cr."repositoryId", c.id AS "contractId"
       FROM "ContractRevision" cr JOIN "Contract" c ON c.id = cr."contractId" JOIN "Repository" r ON r.id = cr."repositoryId"
       WHERE cr."validTo" IS NULL AND cr."endDate" > ${ts(1)} AND cr."endDate" <= ${ts(2)}
         ${unwarned("contract.expiring", "c.id", 'cr."endDate"')}
       ORDER BY cr."endDate", c.id LIMIT $3`,
      now,
      until,
      limit,
    ),
    db.$queryRawUnsafe<Candidate[]>(
      `SELECT CASE WHEN v."principalType" = 'user' THEN 'grant' ELSE 'rule' END AS kind, v."ruleId" AS id,
              v.name AS label,
              initcap(CASE v.level WHEN 1 THEN 'view' WHEN 2 THEN 'comment' WHEN 3 THEN 'edit' WHEN 4 THEN 'sign' ELSE 'manage' END)
                || ' · ' || concat_ws(' → ', COALESCE(g."displayName", u."userName", 'deleted principal'), COALESCE(c.title, rp.name)) AS detail,
              v."validUntil" AS "endsAt", NULL::date AS "endDay", v."principalType", v."groupId", v."userId",
              COALESCE(v."repositoryId", c."repositoryId") AS "repositoryId", v."contractId"
       FROM "AccessRuleVersion" v
       LEFT JOIN "Group" g ON g.id = v."groupId" LEFT JOIN "User" u ON u.id = v."userId"
       LEFT JOIN "Contract" c ON c.id = v."contractId" LEFT JOIN "Repository" rp ON rp.id = v."repositoryId"
       WHERE v."recordedTo" IS NULL AND v.change <> 'deleted'
         AND v."validUntil" > ${ts(1)} AND v."validUntil" <= ${ts(2)}
         ${unwarned("rule.expiring", 'v."ruleId"', 'v."validUntil"')}
       ORDER BY v."validUntil", v."ruleId" LIMIT $3`,
      now,
      until,
      limit,
    ),
  ]);
  return [...contracts, ...rules]
    .map((c) => ({ ...c, endsAt: new Date(c.endsAt) }))
    .sort((a, b) => a.endsAt.getTime() - b.endsAt.getTime() || a.id.localeCompare(b.id));
}

/** Active people who lose (or may lose) access when the item ends. */
async function peopleOf(db: Db, c: Candidate, now: Date): Promise<number> {
  // whoCanAccessContract already leaves out people an exclusion denies.
  if (c.kind === "contract") return (await whoCanAccessContract(db, { contractId: c.id, at: now, offset: 0, limit: 1 })).total;
  let ids: string[] = [];
  if (c.principalType === "group" && c.groupId) ids = await usersInGroup(db, c.groupId, now);
  else if (c.userId) {
    const [row] = await db.$queryRawUnsafe<{ ok: boolean }[]>(`SELECT ${activeAt("$1", ts(2))} AS ok`, c.userId, now);
    if (row?.ok) ids = [c.userId];
  }
  return (await notExcluded(db, c, ids, now)).length;
}

/**
 * The people a rule's end can still take something from: leaves out those an exclusion or an
 * ethical wall in force denies the rule's whole scope (its repository, or its contract). A contract exclusion under a
 * repository rule spares the rest of the repository, so that person is still warned about.
 */
async function notExcluded(db: Db, c: Candidate, ids: string[], now: Date): Promise<string[]> {
  if (ids.length === 0 || !c.repositoryId) return ids;
  const excluded = await db.$queryRawUnsafe<{ userId: string }[]>(
    `SELECT DISTINCT x."userId" FROM "Exclusion" x
     WHERE x."userId" = ANY($1::text[]) AND x."validFrom" <= ${ts(2)} AND (x."validTo" IS NULL OR x."validTo" > ${ts(2)})
       AND ((x."repositoryId" = $3 AND NOT ${exclusionNarrowed("x")}) OR (x."contractId" IS NOT NULL AND x."contractId" = $4))`,
    ids,
    now,
    c.repositoryId,
    c.contractId,
  );
  // Ethical walls likewise: one denying the rule's contract, or one whose scope is the rule's whole repository.
  const T = ts(2);
  const walled = await db.$queryRawUnsafe<{ userId: string }[]>(
    `SELECT u.uid AS "userId" FROM unnest($1::text[]) AS u(uid)
     WHERE ($4::text IS NOT NULL AND NOT ${notWalledAt("u.uid", "$4::text", "$3::text", T)})
        OR ($4::text IS NULL AND EXISTS (SELECT 1 FROM "WallScope" s JOIN "Wall" w ON w.id = s."wallId"
              WHERE s.key = 'r:' || $3::text AND ${validAt("s", T)} AND ${wallInForceAt("w", T)} AND ${wallDeniesAt("w", "s", "u.uid", T)}))`,
    ids,
    now,
    c.repositoryId,
    c.contractId,
  );
  const denied = new Set([...excluded, ...walled].map((e) => e.userId));
  return ids.filter((id) => !denied.has(id));
}

function reviewHref(c: Candidate): string | null {
  if (c.contractId) return `/dashboard/access-review?subject=contract&id=${encodeURIComponent(c.contractId)}`;
  if (c.repositoryId) return `/dashboard/access-review?subject=repository&id=${encodeURIComponent(c.repositoryId)}`;
  return null;
}

/** The dashboard list: what ends within `days`, soonest first, with the people concerned. */
export async function listExpiringAccess(db: Db, options: { days: number; now?: Date; limit?: number }): Promise<{ days: number; items: ExpiringItem[] }> {
  const now = options.now ?? clockNow();
  const list = await candidates(db, now, new Date(now.getTime() + options.days * DAY_MS), options.limit ?? 50);
  const items: ExpiringItem[] = [];
  for (const c of list.slice(0, options.limit ?? 50)) {
    items.push({
      kind: c.kind,
      id: c.id,
      label: c.label,
      detail: c.detail,
      endsAt: c.endsAt.toISOString(),
      endDay: c.endDay ? new Date(c.endDay).toISOString().slice(0, 10) : null,
      people: await peopleOf(db, c, now),
      reviewHref: reviewHref(c),
      ruleId: c.kind === "contract" ? null : c.id,
    });
  }
  return { days: options.days, items };
}

export interface ExpiryWarningsResult {
  claimed: number;
  /** access.expiring events recorded (items nobody can lose are claimed silently). */
  events: number;
  more: boolean;
}

/**
 * The job: claims every item ending within `leadDays` not warned about yet and records one
 * access.expiring event for each that still reaches somebody.
 */
export async function recordExpiryWarnings(tx: Tx, options: { now: Date; leadDays: number; actor?: Actor }): Promise<ExpiryWarningsResult> {
  const { now } = options;
  const list = await candidates(tx, now, new Date(now.getTime() + options.leadDays * DAY_MS), MAX_WARNINGS_PER_RUN, true);
  const result: ExpiryWarningsResult = { claimed: 0, events: 0, more: list.length >= MAX_WARNINGS_PER_RUN };
  for (const c of list) {
    const kind = c.kind === "contract" ? "contract.expiring" : "rule.expiring";
    const claims = await tx.$queryRawUnsafe<{ id: string }[]>(
      `INSERT INTO "TimedEffect" (id, kind, "subjectId", "dueAt", "processedAt")
       VALUES (gen_random_uuid()::text, $1, $2, $3::timestamp(3), $4::timestamp(3))
       ON CONFLICT (kind, "subjectId", "dueAt") DO NOTHING RETURNING id`,
      kind,
      c.id,
      c.endsAt,
      clockNow(),
    );
    if (claims.length === 0) continue;
    result.claimed++;
    const people = await peopleOf(tx, c, now);
    if (people === 0) continue;
    await recordAuditEvent(tx, {
      actor: options.actor ?? SYSTEM_ACTOR,
      action: "access.expiring",
      target: c.kind === "contract" ? { type: "Contract", id: c.id, label: c.label } : { type: "AccessRule", id: c.id, label: c.label },
      after: {
        kind: c.kind,
        endsAt: c.endsAt.toISOString(),
        daysLeft: Math.ceil((c.endsAt.getTime() - now.getTime()) / DAY_MS),
        people,
        repositoryId: c.repositoryId,
        contractId: c.contractId,
        ...(c.kind !== "contract" ? { principalType: c.principalType, groupId: c.groupId, userId: c.userId } : {}),
      },
    });
    await tx.$executeRawUnsafe(`UPDATE "TimedEffect" SET "eventCount" = 1 WHERE id = $1`, claims[0].id);
    result.events++;
  }
  return result;
}
