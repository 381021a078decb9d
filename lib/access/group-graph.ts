// The access graph: the one module that knows how groups nest. Every question of the form
// "which groups is this person in", "who is in this group", "which groups are above or below this
// one" — now, at an instant T, or over a window — is answered here.
//
// It owns the group closure (DESIGN.md §3, README "Access graph"), designed like Zanzibar's Leopard
// index: GroupClosure holds, for every group, the groups it is inside through nesting (never itself),
// with the validity interval and the shortest chain; a person's groups are then their direct
// memberships (MembershipInterval, Leopard's MEMBER2GROUP) joined with the closure rows of those
// groups (GROUP2GROUP) — two index range reads, never a walk. Only nesting changes maintain it
// (refreshGroupClosure, in the transaction of the change); adding or removing a person touches no
// closure row. A chain is reported once, by its shortest path (ties: least in text order).
//
// Two shapes:
// - query functions, for callers that ask one question;
// - SQL fragments (CTE builders), for the set-based statements of the engine and the one-statement
//   SCIM writes. A statement that embeds one begins `WITH RECURSIVE` (some are). Each fragment
//   documents the CTE names and columns it defines.
//
// "At T" reads use the closure rows valid at T; "now" reads the open rows (validTo null), which
// are the current edges' closure. The only walks left are polynomial by construction (one row per
// group, or per group and depth, depth capped): collecting the edges above a changed group, the
// nesting-depth check, and the SQL recomputation the migration runs. The closure itself is computed
// breadth-first in closureRows, once per source group, however many chains there are.
import { now as clockNow } from "@/lib/clock";
import { getConfig } from "@/lib/config";
import { AppError } from "@/lib/errors";
import { activeAt, overlapsWindow, ts, validAt, type Db } from "./sql";

/** The longest chain of nested groups allowed, in hops (GROUP_NESTING_MAX_DEPTH). */
export const nestingMaxDepth = () => getConfig().GROUP_NESTING_MAX_DEPTH;

/**
 * The closure computations stop here: far beyond any chain the depth check lets in, so that
 * history written before the limit existed is still answered, yet finite on any graph.
 */
const CLOSURE_SEARCH_DEPTH = 64;

/** A closure row's chain as an array: descendant first, ancestor last. */
const pathArray = (alias: string) => `string_to_array(${alias}.path, ',')`;

// ---------------------------------------------------------------------------------------------
// SQL fragments

/**
 * CTEs `anc_seed`, `anc(gid[, ...carry])`: the groups `seed` selects and every group they are
 * (transitively) inside at t. `carry` names extra columns of `seed` kept unchanged (e.g. the group
 * the question started from).
 */
export const ancestorGroupsCte = (seed: string, t: string, carry: string[] = []) => {
  const cols = ["gid", ...carry].join(", ");
  return `anc_seed(${cols}) AS (${seed}),
   anc(${cols}) AS (
     SELECT ${cols} FROM anc_seed
     UNION
     SELECT gc."ancestorId"${carry.map((c) => `, s.${c}`).join("")} FROM anc_seed s JOIN "GroupClosure" gc ON gc."descendantId" = s.gid
     WHERE ${validAt("gc", t)})`;
};

/**
 * CTEs `anc_seed`, `anc(gid)`: the groups the person `person` (an SQL expression) is in at t,
 * directly or through nesting. `when` gates the whole answer (e.g. "the person is active at t").
 */
export const personGroupsCte = (person: string, t: string, when?: string) =>
  ancestorGroupsCte(
    `SELECT mi."groupId" FROM "MembershipInterval" mi WHERE mi."memberUserId" = ${person} AND ${validAt("mi", t)}${when ? ` AND ${when}` : ""}`,
    t,
  );

/**
 * CTE `up_path(uid, gid, gids)`: for each person of the relation `people` (column `uid`) and each
 * group they are in at t, the shortest membership chain (ties: least in text order): `gids` climbs
 * from the group the person is directly in to `gid`. One chain per (person, group), not every
 * chain: the number of chains grows exponentially with the graph, the reasons must not. The hops'
 * details (membershipHopsSql) are looked up only for the chains an answer shows.
 */
