// Ethical walls in the engine (issue 20). Every answer applies the wall deny through the one deny
// seam (./sql.ts notExcludedAt → notWalledAt); this module holds what the seam cannot say alone:
// which wall and side denied a check (the `wall` denial), the denied pairs of a batch, the draft
// preview (who would lose access to what if the wall were activated), the intervals in which walls
// denied (evidence packs), and the roster's people reached through groups — the only place walls
// walk the group graph (DESIGN.md: only lib/access does).
import { ancestorGroupsCte, descendantGroupsCte, groupMembersSql, peopleGroupsSql } from "./group-graph";
import type { PairInterval } from "./exclusions";
import {
  acknowledgedAt,
  activeSetAt,
  contractWallKeysAt,
  coverageSql,
  grantsAt,
  notExcludedAt,
  notWalledAt,
  overlapsWindow,
  toInt,
  ts,
  validAt,
  wallDeniesAt,
  wallInForceAt,
  withStatementTimeout,
  type Db,
} from "./sql";

/** Why a wall denies a person a contract. */
export type WallDenialReason =
  /** Exclusionary wall: the person is screened. */
  | "screened"
  /** Inclusionary wall: the person is not an insider. */
  | "not_insider"
  /** Sides: the person is on another side than the one whose scope holds the contract. */
  | "other_side"
  /** The wall requires its memo acknowledged, and the person (an insider, or on this side) has not. */
  | "not_acknowledged";

export interface WallDenialDetail {
  wallId: string;
  wallName: string;
  kind: string;
  /** The side whose scope holds the contract (walls of sides). */
  sideId: string | null;
  sideName: string | null;
  /** The person's own side, when the denial is "other_side". */
  personSideId: string | null;
  personSideName: string | null;
  reason: WallDenialReason;
  /** The wall has been in force since. */
  since: Date;
}

interface DenialRow {
  wallId: string;
  wallName: string;
  kind: string;
  sideId: string | null;
  sideName: string | null;
  activatedAt: Date;
  onRoster: boolean;
  acknowledged: boolean;
  personSideId: string | null;
  personSideName: string | null;
}

/**
 * A SELECT of the walls (one row per wall scope row) denying the person `userSql` the contract
 * `contractSql` (in repository `repositorySql`) at t, with what the denial tells: the wall, the
 * side whose scope holds the contract, whether the person is on the roster and acknowledged, and
 * (sides) their own side. The same predicates as the deny seam (./sql.ts notWalledAt).
 */
export const wallDenialRowsSql = (userSql: string, contractSql: string, repositorySql: string, t: string) =>
  `SELECT w.id AS "wallId", w.name AS "wallName", w.kind, s."sideId", sd.name AS "sideName", sd.position AS "sidePosition", w."activatedAt",
          EXISTS (SELECT 1 FROM "WallPerson" p WHERE p."wallId" = w.id AND p."userId" = ${userSql} AND ${validAt("p", t)}) AS "onRoster",
          ${acknowledgedAt("w", userSql, t)} AS acknowledged,
          ps."sideId" AS "personSideId", psd.name AS "personSideName"
   FROM unnest(${contractWallKeysAt(contractSql, repositorySql, t)}) AS wk(key)
   -- one index probe per key (a plain join was hashed: a scan of every scope row per check)
   CROSS JOIN LATERAL (SELECT s0.* FROM "WallScope" s0 WHERE s0.key = wk.key AND ${validAt("s0", t)} OFFSET 0) s
   JOIN "Wall" w ON w.id = s."wallId" AND ${wallInForceAt("w", t)}
   LEFT JOIN "WallSide" sd ON sd.id = s."sideId"
   LEFT JOIN LATERAL (
     SELECT p."sideId" FROM "WallPerson" p WHERE p."wallId" = w.id AND p."userId" = ${userSql} AND ${validAt("p", t)}
       AND p."sideId" IS DISTINCT FROM s."sideId" ORDER BY p."validFrom" LIMIT 1
   ) ps ON w.kind = 'sides'
   LEFT JOIN "WallSide" psd ON psd.id = ps."sideId"
   WHERE (SELECT EXISTS (SELECT 1 FROM "Wall" w0 WHERE ${wallInForceAt("w0", t)}))
     AND ${validAt("s", t)} AND ${wallDeniesAt("w", "s", userSql, t)}`;

/** A row of wallDenialRowsSql as the denial says it (`activatedAt` may come separately, as a timestamp). */
export function wallDenialOf(r: DenialRow): WallDenialDetail {
  const reason: WallDenialReason =
    r.kind === "exclusionary"
      ? "screened"
      : r.kind === "inclusionary"
        ? r.onRoster
          ? "not_acknowledged"
          : "not_insider"
        : r.personSideId && r.personSideId !== r.sideId
          ? "other_side"
          : "not_acknowledged";
  return {
    wallId: r.wallId,
    wallName: r.wallName,
    kind: r.kind,
    sideId: r.sideId,
    sideName: r.sideName,
    personSideId: reason === "other_side" ? r.personSideId : null,
    personSideName: reason === "other_side" ? r.personSideName : null,
    reason,
    since: r.activatedAt,
  };
}

/** One denial per wall and side, in the rows' order (a contract matched by two keys of one side is one denial). */
export function distinctWallDenials(rows: DenialRow[]): WallDenialDetail[] {
  const out: WallDenialDetail[] = [];
  for (const r of rows) if (!out.some((d) => d.wallId === r.wallId && d.sideId === r.sideId)) out.push(wallDenialOf(r));
  return out;
}

/**
 * The walls denying each given (person, contract) pair at T, keyed `${userId}|${contractId}`:
 * one statement over the distinct people and contracts (a batch asks about many). Pairs no wall
 * denies have no entry.
 */
