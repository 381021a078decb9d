// SQL fragments shared by every access query, so "valid at T", "active at T", "grants at T" and
// "in scope" are written once: the live answer, the point-in-time answer, the impact preview, the
// change events and the timed job all use these exact predicates (now is just T = current time).
import { getConfig } from "@/lib/config";
import { databaseOf } from "@/lib/db/client";
import { isStatementTimeout, type Tx } from "@/lib/db/errors";
import { AppError } from "@/lib/errors";

/** What the access queries need from a database handle: a PrismaClient or a transaction client. */
export type Db = Pick<Tx, "$queryRawUnsafe" | "$executeRawUnsafe">;

/**
 * A timestamp parameter. Cast at every use so PostgreSQL deduces one type for it; columns are
 * TIMESTAMP(3) holding UTC, and Prisma sends Dates as UTC wall-clock text.
 */
export const ts = (n: number) => `$${n}::timestamp(3)`;

/** A history row (membership, status, contract revision) valid at t: [validFrom, validTo). */
export const validAt = (alias: string, t: string) =>
  `${alias}."validFrom" <= ${t} AND (${alias}."validTo" IS NULL OR ${alias}."validTo" > ${t})`;

/**
 * The one deny seam: no exclusion valid at t names this person on the contract or on its
 * repository (the repository the contract was in at t), and no ethical wall in force at t denies
 * them the contract (notWalledAt). Exclusions and walls beat every grant, so every answer of the
 * engine applies this to each (person, contract) it would grant. A NOT EXISTS correlated by
 * equality on the person, so the planner may run it as an anti-join over many rows or as an index
 * probe for a few.
 *
 * `none`: when a statement fixes the person or the contract, an SQL condition (noExclusionOfPerson,
 * noExclusionOnContract) that no exclusion can apply to any of its rows — evaluated once (an
 * uncorrelated InitPlan), so the rows are not tested one by one when it holds (most statements:
 * exclusions are few). A person's 5,000 contracts or a contract's 47,500 readers spent a quarter
 * of the statement in the per-row test of an empty table.
 */
export const notExcludedAt = (userSql: string, contractSql: string, repositorySql: string, t: string, none?: string) =>
  `(${none ? `(SELECT ${none}) OR ` : ""}NOT EXISTS (SELECT 1 FROM "Exclusion" x WHERE x."userId" = ${userSql}
     AND (x."contractId" = ${contractSql} OR (x."repositoryId" = ${repositorySql} AND (NOT ${exclusionNarrowed("x")}
       OR EXISTS (SELECT 1 FROM "ContractRevision" xr WHERE xr."contractId" = ${contractSql} AND ${validAt("xr", t)} AND ${exclusionCovers("x", "xr")}))))
     AND ${validAt("x", t)}))
   AND ${notWalledAt(userSql, contractSql, repositorySql, t)}`;

/** No exclusion valid at t names this person (notExcludedAt's `none` for a statement about one person). */
export const noExclusionOfPerson = (userSql: string, t: string) =>
  `NOT EXISTS (SELECT 1 FROM "Exclusion" x0 WHERE x0."userId" = ${userSql} AND ${validAt("x0", t)})`;

/** No exclusion valid at t names this contract or its repository at t (notExcludedAt's `none` for a statement about one contract). */
export const noExclusionOnContract = (contractSql: string, repositorySql: string, t: string) =>
  `NOT EXISTS (SELECT 1 FROM "Exclusion" x0 WHERE (x0."contractId" = ${contractSql} OR x0."repositoryId" = ${repositorySql}) AND ${validAt("x0", t)})`;

/** The wall is in force at t: activated at or before t and not lifted by then. */
export const wallInForceAt = (w: string, t: string) =>
  `${w}."activatedAt" <= ${t} AND (${w}."liftedAt" IS NULL OR ${w}."liftedAt" > ${t})`;

/**
 * The scope keys a contract answers to at t (WallScope.key): itself, its repository, its
 * counterparty and its tags as its revision at t holds them — so a wall on a counterparty or a tag
 * covers contracts created later, and a contract's past answers follow its past attributes. The
 * revision is read only when a wall in force at t has a counterparty or tag scope (an uncorrelated
 * InitPlan, evaluated once per statement).
 */