export const membershipPathsCte = (people: string, t: string) =>
  `up_path(uid, gid, gids) AS (
     SELECT DISTINCT ON (x.uid, x.gid) x.uid, x.gid, x.gids FROM (
       SELECT mi."memberUserId" AS uid, mi."groupId" AS gid, ARRAY[mi."groupId"]::text[] AS gids
       FROM "MembershipInterval" mi JOIN ${people} ON mi."memberUserId" = ${people}.uid WHERE ${validAt("mi", t)}
       UNION ALL
       SELECT mi."memberUserId", gc."ancestorId", ${pathArray("gc")}
       FROM "MembershipInterval" mi JOIN ${people} ON mi."memberUserId" = ${people}.uid
       JOIN "GroupClosure" gc ON gc."descendantId" = mi."groupId" AND ${validAt("gc", t)}
       WHERE ${validAt("mi", t)}
     ) x ORDER BY x.uid, x.gid, cardinality(x.gids), x.gids
   )`;

/**
 * A one-row SELECT, for LATERAL use, of the hops of the chain `gids` of person `uid` (columns of
 * the outer row `alias`; a chain from membershipPathsCte) at t: `sinces` and `events` are each
 * hop's interval start and adding audit event. All null for a null chain (a direct grant).
 */
export const membershipHopsSql = (alias: string, t: string) =>
  `SELECT array_agg(mi."validFrom" ORDER BY x.k)::timestamp(3)[] AS sinces, array_agg(mi."addedEventId" ORDER BY x.k)::text[] AS events
   FROM unnest(${alias}.gids) WITH ORDINALITY AS x(g, k)
   JOIN "MembershipInterval" mi ON mi."groupId" = x.g AND ${validAt("mi", t)}
    AND ((x.k = 1 AND mi."memberUserId" = ${alias}.uid) OR (x.k > 1 AND mi."memberGroupId" = ${alias}.gids[x.k - 1]))`;

/**
 * CTEs `chain_all`, `chain(uid, gid, gids)`: for each group of the relation `groups` (column `gid`)
 * and each person in it at t, directly or through nesting, the chain membershipPathsCte reports for
 * that (person, group) — the shortest, ties least in text order — so readers grouped by chain here
 * match the reasons given person by person. `gids` climbs from the person's direct group to `gid`.
 */
export const memberChainsCte = (groups: string, t: string, onlyUsers?: string) => {
  // `onlyUsers`: SQL of a text[] of people to keep (a review of a few people need not chain everyone).
  const only = onlyUsers ? ` AND mi."memberUserId" = ANY(${onlyUsers}::text[])` : "";
  return `chain_all(uid, gid, gids) AS (
     SELECT mi."memberUserId", g.gid, ARRAY[g.gid]::text[]
     FROM ${groups} g JOIN "MembershipInterval" mi ON mi."groupId" = g.gid
     WHERE mi."memberUserId" IS NOT NULL AND ${validAt("mi", t)}${only}
     UNION ALL
     SELECT mi."memberUserId", g.gid, ${pathArray("gc")}
     FROM ${groups} g JOIN "GroupClosure" gc ON gc."ancestorId" = g.gid AND ${validAt("gc", t)}
     JOIN "MembershipInterval" mi ON mi."groupId" = gc."descendantId"
     WHERE mi."memberUserId" IS NOT NULL AND ${validAt("mi", t)}${only}
   ),
   chain(uid, gid, gids) AS (
     SELECT DISTINCT ON (c.uid, c.gid) c.uid, c.gid, c.gids FROM chain_all c ORDER BY c.uid, c.gid, cardinality(c.gids), c.gids
   )`;
};

/**
 * CTEs `down_seed`, `down(gid[, ...carry])`: the groups `seed` selects and every group nested
 * (transitively) inside them at t. `carry` names extra columns of `seed` kept unchanged.
 */
export const descendantGroupsCte = (seed: string, t: string, carry: string[] = []) => {
  const cols = ["gid", ...carry].join(", ");
  return `down_seed(${cols}) AS (${seed}),
   down(${cols}) AS (
     SELECT ${cols} FROM down_seed
     UNION
     SELECT gc."descendantId"${carry.map((c) => `, s.${c}`).join("")} FROM down_seed s JOIN "GroupClosure" gc ON gc."ancestorId" = s.gid
     WHERE ${validAt("gc", t)})`;
};

/**
 * A SELECT of `uid` (then `columns`, which may refer to the group row as `g`) for the people who
 * are direct members at t of the groups in the relation `groups` (column `gid`) — with
 * descendantGroupsCte, the people of a group through nesting. `where` adds a condition on the
 * person's id.
 */