export async function wallDenials(
  db: Db,
  options: { pairs: { userId: string; contractId: string }[]; at: Date },
): Promise<Map<string, WallDenialDetail[]>> {
  const out = new Map<string, WallDenialDetail[]>();
  if (options.pairs.length === 0) return out;
  const T = ts(3);
  const wanted = new Set(options.pairs.map((p) => `${p.userId}|${p.contractId}`));
  const rows = await withStatementTimeout(db, (q) =>
    q.$queryRawUnsafe<(DenialRow & { uid: string; cid: string })[]>(
      `SELECT u.uid, cr."contractId" AS cid, d.* FROM unnest($1::text[]) AS u(uid)
       CROSS JOIN "ContractRevision" cr
       CROSS JOIN LATERAL (${wallDenialRowsSql("u.uid", `cr."contractId"`, `cr."repositoryId"`, T)}) d
       WHERE cr."contractId" = ANY($2::text[]) AND ${validAt("cr", T)}
       ORDER BY d."activatedAt", d."wallId", d."sidePosition" NULLS FIRST`,
      [...new Set(options.pairs.map((p) => p.userId))],
      [...new Set(options.pairs.map((p) => p.contractId))],
      options.at,
    ),
  );
  const byPair = new Map<string, DenialRow[]>();
  for (const r of rows) {
    const key = `${r.uid}|${r.cid}`;
    if (wanted.has(key)) byPair.set(key, [...(byPair.get(key) ?? []), r]);
  }
  for (const [key, list] of byPair) out.set(key, distinctWallDenials(list));
  return out;
}

/**
 * A SELECT (DISTINCT) of `columns` over the contract revisions valid at t that the scope rows of
 * relation `scope` (WallScope columns, alias `ws`) cover, alias `cr`: one equality join per kind of
 * scope item (an OR of the four would join every scope row with every revision).
 */
const scopeContractsSql = (scope: string, t: string, columns: string, kinds = ["contract", "repository", "counterparty", "tag"]) =>
  kinds
    .map((kind) => {
      const on = { contract: `cr."contractId" = ws.value`, repository: `cr."repositoryId" = ws.value`, counterparty: `cr."counterpartyKey" = ws.value`, tag: `cr.tags ? ws.value` }[kind];
      return `SELECT ${columns} FROM ${scope} ws JOIN "ContractRevision" cr ON ${on} WHERE ws.kind = '${kind}' AND ${validAt("cr", t)}`;
    })
    .join(" UNION ");

// ---------------------------------------------------------------------------------------------
// Draft preview: who would lose access to what if the wall were active now.

export interface PreviewPerson {
  userId: string;
  userName: string | null;
  displayName: string | null;
  /** Contracts of the scope the person can open now and would be denied. */
  contracts: number;
}

export interface PreviewContract {
  contractId: string;
  title: string | null;
  repositoryId: string;
  /** People who can open the contract now and would be denied it. */
  people: number;
}

export interface WallPreview<T> {
  /** Every (person, contract) pair that would lose access. */
  pairs: number;
  people: number;
  contracts: number;
  /** Contracts the scope covers now (whether anyone loses them or not). */
  scopeContracts: number;
  total: number;
  items: T[];
}

/**
 * The wall `wallId` as if it were in force at `at` (default now) with its current kind, scope and
 * roster — whatever its state — against the access granted at `at` (other walls and exclusions
 * applied): the (person, contract) pairs it would deny, counted and paged by person or by contract.
 * Set-based: the scope's contracts at `at` → the rules granting on them → their people (nested
 * groups) → active, not otherwise denied → this wall's deny.
 */
