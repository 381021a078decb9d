// The population of an access review: every person who can open contracts in a scope at T, per
// person × repository (or per person × contract from a confidentiality on), with the reasons —
// the same predicates as every other answer of the engine (./sql.ts: status at T, memberships and
// nesting at T, rules granting at T, contracts in scope at T, exclusions), so a campaign reviews
// exactly what the checks grant. Access that ends before the campaign closes (a contract's end
// date, a rule's expiry) is left out: nobody needs to review what stops by itself.
import { databaseOf } from "@/lib/db/client";
import { memberChainsCte } from "./group-graph";
import { activeSetAt, contractWallKeysAt, coverageSql, grantsAt, notExcludedAt, ts, validAt, wallInForceAt, type Db } from "./sql";

export interface PopulationScope {
  repositoryIds?: string[];
  contractTypes?: string[];
  /** Only contracts at or above this confidentiality rank (0..3). */
  confidentialityFloor?: number | null;
  /**
   * Only contracts with one of these counterparties, compared without case. The counterparty is
   * not part of a contract's access history: the current one applies, also at a past instant.
   */
  counterparties?: string[];
  directoryIds?: string[];
  /** Only these people. */
  userIds?: string[];
  /** Only access that comes through one of these groups (anywhere on the membership chain). */
  groupIds?: string[];
  ruleIds?: string[];
  /** Only direct user grants. */
  directOnly?: boolean;
  /** Only people the directory has not touched for this many days, or flagged inactive. */
  inactiveDays?: number | null;
}

export interface PopulationReason {
  versionId: string;
  ruleId: string;
  version: number;
  level: number;
  /** Group chain, the person's direct group first; null = a direct grant. */
  gids: string[] | null;
  /** Since when this reason holds for the person: their direct membership's start, or the grant's. */
  since: string;
}

export interface PopulationRow {
  userId: string;
  repositoryId: string;
  /** Set when the item is per contract (confidentiality at or above the granularity floor). */
  contractId: string | null;
  level: number;
  contracts: number;
  confidentiality: number;
  reasons: PopulationReason[];
}

/** The contract revision `cr`'s contract has one of the (lower-cased) counterparties of array parameter `list`. */
export const counterpartyFilter = (cr: string, list: string) =>
  `${cr}."contractId" IN (SELECT c.id FROM "Contract" c WHERE lower(c.counterparty) = ANY(${list}::text[]))`;

/**
 * The population at `at`, leaving out access that ends before `closeAt`. `contractFloor`: from
 * this confidentiality rank on, one item per contract instead of per repository (null: never).
 *
 * Computed as sets, never per person × contract (50,000 people × their 2,600 contracts each would
 * be 130 million grant rows at the access benchmark's scale): a person's item is a repository (or
 * a contract) and the set of rule versions that reach them in it, their "class"; the contracts
 * and top confidentiality of an item are those of its class, counted once per class (a class with
 * one rule version is that version's coverage, counted once per version). Denies need the
 * person × contract answer: people an exclusion or a wall roster names (walls of sides and
 * exclusionary walls deny only their rosters' people) and contracts an inclusionary wall covers
 * (it denies everyone else) go through the engine's deny seam (sql.ts notExcludedAt) grant by
 * grant — few rows; everything else cannot be denied and takes the class path. Both parts'
 * contracts of an item are disjoint, so the item is their sum.
 */
export async function reviewPopulation(
  db: Db,
  options: { at: Date; closeAt: Date; scope: PopulationScope; contractFloor?: number | null },
): Promise<PopulationRow[]> {
  // Temporary tables (dropped at commit) rather than one statement of CTEs: the planner knows
  // their sizes after ANALYZE, where it guesses one row for a CTE and then nests loops over
  // millions (measured: over 90 s for 1,000 people in one statement, 2 s planned on the tables).
  // A process client (not a transaction's): the steps in a transaction of their own.
  const database = databaseOf(db);
  if (database) return database.prisma.$transaction((tx) => populationInTx(tx, options), { maxWait: 10_000, timeout: 30 * 60_000 });
  return populationInTx(db, options);
}

const TABLES = ["_pop_cov", "_pop_rule", "_pop_g", "_pop_xu", "_pop_xc", "_pop_vik", "_pop_ui", "_pop_cls"];