export const groupPeopleSql = (options: {
  groups: string;
  at: string;
  columns?: string[];
  distinct?: boolean;
  where?: (uid: string) => string;
}) => {
  const uid = `mi."memberUserId"`;
  return `SELECT ${options.distinct ? "DISTINCT " : ""}${uid} AS uid${(options.columns ?? []).map((c) => `, ${c}`).join("")}
     FROM ${options.groups} g JOIN "MembershipInterval" mi ON mi."groupId" = g.gid
     WHERE ${uid} IS NOT NULL AND ${validAt("mi", options.at)}${options.where ? ` AND ${options.where(uid)}` : ""}`;
};

/**
 * CTEs `anc_direct`, `anc(gid)`: the groups the person `person` was in, directly or through
 * nesting, at some time of the window [from, to) — the direct membership and the nesting
 * overlapping the window, not necessarily at the same time (a superset: callers intersect the
 * intervals). Empty when `person` is null.
 */
export const personGroupsOverWindowCte = (person: string | null, from: string, to: string) =>
  person
    ? `anc_direct(gid) AS (SELECT mi."groupId" FROM "MembershipInterval" mi WHERE mi."memberUserId" = ${person} AND ${overlapsWindow("mi", from, to)}),
       anc(gid) AS (
         SELECT gid FROM anc_direct
         UNION
         SELECT gc."ancestorId" FROM anc_direct d JOIN "GroupClosure" gc ON gc."descendantId" = d.gid WHERE ${overlapsWindow("gc", from, to)})`
    : `anc_direct(gid) AS (SELECT NULL::text WHERE FALSE), anc(gid) AS (SELECT gid FROM anc_direct)`;

/**
 * CTEs `down(gid, lo, hi, gids)` and `um(uid, lo, hi, gids, rgid)`: each group `groups` selects
 * (column `gid`) and the groups nested inside it within [from, to), with the sub-interval [lo, hi)
 * of the window in which that nesting held by the chain `gids` (member first; its last element
 * `rgid` the group the question started from; the shortest chain, so a change of the shortest chain
 * starts a new row); `um` are the people directly in those groups over the intersection. Only
 * `person`'s rows when given.
 */
export const membershipPathsOverWindowCtes = (groups: string, from: string, to: string, person?: string) =>
  `down(gid, lo, hi, gids) AS (
      SELECT g.gid, ${from}, ${to}, ARRAY[g.gid]::text[]
      FROM (${groups}) g
      UNION ALL
      SELECT gc."descendantId", greatest(${from}, gc."validFrom"), least(${to}, gc."validTo"), ${pathArray("gc")}
      FROM (${groups}) g JOIN "GroupClosure" gc ON gc."ancestorId" = g.gid
      WHERE ${overlapsWindow("gc", from, to)}
    ),
    um AS (
      SELECT mi."memberUserId" AS uid, greatest(d.lo, mi."validFrom") AS lo, least(d.hi, mi."validTo") AS hi, d.gids,
             d.gids[array_length(d.gids, 1)] AS rgid
      FROM down d JOIN "MembershipInterval" mi ON mi."groupId" = d.gid
      WHERE mi."memberUserId" IS NOT NULL AND greatest(d.lo, mi."validFrom") < least(d.hi, mi."validTo")
        ${person ? `AND mi."memberUserId" = ${person}` : ""}
    )`;

// ---------------------------------------------------------------------------------------------
// The closure computation (maintenance, rebuild, verification)

/**
 * The closure over segments: for each segment start `lo` of the relation `seg(lo, hi)`, the
 * nesting edges valid at `lo` (they hold through the segment), and for each source group of
 * `srcs(lo, g)` the groups above it with the shortest chain (ties: least in text order).
 * Polynomial on any graph, and set-based (hash joins, no per-row probing of a CTE): `reach` keeps
 * one row per (segment, source, group, depth), depth capped; `nxt` picks for each (source,
 * ancestor) the least parent still at the right distance; the chains are then assembled from the
 * ancestor down, one row per pair. `keep` filters which sources are reported. Yields
 * `closure(lo, hi, src, anc, depth, path text[])`.
 */