export async function previewWall(
  db: Db,
  options: { wallId: string; at?: Date; by: "person" | "contract"; offset: number; limit: number },
): Promise<WallPreview<PreviewPerson> | WallPreview<PreviewContract>> {
  const at = options.at ?? new Date();
  const T = ts(2);
  const [wall] = await db.$queryRawUnsafe<{ kind: string }[]>(`SELECT kind FROM "Wall" WHERE id = $1`, options.wallId);
  // The wall row as the deny reads it, with activatedAt/liftedAt ignored (the hypothesis); its
  // scope's contracts at T once per (contract, side), and once per contract with the attributes
  // the rules' coverage and the walls' keys read.
  const head = `WITH RECURSIVE
     hw AS (SELECT w.id, w.kind, w."requiresAcknowledgment" FROM "Wall" w WHERE w.id = $1),
     ws AS (SELECT s.* FROM "WallScope" s WHERE s."wallId" = $1 AND ${validAt("s", T)}),
     scs AS MATERIALIZED (${scopeContractsSql("ws", T, `cr."contractId", ws."sideId", cr."repositoryId", cr."contractType", cr.confidentiality, cr."endDate", cr."counterpartyKey", cr.tags`)}),
     sc AS (SELECT "contractId", "sideId" FROM scs),
     scd AS MATERIALIZED (SELECT DISTINCT ON ("contractId") * FROM scs),
     -- the rules granting at T on the scope's contracts, what each covers there (one row per rule
     -- and contract: the two branches of coverageSql are disjoint), who they name
     rules AS MATERIALIZED (
       SELECT v.id AS key, v.* FROM "AccessRuleVersion" v
       WHERE ${grantsAt("v", T)} AND (v."contractId" IN (SELECT "contractId" FROM scd) OR v."repositoryId" IN (SELECT DISTINCT "repositoryId" FROM scd))
     ),
     cov AS MATERIALIZED (SELECT x.key, x."contractId" FROM (${coverageSql("rules", T, `cr."contractId" IN (SELECT "contractId" FROM scd)`)}) x),
     -- the rules covering something, numbered (class keys are arrays of these numbers)
     rk AS MATERIALIZED (SELECT key, row_number() OVER (ORDER BY key)::int AS kid FROM (SELECT DISTINCT key FROM cov) x),
     rp AS MATERIALIZED (
       SELECT DISTINCT CASE WHEN r."principalType" = 'group' THEN 'g:' || r."groupId" ELSE 'u:' || r."userId" END AS p, r.key, rk.kid
       FROM rules r JOIN rk ON rk.key = r.key
     )`;
  const body =
    wall !== undefined && wall.kind === "inclusionary" ? `${head},\n${inclusionaryLostSql(T)}` : `${head},\n${rosterLostSql(T)}`;
  const tot = `tot AS (
       SELECT COALESCE((SELECT sum(n) FROM pt), 0)::bigint AS pairs, (SELECT count(*) FROM pt)::int AS people,
              (SELECT count(*) FROM ct)::int AS contracts, (SELECT count(*) FROM scd)::int AS "scopeContracts"
     )`;
  return withStatementTimeout(db, async (q) => {
    if (options.by === "person") {
      const rows = await q.$queryRawUnsafe<
        { pairs: number; people: number; contracts: number; scopeContracts: number; uid: string | null; n: number | null; userName: string | null; displayName: string | null }[]
      >(
        `${body}, ${tot}
         SELECT t.*, p.uid, p.n, p."userName", p."displayName" FROM tot t
         LEFT JOIN LATERAL (
           SELECT pt.uid, pt.n::int AS n, u."userName", u."displayName" FROM pt LEFT JOIN "User" u ON u.id = pt.uid
           ORDER BY u."userName" NULLS LAST, pt.uid OFFSET $3 LIMIT $4
         ) p ON TRUE
         ORDER BY p."userName" NULLS LAST, p.uid`,
        options.wallId,
        at,
        options.offset,
        options.limit,
      );
      const totals = totalsOf(rows[0]);
      return {
        ...totals,
        total: totals.people,
        items: rows.filter((r) => r.uid !== null).map((r) => ({ userId: r.uid!, userName: r.userName, displayName: r.displayName, contracts: toInt(r.n) })),
      };
    }
    const rows = await q.$queryRawUnsafe<
      { pairs: number; people: number; contracts: number; scopeContracts: number; cid: string | null; rid: string | null; n: number | null; title: string | null }[]
    >(
      `${body}, ${tot}
       SELECT t.*, p.cid, p.rid, p.n, p.title FROM tot t
       LEFT JOIN LATERAL (
         SELECT ct.cid, d."repositoryId" AS rid, ct.n::int AS n, c.title FROM ct JOIN scd d ON d."contractId" = ct.cid LEFT JOIN "Contract" c ON c.id = ct.cid
         ORDER BY c.title NULLS LAST, ct.cid OFFSET $3 LIMIT $4
       ) p ON TRUE
       ORDER BY p.title NULLS LAST, p.cid`,
      options.wallId,
      at,
      options.offset,
      options.limit,
    );
    const totals = totalsOf(rows[0]);
    return {
      ...totals,
      total: totals.contracts,
      items: rows.filter((r) => r.cid !== null).map((r) => ({ contractId: r.cid!, title: r.title, repositoryId: r.rid!, people: toInt(r.n) })),
    };
  });
}

/** The totals, from the page's first row (the statement always yields one: the page is a LEFT JOIN LATERAL on them). */
function totalsOf(first: { pairs: number; people: number; contracts: number; scopeContracts: number } | undefined) {
  return { pairs: toInt(first?.pairs), people: toInt(first?.people), contracts: toInt(first?.contracts), scopeContracts: toInt(first?.scopeContracts) };
}

/**
 * CTEs `pt(uid, n)` and `ct(cid, n)` of an exclusionary wall or a wall of sides: it denies only its
 * roster's people (a few dozen), so the pairs are enumerated from them: their groups at T → the
 * rules naming those groups or them → what the rules cover in the scope → the wall's deny per
 * (person, side of the scope row), looked up by hash → active, and not otherwise denied (the deny
 * seam, per remaining pair).
 */
const rosterLostSql = (T: string) => `
     ppl AS MATERIALIZED (SELECT DISTINCT p."userId" AS uid FROM "WallPerson" p WHERE p."wallId" = $1 AND ${validAt("p", T)}),
     prin AS MATERIALIZED (
       SELECT uid, 'u:' || uid AS p FROM ppl
       UNION SELECT x.uid, 'g:' || x.gid FROM (${peopleGroupsSql("ppl", T)}) x
     ),
     reach AS MATERIALIZED (SELECT DISTINCT prin.uid, cov."contractId" AS cid FROM prin JOIN rp ON rp.p = prin.p JOIN cov ON cov.key = rp.key),
     sides AS (SELECT DISTINCT sc."sideId" FROM sc),
     -- the wall's deny for each roster person and each side of its scope (the null side: the whole wall)
     hd AS MATERIALIZED (
       SELECT ppl.uid, COALESCE(s."sideId", '') AS side FROM ppl CROSS JOIN sides s CROSS JOIN hw w
       WHERE ${wallDeniesAt("w", "s", "ppl.uid", T)}
     ),
     lost AS MATERIALIZED (
       SELECT DISTINCT r.uid, r.cid FROM reach r JOIN sc ON sc."contractId" = r.cid JOIN hd ON hd.uid = r.uid AND hd.side = COALESCE(sc."sideId", '')
     ),
     lostok AS MATERIALIZED (
       SELECT l.uid, l.cid FROM lost l JOIN scd d ON d."contractId" = l.cid
       WHERE ${activeSetAt("l.uid", T)} AND ${notExcludedAt("l.uid", "l.cid", `d."repositoryId"`, T)}
     ),
     pt AS MATERIALIZED (SELECT uid, count(*) AS n FROM lostok GROUP BY uid),
     ct AS MATERIALIZED (SELECT cid, count(*) AS n FROM lostok GROUP BY cid)`;

/**
 * CTEs `pt(uid, n)` and `ct(cid, n)` of an inclusionary wall: it denies everyone but its
 * acknowledged insiders, so the pairs are every reader of the scope (tens of millions at scale)
 * and are counted, not enumerated. People are classed by the rules' principals they reach (their
 * groups among the rules' groups, and themselves for direct grants), contracts by the rules that
 * cover them; a (people class, contract class) pair grants when some rule links them, and counts
 * |people| × |contracts|. Exactly, because what else could deny is corrected pair by pair:
 * - contracts another inclusionary wall in force covers (`xc`) are left out of the classes: only
 *   that wall's insiders may read them, so only they are enumerated (`xi`);
 * - pairs the deny seam may deny — exclusions valid at T, the people of the other walls in force
 *   on those walls' contracts (`xp`) — are enumerated and the denied ones taken off;
 * - this wall's acknowledged insiders lose nothing: their pairs are taken off (`good`).
 */
