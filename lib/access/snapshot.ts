// Per (user, repository) summaries of effective access at an instant, for the access change
// events. Enumerating (user, contract) pairs would not scale (adding a nested group of 5,000 users
// to a group with rules on 4,000 contracts is 20 million pairs), so the query classifies instead:
//   - each user by the set of rule versions that reach them (their "user class"),
//   - contracts by the set of those rule versions that cover them (their "contract class"),
// and returns classes with counts. A user's level on a contract is the max level of the rules in
// both sets, the same for every member of the two classes, so the per-(user, repository) figures
// follow from a small class × class product computed here.
//
// Contracts are not even classified one by one: rules look only at (repository, type,
// confidentiality, end date) — or at the contract itself for contract-scoped rules — so contracts
// are first counted per such bucket, and only buckets meet rules. End dates are folded: after T
// (running for every rule) → none; ended beyond the longest grace → left out.
import { ancestorGroupsCte } from "./group-graph";
import { activeAt, exclusionCovers, grantsAt, notEndedAt, repositoryScopeCovers, ts, validAt, wallDeniesAt, wallInForceAt, type Db } from "./sql";

/**
 * Ethical walls as keys, like exclusions' "X:" keys: CTE `wsc` the wall scope rows in force at t,
 * `wdu(uid, key)` the keys of the users of `act`, by the same predicate as every answer (./sql.ts
 * wallDeniesAt). Exclusionary walls and sides give a deny key "W:<wall>:<side>" (side empty for
 * exclusionary) to the roster's people they deny. An inclusionary wall, which denies everyone but its
 * insiders, gives a pass key "I:<wall>:" to the insiders it lets through — a handful of rows, where a
 * deny key for everyone else was one row per person and wall — and a contract class holding an "I:"
 * key is denied to a user class without it (classDenied).
 */
export const wallDenyKeysCtes = (t: string) => `${wallScopesInForceCte(t)},
       ${wallDeniedUsersCte(t)}`;

/** CTE `wsc`: the wall scope rows in force at t, with their deny key ("W:") or pass key ("I:", inclusionary walls). */
export const wallScopesInForceCte = (t: string) => `
       wsc AS MATERIALIZED (
         SELECT s.key AS skey, s."wallId", s."sideId",
                CASE WHEN w.kind = 'inclusionary' THEN 'I:' ELSE 'W:' END || s."wallId" || ':' || COALESCE(s."sideId", '') AS dkey
         FROM "WallScope" s JOIN "Wall" w ON w.id = s."wallId" WHERE ${validAt("s", t)} AND ${wallInForceAt("w", t)}
       )`;

/** CTE `wdu(uid, key)`: for the roster people among CTE `act` (column uid), each deny key ("W:") of `wsc` that denies them at t and each pass key ("I:") that lets them through. */
export const wallDeniedUsersCte = (t: string) => `
       wdu AS (
         SELECT DISTINCT act.uid, ws.dkey AS key
         FROM (SELECT DISTINCT "wallId", "sideId", dkey FROM wsc) ws
         JOIN "WallPerson" p ON p."wallId" = ws."wallId" AND ${validAt("p", t)}
         JOIN act ON act.uid = p."userId" JOIN "Wall" w ON w.id = ws."wallId"
         WHERE CASE WHEN w.kind = 'inclusionary' THEN NOT ${wallDeniesAt("w", "ws", "act.uid", t)} ELSE ${wallDeniesAt("w", "ws", "act.uid", t)} END
       )`;

/**
 * Whether exclusions or walls deny a user class (its keys) a contract class: a deny key ("X:", "W:")
 * in both, or a pass key ("I:", an inclusionary wall's) the user class lacks.
 */
export function classDenied(userKeys: Set<string>, contractClass: string[]): boolean {
  for (const key of contractClass) {
    if (key.startsWith("I:")) {
      if (!userKeys.has(key)) return true;
    } else if ((key.startsWith("X:") || key.startsWith("W:")) && userKeys.has(key)) return true;
  }
  return false;
}

/** The level a rule key grants (0 for the deny and pass keys, which grant nothing). */
export const grantOf = (levels: Record<string, number>, key: string) => levels[key] ?? 0;

/**
 * CTE `cw("contractId", wk)`: for the contracts of relation `contracts` (columns "contractId",
 * "repositoryId", "counterpartyKey", tags: their revision at the instant) the sorted wall deny keys (wsc)
 * whose scope names them.
 */