export const contractWallKeysAt = (contractSql: string, repositorySql: string, t: string) =>
  `(ARRAY['c:' || ${contractSql}, 'r:' || ${repositorySql}] || CASE WHEN (SELECT EXISTS (SELECT 1 FROM "WallScope" ks JOIN "Wall" kw ON kw.id = ks."wallId"
       WHERE ks.kind IN ('counterparty', 'tag') AND ${validAt("ks", t)} AND ${wallInForceAt("kw", t)}))
     THEN COALESCE((SELECT ARRAY['p:' || k."counterpartyKey"] || ARRAY(SELECT 't:' || kt FROM jsonb_array_elements_text(k.tags) kt)
       FROM "ContractRevision" k WHERE k."contractId" = ${contractSql} AND ${validAt("k", t)}), ARRAY[]::text[])
     ELSE ARRAY[]::text[] END)`;

/** The person acknowledged the wall's memo at or before t. */
export const acknowledgedAt = (w: string, userSql: string, t: string) =>
  `EXISTS (SELECT 1 FROM "WallAcknowledgment" a WHERE a."wallId" = ${w}.id AND a."userId" = ${userSql} AND a.at <= ${t})`;

/**
 * Whether wall `w` (in force), through its scope row `s` (the wall's, or one side's), denies the
 * person at t: an exclusionary wall its screened people; an inclusionary wall everyone but its
 * insiders (and insiders who have not acknowledged a memo it requires); a wall of sides the people
 * of the other sides (and, with a required memo, the side's own people until they acknowledged).
 * The roster is read per person (WallPerson: people reached through a group are recorded one by
 * one, so leaving the group does not end a screen).
 */
export const wallDeniesAt = (w: string, s: string, userSql: string, t: string) => {
  const onRoster = (extra: string) =>
    `EXISTS (SELECT 1 FROM "WallPerson" p WHERE p."wallId" = ${w}.id AND p."userId" = ${userSql} AND ${validAt("p", t)}${extra})`;
  return `CASE ${w}.kind
      WHEN 'exclusionary' THEN ${onRoster("")}
      WHEN 'inclusionary' THEN NOT ${onRoster(` AND (NOT ${w}."requiresAcknowledgment" OR ${acknowledgedAt(w, userSql, t)})`)}
      ELSE ${onRoster(` AND (p."sideId" IS DISTINCT FROM ${s}."sideId" OR (${w}."requiresAcknowledgment" AND NOT ${acknowledgedAt(w, userSql, t)}))`)}
    END`;
};

/**
 * No ethical wall in force at t denies the person this contract (in this repository at t). Cheap
 * first: no wall in force (one uncorrelated InitPlan per statement), or — no inclusionary wall in
 * force and the person on no roster (one index probe by person) — nothing else runs; else the
 * contract's keys are computed once (a function scan: inside `key = ANY(…)` the keys' subquery
 * could not drive the index and ran once per scope row) and each probes WallScope's index, then
 * the roster by person.
 */
export const notWalledAt = (userSql: string, contractSql: string, repositorySql: string, t: string) =>
  `(NOT EXISTS (SELECT 1 FROM "Wall" w0 WHERE w0.state <> 'draft' AND ${wallInForceAt("w0", t)})
    OR (NOT EXISTS (SELECT 1 FROM "Wall" w1 WHERE w1.kind = 'inclusionary' AND ${wallInForceAt("w1", t)})
        AND NOT EXISTS (SELECT 1 FROM "WallPerson" p1 WHERE p1."userId" = ${userSql} AND ${validAt("p1", t)}))
    OR NOT EXISTS (SELECT 1 FROM unnest(${contractWallKeysAt(contractSql, repositorySql, t)}) AS wk(key)
      WHERE EXISTS (SELECT 1 FROM "WallScope" s JOIN "Wall" w ON w.id = s."wallId"
        WHERE s.key = wk.key AND ${validAt("s", t)} AND ${wallInForceAt("w", t)} AND ${wallDeniesAt("w", "s", userSql, t)})))`;

/**
 * A repository exclusion may be narrowed like a rule's scope (a review campaign revoking what a
 * type- or confidentiality-filtered scope reviewed): contract types (empty list = all) and a
 * confidentiality floor (null = none). Unnarrowed ones (most) pay nothing more in notExcludedAt.
 */
export const exclusionNarrowed = (x: string) => `(jsonb_array_length(${x}."contractTypes") > 0 OR ${x}."confidentialityFloor" IS NOT NULL)`;