const inclusionaryLostSql = (T: string) => `
     -- people: active at T, with the principals they reach; classed by them
     -- the rules' principals, numbered: their groups ('g:'), the people they name directly ('u:')
     prn AS MATERIALIZED (SELECT p, row_number() OVER (ORDER BY p)::int AS prn FROM (SELECT DISTINCT p FROM rp) x),
     rg AS MATERIALIZED (SELECT substr(p, 3) AS gid, prn FROM prn WHERE p LIKE 'g:%'),
     -- (a person reached twice, directly and through nesting, repeats a principal in the class key:
     -- a finer class, the same counts)
     pp AS (
       SELECT x.uid, x.prn FROM (${groupMembersSql("rg", T, { distinct: false, carry: ["prn"] })}) x
       UNION ALL
       SELECT substr(p, 3), prn FROM prn WHERE p LIKE 'u:%'
     ),
     ppl AS MATERIALIZED (SELECT pp.uid, array_agg(pp.prn ORDER BY pp.prn) AS sig FROM pp WHERE ${activeSetAt("pp.uid", T)} GROUP BY pp.uid),
     pcl AS MATERIALIZED (SELECT sig, count(*) AS n, row_number() OVER () AS id FROM ppl GROUP BY sig),
     pcp AS (SELECT c.id, unnest(c.sig) AS prn FROM pcl c),
     rpn AS MATERIALIZED (SELECT DISTINCT prn.prn, rp.kid FROM rp JOIN prn ON prn.p = rp.p),
     -- the walls in force at T and the scope's contracts their scope rows hold (the deny seam's keys)
     fws AS MATERIALIZED (
       SELECT s."wallId", s.key, w.kind FROM "WallScope" s JOIN "Wall" w ON w.id = s."wallId"
       WHERE ${validAt("s", T)} AND ${wallInForceAt("w", T)}
     ),
     fwc AS MATERIALIZED (
       SELECT f."wallId", f.kind, d."contractId" AS cid FROM fws f JOIN scd d ON f.key = 'c:' || d."contractId"
       UNION SELECT f."wallId", f.kind, d."contractId" FROM fws f JOIN scd d ON f.key = 'r:' || d."repositoryId"
       UNION SELECT f."wallId", f.kind, d."contractId" FROM fws f JOIN scd d ON f.key = 'p:' || d."counterpartyKey"
       UNION SELECT f."wallId", f.kind, d."contractId" FROM fws f JOIN scd d ON f.key LIKE 't:%' AND d.tags ? substr(f.key, 3)
     ),
     xc AS MATERIALIZED (SELECT DISTINCT cid FROM fwc WHERE kind = 'inclusionary'),
     -- contracts outside xc, classed by the rules covering them
     ccv AS MATERIALIZED (
       SELECT cov."contractId" AS cid, array_agg(rk.kid ORDER BY rk.kid) AS ks FROM cov JOIN rk ON rk.key = cov.key
       WHERE NOT ((cov."contractId" IN (SELECT cid FROM xc)) IS TRUE) GROUP BY cov."contractId"
     ),
     ccl AS MATERIALIZED (SELECT ks, count(*) AS n, row_number() OVER () AS id FROM ccv GROUP BY ks),
     cck AS (SELECT c.id, unnest(c.ks) AS kid FROM ccl c),
     pc AS MATERIALIZED (SELECT DISTINCT pcp.id AS pid, cck.id AS cid FROM pcp JOIN rpn ON rpn.prn = pcp.prn JOIN cck ON cck.kid = rpn.kid),
     pn AS (SELECT pc.pid, sum(ccl.n) AS n FROM pc JOIN ccl ON ccl.id = pc.cid GROUP BY pc.pid),
     cn AS (SELECT pc.cid, sum(pcl.n) AS n FROM pc JOIN pcl ON pcl.id = pc.pid GROUP BY pc.cid),
     -- the corrections: this wall's acknowledged insiders, the pairs the seam may deny, xc's insiders
     good AS MATERIALIZED (
       SELECT DISTINCT p."userId" AS uid FROM "WallPerson" p, hw w
       WHERE p."wallId" = $1 AND ${validAt("p", T)} AND (NOT w."requiresAcknowledgment" OR ${acknowledgedAt("w", `p."userId"`, T)})
     ),
     xp AS MATERIALIZED (
       SELECT x."userId" AS uid, d."contractId" AS cid FROM "Exclusion" x JOIN scd d ON d."contractId" = x."contractId" WHERE ${validAt("x", T)}
       UNION SELECT x."userId", d."contractId" FROM "Exclusion" x JOIN scd d ON d."repositoryId" = x."repositoryId" WHERE ${validAt("x", T)}
       UNION SELECT p."userId", f.cid FROM fwc f JOIN "WallPerson" p ON p."wallId" = f."wallId" AND ${validAt("p", T)} WHERE f.kind <> 'inclusionary'
     ),
     xi AS MATERIALIZED (
       SELECT DISTINCT p."userId" AS uid, f.cid FROM fwc f JOIN "WallPerson" p ON p."wallId" = f."wallId" AND ${validAt("p", T)} WHERE f.kind = 'inclusionary'
     ),
     cu AS (SELECT uid FROM good UNION SELECT uid FROM xp UNION SELECT uid FROM xi),
     cprin AS MATERIALIZED (
       SELECT uid, 'u:' || uid AS p FROM cu
       UNION SELECT x.uid, 'g:' || x.gid FROM (${peopleGroupsSql("cu", T)}) x
     ),
     -- (person, contract) pairs of cu the rules grant, active at T: all of good's, those of xp and xi asked
     -- (each pair → the rules covering its contract → their principals, then matched with the person's)
     gprin AS MATERIALIZED (SELECT c.uid, c.p FROM cprin c WHERE c.uid IN (SELECT uid FROM good) AND ${activeSetAt("c.uid", T)}),
     good_r AS (
       SELECT DISTINCT g.uid, cov."contractId" AS cid FROM gprin g JOIN rp ON rp.p = g.p JOIN cov ON cov.key = rp.key
       WHERE NOT ((cov."contractId" IN (SELECT cid FROM xc)) IS TRUE)
     ),
     xpk AS MATERIALIZED (
       SELECT x.uid, x.cid, rp.p FROM xp x JOIN cov ON cov."contractId" = x.cid JOIN rp ON rp.key = cov.key
       WHERE NOT ((x.cid IN (SELECT cid FROM xc)) IS TRUE) AND NOT ((x.uid IN (SELECT uid FROM good)) IS TRUE) AND ${activeSetAt("x.uid", T)}
     ),
     xp_r AS (SELECT DISTINCT k.uid, k.cid FROM xpk k JOIN cprin c ON c.uid = k.uid AND c.p = k.p),
     xik AS MATERIALIZED (
       SELECT x.uid, x.cid, rp.p FROM xi x JOIN cov ON cov."contractId" = x.cid JOIN rp ON rp.key = cov.key
       WHERE NOT ((x.uid IN (SELECT uid FROM good)) IS TRUE) AND ${activeSetAt("x.uid", T)}
     ),
     xi_r AS (SELECT DISTINCT k.uid, k.cid FROM xik k JOIN cprin c ON c.uid = k.uid AND c.p = k.p),
     adj AS MATERIALIZED (
       SELECT uid, cid, -1 AS d FROM good_r
       UNION ALL
       SELECT e.uid, e.cid, -1 FROM xp_r e JOIN scd d ON d."contractId" = e.cid WHERE NOT ${notExcludedAt("e.uid", "e.cid", `d."repositoryId"`, T)}
       UNION ALL
       SELECT e.uid, e.cid, 1 FROM xi_r e JOIN scd d ON d."contractId" = e.cid WHERE ${notExcludedAt("e.uid", "e.cid", `d."repositoryId"`, T)}
     ),
     pt AS MATERIALIZED (
       SELECT uid, sum(n) AS n FROM (
         SELECT p.uid, pn.n FROM ppl p JOIN pcl ON pcl.sig = p.sig JOIN pn ON pn.pid = pcl.id
         UNION ALL SELECT uid, d FROM adj
       ) x GROUP BY uid HAVING sum(n) > 0
     ),
     ct AS MATERIALIZED (
       SELECT cid, sum(n) AS n FROM (
         SELECT v.cid, cn.n FROM ccv v JOIN ccl ON ccl.ks = v.ks JOIN cn ON cn.cid = ccl.id
         UNION ALL SELECT cid, d FROM adj
       ) x GROUP BY cid HAVING sum(n) > 0
     )`;