export const contractWallKeysCte = (contracts: string) => `
       cw AS (
         SELECT k."contractId", array_agg(DISTINCT wsc.dkey ORDER BY wsc.dkey) AS wk
         FROM (
           SELECT c."contractId", unnest(ARRAY['c:' || c."contractId", 'r:' || c."repositoryId", 'p:' || c."counterpartyKey"]
                    || ARRAY(SELECT 't:' || kt FROM jsonb_array_elements_text(c.tags) kt)) AS key
           FROM ${contracts} c WHERE EXISTS (SELECT 1 FROM wsc)
         ) k JOIN wsc ON wsc.skey = k.key
         GROUP BY k."contractId"
       )`;


export interface RepositoryAccess {
  /** Contracts of the repository the user can open. */
  contracts: number;
  /** Highest level on any of them (rank 1..5). */
  level: number;
  /** Sum of levels over those contracts: rises when levels rise, even at an equal count. */
  levelSum: number;
  /** Order-independent hash of the (contract, level) pairs: tells a swap from no change. */
  fingerprint: number;
}

/** userId → repositoryId → access. Users without access have no entry. */
export type AccessSnapshot = Map<string, Map<string, RepositoryAccess>>;

interface SnapshotRow {
  users: { cls: string[]; uids: string[] }[];
  classes: { repositoryId: string; cls: string[]; n: number; h: number }[];
  levels: Record<string, number>;
}

/** Rule versions granting at `at` to these users (through groups, nested, or directly). */
const userRulesSql = (users: string, t: string) => `
  act AS (SELECT DISTINCT u.id AS uid FROM unnest(${users}::text[]) AS u(id) WHERE ${activeAt("u.id", t)}),
  direct AS (
    SELECT DISTINCT mi."memberUserId" AS uid, mi."groupId" AS gid
    FROM act JOIN "MembershipInterval" mi ON mi."memberUserId" = act.uid WHERE ${validAt("mi", t)}
  ),
  -- ancestors per distinct direct group (a few thousand at most), not per user (many)
  ${ancestorGroupsCte("SELECT DISTINCT gid, gid FROM direct", t, ["base"])}`;

/** The repositories in which the rules reaching these users grant at `at`. */
async function repositoriesReached(db: Db, userIds: string[], at: Date): Promise<string[]> {
  const T = ts(2);
  const rows = await db.$queryRawUnsafe<{ rid: string }[]>(
    `WITH RECURSIVE ${userRulesSql("$1", T)},
     rules AS (
       SELECT v."repositoryId", v."contractId" FROM (SELECT DISTINCT gid FROM anc) g JOIN "AccessRuleVersion" v ON v."groupId" = g.gid
       WHERE v."principalType" = 'group' AND ${grantsAt("v", T)}
       UNION
       SELECT v."repositoryId", v."contractId" FROM act JOIN "AccessRuleVersion" v ON v."userId" = act.uid
       WHERE v."principalType" = 'user' AND ${grantsAt("v", T)}
     )
     SELECT DISTINCT COALESCE(r."repositoryId", cr."repositoryId") AS rid
     FROM rules r LEFT JOIN "ContractRevision" cr ON cr."contractId" = r."contractId" AND ${validAt("cr", T)}
     WHERE COALESCE(r."repositoryId", cr."repositoryId") IS NOT NULL`,
    userIds,
    at,
  );
  return rows.map((r) => r.rid);
}

/**
 * What the users can open at `at`, per repository — in `repositoryIds` only when given (a change
 * that can only affect some repositories need not look at the others), else everywhere.
 */