/** The exclusion's narrowing covers the contract revision (any alias with contractType and confidentiality). */
export const exclusionCovers = (x: string, cr: string) =>
  `(jsonb_array_length(${x}."contractTypes") = 0 OR ${x}."contractTypes" @> jsonb_build_array(${cr}."contractType"))
   AND (${x}."confidentialityFloor" IS NULL OR ${cr}.confidentiality >= ${x}."confidentialityFloor")`;

/** A (valid) exclusion denies the contract revision `cr`: names the contract, or its repository within the narrowing. */
export const exclusionDenies = (x: string, cr: string) =>
  `(${x}."contractId" = ${cr}."contractId" OR (${x}."repositoryId" = ${cr}."repositoryId" AND ${exclusionCovers(x, cr)}))`;

/** The user had an active status interval at t (a deleted user's intervals are all closed). */
export const activeAt = (userIdSql: string, t: string) =>
  `EXISTS (SELECT 1 FROM "UserStatusInterval" us WHERE us."userId" = ${userIdSql} AND us.active AND ${validAt("us", t)})`;

/**
 * activeAt for many users at once: membership in the set of users active at t, hashed once
 * ("IS TRUE" keeps it a hashed subplan; as a plain IN the planner, which cannot estimate CTEs,
 * turns it into one index probe per user).
 */
export const activeSetAt = (userIdSql: string, t: string) =>
  `(${userIdSql} IN (SELECT us."userId" FROM "UserStatusInterval" us WHERE us.active AND ${validAt("us", t)})) IS TRUE`;

/** The version was in force at t (recorded, not superseded, not a deletion). */
export const inForceAt = (v: string, t: string) =>
  `${v}."recordedFrom" <= ${t} AND (${v}."recordedTo" IS NULL OR ${v}."recordedTo" > ${t}) AND ${v}.change <> 'deleted'`;

/** The rule's own window covers t: [validFrom, validUntil). */
export const windowCovers = (v: string, t: string) =>
  `(${v}."validFrom" IS NULL OR ${v}."validFrom" <= ${t}) AND (${v}."validUntil" IS NULL OR ${t} < ${v}."validUntil")`;

export const grantsAt = (v: string, t: string) => `${inForceAt(v, t)} AND ${windowCovers(v, t)}`;

/** A history row overlapping the window [from, to). */
export const overlapsWindow = (alias: string, from: string, to: string) =>
  `${alias}."validFrom" < ${to} AND (${alias}."validTo" IS NULL OR ${alias}."validTo" > ${from})`;

/**
 * A rule granting at t names a group of CTE `anc` (./group-graph.ts: ancestorGroupsCte,
 * personGroupsCte) or, given, the user `userSql` directly.
 */
export const ruleReachesAnc = (t: string, userSql?: string) =>
  `EXISTS (SELECT 1 FROM "AccessRuleVersion" v WHERE ${grantsAt("v", t)}
     AND (v."groupId" IN (SELECT gid FROM anc)${userSql ? ` OR v."userId" = ${userSql}` : ""}))`;

/**
 * A repository-scoped rule covers the contract revision: same repository, contract type among the
 * listed ones (empty list = all types), confidentiality at or below the ceiling (null = none).
 */
export const repositoryScopeCovers = (v: string, cr: string) =>
  `${v}."contractId" IS NULL AND ${v}."repositoryId" = ${cr}."repositoryId"
   AND (jsonb_array_length(${v}."contractTypes") = 0 OR ${v}."contractTypes" @> jsonb_build_array(${cr}."contractType"))
   AND (${v}."confidentialityCeiling" IS NULL OR ${cr}.confidentiality <= ${v}."confidentialityCeiling")`;

export const scopeCovers = (v: string, cr: string) => `(${v}."contractId" = ${cr}."contractId" OR (${repositoryScopeCovers(v, cr)}))`;

/** The instant a contract stops granting through a rule: its end date plus the rule's grace days. */
export const cutoff = (v: string, cr: string) =>
  `(${cr}."endDate" + make_interval(days => COALESCE(${v}."graceDaysAfterEnd", 0)))`;

export const notEndedAt = (v: string, cr: string, t: string) => `(${cr}."endDate" IS NULL OR ${t} < ${cutoff(v, cr)})`;

