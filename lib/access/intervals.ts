// Access over a time window, as intervals: who could open which contract from when to when, at
// which level, and through which chain of facts. The point-in-time engine
// (lib/access/effective-access.ts) answers "at T" by testing that every fact of a chain — the
// user's active status, each membership hop, the rule version in force and its own window, the
// contract revision in scope and not ended (+ grace) — is valid at T, each as a half-open interval
// [start, end). The set of instants at which one chain grants is therefore the intersection of
// those intervals, and access over a window is the union over chains. This module computes exactly
// that in SQL (one row per chain segment), then sweeps the segments per (person, contract) into
// maximal intervals of constant level and constant reasons. Same predicates, so the answers agree
// with the point-in-time ones at every instant (lib/access/intervals.test.ts samples them).
import { levelFromRank, levelRank, type Level } from "@/lib/access/levels";
import { membershipPathsOverWindowCtes, personGroupsOverWindowCte } from "@/lib/access/group-graph";
import { exclusionIntervals, subtractExclusions } from "@/lib/access/exclusions";
import { wallIntervals } from "@/lib/access/walls";
import { cutoff, overlapsWindow, scopeCovers, ts, type Db } from "@/lib/access/sql";

/** One chain that grants over [from, to) (already clipped to the window). */
export interface AccessSegment {
  userId: string;
  contractId: string;
  from: Date;
  to: Date;
  level: number;
  ruleId: string;
  ruleVersion: number;
  ruleVersionId: string;
  /** Group path: [0] the group the user is a direct member of … last the group the rule names. Null: a direct user grant. */
  groupIds: string[] | null;
  /** The rule's scope: a repository (ruleRepositoryId) or one contract (ruleContractId). */
  ruleRepositoryId: string | null;
  ruleContractId: string | null;
}

/** A reason as the packs report it: the rule version and how it reaches the person. */
export type IntervalReason = Omit<AccessSegment, "userId" | "contractId" | "from" | "to" | "level"> & { level: Level };

/** A maximal interval in which the person's level on the contract and its reasons did not change. */
export interface AccessInterval {
  userId: string;
  contractId: string;
  from: Date;
  to: Date;
  /** True when `to` is the end of the window (access continued past it). */
  openAtEnd: boolean;
  /** True when `from` is the start of the window (access began before it). */
  openAtStart: boolean;
  level: Level;
  reasons: IntervalReason[];
}

/**
 * A set of contracts (optionally only while they were in one repository, optionally only for some
 * people — a page of readers), or one person.
 */
export type SegmentScope = { contractIds: string[]; repositoryId?: string; userIds?: string[] } | { userId: string };

/**
 * Every chain segment granting inside [from, to), for a set of contracts or for one person (all
 * contracts). Ordered by user, contract, start; at most `limit` rows when given.
 */