export async function snapshotAccess(
  db: Db,
  options: { userIds: string[]; at: Date; repositoryIds?: string[] },
): Promise<AccessSnapshot> {
  const snapshot: AccessSnapshot = new Map();
  if (options.userIds.length === 0) return snapshot;
  return (async (q: Db) => {
    const repositoryIds = options.repositoryIds ?? (await repositoriesReached(q, options.userIds, options.at));
    if (repositoryIds.length === 0) return snapshot;
    const T = ts(2);
    const [row] = await q.$queryRawUnsafe<{ s: SnapshotRow }[]>(
      `WITH RECURSIVE ${userRulesSql("$1", T)},
       scope AS (SELECT DISTINCT unnest($3::text[]) AS rid),
       -- rules granting at T on contracts of the scope
       rules AS (
         SELECT v.id AS key, v.* FROM scope JOIN "AccessRuleVersion" v ON v."repositoryId" = scope.rid
         WHERE v."contractId" IS NULL AND ${grantsAt("v", T)}
         UNION ALL
         SELECT v.id AS key, v.* FROM "AccessRuleVersion" v
         JOIN "ContractRevision" cr ON cr."contractId" = v."contractId" AND ${validAt("cr", T)}
         WHERE v."contractId" IS NOT NULL AND ${grantsAt("v", T)} AND cr."repositoryId" IN (SELECT rid FROM scope)
       ),
       base_rules AS (
         SELECT DISTINCT a.base, r.key FROM anc a JOIN rules r ON r."principalType" = 'group' AND r."groupId" = a.gid
       ),
       -- Exclusions valid at T of these users in the scope, as deny keys "X:<id>" in both the
       -- user's and the contract bucket's class (a contract named by one gets a bucket of its own;
       -- a narrowed one needs none: buckets are per type and confidentiality already).
       excl AS (
         SELECT 'X:' || x.id AS key, x."userId" AS uid, x."contractId", x."repositoryId", x."contractTypes", x."confidentialityFloor" FROM "Exclusion" x
         WHERE ${validAt("x", T)} AND x."userId" IN (SELECT uid FROM act)
           AND (x."repositoryId" IN (SELECT rid FROM scope)
             OR x."contractId" IN (SELECT cr."contractId" FROM "ContractRevision" cr WHERE cr."repositoryId" IN (SELECT rid FROM scope) AND ${validAt("cr", T)}))
       ),
       ${wallDenyKeysCtes(T)},
       ur AS (
         SELECT d.uid, br.key FROM direct d JOIN base_rules br ON br.base = d.gid
         UNION
         SELECT act.uid, r.key FROM act JOIN rules r ON r."principalType" = 'user' AND r."userId" = act.uid
         UNION
         SELECT uid, key FROM excl
         UNION
         SELECT uid, key FROM wdu
       ),
       uc AS (SELECT uid, array_agg(key ORDER BY key) AS cls FROM ur GROUP BY uid),
       used AS (SELECT r.* FROM rules r WHERE r.key IN (SELECT key FROM ur)),
       horizon AS (SELECT ${T} - make_interval(days => COALESCE(max("graceDaysAfterEnd"), 0)) AS since FROM used),
       targeted AS (
         SELECT "contractId" FROM used WHERE "contractId" IS NOT NULL
         UNION SELECT "contractId" FROM excl WHERE "contractId" IS NOT NULL
       ),
       -- one revision per contract is valid at T, so UNION dedups a targeted contract of a scanned repository
       src AS (
         SELECT c.* FROM (SELECT DISTINCT "repositoryId" FROM used WHERE "contractId" IS NULL) s
         CROSS JOIN LATERAL (
           SELECT cr."contractId", cr."repositoryId", cr."contractType", cr.confidentiality, cr."endDate", cr."counterpartyKey", cr.tags
           FROM "ContractRevision" cr
           WHERE cr."repositoryId" = s."repositoryId" AND ${validAt("cr", T)}
             AND (cr."endDate" IS NULL OR cr."endDate" > (SELECT since FROM horizon))
           OFFSET 0
         ) c
         UNION
         SELECT cr."contractId", cr."repositoryId", cr."contractType", cr.confidentiality, cr."endDate", cr."counterpartyKey", cr.tags
         FROM targeted t JOIN "ContractRevision" cr ON cr."contractId" = t."contractId" AND ${validAt("cr", T)}
       ),
       -- the wall deny keys of each contract whose keys a wall in force names (none: no wall)
       ${contractWallKeysCte("src")},
       bk AS (
         SELECT row_number() OVER () AS bid, x.* FROM (
           SELECT "repositoryId", "contractType", confidentiality,
                  CASE WHEN "endDate" > ${T} THEN NULL ELSE "endDate" END AS "endDate",
                  CASE WHEN "contractId" IN (SELECT "contractId" FROM targeted) THEN "contractId" END AS "contractId",
                  cw.wk, count(*)::int AS n, sum(hashtext(src."contractId"))::float8 AS h
           FROM src LEFT JOIN cw USING ("contractId") GROUP BY 1, 2, 3, 4, 5, 6
         ) x
       ),
       bc AS (
         SELECT bk.bid, r.key FROM bk JOIN used r ON r."contractId" = bk."contractId" WHERE ${notEndedAt("r", "bk", T)}
         UNION ALL
         SELECT bk.bid, r.key FROM bk JOIN used r ON ${repositoryScopeCovers("r", "bk")} AND ${notEndedAt("r", "bk", T)}
         UNION ALL
         SELECT bk.bid, e.key FROM bk JOIN excl e ON e."contractId" = bk."contractId" OR (e."repositoryId" = bk."repositoryId" AND ${exclusionCovers("e", "bk")})
         UNION ALL
         SELECT bk.bid, unnest(bk.wk) FROM bk WHERE bk.wk IS NOT NULL
       ),
       ccg AS (
         SELECT bk."repositoryId", c.cls, sum(bk.n)::int AS n, sum(bk.h)::float8 AS h
         FROM (SELECT bid, array_agg(key ORDER BY key) AS cls FROM bc GROUP BY bid) c JOIN bk ON bk.bid = c.bid
         GROUP BY bk."repositoryId", c.cls
       )
       SELECT jsonb_build_object(
         'users', (SELECT coalesce(jsonb_agg(jsonb_build_object('cls', cls, 'uids', uids)), '[]'::jsonb)
                   FROM (SELECT cls, array_agg(uid) AS uids FROM uc GROUP BY cls) x),
         'classes', (SELECT coalesce(jsonb_agg(jsonb_build_object('repositoryId', "repositoryId", 'cls', cls, 'n', n, 'h', h)), '[]'::jsonb) FROM ccg),
         'levels', (SELECT coalesce(jsonb_object_agg(key, level), '{}'::jsonb) FROM used)
       ) AS s`,
      options.userIds,
      options.at,
      repositoryIds,
    );
    const { users, classes, levels } = row.s;
    for (const userClass of users) {
      const keys = new Set(userClass.cls);
      const perRepository = new Map<string, RepositoryAccess>();
      for (const c of classes) {
        if (classDenied(keys, c.cls)) continue;
        let level = 0;
        for (const key of c.cls) if (keys.has(key)) level = Math.max(level, grantOf(levels, key));
        if (level === 0) continue;
        const acc = perRepository.get(c.repositoryId) ?? { contracts: 0, level: 0, levelSum: 0, fingerprint: 0 };
        acc.contracts += c.n;
        acc.level = Math.max(acc.level, level);
        acc.levelSum += c.n * level;
        acc.fingerprint += c.h * level;
        perRepository.set(c.repositoryId, acc);
      }
      if (perRepository.size === 0) continue;
      // Members of one class share the figures; the map is read-only to callers.
      for (const uid of userClass.uids) snapshot.set(uid, perRepository);
    }
    return snapshot;
  })(db);
}