// ---------------------------------------------------------------------------------------------
// Whom a wall change can affect (for the access change events of activation, lifting, roster and
// scope changes: lib/walls/service.ts passes these to trackAccessChanges).

/** The repositories holding contracts of the wall's scope at `at` (scope rows valid then, whatever the wall's state). */
export async function wallScopeRepositories(db: Db, options: { wallId: string; at: Date; scopeIds?: string[] }): Promise<string[]> {
  const T = ts(2);
  const rows = await db.$queryRawUnsafe<{ rid: string }[]>(
    `WITH ws AS (
       SELECT s.* FROM "WallScope" s WHERE s."wallId" = $1 AND (${validAt("s", T)} OR s.id = ANY($3::text[]))
     )
     SELECT DISTINCT rid FROM (
       SELECT ws.value AS rid FROM ws WHERE ws.kind = 'repository'
       UNION ALL
       SELECT x."repositoryId" FROM (${scopeContractsSql("ws", T, `cr."repositoryId"`, ["contract", "counterparty", "tag"])}) x
     ) x WHERE EXISTS (SELECT 1 FROM "Repository" r WHERE r.id = x.rid)`,
    options.wallId,
    options.at,
    options.scopeIds ?? [],
  );
  return rows.map((r) => r.rid);
}

/** The repositories holding, at `at`, contracts these scope items (kind, normalised value) would cover. */
export async function scopeItemsRepositories(db: Db, options: { items: { kind: string; value: string }[]; at: Date }): Promise<string[]> {
  if (options.items.length === 0) return [];
  const of = (kind: string) => options.items.filter((i) => i.kind === kind).map((i) => i.value);
  const T = ts(5);
  const rows = await db.$queryRawUnsafe<{ rid: string }[]>(
    `SELECT DISTINCT rid FROM (
       SELECT r.id AS rid FROM "Repository" r WHERE r.id = ANY($1::text[])
       UNION ALL
       SELECT cr."repositoryId" FROM "ContractRevision" cr WHERE cr."contractId" = ANY($2::text[]) AND ${validAt("cr", T)}
       UNION ALL
       SELECT cr."repositoryId" FROM "ContractRevision" cr
       WHERE (cr."counterpartyKey" = ANY($3::text[]) OR cr.tags ?| $4::text[]) AND ${validAt("cr", T)}
     ) x`,
    of("repository"),
    of("contract"),
    of("counterparty"),
    of("tag"),
    options.at,
  );
  return rows.map((r) => r.rid);
}

/** People on the wall's roster at `at` (any side), plus `extra` rows by id (just closed ones). */
export async function wallRosterPeople(db: Db, options: { wallId: string; at: Date; personIds?: string[] }): Promise<string[]> {
  const rows = await db.$queryRawUnsafe<{ uid: string }[]>(
    `SELECT DISTINCT p."userId" AS uid FROM "WallPerson" p WHERE p."wallId" = $1 AND (${validAt("p", ts(2))} OR p.id = ANY($3::text[]))`,
    options.wallId,
    options.at,
    options.personIds ?? [],
  );
  return rows.map((r) => r.uid);
}