export async function accessSegments(db: Db, options: { scope: SegmentScope; from: Date; to: Date; limit?: number }): Promise<AccessSegment[]> {
  const F = ts(2);
  const T = ts(3);
  const byUser = "userId" in options.scope;
  if (!byUser && (options.scope as { contractIds: string[] }).contractIds.length === 0) return [];
  const overlaps = (a: string) => overlapsWindow(a, F, T);
  // For one person, only rules on groups they were (transitively) in at some time of the window,
  // or granted to them directly, can matter.
  const ruleFilter = byUser
    ? `(v."principalType" = 'user' AND v."userId" = $1) OR (v."principalType" = 'group' AND v."groupId" IN (SELECT gid FROM anc))`
    : `v."contractId" = ANY($1::text[]) OR v."repositoryId" IN (SELECT DISTINCT "repositoryId" FROM cr)`;
  const contractFilter = byUser ? "TRUE" : `c."contractId" = ANY($1::text[]) AND ($4::text IS NULL OR c."repositoryId" = $4::text)`;
  // Some people of a set of contracts: their rows only, from the first membership step on.
  const people = byUser ? undefined : (options.scope as { userIds?: string[] }).userIds;
  const person = byUser ? "$1" : people ? "ANY($5::text[])" : undefined;
  const sql = `WITH RECURSIVE
    ${personGroupsOverWindowCte(byUser ? "$1" : null, F, T)},
    cr AS (
      SELECT c."contractId", c."repositoryId", c."contractType", c.confidentiality, c."endDate",
             greatest(c."validFrom", ${F}) AS lo, least(c."validTo", ${T}) AS hi
      FROM "ContractRevision" c WHERE ${contractFilter} AND ${overlaps("c")}
    ),
    rv AS (
      SELECT * FROM (
        SELECT v.id AS vid, v."ruleId", v.version, v.level, v."principalType", v."groupId", v."userId", v."repositoryId",
               v."contractId", v."contractTypes", v."confidentialityCeiling", v."graceDaysAfterEnd",
               greatest(v."recordedFrom", v."validFrom", ${F}) AS lo, least(v."recordedTo", v."validUntil", ${T}) AS hi
        FROM "AccessRuleVersion" v WHERE v.change <> 'deleted' AND (${ruleFilter})
      ) x WHERE lo < hi
    ),
    cov AS (
      SELECT * FROM (
        SELECT rv.vid, cr."contractId", greatest(rv.lo, cr.lo) AS lo, least(rv.hi, cr.hi, ${cutoff("rv", "cr")}) AS hi
        FROM rv JOIN cr ON ${scopeCovers("rv", "cr")}
      ) x WHERE lo < hi
    ),
    -- from each rule's group down through nested groups; the path is built member-first
    ${membershipPathsOverWindowCtes(`SELECT DISTINCT "groupId" AS gid FROM rv WHERE "principalType" = 'group'`, F, T, person)},
    paths AS (
      SELECT um.uid, um.gids, rv.vid, cov."contractId", greatest(um.lo, cov.lo) AS lo, least(um.hi, cov.hi) AS hi
      FROM um JOIN rv ON rv."principalType" = 'group' AND rv."groupId" = um.rgid JOIN cov ON cov.vid = rv.vid
      WHERE greatest(um.lo, cov.lo) < least(um.hi, cov.hi)
      UNION ALL
      SELECT rv."userId", NULL, rv.vid, cov."contractId", cov.lo, cov.hi
      FROM rv JOIN cov ON cov.vid = rv.vid WHERE rv."principalType" = 'user' ${person ? `AND rv."userId" = ${person}` : ""}
    )
    SELECT p.uid AS "userId", p."contractId", greatest(p.lo, us."validFrom") AS "from", least(p.hi, us."validTo") AS "to",
           rv.level, rv."ruleId", rv.version AS "ruleVersion", rv.vid AS "ruleVersionId", p.gids AS "groupIds",
           CASE WHEN rv."contractId" IS NULL THEN rv."repositoryId" END AS "ruleRepositoryId", rv."contractId" AS "ruleContractId"
    FROM paths p JOIN rv ON rv.vid = p.vid
    JOIN "UserStatusInterval" us ON us."userId" = p.uid AND us.active
    WHERE greatest(p.lo, us."validFrom") < least(p.hi, us."validTo")
    ORDER BY 1, 2, 3${options.limit === undefined ? "" : ` LIMIT ${Math.max(0, Math.floor(options.limit))}`}`;
  const param = byUser ? (options.scope as { userId: string }).userId : (options.scope as { contractIds: string[] }).contractIds;
  const repositoryId = byUser ? [] : [(options.scope as { repositoryId?: string }).repositoryId ?? null, ...(people ? [people] : [])];
  const segments = await db.$queryRawUnsafe<AccessSegment[]>(sql, param, options.from, options.to, ...repositoryId);
  // Exclusions beat every grant: the parts of segments an exclusion covered never granted.
  const pairs = {
    userIds: [...new Set(segments.map((s) => s.userId))],
    contractIds: [...new Set(segments.map((s) => s.contractId))],
    from: options.from,
    to: options.to,
  };
  // Exclusions and ethical walls beat every grant: subtracted alike.
  const [exclusions, walls] = await Promise.all([exclusionIntervals(db, pairs), wallIntervals(db, pairs)]);
  return subtractExclusions(segments, [...exclusions, ...walls]);
}

const reasonKey = (s: AccessSegment) => `${s.ruleVersionId}|${s.groupIds?.join(">") ?? "direct"}`;

/**
 * Sweeps segments (any order) into maximal intervals per (person, contract): the level at an
 * instant is the highest level of the segments covering it; an interval ends where the level or
 * the set of reasons changes. Reasons are listed highest level first. Each pair's boundaries are
 * sorted once and swept once (a reason's level is its rule version's, so the level changes only
 * where the set of reasons does).
 */
export function mergeSegments(segments: AccessSegment[], window: { from: Date; to: Date }): AccessInterval[] {
  const byPair = new Map<string, AccessSegment[]>();
  for (const s of segments) {
    const key = `${s.userId}|${s.contractId}`;
    const list = byPair.get(key);
    if (list) list.push(s);
    else byPair.set(key, [s]);
  }
  const out: AccessInterval[] = [];
  for (const list of byPair.values()) sweepPair(list, out);
  for (const interval of out) {
    interval.openAtStart = interval.from.getTime() <= window.from.getTime();
    interval.openAtEnd = interval.to.getTime() >= window.to.getTime();
  }
  return out;
}

/** One (person, contract): the intervals of its segments, appended to `out` in time order. */
function sweepPair(list: AccessSegment[], out: AccessInterval[]): void {
  const edges: { t: number; segment: AccessSegment; delta: 1 | -1 }[] = [];
  for (const segment of list) {
    const from = segment.from.getTime();
    const to = segment.to.getTime();
    if (from >= to) continue;
    edges.push({ t: from, segment, delta: 1 }, { t: to, segment, delta: -1 });
  }
  edges.sort((a, b) => a.t - b.t);
  // The reasons live now, with how many live segments carry each.
  const live = new Map<string, { segment: AccessSegment; count: number }>();
  let current: AccessInterval | null = null;
  for (let i = 0; i < edges.length; ) {
    const t = edges[i].t;
    // Whether each reason touched at t was live before it: the set changed if any differs after.
    const before = new Map<string, boolean>();
    for (; i < edges.length && edges[i].t === t; i++) {
      const { segment, delta } = edges[i];
      const key = reasonKey(segment);
      const entry = live.get(key);
      if (!before.has(key)) before.set(key, entry !== undefined);
      if (delta === 1) {
        if (entry) entry.count++;
        else live.set(key, { segment, count: 1 });
      } else if (entry && --entry.count === 0) live.delete(key);
    }
    let changed = false;
    for (const [key, was] of before) if (live.has(key) !== was) changed = true;
    if (!changed) continue;
    if (current) {
      current.to = new Date(t);
      out.push(current);
      current = null;
    }
    if (live.size > 0) current = intervalFrom(t, live);
  }
}

