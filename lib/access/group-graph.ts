// The nested-group walk: the one module that knows how groups nest. Every question of the form
// "which groups is this person in", "who is in this group", "which groups are above or below this
// one" — now, at an instant T, or over a window — is answered here, so that the walk can be
// replaced (by a maintained closure table, DESIGN.md §3 "Group closure") without touching callers.
//
// Two shapes:
// - query functions, for callers that ask one question;
// - SQL fragments (CTE builders), for the set-based statements of the engine and the one-statement
//   SCIM writes, where a separate round trip would cost more than the walk. They are defined only
//   here; a statement that embeds one must begin `WITH RECURSIVE`. Each fragment documents the CTE
//   name and columns it defines.
//
// "At T" walks read the membership history (MembershipInterval, each hop valid at T); "now" walks
// for the dashboard and the cycle check read the current edges (GroupMember), as they did before
// they were gathered here. UNION (not UNION ALL) or a visited-path check stops every walk on a
// membership cycle.
import { now as clockNow } from "@/lib/clock";
import { activeAt, overlapsWindow, ts, validAt, type Db } from "./sql";

/** Breadth-first walks that keep a path stop at this depth (a safeguard; nesting is far shallower). */
const MAX_PATH_DEPTH = 32;

const carried = (alias: string, carry: string[]) => carry.map((c) => `, ${alias}.${c}`).join("");

// ---------------------------------------------------------------------------------------------
// SQL fragments

/**
 * CTE `anc(gid[, ...carry])`: the groups `seed` selects and every group they are (transitively)
 * members of at t. `carry` names extra columns of `seed` kept unchanged up the walk (e.g. the
 * group the walk started from).
 */
export const ancestorGroupsCte = (seed: string, t: string, carry: string[] = []) =>
  `anc(gid${carry.map((c) => `, ${c}`).join("")}) AS (${seed}
     UNION
     SELECT p."groupId"${carried("anc", carry)} FROM anc JOIN "MembershipInterval" p ON p."memberGroupId" = anc.gid WHERE ${validAt("p", t)})`;

/**
 * CTE `anc(gid)`: the groups the person `person` (an SQL expression) is in at t, directly or
 * through nesting. `when` gates the whole walk (e.g. "the person is active at t").
 */
export const personGroupsCte = (person: string, t: string, when?: string) =>
  ancestorGroupsCte(
    `SELECT mi."groupId" FROM "MembershipInterval" mi WHERE mi."memberUserId" = ${person} AND ${validAt("mi", t)}${when ? ` AND ${when}` : ""}`,
    t,
  );

/**
 * CTE `up(uid, gid, gids, sinces, events)`: every membership path at t of the people in the
 * relation `people` (column `uid`): `gids` climbs from the group the person is directly in to
 * `gid`; `sinces` and `events` are each hop's interval start and adding audit event. Every path,
 * not only the shortest, because each one is a separate reason for access.
 */
export const membershipPathsCte = (people: string, t: string) =>
  `up(uid, gid, gids, sinces, events) AS (
     SELECT mi."memberUserId", mi."groupId", ARRAY[mi."groupId"]::text[], ARRAY[mi."validFrom"]::timestamp(3)[],
            ARRAY[mi."addedEventId"]::text[]
     FROM "MembershipInterval" mi JOIN ${people} ON mi."memberUserId" = ${people}.uid
     WHERE ${validAt("mi", t)}
     UNION ALL
     SELECT up.uid, p."groupId", (up.gids || p."groupId")::text[], (up.sinces || p."validFrom")::timestamp(3)[],
            (up.events || p."addedEventId")::text[]
     FROM up JOIN "MembershipInterval" p ON p."memberGroupId" = up.gid
     WHERE ${validAt("p", t)} AND NOT (p."groupId" = ANY(up.gids))
   )`;

/**
 * CTE `down(gid[, ...carry])`: the groups `seed` selects and every group nested (transitively)
 * inside them at t. `carry` names extra columns of `seed` kept unchanged down the walk.
 */