const closureOverSegmentsSql = (seg: string, srcs: string, keep = "TRUE") => `
  e(lo, c, p) AS (
    SELECT DISTINCT s.lo, mi."memberGroupId", mi."groupId" FROM ${seg} s JOIN "MembershipInterval" mi
      ON mi."memberGroupId" IS NOT NULL AND ${validAt("mi", "s.lo")}
  ),
  reach(lo, src, gid, depth) AS (
    SELECT e.lo, e.c, e.p, 1 FROM e JOIN ${srcs} s ON s.lo = e.lo AND s.g = e.c
    UNION
    SELECT r.lo, r.src, e.p, r.depth + 1 FROM reach r JOIN e ON e.lo = r.lo AND e.c = r.gid WHERE r.depth < ${CLOSURE_SEARCH_DEPTH}
  ),
  -- (a group on a cycle in history is above itself, as the walks it replaced reported)
  dist AS (SELECT lo, src, gid AS anc, min(depth) AS d FROM reach GROUP BY lo, src, gid),
  nxt AS (
    SELECT dd.lo, dd.src, dd.anc, dd.d, min(e.p) AS p
    FROM dist dd JOIN e ON e.lo = dd.lo AND e.c = dd.src
    LEFT JOIN dist x ON x.lo = dd.lo AND x.src = e.p AND x.anc = dd.anc AND x.d = dd.d - 1
    WHERE (dd.d = 1 AND e.p = dd.anc) OR (dd.d > 1 AND x.d IS NOT NULL)
    GROUP BY dd.lo, dd.src, dd.anc, dd.d
  ),
  chain(lo, src, anc, d, path) AS (
    SELECT lo, src, anc, d, ARRAY[src, anc]::text[] FROM nxt WHERE d = 1
    UNION ALL
    SELECT n.lo, n.src, n.anc, n.d, (n.src || c.path)::text[]
    FROM chain c JOIN nxt n ON n.lo = c.lo AND n.p = c.src AND n.anc = c.anc AND n.d = c.d + 1
  ),
  closure AS (
    SELECT c.lo, s.hi, c.src, c.anc, c.d AS depth, c.path
    FROM chain c JOIN ${seg} s ON s.lo = c.lo WHERE ${keep}
  )`;

/**
 * The whole closure recomputed from the membership history: segments between consecutive
 * instants at which any nesting began or ended, then consecutive segments with the same
 * (descendant, ancestor, chain) merged. CTE `rebuilt("descendantId", "ancestorId", depth, path,
 * "validFrom", "validTo")`, in SQL: what prisma/migrations/20261207060000_group_closure and
 * `npm run db:generate-scale` run (the application's own rebuild and check compute it in
 * closureFromHistory, a second implementation the tests hold against this one).
 */
export const closureFromHistoryCtes = () => `
  inst(t) AS (
    SELECT "validFrom" FROM "MembershipInterval" WHERE "memberGroupId" IS NOT NULL
    UNION SELECT "validTo" FROM "MembershipInterval" WHERE "memberGroupId" IS NOT NULL AND "validTo" IS NOT NULL
  ),
  seg AS (SELECT t AS lo, lead(t) OVER (ORDER BY t) AS hi FROM inst),
  srcs AS (SELECT DISTINCT lo, c AS g FROM e),
  ${closureOverSegmentsSql("seg", "srcs")},
  islands AS (
    SELECT c.*, CASE WHEN lag(c.hi) OVER (PARTITION BY c.src, c.anc, c.path ORDER BY c.lo) = c.lo THEN 0 ELSE 1 END AS brk FROM closure c
  ),
  numbered AS (SELECT i.*, sum(i.brk) OVER (PARTITION BY i.src, i.anc, i.path ORDER BY i.lo) AS island FROM islands i),
  rebuilt AS (
    SELECT src AS "descendantId", anc AS "ancestorId", min(depth) AS depth, array_to_string(path, ',') AS path,
           min(lo) AS "validFrom", CASE WHEN bool_or(hi IS NULL) THEN NULL ELSE max(hi) END AS "validTo"
    FROM numbered GROUP BY src, anc, path, island
  )`;

/** The groups below `groupIds` at `at` (and themselves): the sources whose closure a nesting change there can alter. */
export async function groupsAtOrBelow(db: Db, groupIds: string[], at: Date): Promise<string[]> {
  if (groupIds.length === 0) return [];
  const T = ts(2);
  const rows = await db.$queryRawUnsafe<{ gid: string }[]>(
    `WITH RECURSIVE ${descendantGroupsCte("SELECT unnest($1::text[])", T)} SELECT gid FROM down`,
    groupIds,
    at,
  );
  return rows.map((r) => r.gid);
}

/**
 * Brings the closure up to date after nesting changes at `at` that involved the member groups
 * `groupIds` (added to or removed from a group, or deleted). Runs in the transaction of the change,
 * after the membership history was written. `below`: the groups that were at or below them before
 * the change, when the change removed those edges (a deleted group) — see groupsAtOrBelow.
 * Rows that no longer hold end at `at` (or vanish if they began at `at`); new rows begin at `at`
 * (or continue a row of the same chain that ended at `at`).
 */