async function populationInTx(
  db: Db,
  options: { at: Date; closeAt: Date; scope: PopulationScope; contractFloor?: number | null },
): Promise<PopulationRow[]> {
  const s = options.scope;
  const T = ts(1);
  const C = ts(2);
  // Each statement numbers its parameters after the instants it reads ($1 the snapshot, $2 the close).
  const statement = (withClose = false) => {
    const params: unknown[] = withClose ? [options.at, options.closeAt] : [options.at];
    return { params, param: (v: unknown) => `$${params.push(v)}` };
  };
  const run = async (sql: string, params: unknown[]) => void (await db.$executeRawUnsafe(sql, ...params));
  await run(`DROP TABLE IF EXISTS ${TABLES.map((t) => `pg_temp.${t}`).join(", ")}`, []);

  // (rule version, contract) pairs in scope, with the item each falls in (ik: the contract from the
  // per-contract floor on, '' for the repository item).
  {
    const { params, param } = statement(true);
    const contractFilter = [
      `(cr."endDate" IS NULL OR cr."endDate" > ${C})`,
      s.repositoryIds?.length ? `cr."repositoryId" = ANY(${param(s.repositoryIds)}::text[])` : null,
      s.contractTypes?.length ? `cr."contractType" = ANY(${param(s.contractTypes)}::text[])` : null,
      s.confidentialityFloor !== undefined && s.confidentialityFloor !== null ? `cr.confidentiality >= ${param(s.confidentialityFloor)}::int` : null,
      s.counterparties?.length ? counterpartyFilter("cr", param(s.counterparties.map((c) => c.toLowerCase()))) : null,
    ]
      .filter(Boolean)
      .join(" AND ");
    const ruleFilter = [
      `(v."validUntil" IS NULL OR v."validUntil" > ${C})`,
      s.repositoryIds?.length ? `(v."repositoryId" = ANY(${param(s.repositoryIds)}::text[]) OR v."contractId" IS NOT NULL)` : null,
      s.ruleIds?.length ? `v."ruleId" = ANY(${param(s.ruleIds)}::text[])` : null,
      s.directOnly ? `v."principalType" = 'user'` : null,
    ]
      .filter(Boolean)
      .join(" AND ");
    const floor = param(options.contractFloor ?? null);
    await run(
      `CREATE TEMP TABLE _pop_cov ON COMMIT DROP AS
       WITH rules AS (SELECT v.id AS key, v.* FROM "AccessRuleVersion" v WHERE ${grantsAt("v", T)} AND ${ruleFilter})
       SELECT key AS vid, "contractId" AS cid, "repositoryId" AS rid, confidentiality AS conf,
              CASE WHEN ${floor}::int IS NOT NULL AND confidentiality >= ${floor}::int THEN "contractId" ELSE '' END AS ik
       FROM (${coverageSql("rules", T, contractFilter)}) cov`,
      params,
    );
    await run(
      `CREATE TEMP TABLE _pop_rule ON COMMIT DROP AS
       SELECT v.id AS vid, v."ruleId", v.version, v.level, v."principalType", v."groupId", v."userId", v."recordedFrom", v."validFrom"
       FROM "AccessRuleVersion" v WHERE v.id IN (SELECT DISTINCT vid FROM _pop_cov)`,
      [],
    );
    await run(`ANALYZE _pop_cov, _pop_rule`, []);
  }

  // Who each rule version reaches: one shortest group chain per person and group, since when.
  {
    const { params, param } = statement();
    const personFilter = [
      s.directoryIds?.length ? `u."directoryId" = ANY(${param(s.directoryIds)}::text[])` : null,
      s.userIds?.length ? `u.id = ANY(${param(s.userIds)}::text[])` : null,
      s.inactiveDays ? `(u."inactiveFlaggedAt" IS NOT NULL OR u."lastSeenAt" < ${T} - make_interval(days => ${param(s.inactiveDays)}::int))` : null,
    ].filter(Boolean);
    const groupFilter = s.groupIds?.length ? `x.gids && ${param(s.groupIds)}::text[]` : "TRUE";
    await run(
      `CREATE TEMP TABLE _pop_g ON COMMIT DROP AS
       WITH RECURSIVE
       rg AS (SELECT DISTINCT r."groupId" AS gid FROM _pop_rule r WHERE r."principalType" = 'group'),
       ${memberChainsCte("rg", T, s.userIds?.length ? param(s.userIds) : undefined)}
       SELECT x.* FROM (
         SELECT c.uid, r.vid, c.gids, mi."validFrom" AS since
         FROM chain c JOIN _pop_rule r ON r."principalType" = 'group' AND r."groupId" = c.gid
         JOIN LATERAL (
           SELECT m."validFrom" FROM "MembershipInterval" m WHERE m."memberUserId" = c.uid AND m."groupId" = c.gids[1] AND ${validAt("m", T)} LIMIT 1
         ) mi ON TRUE
         UNION ALL
         SELECT r."userId", r.vid, NULL::text[], greatest(r."recordedFrom", r."validFrom") FROM _pop_rule r WHERE r."principalType" = 'user'
       ) x
       WHERE ${groupFilter} AND ${activeSetAt("x.uid", T)}
       ${personFilter.length ? `AND x.uid IN (SELECT u.id FROM "User" u WHERE ${personFilter.join(" AND ")})` : ""}`,
      params,
    );
  }

  // What a deny may touch: people an exclusion or a wall's roster names; contracts an inclusionary
  // wall covers (it denies everyone off its roster).
  {
    const { params } = statement();
    await run(
      `CREATE TEMP TABLE _pop_xu ON COMMIT DROP AS
       SELECT x."userId" AS uid FROM "Exclusion" x WHERE ${validAt("x", T)}
       UNION
       SELECT p."userId" FROM "WallPerson" p JOIN "Wall" w ON w.id = p."wallId" WHERE ${validAt("p", T)} AND ${wallInForceAt("w", T)}`,
      params,
    );
    await run(
      `CREATE TEMP TABLE _pop_xc ON COMMIT DROP AS
       WITH xk AS (
         SELECT s.key FROM "WallScope" s JOIN "Wall" w ON w.id = s."wallId"
         WHERE w.kind = 'inclusionary' AND ${validAt("s", T)} AND ${wallInForceAt("w", T)}
       )
       SELECT DISTINCT c.cid FROM _pop_cov c
       WHERE EXISTS (SELECT 1 FROM xk) AND EXISTS (SELECT 1 FROM unnest(${contractWallKeysAt("c.cid", "c.rid", T)}) AS wk(key) WHERE wk.key IN (SELECT key FROM xk))`,
      params,
    );
    await run(`ANALYZE _pop_g, _pop_xu, _pop_xc`, []);
  }

  // The class path: per rule version × item, its contracts and top confidentiality; per person ×
  // item, the set of rule versions (their class), level and reasons.
  const reason = (a: string) =>
    `jsonb_build_object('versionId', ${a}.vid, 'ruleId', r."ruleId", 'version', r.version, 'level', r.level,
       'gids', to_jsonb(${a}.gids), 'since', to_char(${a}.since, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))`;
  await run(
    `CREATE TEMP TABLE _pop_vik ON COMMIT DROP AS
     SELECT vid, rid, ik, count(*)::int AS n, max(conf) AS conf FROM _pop_cov c
     WHERE NOT EXISTS (SELECT 1 FROM _pop_xc x WHERE x.cid = c.cid) GROUP BY vid, rid, ik`,
    [],
  );
  await run(`ANALYZE _pop_vik`, []);
  await run(
    `CREATE TEMP TABLE _pop_ui ON COMMIT DROP AS
     SELECT g.uid, k.rid, k.ik, array_agg(g.vid ORDER BY g.vid) AS vids, max(r.level) AS level, jsonb_agg(${reason("g")} ORDER BY g.vid) AS reasons
     -- (person, version) is unique in _pop_g (one chain per person and group, one group per
     -- version) and (version, repository, item) in _pop_vik: no DISTINCT (sorting every reason's
     -- jsonb took most of the time at scale)
     FROM _pop_g g JOIN _pop_vik k ON k.vid = g.vid JOIN _pop_rule r ON r.vid = g.vid
     WHERE NOT EXISTS (SELECT 1 FROM _pop_xu xu WHERE xu.uid = g.uid)
     GROUP BY g.uid, k.rid, k.ik`,
    [],
  );
  await run(`ANALYZE _pop_ui`, []);
  // Classes of several versions, one row per (class, version), with whether one of its versions
  // covers the whole (repository, item) of the class path — most (rules narrowed by nothing) do,
  // and need no union of their versions' contracts. A table, analyzed: as a CTE the planner took
  // the classes for one row and scanned every coverage row once per class (137 classes × 98,579
  // rows = 8.5 s at a tenth of the access benchmark's scale).
  await run(
    `CREATE TEMP TABLE _pop_cls ON COMMIT DROP AS
     WITH whole AS (
       SELECT rid, ik, count(DISTINCT cid)::int AS n, max(conf) AS conf FROM _pop_cov c
       WHERE NOT EXISTS (SELECT 1 FROM _pop_xc x WHERE x.cid = c.cid) GROUP BY rid, ik
     ),
     cv AS (
       SELECT c.rid, c.ik, c.vids, cv.vid FROM (SELECT DISTINCT rid, ik, vids FROM _pop_ui WHERE cardinality(vids) > 1) c
       CROSS JOIN LATERAL unnest(c.vids) AS cv(vid)
     )
     SELECT cv.rid, cv.ik, cv.vids, cv.vid, bool_or(k.n = w.n) OVER (PARTITION BY cv.rid, cv.ik, cv.vids) AS full, w.n AS wn, w.conf AS wconf
     FROM cv JOIN _pop_vik k ON k.vid = cv.vid AND k.rid = cv.rid AND k.ik = cv.ik JOIN whole w ON w.rid = cv.rid AND w.ik = cv.ik`,
    [],
  );
  await run(`ANALYZE _pop_cls`, []);
  const T3 = ts(1);
  return db.$queryRawUnsafe<PopulationRow[]>(
    `WITH
     clsagg AS (
       SELECT DISTINCT c.rid, c.ik, c.vids, c.wn AS n, c.wconf AS conf FROM _pop_cls c WHERE c.full
       UNION ALL
       SELECT c.rid, c.ik, c.vids, count(DISTINCT f.cid)::int, max(f.conf)
       FROM _pop_cls c JOIN _pop_cov f ON f.vid = c.vid AND f.rid = c.rid AND f.ik = c.ik
       WHERE NOT c.full AND NOT EXISTS (SELECT 1 FROM _pop_xc x WHERE x.cid = f.cid)
       GROUP BY c.rid, c.ik, c.vids
     ),
     fitem AS (
       SELECT ui.uid, ui.rid, ui.ik, ui.level, k.n AS contracts, k.conf, ui.reasons
       FROM _pop_ui ui JOIN _pop_vik k ON k.vid = ui.vids[1] AND k.rid = ui.rid AND k.ik = ui.ik
       WHERE cardinality(ui.vids) = 1
       UNION ALL
       SELECT ui.uid, ui.rid, ui.ik, ui.level, ca.n, ca.conf, ui.reasons
       FROM _pop_ui ui JOIN clsagg ca ON ca.rid = ui.rid AND ca.ik = ui.ik AND ca.vids = ui.vids
       WHERE cardinality(ui.vids) > 1
     ),
     -- the deny path, grant by grant through the engine's deny seam
     eg AS (
       SELECT g.uid, g.vid, g.gids, g.since, c.cid, c.rid, c.ik, c.conf
       FROM _pop_g g JOIN _pop_cov c ON c.vid = g.vid
       WHERE g.uid IN (SELECT uid FROM _pop_xu)
       UNION ALL
       SELECT g.uid, g.vid, g.gids, g.since, c.cid, c.rid, c.ik, c.conf
       FROM _pop_cov c JOIN _pop_g g ON g.vid = c.vid
       WHERE c.cid IN (SELECT cid FROM _pop_xc) AND g.uid NOT IN (SELECT uid FROM _pop_xu)
     ),
     eitem AS (
       SELECT e.uid, e.rid, e.ik, max(r.level) AS level, count(DISTINCT e.cid)::int AS contracts, max(e.conf) AS conf, jsonb_agg(DISTINCT ${reason("e")}) AS reasons
       FROM eg e JOIN _pop_rule r ON r.vid = e.vid
       WHERE ${notExcludedAt("e.uid", "e.cid", "e.rid", T3)}
       GROUP BY e.uid, e.rid, e.ik
     ),
     item AS (SELECT * FROM fitem UNION ALL SELECT * FROM eitem)
     SELECT i.uid AS "userId", i.rid AS "repositoryId", NULLIF(i.ik, '') AS "contractId", max(i.level)::int AS level,
            sum(i.contracts)::int AS contracts, max(i.conf)::int AS confidentiality,
            CASE WHEN count(*) = 1 THEN (array_agg(i.reasons))[1]
                 ELSE (SELECT jsonb_agg(DISTINCT e) FROM unnest(array_agg(i.reasons)) AS a(r), jsonb_array_elements(a.r) AS e) END AS reasons
     FROM item i
     GROUP BY i.uid, i.rid, i.ik
     ORDER BY i.uid, i.rid, NULLIF(i.ik, '') NULLS FIRST`,
    options.at,
  );
}