export const descendantGroupsCte = (seed: string, t: string, carry: string[] = []) =>
  `down(gid${carry.map((c) => `, ${c}`).join("")}) AS (
     ${seed}
     UNION
     SELECT mi."memberGroupId"${carried("down", carry)} FROM down JOIN "MembershipInterval" mi ON mi."groupId" = down.gid
     WHERE mi."memberGroupId" IS NOT NULL AND ${validAt("mi", t)}
   )`;

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
 * CTE `anc(gid)`: the groups the person `person` was in, directly or through nesting, at some
 * time of the window [from, to) — each hop overlapping the window, not necessarily at the same
 * time (a superset: callers intersect the intervals). Empty when `person` is null.
 */
export const personGroupsOverWindowCte = (person: string | null, from: string, to: string) =>
  `anc(gid) AS (
      ${
        person
          ? `SELECT mi."groupId" FROM "MembershipInterval" mi WHERE mi."memberUserId" = ${person} AND ${overlapsWindow("mi", from, to)}
           UNION
           SELECT p."groupId" FROM anc JOIN "MembershipInterval" p ON p."memberGroupId" = anc.gid WHERE ${overlapsWindow("p", from, to)}`
          : `SELECT NULL::text WHERE FALSE`
      }
    )`;

/**
 * CTEs `down(gid, lo, hi, gids)` and `um(uid, lo, hi, gids, rgid)`: from each group `groups`
 * selects (column `gid`) down through nested groups within [from, to), with the sub-interval
 * [lo, hi) in which every hop of the path held; `um` are the people in those groups, `gids` the
 * path member-first (its last element `rgid` the group the walk started from). Only `person`'s
 * rows when given.
 */
export const membershipPathsOverWindowCtes = (groups: string, from: string, to: string, person?: string) =>
  `down(gid, lo, hi, gids) AS (
      SELECT g.gid, ${from}, ${to}, ARRAY[g.gid]::text[]
      FROM (${groups}) g
      UNION ALL
      SELECT mi."memberGroupId", greatest(d.lo, mi."validFrom"), least(d.hi, mi."validTo"), (mi."memberGroupId" || d.gids)::text[]
      FROM down d JOIN "MembershipInterval" mi ON mi."groupId" = d.gid
      WHERE mi."memberGroupId" IS NOT NULL AND NOT (mi."memberGroupId" = ANY(d.gids))
        AND greatest(d.lo, mi."validFrom") < least(d.hi, mi."validTo")
    ),
    um AS (
      SELECT mi."memberUserId" AS uid, greatest(d.lo, mi."validFrom") AS lo, least(d.hi, mi."validTo") AS hi, d.gids,
             d.gids[array_length(d.gids, 1)] AS rgid
      FROM down d JOIN "MembershipInterval" mi ON mi."groupId" = d.gid
      WHERE mi."memberUserId" IS NOT NULL AND greatest(d.lo, mi."validFrom") < least(d.hi, mi."validTo")
        ${person ? `AND mi."memberUserId" = ${person}` : ""}
    )`;

/**
 * CTE `anc_now(gid)`: the groups the person `person` is in now (current edges), directly or
 * through nesting. `when` gates the whole walk.
 */
const currentPersonGroupsCte = (person: string, when?: string) =>
  `anc_now(gid) AS (
     SELECT gm."groupId" FROM "GroupMember" gm WHERE gm."memberUserId" = ${person}${when ? ` AND ${when}` : ""}
     UNION
     SELECT gm."groupId" FROM "GroupMember" gm JOIN anc_now a ON gm."memberGroupId" = a.gid
   )`;

// ---------------------------------------------------------------------------------------------
// Query functions

/** The groups an active person is in now, directly or through nesting (none when inactive or unknown). */
export async function groupIdsOfActivePerson(db: Db, options: { userId: string }): Promise<string[]> {
  const rows = await db.$queryRawUnsafe<{ gid: string }[]>(
    `WITH RECURSIVE ${currentPersonGroupsCte("$1", `EXISTS (SELECT 1 FROM "User" u WHERE u.id = $1 AND u.active)`)}
     SELECT gid FROM anc_now`,
    options.userId,
  );
  return rows.map((r) => r.gid);
}