export async function refreshGroupClosure(db: Db, options: { groupIds: string[]; at: Date; below?: string[] }): Promise<void> {
  if (options.groupIds.length === 0) return;
  const affected = [...new Set([...(await groupsAtOrBelow(db, options.groupIds, options.at)), ...(options.below ?? [])])];
  const T = ts(2);
  // The nesting edges at `at` from the affected groups upwards (from the edges, not the closure,
  // which does not know the change yet; one row per group, so polynomial).
  const edges = await db.$queryRawUnsafe<{ c: string; p: string }[]>(
    `WITH RECURSIVE above(gid) AS (
       SELECT unnest($1::text[])
       UNION
       SELECT mi."groupId" FROM above a JOIN "MembershipInterval" mi ON mi."memberGroupId" = a.gid AND ${validAt("mi", T)}
     )
     SELECT DISTINCT mi."memberGroupId" AS c, mi."groupId" AS p FROM above a
     JOIN "MembershipInterval" mi ON mi."memberGroupId" = a.gid AND ${validAt("mi", T)}`,
    affected,
    options.at,
  );
  const fresh = closureRows(parentsOf(edges), affected);
  await db.$executeRawUnsafe(
    `WITH fresh AS (SELECT * FROM unnest($3::text[], $4::text[], $5::int[], $6::text[]) AS f(src, anc, depth, path)),
       old AS (SELECT id, "descendantId", "ancestorId", path, "validFrom" FROM "GroupClosure" WHERE "descendantId" = ANY($1::text[]) AND "validTo" IS NULL),
       gone AS (SELECT o.* FROM old o WHERE NOT EXISTS (SELECT 1 FROM fresh f WHERE f.src = o."descendantId" AND f.anc = o."ancestorId" AND f.path = o.path)),
       ended AS (UPDATE "GroupClosure" gc SET "validTo" = ${T} FROM gone WHERE gc.id = gone.id AND gone."validFrom" < ${T} RETURNING gc.id),
       dropped AS (DELETE FROM "GroupClosure" gc USING gone WHERE gc.id = gone.id AND gone."validFrom" >= ${T} RETURNING gc.id),
       added AS (SELECT f.* FROM fresh f WHERE NOT EXISTS (SELECT 1 FROM old o WHERE f.src = o."descendantId" AND f.anc = o."ancestorId" AND f.path = o.path)),
       resumed AS (
         UPDATE "GroupClosure" gc SET "validTo" = NULL FROM added a
         WHERE gc."descendantId" = a.src AND gc."ancestorId" = a.anc AND gc.path = a.path AND gc."validTo" = ${T}
         RETURNING gc."descendantId", gc."ancestorId", gc.path
       )
     INSERT INTO "GroupClosure" (id, "descendantId", "ancestorId", depth, path, "validFrom")
     SELECT gen_random_uuid()::text, a.src, a.anc, a.depth, a.path, ${T} FROM added a
     WHERE NOT EXISTS (SELECT 1 FROM resumed r WHERE r."descendantId" = a.src AND r."ancestorId" = a.anc AND r.path = a.path)`,
    affected,
    options.at,
    fresh.map((r) => r.src),
    fresh.map((r) => r.anc),
    fresh.map((r) => r.depth),
    fresh.map((r) => r.path),
  );
}

/** A closure row as computed: `path` joined by ",", descendant first. */
interface ComputedRow {
  src: string;
  anc: string;
  depth: number;
  path: string;
}

const parentsOf = (edges: { c: string; p: string }[]) => {
  const parents = new Map<string, string[]>();
  for (const e of edges) parents.set(e.c, [...(parents.get(e.c) ?? []), e.p]);
  return parents;
};

const lexLess = (a: string[], b: string[]) => {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] < b[i];
  return false;
};

/**
 * The closure of `sources` over the edges `parents` (child → parents): breadth-first, each group
 * kept once at its first depth with the least chain there (the least chain of the previous level
 * plus the group), so linear in the graph per source however many chains there are. A group on a
 * cycle is above itself (history may hold cycles; the walks this replaced reported them).
 */