// ---------------------------------------------------------------------------------------------
// The roster's people through groups.

/** Everyone in these groups at `at`, through nesting — active or not (a screen outlives a deactivation). */
export async function peopleInGroups(db: Db, options: { groupIds: string[]; at: Date }): Promise<string[]> {
  if (options.groupIds.length === 0) return [];
  const T = ts(2);
  const rows = await db.$queryRawUnsafe<{ uid: string }[]>(
    `WITH RECURSIVE ${descendantGroupsCte("SELECT unnest($1::text[])", T)}
     SELECT DISTINCT mi."memberUserId" AS uid FROM down g JOIN "MembershipInterval" mi ON mi."groupId" = g.gid
     WHERE mi."memberUserId" IS NOT NULL AND ${validAt("mi", T)}`,
    options.groupIds,
    options.at,
  );
  return rows.map((r) => r.uid);
}

/** Roster entries (valid at `at`, on walls not lifted) holding one of these groups or a group containing one. */
async function rosterEntriesOfGroups(db: Db, options: { groupIds: string[]; at: Date }) {
  const T = ts(1);
  return db.$queryRawUnsafe<{ id: string; wallId: string; sideId: string | null; groupId: string; state: string }[]>(
    // Cheap first: no roster holds a group → nothing walks the graph (every SCIM membership change asks).
    `WITH RECURSIVE ${ancestorGroupsCte("SELECT unnest($2::text[])", T)}
     SELECT e.id, e."wallId", e."sideId", e."groupId", w.state FROM "WallRosterEntry" e JOIN "Wall" w ON w.id = e."wallId"
     WHERE EXISTS (SELECT 1 FROM "WallRosterEntry" x WHERE x."groupId" IS NOT NULL AND x."validTo" IS NULL)
       AND e."groupId" IN (SELECT gid FROM anc) AND ${validAt("e", T)} AND w.state <> 'lifted'`,
    options.at,
    options.groupIds,
  );
}

/** The walls (not lifted) whose roster holds one of these groups, or a group containing one, at `at`. */
export async function wallsWithGroupOnRoster(db: Db, options: { groupIds: string[]; at: Date }): Promise<{ wallId: string; state: string }[]> {
  const entries = await rosterEntriesOfGroups(db, options);
  return [...new Map(entries.map((e) => [e.wallId, { wallId: e.wallId, state: e.state }])).values()];
}

/**
 * SQL: the person `user` was removed from wall `wall`, side `side` (SQL expressions) with a
 * justification at an instant in [since, until] — explicitly: a WallPerson row of theirs closed
 * with a justification, other than by the removal of the group entry it came through, or by the
 * removal of an entry while another entry kept them on (the row that continues it starts at that
 * instant, recorded by the same event: removeWallMember). The explicit-removal guard of issue 20.
 */
const removedExplicitlySql = (wall: string, side: string, user: string, since: string, until: string) =>
  `EXISTS (SELECT 1 FROM "WallPerson" r WHERE r."wallId" = ${wall} AND r."userId" = ${user}
             AND r."sideId" IS NOT DISTINCT FROM ${side} AND r."removalJustification" IS NOT NULL
             AND r."validTo" <= ${until} AND r."validTo" >= ${since}
             AND NOT EXISTS (SELECT 1 FROM "WallRosterEntry" ge WHERE ge.id = r."entryId" AND ge."groupId" IS NOT NULL
                               AND ge."validTo" = r."validTo" AND ge."removedEventId" IS NOT DISTINCT FROM r."removedEventId")
             AND NOT EXISTS (SELECT 1 FROM "WallPerson" c WHERE c."wallId" = r."wallId" AND c."userId" = r."userId"
                               AND c."sideId" IS NOT DISTINCT FROM r."sideId" AND c."validFrom" = r."validTo" AND c."eventId" = r."removedEventId"))`;

/**
 * For the people whose rows the removal of roster entry `entryId` (on wall `wallId`, side
 * `sideId`) ends at `at`: the other roster entry of the same wall and side, valid at `at`, that
 * still covers each — one naming them, or else (earliest first) a group entry whose group they were
 * in (through nesting, as it stood then) at some instant while the entry was on the wall, which
 * recorded them or would have had they no row already (one row per wall, side and person) — unless
 * they were explicitly removed since that entry was added (the guard of
 * recordWallPeopleThroughGroups). People no other entry covers are not returned. One statement.
 */
export async function otherRosterEntriesCovering(
  db: Db,
  options: { wallId: string; sideId: string | null; entryId: string; userIds: string[]; at: Date },
): Promise<{ userId: string; entryId: string; viaGroupId: string | null }[]> {
  if (options.userIds.length === 0) return [];
  const T = ts(5);
  // The instant the person's membership and (for nesting) the closure row and the entry all held.
  const from = (...aliases: string[]) => `greatest(${aliases.map((a) => `${a}."validFrom"`).join(", ")})`;
  const until = (...aliases: string[]) => `least(${aliases.map((a) => `COALESCE(${a}."validTo", 'infinity'::timestamp(3))`).join(", ")})`;
  return db.$queryRawUnsafe<{ userId: string; entryId: string; viaGroupId: string | null }[]>(
    `SELECT DISTINCT ON (u.uid) u.uid AS "userId", e.id AS "entryId", e."groupId" AS "viaGroupId"
     FROM unnest($1::text[]) AS u(uid)
     JOIN "WallRosterEntry" e ON e."wallId" = $2::text AND e."sideId" IS NOT DISTINCT FROM $3::text AND e.id <> $4::text AND ${validAt("e", T)}
     WHERE e."userId" = u.uid
        OR (e."groupId" IS NOT NULL
            AND (EXISTS (SELECT 1 FROM "MembershipInterval" mi WHERE mi."memberUserId" = u.uid AND mi."groupId" = e."groupId"
                           AND ${from("mi", "e")} <= ${T} AND ${from("mi", "e")} < ${until("mi", "e")})
              OR EXISTS (SELECT 1 FROM "GroupClosure" gc JOIN "MembershipInterval" mi ON mi."groupId" = gc."descendantId" AND mi."memberUserId" = u.uid
                           WHERE gc."ancestorId" = e."groupId" AND ${from("mi", "gc", "e")} <= ${T} AND ${from("mi", "gc", "e")} < ${until("mi", "gc", "e")}))
            AND NOT ${removedExplicitlySql("$2::text", "$3::text", "u.uid", `e."validFrom"`, T)})
     ORDER BY u.uid, e."groupId" IS NOT NULL, e."validFrom", e.id`,
    options.userIds,
    options.wallId,
    options.sideId,
    options.entryId,
    options.at,
  );
}