/** Active people in these groups at `at`, through nested groups (each edge valid at `at`). */
export async function usersInGroups(db: Db, groupIds: string[], at: Date): Promise<string[]> {
  if (groupIds.length === 0) return [];
  const T = ts(2);
  const rows = await db.$queryRawUnsafe<{ uid: string }[]>(
    `WITH RECURSIVE ${descendantGroupsCte("SELECT unnest($1::text[])", T)}
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
    `WITH RECURSIVE inside(id) AS (
       SELECT "memberGroupId" FROM "GroupMember" WHERE "groupId" = ANY($1::text[]) AND "memberGroupId" IS NOT NULL
       UNION
       SELECT gm."memberGroupId" FROM "GroupMember" gm JOIN inside ON gm."groupId" = inside.id
       WHERE gm."memberGroupId" IS NOT NULL
     ) SELECT id FROM inside WHERE id = $2 LIMIT 1`,
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
  // Breadth-first over nesting with the path kept, so each group is reported by its shortest
  // chain; the path check stops on membership cycles.
  return db.$queryRawUnsafe(
    `WITH RECURSIVE reach(id, depth, path) AS (
       SELECT gm."groupId", 1, ARRAY[gm."groupId"] FROM "GroupMember" gm WHERE gm."memberUserId" = $1
       UNION ALL
       SELECT gm."groupId", r.depth + 1, r.path || gm."groupId"
         FROM "GroupMember" gm JOIN reach r ON gm."memberGroupId" = r.id
        WHERE NOT gm."groupId" = ANY(r.path) AND r.depth < ${MAX_PATH_DEPTH}
     ), shortest AS (
       SELECT DISTINCT ON (id) id, depth, path FROM reach ORDER BY id, depth
     )
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
    `WITH RECURSIVE person AS (SELECT $1::text AS uid), ${membershipPathsCte("person", T)}
     SELECT DISTINCT ON (gid) gid AS id, gids AS path FROM up ORDER BY gid, cardinality(gids), gids`,
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
    `WITH RECURSIVE up(id, depth, path) AS (
       SELECT gm."groupId", 1, ARRAY[gm."groupId"] FROM "GroupMember" gm WHERE gm."memberGroupId" = $1
       UNION ALL
       SELECT gm."groupId", u.depth + 1, u.path || gm."groupId"
         FROM "GroupMember" gm JOIN up u ON gm."memberGroupId" = u.id
        WHERE NOT gm."groupId" = ANY(u.path) AND u.depth < ${MAX_PATH_DEPTH}
     ), shortest AS (SELECT DISTINCT ON (id) id, depth, path FROM up ORDER BY id, depth)
     SELECT s.id, g."displayName", s.depth, s.path FROM shortest s JOIN "Group" g ON g.id = s.id
      ORDER BY s.depth, lower(g."displayName")`,
    options.groupId,
  );
}

/** Distinct people in a group now, directly or through nested groups, and how many of them are active. */
export async function countPeopleInGroup(
  db: Db,
  options: { groupId: string },
): Promise<{ total: number; active: number }> {
  // Every group nested inside this one (UNION stops on cycles), then their user members.
  const [row] = await db.$queryRawUnsafe<{ total: number | bigint; active: number | bigint }[]>(
    `WITH RECURSIVE inside(id) AS (
       SELECT $1::text
       UNION
       SELECT gm."memberGroupId" FROM "GroupMember" gm JOIN inside i ON gm."groupId" = i.id WHERE gm."memberGroupId" IS NOT NULL
     )
     SELECT count(DISTINCT u.id) AS total, count(DISTINCT u.id) FILTER (WHERE u.active) AS active
       FROM inside i JOIN "GroupMember" gm ON gm."groupId" = i.id JOIN "User" u ON u.id = gm."memberUserId"`,
    options.groupId,
  );
  return { total: Number(row?.total ?? 0), active: Number(row?.active ?? 0) };
}