function closureRows(parents: Map<string, string[]>, sources: string[]): ComputedRow[] {
  const out: ComputedRow[] = [];
  for (const src of sources) {
    const reached = new Set<string>();
    let frontier = new Map<string, string[]>([[src, [src]]]);
    for (let depth = 1; depth <= CLOSURE_SEARCH_DEPTH && frontier.size > 0; depth++) {
      const next = new Map<string, string[]>();
      for (const [node, path] of frontier) {
        for (const p of parents.get(node) ?? []) {
          if (reached.has(p)) continue;
          const candidate = [...path, p];
          const known = next.get(p);
          if (!known || lexLess(candidate, known)) next.set(p, candidate);
        }
      }
      for (const [p, path] of next) {
        reached.add(p);
        out.push({ src, anc: p, depth, path: path.join(",") });
      }
      frontier = next;
    }
  }
  return out;
}

/** A closure row with its interval, as stored. */
interface IntervalRow {
  descendantId: string;
  ancestorId: string;
  depth: number;
  path: string;
  validFrom: Date;
  validTo: Date | null;
}

/**
 * The whole closure recomputed from the membership history: between consecutive instants at which
 * any nesting began or ended the edges are fixed; the closure of each such segment, with the rows
 * of consecutive segments that keep the same chain merged.
 */
async function closureFromHistory(db: Db): Promise<IntervalRow[]> {
  const intervals = await db.$queryRawUnsafe<{ c: string; p: string; validFrom: Date; validTo: Date | null }[]>(
    `SELECT "memberGroupId" AS c, "groupId" AS p, "validFrom", "validTo" FROM "MembershipInterval" WHERE "memberGroupId" IS NOT NULL`,
  );
  const instants = [...new Set(intervals.flatMap((i) => [i.validFrom.getTime(), ...(i.validTo ? [i.validTo.getTime()] : [])]))].sort((a, b) => a - b);
  const done: IntervalRow[] = [];
  let open = new Map<string, IntervalRow>();
  for (const t of instants) {
    const edges = intervals.filter((i) => i.validFrom.getTime() <= t && (i.validTo === null || i.validTo.getTime() > t));
    const rows = closureRows(parentsOf(edges), [...new Set(edges.map((e) => e.c))]);
    const next = new Map<string, IntervalRow>();
    for (const r of rows) {
      const key = `${r.src}|${r.anc}|${r.path}`;
      next.set(key, open.get(key) ?? { descendantId: r.src, ancestorId: r.anc, depth: r.depth, path: r.path, validFrom: new Date(t), validTo: null });
    }
    for (const [key, row] of open) if (!next.has(key)) done.push({ ...row, validTo: new Date(t) });
    open = next;
  }
  return [...done, ...open.values()];
}

/** Replaces the whole closure by its recomputation from the membership history. */
export async function rebuildGroupClosure(db: Db): Promise<number> {
  const rows = await closureFromHistory(db);
  await db.$executeRawUnsafe(`DELETE FROM "GroupClosure"`);
  for (let i = 0; i < rows.length; i += 5_000) {
    const batch = rows.slice(i, i + 5_000);
    await db.$executeRawUnsafe(
      `INSERT INTO "GroupClosure" (id, "descendantId", "ancestorId", depth, path, "validFrom", "validTo")
       SELECT gen_random_uuid()::text, * FROM unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::timestamp(3)[], $6::timestamp(3)[])`,
      batch.map((r) => r.descendantId),
      batch.map((r) => r.ancestorId),
      batch.map((r) => r.depth),
      batch.map((r) => r.path),
      batch.map((r) => r.validFrom),
      batch.map((r) => r.validTo),
    );
  }
  return rows.length;
}

/** A difference between the maintained closure and its recomputation from history. */
export interface ClosureMismatch {
  kind: "missing" | "unexpected";
  descendantId: string;
  ancestorId: string;
  path: string;
  validFrom: Date;
  validTo: Date | null;
}

/**
 * Compares the maintained closure with its recomputation from history. `groupIds`: only these
 * descendants (the incremental check); all when absent. At most `limit` differences of each kind.
 */
export async function verifyGroupClosure(db: Db, options: { groupIds?: string[]; limit?: number } = {}): Promise<ClosureMismatch[]> {
  const only = options.groupIds ? new Set(options.groupIds) : undefined;
  const limit = options.limit ?? 100;
  const want = (await closureFromHistory(db)).filter((r) => !only || only.has(r.descendantId));
  const have = await db.$queryRawUnsafe<IntervalRow[]>(
    `SELECT "descendantId", "ancestorId", depth, path, "validFrom", "validTo" FROM "GroupClosure"
      WHERE ${options.groupIds ? `"descendantId" = ANY($1::text[])` : "TRUE"}`,
    ...(options.groupIds ? [options.groupIds] : []),
  );
  const key = (r: IntervalRow) => `${r.descendantId}|${r.ancestorId}|${r.path}|${r.validFrom.getTime()}|${r.validTo?.getTime() ?? ""}`;
  const wantKeys = new Set(want.map(key));
  const haveKeys = new Set(have.map(key));
  const strip = ({ depth: _depth, ...r }: IntervalRow) => (void _depth, r);
  return [
    ...want.filter((r) => !haveKeys.has(key(r))).slice(0, limit).map((r) => ({ kind: "missing" as const, ...strip(r) })),
    ...have.filter((r) => !wantKeys.has(key(r))).slice(0, limit).map((r) => ({ kind: "unexpected" as const, ...strip(r) })),
  ];
}