/**
 * Records, one by one, the people now in the group of each roster entry given (or of every entry
 * on a group that is `groupIds` or contains one of them, on a wall not lifted) who have no valid
 * row for that wall and side yet: from then on they stay on the roster until removed with a
 * justification, whatever happens to the group. Returns the new WallPerson rows' (userId, wallId).
 *
 * An explicit removal sticks (issue 20): a person removed from the wall (or side) with a
 * justification — by an admin or a review campaign, i.e. a WallPerson row of theirs closed with a
 * justification other than by the removal of the group entry it came through or of an entry while
 * another kept them on (removedExplicitlySql) — is not recorded
 * again through a roster entry that was on the wall when they were removed, whatever the group does
 * later (others joining, or they themselves leaving and rejoining it). Only a roster act after the
 * removal puts them back: naming them, or adding a group entry they are in. Nothing is recorded,
 * so answers at every instant after the removal keep them off.
 */
export async function recordWallPeopleThroughGroups(
  db: Db,
  options: { at: Date; entryIds?: string[]; groupIds?: string[]; eventId?: string | null },
): Promise<{ userId: string; wallId: string }[]> {
  const entries = options.entryIds?.length
    ? await db.$queryRawUnsafe<{ id: string; wallId: string; sideId: string | null; groupId: string }[]>(
        `SELECT e.id, e."wallId", e."sideId", e."groupId" FROM "WallRosterEntry" e WHERE e.id = ANY($1::text[]) AND e."groupId" IS NOT NULL`,
        options.entryIds,
      )
    : options.groupIds?.length
      ? await rosterEntriesOfGroups(db, { groupIds: options.groupIds, at: options.at })
      : [];
  const added: { userId: string; wallId: string }[] = [];
  for (const e of entries) {
    const people = await peopleInGroups(db, { groupIds: [e.groupId], at: options.at });
    if (people.length === 0) continue;
    const rows = await db.$queryRawUnsafe<{ userId: string; wallId: string }[]>(
      `INSERT INTO "WallPerson" (id, "wallId", "sideId", "userId", "entryId", "viaGroupId", "validFrom", "eventId")
       SELECT gen_random_uuid()::text, $2::text, $3::text, u.uid, $4::text, $5::text, $1::timestamp(3), $7::text FROM unnest($6::text[]) AS u(uid)
       WHERE NOT EXISTS (SELECT 1 FROM "WallPerson" p WHERE p."wallId" = $2::text AND p."userId" = u.uid
                           AND p."sideId" IS NOT DISTINCT FROM $3::text AND (p."validTo" IS NULL OR p."validTo" > $1::timestamp(3)))
         AND NOT ${removedExplicitlySql("$2::text", "$3::text", "u.uid", `(SELECT e."validFrom" FROM "WallRosterEntry" e WHERE e.id = $4::text)`, "$1::timestamp(3)")}
       RETURNING "userId", "wallId"`,
      options.at,
      e.wallId,
      e.sideId,
      e.id,
      e.groupId,
      people,
      options.eventId ?? null,
    );
    added.push(...rows);
  }
  return added;
}

// ---------------------------------------------------------------------------------------------
// Intervals (evidence packs): when walls denied which (person, contract) pair inside a window.

interface IntervalRow {
  wallId: string;
  kind: string;
  requiresAcknowledgment: boolean;
  sideId: string | null;
  contractId: string;
  from: Date;
  to: Date;
}

/**
 * [from, to) pieces, clipped to the window, in which a wall denied one of these people one of
 * these contracts — the same facts as the instant deny (wall in force, scope row, the contract's
 * revision and its keys, the roster person rows, acknowledgments), intersected as intervals, so an
 * evidence pack and a point-in-time answer agree at every instant.
 */
