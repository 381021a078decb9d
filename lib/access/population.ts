// The population of an access review: every person who can open contracts in a scope at T, per
// person × repository (or per person × contract from a confidentiality on), with the reasons —
// the same predicates as every other answer of the engine (./sql.ts: status at T, memberships and
// nesting at T, rules granting at T, contracts in scope at T, exclusions), so a campaign reviews
// exactly what the checks grant. Access that ends before the campaign closes (a contract's end
// date, a rule's expiry) is left out: nobody needs to review what stops by itself.
import { memberChainsCte } from "./group-graph";
import { activeSetAt, coverageSql, grantsAt, notExcludedAt, ts, validAt, type Db } from "./sql";

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
 */
export async function reviewPopulation(
  db: Db,
  options: { at: Date; closeAt: Date; scope: PopulationScope; contractFloor?: number | null },
): Promise<PopulationRow[]> {
  const s = options.scope;
  const T = ts(1);
  const C = ts(2);
  const params: unknown[] = [options.at, options.closeAt, options.contractFloor ?? null];
  const param = (v: unknown) => `$${params.push(v)}`;
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
  const personFilter = [
    s.directoryIds?.length ? `u."directoryId" = ANY(${param(s.directoryIds)}::text[])` : null,
    s.userIds?.length ? `u.id = ANY(${param(s.userIds)}::text[])` : null,
    s.inactiveDays ? `(u."inactiveFlaggedAt" IS NOT NULL OR u."lastSeenAt" < ${T} - make_interval(days => ${param(s.inactiveDays)}::int))` : null,
  ].filter(Boolean);
  const groupFilter = s.groupIds?.length ? `g.gids && ${param(s.groupIds)}::text[]` : "TRUE";
  return db.$queryRawUnsafe<PopulationRow[]>(
    `WITH RECURSIVE
     rules AS (SELECT v.id AS key, v.* FROM "AccessRuleVersion" v WHERE ${grantsAt("v", T)} AND ${ruleFilter}),
     cov AS (${coverageSql("rules", T, contractFilter)}),
     rg AS (SELECT DISTINCT r."groupId" AS gid FROM rules r WHERE r."principalType" = 'group' AND r.key IN (SELECT key FROM cov)),
     ${memberChainsCte("rg", T, s.userIds?.length ? param(s.userIds) : undefined)},
     g AS (
       SELECT c.uid, r.key AS vid, c.gids, mi."validFrom" AS since
       FROM chain c JOIN rules r ON r."principalType" = 'group' AND r."groupId" = c.gid
       JOIN LATERAL (
         SELECT m."validFrom" FROM "MembershipInterval" m WHERE m."memberUserId" = c.uid AND m."groupId" = c.gids[1] AND ${validAt("m", T)} LIMIT 1
       ) mi ON TRUE
       UNION ALL
       SELECT r."userId", r.key, NULL::text[], greatest(r."recordedFrom", r."validFrom") FROM rules r WHERE r."principalType" = 'user'
     ),
     grants AS (
       SELECT g.uid, g.vid, g.gids, g.since, cov."contractId" AS cid, cov."repositoryId" AS rid, cov.confidentiality AS conf, r.level, r."ruleId", r.version
       FROM g JOIN cov ON cov.key = g.vid JOIN rules r ON r.key = g.vid
       WHERE ${groupFilter} AND ${activeSetAt("g.uid", T)} AND ${notExcludedAt("g.uid", `cov."contractId"`, `cov."repositoryId"`, T)}
       ${personFilter.length ? `AND g.uid IN (SELECT u.id FROM "User" u WHERE ${personFilter.join(" AND ")})` : ""}
     ),
     item AS (
       SELECT uid, rid, CASE WHEN $3::int IS NOT NULL AND conf >= $3::int THEN cid END AS cid, vid, gids, since, cid AS contract, conf, level, "ruleId", version
       FROM grants
     )
     SELECT i.uid AS "userId", i.rid AS "repositoryId", i.cid AS "contractId", max(i.level)::int AS level,
            count(DISTINCT i.contract)::int AS contracts, max(i.conf)::int AS confidentiality,
            jsonb_agg(DISTINCT jsonb_build_object('versionId', i.vid, 'ruleId', i."ruleId", 'version', i.version, 'level', i.level,
                      'gids', to_jsonb(i.gids), 'since', to_char(i.since, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))) AS reasons
     FROM item i
     GROUP BY i.uid, i.rid, i.cid
     ORDER BY i.uid, i.rid, i.cid NULLS FIRST`,
    ...params,
  );
}