function intervalFrom(t: number, live: Map<string, { segment: AccessSegment }>): AccessInterval {
  const reasons = [...live.entries()].sort(
    ([ka, { segment: a }], [kb, { segment: b }]) => b.level - a.level || a.ruleId.localeCompare(b.ruleId) || ka.localeCompare(kb),
  );
  let rank = 0;
  for (const [, { segment }] of reasons) rank = Math.max(rank, segment.level);
  const first = reasons[0][1].segment;
  return {
    userId: first.userId,
    contractId: first.contractId,
    from: new Date(t),
    to: new Date(t),
    openAtStart: false,
    openAtEnd: false,
    level: levelFromRank(rank)!,
    reasons: reasons.map(([, { segment: s }]) => ({
      level: levelFromRank(s.level)!,
      ruleId: s.ruleId,
      ruleVersion: s.ruleVersion,
      ruleVersionId: s.ruleVersionId,
      groupIds: s.groupIds,
      ruleRepositoryId: s.ruleRepositoryId,
      ruleContractId: s.ruleContractId,
    })),
  };
}

/** Intervals of access in [from, to) for these contracts, or for one person. */
export async function accessIntervals(db: Db, options: { scope: SegmentScope; from: Date; to: Date }): Promise<AccessInterval[]> {
  return mergeSegments(await accessSegments(db, options), options);
}

/**
 * Segments read per interval a capped answer may hold. A person's history on a contract is usually
 * one segment per interval or fewer (a change of reasons ends one segment and starts another).
 */
const SEGMENTS_PER_INTERVAL = 2;

/**
 * At most `max` intervals, and whether there were more. The database returns at most
 * `max × SEGMENTS_PER_INTERVAL + 1` segments (ordered by person and contract); when it had more,
 * the last (person, contract) read may be cut short and is left out, so every interval returned is
 * whole.
 */
export async function cappedAccessIntervals(
  db: Db,
  options: { scope: SegmentScope; from: Date; to: Date; max: number },
): Promise<{ intervals: AccessInterval[]; truncated: boolean }> {
  const budget = options.max * SEGMENTS_PER_INTERVAL;
  const segments = await accessSegments(db, { ...options, limit: budget + 1 });
  let truncated = false;
  if (segments.length > budget) {
    truncated = true;
    const last = segments[segments.length - 1];
    while (segments.length > 0 && segments[segments.length - 1].userId === last.userId && segments[segments.length - 1].contractId === last.contractId) segments.pop();
  }
  const intervals = mergeSegments(segments, options);
  if (intervals.length > options.max) {
    truncated = true;
    intervals.length = options.max;
  }
  return { intervals, truncated };
}

/**
 * "Since when", for a page of readers of one contract: per person, the instant from which they had
 * access to it continuously, at `level` or higher, up to `at` — across every fact of the chains
 * (membership and nesting intervals, the rule versions' recording and validity windows, the user's
 * active status, the contract's revisions and end date). Chains that hand over to one another
 * without a gap count as continuous. Only these people's segments are read (the page, not the
 * population). A person without access at `at` is left out.
 */
export async function accessSince(
  db: Db,
  options: { contractId: string; at: Date; readers: { userId: string; level: Level }[] },
): Promise<Map<string, Date>> {
  const out = new Map<string, Date>();
  if (options.readers.length === 0) return out;
  const at = options.at.getTime();
  const segments = await accessSegments(db, {
    scope: { contractIds: [options.contractId], userIds: options.readers.map((r) => r.userId) },
    from: new Date(0),
    to: new Date(at + 1),
  });
  const byUser = new Map<string, AccessSegment[]>();
  for (const s of segments) byUser.set(s.userId, [...(byUser.get(s.userId) ?? []), s]);
  for (const { userId, level } of options.readers) {
    const min = levelRank(level);
    const spans = (byUser.get(userId) ?? []).filter((s) => s.level >= min).map((s) => [s.from.getTime(), s.to.getTime()] as const);
    // Start from the spans covering `at`, then step back through every span that touches the start.
    let since: number | null = null;
    for (const [from, to] of spans) if (from <= at && at < to && (since === null || from < since)) since = from;
    for (let changed = since !== null; changed; ) {
      changed = false;
      for (const [from, to] of spans) {
        if (from < since! && to >= since!) {
          since = from;
          changed = true;
        }
      }
    }
    if (since !== null) out.set(userId, new Date(since));
  }
  return out;
}