/**
 * (rule, contract) pairs for the rules in CTE `rules` at t, with the contract's attributes at t.
 * `rules` must expose the AccessRuleVersion scope columns and `key` (any identifier of the rule).
 * Two branches (by contract id, by repository) instead of one OR join, which no index can drive.
 * Suits many rules (the planner may hash the revisions); for a handful, see coveragePerRuleSql.
 */
export const coverageSql = (rules: string, t: string, extraContractFilter = "TRUE") => `
  SELECT r.key, cr."contractId", cr."repositoryId", cr.confidentiality, cr."contractType"
  FROM ${rules} r JOIN "ContractRevision" cr ON cr."contractId" = r."contractId"
  WHERE ${validAt("cr", t)} AND ${notEndedAt("r", "cr", t)} AND ${extraContractFilter}
  UNION ALL
  SELECT r.key, cr."contractId", cr."repositoryId", cr.confidentiality, cr."contractType"
  FROM ${rules} r JOIN "ContractRevision" cr ON cr."repositoryId" = r."repositoryId"
  WHERE ${repositoryScopeCovers("r", "cr")} AND ${validAt("cr", t)} AND ${notEndedAt("r", "cr", t)} AND ${extraContractFilter}`;

/**
 * coverageSql for a handful of rules (one user's, one rule change's): each branch is a LATERAL
 * subquery fenced with OFFSET 0, so it runs one index range scan per rule. The planner cannot
 * tell how few rows a CTE yields and otherwise hashes the whole ContractRevision table (200,000
 * rows at scale) to serve 40 rules.
 */
export const coveragePerRuleSql = (rules: string, t: string, extraContractFilter = "TRUE", carry: string[] = []) => {
  // `carry`: columns of the rule row passed through (e.g. its level), so callers need not join back
  const more = carry.map((c) => `, r.${c}`).join("");
  return `
  SELECT r.key${more}, c."contractId", c."repositoryId", c.confidentiality, c."contractType"
  FROM ${rules} r CROSS JOIN LATERAL (
    SELECT cr."contractId", cr."repositoryId", cr.confidentiality, cr."contractType" FROM "ContractRevision" cr
    WHERE cr."contractId" = r."contractId" AND ${validAt("cr", t)} AND ${notEndedAt("r", "cr", t)} AND ${extraContractFilter}
    OFFSET 0
  ) c
  UNION ALL
  SELECT r.key${more}, c."contractId", c."repositoryId", c.confidentiality, c."contractType"
  FROM ${rules} r CROSS JOIN LATERAL (
    SELECT cr."contractId", cr."repositoryId", cr.confidentiality, cr."contractType" FROM "ContractRevision" cr
    WHERE ${repositoryScopeCovers("r", "cr")} AND ${validAt("cr", t)} AND ${notEndedAt("r", "cr", t)} AND ${extraContractFilter}
    OFFSET 0
  ) c`;
};

/**
 * Runs an access read under ACCESS_STATEMENT_TIMEOUT_MS, so that one pathological request cannot
 * hold a pooled connection; a cancelled statement is AppError("timeout"), 503. Given a process
 * client on PostgreSQL, the read runs on the database's bounded pool, whose connections carry the
 * timeout from their start (no transaction, no SET LOCAL: that cost three round trips per check);
 * on PGlite, in a read transaction with `SET LOCAL statement_timeout`. Given a transaction (a write
 * computing access changes), it runs in it unchanged: the writer's transaction decides.
 */
export async function withStatementTimeout<T>(db: Db, fn: (q: Db) => Promise<T>): Promise<T> {
  const database = databaseOf(db);
  if (!database) return fn(db);
  const ms = Math.trunc(getConfig().ACCESS_STATEMENT_TIMEOUT_MS);
  try {
    const bounded = database.boundedReads(ms);
    if (bounded) return await fn(bounded);
    return await database.prisma.$transaction(async (tx) => {
      await tx.$executeRawUnsafe(`SET LOCAL statement_timeout = ${ms}`);
      return fn(tx);
    });
  } catch (err) {
    if (isStatementTimeout(err)) {
      throw new AppError("timeout", `The access query ran longer than ${ms} ms (ACCESS_STATEMENT_TIMEOUT_MS) and was cancelled`);
    }
    throw err;
  }
}

export function toInt(value: unknown): number {
  return typeof value === "bigint" ? Number(value) : Number(value ?? 0);
}