/**
 * Refuses to nest `memberGroupIds` inside `groupId` when the longest chain through the new edge
 * would exceed the nesting limit: the chains below each member, the new hop, the chains above
 * `groupId` (current edges; the cycle check has run). Bounded walks: one row per (group, length).
 */
export async function assertNestingDepth(db: Db, options: { groupId: string; memberGroupIds: string[] }): Promise<void> {
  if (options.memberGroupIds.length === 0) return;
  const max = nestingMaxDepth();
  const [row] = await db.$queryRawUnsafe<{ below: number | null; above: number | null }[]>(
    `WITH RECURSIVE
       below(gid, n) AS (
         SELECT unnest($1::text[]), 0
         UNION
         SELECT gm."memberGroupId", b.n + 1 FROM below b JOIN "GroupMember" gm ON gm."groupId" = b.gid
         WHERE gm."memberGroupId" IS NOT NULL AND b.n <= $3
       ),
       above(gid, n) AS (
         SELECT $2::text, 0
         UNION
         SELECT gm."groupId", a.n + 1 FROM above a JOIN "GroupMember" gm ON gm."memberGroupId" = a.gid WHERE a.n <= $3
       )
     SELECT (SELECT max(n) FROM below)::int AS below, (SELECT max(n) FROM above)::int AS above`,
    options.memberGroupIds,
    options.groupId,
    max,
  );
  const longest = (row?.below ?? 0) + 1 + (row?.above ?? 0);
  if (longest > max) {
    throw new AppError(
      "invalid_input",
      `Nesting these groups would exceed the nesting depth limit of ${max} levels (GROUP_NESTING_MAX_DEPTH): the chain of nested groups through them would be ${longest > max + 1 ? `more than ${max + 1}` : longest} levels deep`,
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Query functions

/** The groups an active person is in now, directly or through nesting (none when inactive or unknown). */
export async function groupIdsOfActivePerson(db: Db, options: { userId: string }): Promise<string[]> {
  const rows = await db.$queryRawUnsafe<{ gid: string }[]>(
    `WITH direct AS (
       SELECT gm."groupId" AS gid FROM "GroupMember" gm WHERE gm."memberUserId" = $1
         AND EXISTS (SELECT 1 FROM "User" u WHERE u.id = $1 AND u.active)
     )
     SELECT gid FROM direct
     UNION
     SELECT gc."ancestorId" FROM direct d JOIN "GroupClosure" gc ON gc."descendantId" = d.gid AND gc."validTo" IS NULL`,
    options.userId,
  );
  return rows.map((r) => r.gid);
}

/** Active people in these groups at `at`, through nested groups (each edge valid at `at`). */
export async function usersInGroups(db: Db, groupIds: string[], at: Date): Promise<string[]> {
  if (groupIds.length === 0) return [];
  const T = ts(2);
  const rows = await db.$queryRawUnsafe<{ uid: string }[]>(
    `WITH ${descendantGroupsCte("SELECT unnest($1::text[])", T)}
     ${groupPeopleSql({ groups: "down", at: T, distinct: true, where: (uid) => activeAt(uid, T) })}`,
    groupIds,
    at,
  );
  return rows.map((r) => r.uid);
}

/** Active people in the group at `at` (default now), through nested groups (each edge valid at `at`). */
export async function usersInGroup(db: Db, groupId: string, at: Date = clockNow()): Promise<string[]> {
  return usersInGroups(db, [groupId], at);
}

/**
 * Whether `groupId` is now (transitively) nested inside one of `containers`: adding those
 * containers to `groupId` as members would close a cycle.
 */
export async function isGroupInside(
  db: Db,
  options: { groupId: string; containers: string[] },
): Promise<boolean> {
  if (options.containers.length === 0) return false;
  const rows = await db.$queryRawUnsafe<{ id: string }[]>(
    `SELECT 1 AS id FROM "GroupClosure" WHERE "descendantId" = $2 AND "ancestorId" = ANY($1::text[]) AND "validTo" IS NULL LIMIT 1`,
    options.containers,
    options.groupId,
  );
  return rows.length > 0;
}

/** A group reached through nesting, by its shortest chain. */
export interface GroupReach {
  id: string;
  displayName: string;
  /** 1: a direct membership; n: through n - 1 groups. */
  depth: number;
  /** The chain of group ids from the direct group up to `id` (inclusive). */
  path: string[];
}

/**
 * The groups a person is in now, directly (depth 1) or through nesting, each once by its
 * shortest chain; ordered by depth then name. `since`: the start of a direct membership.
 */
export async function groupsOfPerson(
  db: Db,
  options: { userId: string },
): Promise<(GroupReach & { since: Date | null })[]> {
  return db.$queryRawUnsafe(
    `WITH direct AS (SELECT gm."groupId" AS gid FROM "GroupMember" gm WHERE gm."memberUserId" = $1),
     reach AS (
       SELECT gid AS id, ARRAY[gid]::text[] AS path FROM direct
       UNION ALL
       SELECT gc."ancestorId", ${pathArray("gc")} FROM direct d JOIN "GroupClosure" gc ON gc."descendantId" = d.gid AND gc."validTo" IS NULL
     ),
     shortest AS (SELECT DISTINCT ON (id) id, cardinality(path) AS depth, path FROM reach ORDER BY id, cardinality(path), path)
     SELECT s.id, g."displayName", s.depth, s.path,
            (SELECT min(mi."validFrom") FROM "MembershipInterval" mi
              WHERE s.depth = 1 AND mi."groupId" = s.id AND mi."memberUserId" = $1 AND mi."validTo" IS NULL) AS since
       FROM shortest s JOIN "Group" g ON g.id = s.id
      ORDER BY s.depth, lower(g."displayName")`,
    options.userId,
  );
}

/**
 * The groups a person was in at `at`, directly (depth 1) or through nesting, each once by its
 * shortest chain (ties: the first chain in text order); ordered by depth then group id.
 * Memberships only: the person's status at `at` is not looked at.
 */
export async function groupsOfPersonAt(
  db: Db,
  options: { userId: string; at: Date },
): Promise<Omit<GroupReach, "displayName">[]> {
  const T = ts(2);
  const rows = await db.$queryRawUnsafe<{ id: string; path: string[] }[]>(
    `WITH person AS (SELECT $1::text AS uid), ${membershipPathsCte("person", T)}
     SELECT gid AS id, gids AS path FROM up_path`,
    options.userId,
    options.at,
  );
  return rows
    .map((r) => ({ id: r.id, depth: r.path.length, path: r.path }))
    .sort((a, b) => a.depth - b.depth || a.id.localeCompare(b.id));
}

/**
 * The groups a group is now nested in: directly (depth 1) and through nesting, each once by its
 * shortest chain; ordered by depth then name.
 */
export async function groupsAboveGroup(db: Db, options: { groupId: string }): Promise<GroupReach[]> {
  return db.$queryRawUnsafe(
    `SELECT gc."ancestorId" AS id, g."displayName", gc.depth, (${pathArray("gc")})[2:] AS path
       FROM "GroupClosure" gc JOIN "Group" g ON g.id = gc."ancestorId"
      WHERE gc."descendantId" = $1 AND gc."validTo" IS NULL
      ORDER BY gc.depth, lower(g."displayName")`,
    options.groupId,
  );
}

/** Distinct people in a group now, directly or through nested groups, and how many of them are active. */
export async function countPeopleInGroup(
  db: Db,
  options: { groupId: string },
): Promise<{ total: number; active: number }> {
  // This group and every group nested inside it, then their user members.
  const [row] = await db.$queryRawUnsafe<{ total: number | bigint; active: number | bigint }[]>(
    `WITH inside(id) AS (
       SELECT $1::text
       UNION
       SELECT gc."descendantId" FROM "GroupClosure" gc WHERE gc."ancestorId" = $1 AND gc."validTo" IS NULL
     )
     SELECT count(DISTINCT u.id) AS total, count(DISTINCT u.id) FILTER (WHERE u.active) AS active
       FROM inside i JOIN "GroupMember" gm ON gm."groupId" = i.id JOIN "User" u ON u.id = gm."memberUserId"`,
    options.groupId,
  );
  return { total: Number(row?.total ?? 0), active: Number(row?.active ?? 0) };
}