export async function wallIntervals(
  db: Db,
  options: { userIds: string[]; contractIds: string[]; from: Date; to: Date },
): Promise<PairInterval[]> {
  if (options.userIds.length === 0 || options.contractIds.length === 0) return [];
  const F = ts(2);
  const T = ts(3);
  // (wall, side, contract) coverage pieces: wall in force ∩ scope row ∩ revision holding the key.
  const coverage = await db.$queryRawUnsafe<IntervalRow[]>(
    `SELECT * FROM (
       SELECT w.id AS "wallId", w.kind, w."requiresAcknowledgment", s."sideId", cr."contractId",
              greatest(w."activatedAt", s."validFrom", cr."validFrom", ${F}) AS "from",
              least(COALESCE(w."liftedAt", 'infinity'), COALESCE(s."validTo", 'infinity'), COALESCE(cr."validTo", 'infinity'), ${T}) AS "to"
       FROM "ContractRevision" cr
       JOIN "WallScope" s ON s.key = ANY(ARRAY['c:' || cr."contractId", 'r:' || cr."repositoryId", 'p:' || cr."counterpartyKey"]
                                       || ARRAY(SELECT 't:' || kt FROM jsonb_array_elements_text(cr.tags) kt))
       JOIN "Wall" w ON w.id = s."wallId" AND w."activatedAt" IS NOT NULL
       WHERE cr."contractId" = ANY($1::text[]) AND ${overlapsWindow("cr", F, T)}
         AND s."validFrom" < ${T} AND (s."validTo" IS NULL OR s."validTo" > ${F})
         AND w."activatedAt" < ${T} AND (w."liftedAt" IS NULL OR w."liftedAt" > ${F})
     ) x WHERE "from" < "to"`,
    options.contractIds,
    options.from,
    options.to,
  );
  if (coverage.length === 0) return [];
  const wallIds = [...new Set(coverage.map((c) => c.wallId))];
  const [people, acks] = await Promise.all([
    db.$queryRawUnsafe<{ wallId: string; sideId: string | null; userId: string; from: Date; to: Date }[]>(
      `SELECT p."wallId", p."sideId", p."userId", p."validFrom" AS "from", COALESCE(p."validTo", '9999-12-31'::timestamp(3)) AS "to"
       FROM "WallPerson" p WHERE p."wallId" = ANY($1::text[]) AND p."userId" = ANY($2::text[])`,
      wallIds,
      options.userIds,
    ),
    db.$queryRawUnsafe<{ wallId: string; userId: string; at: Date }[]>(
      `SELECT a."wallId", a."userId", min(a.at) AS at FROM "WallAcknowledgment" a
       WHERE a."wallId" = ANY($1::text[]) AND a."userId" = ANY($2::text[]) GROUP BY 1, 2`,
      wallIds,
      options.userIds,
    ),
  ]);
  const ackAt = new Map(acks.map((a) => [`${a.wallId}|${a.userId}`, a.at]));
  const out: PairInterval[] = [];
  const clip = (a: { from: Date; to: Date }, b: { from: Date; to: Date }) => {
    const from = new Date(Math.max(a.from.getTime(), b.from.getTime()));
    const to = new Date(Math.min(a.to.getTime(), b.to.getTime()));
    return from < to ? { from, to } : null;
  };
  for (const c of coverage) {
    for (const userId of options.userIds) {
      const rows = people.filter((p) => p.wallId === c.wallId && p.userId === userId);
      const acked = ackAt.get(`${c.wallId}|${userId}`);
      // Instants the person is "in" (insider / on this side) and, where required, acknowledged.
      const inAndAcked = (p: { from: Date; to: Date }) => {
        if (!c.requiresAcknowledgment) return p;
        if (!acked) return null;
        return clip(p, { from: acked, to: new Date(8.64e15) });
      };
      let denied: { from: Date; to: Date }[] = [];
      if (c.kind === "exclusionary") {
        denied = rows.map((p) => clip(c, p)).filter((x): x is { from: Date; to: Date } => x !== null);
      } else if (c.kind === "sides") {
        denied = rows.flatMap((p) => {
          const piece = clip(c, p);
          if (!piece) return [];
          if (p.sideId !== c.sideId) return [piece];
          // Own side: denied only before the acknowledgment a memo requires.
          const ok = inAndAcked(piece);
          return ok ? minus(piece, [ok]) : [piece];
        });
      } else {
        // Inclusionary: denied outside the insider (and acknowledged) pieces.
        const allowed = rows.map((p) => clip(c, p)).filter((x): x is { from: Date; to: Date } => x !== null).map(inAndAcked).filter((x): x is { from: Date; to: Date } => x !== null);
        denied = minus({ from: c.from, to: c.to }, allowed);
      }
      for (const d of denied) out.push({ userId, contractId: c.contractId, from: d.from, to: d.to });
    }
  }
  return out;
}

/** `piece` minus the union of `holes`. */
function minus(piece: { from: Date; to: Date }, holes: { from: Date; to: Date }[]): { from: Date; to: Date }[] {
  let pieces = [piece];
  for (const h of holes) {
    pieces = pieces.flatMap((p) => {
      if (h.to <= p.from || h.from >= p.to) return [p];
      const kept: { from: Date; to: Date }[] = [];
      if (h.from > p.from) kept.push({ from: p.from, to: h.from });
      if (h.to < p.to) kept.push({ from: h.to, to: p.to });
      return kept;
    });
  }
  return pieces;
}

// ---------------------------------------------------------------------------------------------
// Review campaigns: a person an ethical wall screens from a scope never reviews it.

/**
 * Which candidates walls in force at `at` deny: `repository` holds `${candidate}|${repositoryId}`
 * when a wall denies them some contract of the repository (at `at`), `contract` holds
 * `${candidate}|${contractId}` for the given contracts. By the deny seam's own predicate.
 */
export async function reviewersScreenedByWalls(
  db: Db,
  options: { candidates: string[]; repositoryIds: string[]; contractIds: string[]; at: Date },
): Promise<{ repository: Set<string>; contract: Set<string> }> {
  const out = { repository: new Set<string>(), contract: new Set<string>() };
  if (options.candidates.length === 0 || options.repositoryIds.length + options.contractIds.length === 0) return out;
  const T = ts(4);
  const rows = await db.$queryRawUnsafe<{ uid: string; rid: string; cid: string }[]>(
    `SELECT DISTINCT u.uid, cr."repositoryId" AS rid, cr."contractId" AS cid
     FROM unnest($1::text[]) AS u(uid) CROSS JOIN "ContractRevision" cr
     WHERE (SELECT EXISTS (SELECT 1 FROM "Wall" w0 WHERE ${wallInForceAt("w0", T)}))
       AND (cr."repositoryId" = ANY($2::text[]) OR cr."contractId" = ANY($3::text[])) AND ${validAt("cr", T)}
       AND NOT ${notWalledAt("u.uid", `cr."contractId"`, `cr."repositoryId"`, T)}`,
    options.candidates,
    options.repositoryIds,
    options.contractIds,
    options.at,
  );
  for (const r of rows) {
    out.repository.add(`${r.uid}|${r.rid}`);
    out.contract.add(`${r.uid}|${r.cid}`);
  }
  return out;
}