export interface RepositoryAccessChange {
  userId: string;
  repositoryId: string;
  before: RepositoryAccess;
  after: RepositoryAccess;
  granted: boolean;
  revoked: boolean;
}

const NONE: RepositoryAccess = { contracts: 0, level: 0, levelSum: 0, fingerprint: 0 };

/**
 * (user, repository) pairs whose access differs. More contracts or higher levels → granted; fewer
 * or lower → revoked (both when some rise and others fall); the same figures over different
 * contracts (one contract swapped for another) → both.
 */
export function diffSnapshots(before: AccessSnapshot, after: AccessSnapshot): RepositoryAccessChange[] {
  const changes: RepositoryAccessChange[] = [];
  for (const userId of new Set([...before.keys(), ...after.keys()])) {
    const b = before.get(userId);
    const a = after.get(userId);
    if (b === a) continue;
    for (const repositoryId of new Set([...(b?.keys() ?? []), ...(a?.keys() ?? [])])) {
      const x = b?.get(repositoryId) ?? NONE;
      const y = a?.get(repositoryId) ?? NONE;
      const up = y.contracts > x.contracts || y.level > x.level || (y.contracts === x.contracts && y.levelSum > x.levelSum);
      const down = y.contracts < x.contracts || y.level < x.level || (y.contracts === x.contracts && y.levelSum < x.levelSum);
      const swapped = !up && !down && y.fingerprint !== x.fingerprint;
      if (!up && !down && !swapped) continue;
      changes.push({ userId, repositoryId, before: x, after: y, granted: up || swapped, revoked: down || swapped });
    }
  }
  return changes;
}
