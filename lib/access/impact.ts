// Change impact preview: before a rule is created, edited or deleted, who gains and who loses
// access, to how many contracts, by confidentiality — taking every user's OTHER rules into
// account (losing a rule that another rule also covers loses nothing).
//
// At scale a rule on a large group spans millions of (user, contract) pairs, so the query never
// enumerates them. It classifies users by the set of relevant rules that reach them and contracts
// by the set of relevant rules that cover them (relevant = the rule before/after, plus the other
// rules covering a contract the rule touches); a user's level on a contract depends only on the
// two classes, so old and new levels are computed once per (user class, contract class) pair.
import type { AccessRuleVersion } from "@/lib/generated/prisma/client";
import { AppError } from "@/lib/errors";
import {
  confidentialityRank,
  isConfidentiality,
  levelFromRank,
  levelRank,
  type Confidentiality,
  type Level,
} from "./levels";
import type { UserRef } from "./effective-access";
import { descendantGroupsCte, groupPeopleSql } from "./group-graph";
import { classDenied, contractWallKeysCte, grantOf, wallDeniedUsersCte, wallScopesInForceCte } from "./snapshot";
import { activeSetAt, coveragePerRuleSql, exclusionCovers, grantsAt, inForceAt, ts, validAt, windowCovers, withStatementTimeout, type Db } from "./sql";

/** The content of a rule version that decides whom it grants what (AccessRuleVersion's fields). */
export interface RuleContent {
  principalType: "group" | "user";
  groupId?: string | null;
  userId?: string | null;
  level: Level | number;
  repositoryId?: string | null;
  /** Empty or absent: all contract types of the repository. */
  contractTypes?: string[];
  confidentialityCeiling?: Confidentiality | number | null;
  contractId?: string | null;
  validFrom?: Date | null;
  validUntil?: Date | null;
  graceDaysAfterEnd?: number | null;
}

export type ByConfidentiality = Record<0 | 1 | 2 | 3, number>;

export interface UserImpact {
  user: UserRef;
  /** Contracts whose level for this user rises/appears (gained) or drops/disappears (lost). */
  contracts: number;
  byConfidentiality: ByConfidentiality;
  /** The same contracts by level change (from → to; null = no access). */
  changes: { from: Level | null; to: Level | null; contracts: number }[];
}

/** A contract whose access changes, with how many people gain (or lose) on it. */
export interface ContractImpact {
  contract: { id: string; title: string; externalRef: string | null; repositoryId: string; repositoryName: string | null; confidentiality: number };
  people: number;
}

/** One page (by title) of the contracts gaining and losing; totals are totals.contractsGained/Lost. */
export interface ContractImpactPages {
  offset: number;
  limit: number;
  gained: ContractImpact[];
  lost: ContractImpact[];
}

export interface RuleChangeImpact {
  at: Date;
  gained: UserImpact[];
  lost: UserImpact[];
  totals: {
    usersGaining: number;
    usersLosing: number;
    /** Distinct contracts someone gains / loses access (or level) on. */
    contractsGained: number;
    contractsLost: number;
    /** (user, contract) pairs gaining / losing. */
    grantsGained: number;
    grantsLost: number;
  };
  /** True when `gained` or `lost` lists fewer users than the totals (capped lists). */
  truncated: boolean;
  contracts: ContractImpactPages;
}

export function ruleContentOf(v: AccessRuleVersion): RuleContent {
  return {
    principalType: v.principalType as RuleContent["principalType"],
    groupId: v.groupId,
    userId: v.userId,
    level: v.level,
    repositoryId: v.repositoryId,
    contractTypes: Array.isArray(v.contractTypes) ? (v.contractTypes as string[]) : [],
    confidentialityCeiling: v.confidentialityCeiling,
    contractId: v.contractId,
    validFrom: v.validFrom,
    validUntil: v.validUntil,
    graceDaysAfterEnd: v.graceDaysAfterEnd,
  };
}

function toRow(key: "A" | "B", r: RuleContent) {
  const level = typeof r.level === "number" ? r.level : levelRank(r.level);
  if (!levelFromRank(level)) throw new AppError("invalid_input", "Rule level is required");
  const ceiling = r.confidentialityCeiling;
  if (r.principalType === "group" ? !r.groupId : !r.userId) {
    throw new AppError("invalid_input", `A ${r.principalType} rule needs a ${r.principalType === "group" ? "groupId" : "userId"}`);
  }
  if (!r.repositoryId === !r.contractId) throw new AppError("invalid_input", "A rule scope is either a repository or a contract");
  return {
    key,
    principalType: r.principalType,
    groupId: r.principalType === "group" ? r.groupId : null,
    userId: r.principalType === "user" ? r.userId : null,
    level,
    repositoryId: r.repositoryId ?? null,
    contractId: r.contractId ?? null,
    contractTypes: r.contractTypes ?? [],
    confidentialityCeiling: ceiling === null || ceiling === undefined ? null : isConfidentiality(ceiling) ? confidentialityRank(ceiling) : ceiling,
    validFrom: r.validFrom ? sqlTimestamp(r.validFrom) : null,
    validUntil: r.validUntil ? sqlTimestamp(r.validUntil) : null,
    graceDaysAfterEnd: r.graceDaysAfterEnd ?? null,
  };
}

/** UTC wall-clock text for a TIMESTAMP(3) column inside JSON parameters. */
const sqlTimestamp = (d: Date) => d.toISOString().replace("T", " ").replace("Z", "");

/**
 * CTEs shared by the preview and its contract list ($1 the hypothetical rows, $3 the rule's id):
 * `hyp` the rule before (B) and after (A) granting at T, `hcov` what they cover, `aff_c` the
 * contracts whose access can change, `others` / `ocov` the other rules covering them, `cc` each
 * contract's class (the set of relevant rules and exclusions covering it).
 */
const contractClassCtes = (T: string) => `
     hyp AS (
       SELECT h.* FROM jsonb_to_recordset($1::jsonb) AS h(
         key text, "principalType" text, "groupId" text, "userId" text, level int, "repositoryId" text,
         "contractId" text, "contractTypes" jsonb, "confidentialityCeiling" int, "validFrom" timestamp(3),
         "validUntil" timestamp(3), "graceDaysAfterEnd" int)
       WHERE ${windowCovers("h", T)}
     ),
     -- contracts whose access can change: those the rule covers before or after
     hcov AS (${coveragePerRuleSql("hyp", T)}),
     aff_c AS (SELECT DISTINCT "contractId", "repositoryId", confidentiality, "contractType" FROM hcov),
     -- other rules granting at T that cover one of those contracts
     others AS (
       SELECT v.id AS key, v.* FROM "AccessRuleVersion" v
       WHERE ${grantsAt("v", T)} AND v."ruleId" IS DISTINCT FROM $3::text
         AND (v."contractId" IN (SELECT "contractId" FROM aff_c)
           OR v."repositoryId" IN (SELECT DISTINCT "repositoryId" FROM aff_c))
     ),
     ocov AS (${coveragePerRuleSql("others", T, `cr."contractId" IN (SELECT "contractId" FROM aff_c)`)}),
     -- Exclusions valid at T on affected contracts, as deny keys "X:<id>" in the contract's class
     -- and (the preview's uc) the excluded person's: a pair sharing one has no access, before or after.
     excl AS (
       SELECT 'X:' || x.id AS key, x."userId" AS uid, x."contractId", x."repositoryId", x."contractTypes", x."confidentialityFloor" FROM "Exclusion" x
       WHERE ${validAt("x", T)}
         AND (x."contractId" IN (SELECT "contractId" FROM aff_c) OR x."repositoryId" IN (SELECT "repositoryId" FROM aff_c))
     ),
     -- Ethical walls in force at T, as deny keys "W:<wall>:<side>" and inclusionary walls' pass keys
     -- "I:<wall>:" (./snapshot.ts): in the class of each affected contract their scope names, and (the
     -- preview's uc) of each user they deny or let through.
     ${wallScopesInForceCte(T)},
     aff_w AS (
       SELECT a."contractId", a."repositoryId", cr."counterpartyKey", cr.tags
       FROM aff_c a JOIN "ContractRevision" cr ON cr."contractId" = a."contractId" AND ${validAt("cr", T)}
       WHERE EXISTS (SELECT 1 FROM wsc)
     ),
     ${contractWallKeysCte("aff_w")},
     cc AS (
       SELECT "contractId", array_agg(DISTINCT key ORDER BY key) AS cls
       FROM (SELECT key, "contractId" FROM hcov UNION ALL SELECT key, "contractId" FROM ocov
             UNION ALL SELECT e.key, a."contractId" FROM excl e JOIN aff_c a ON a."contractId" = e."contractId" OR (a."repositoryId" = e."repositoryId" AND ${exclusionCovers("e", "a")})
             UNION ALL SELECT unnest(wk), "contractId" FROM cw) x
       GROUP BY "contractId"
     )`;

interface ImpactRow {
  users: { cls: string[]; n: number; sample: string[] }[];
  contracts: { cls: string[]; conf: number; n: number }[];
  levels: Record<string, number>;
}

const emptyByConfidentiality = (): ByConfidentiality => ({ 0: 0, 1: 0, 2: 0, 3: 0 });

/**
 * Who gains and who loses access at `at` (default now) if a rule changes from `before` to `after`:
 * create = no before, delete = no after. For an edit or delete pass `ruleId`, so the rule's stored
 * version does not count among the users' other rules; `before` then defaults to that stored
 * version. Lists hold at most `limit` users each (default 100); totals are exact.
 */
export async function previewRuleChange(
  db: Db,
  options: PreviewOptions,
): Promise<RuleChangeImpact> {
  return withStatementTimeout(db, (q) => preview(q, options));
}

interface PreviewOptions {
  before?: RuleContent;
  after?: RuleContent;
  ruleId?: string;
  at?: Date;
  limit?: number;
  /** The page of contracts listed (ordered by title); default the first 50. */
  contracts?: { offset: number; limit: number };
}

async function preview(db: Db, options: PreviewOptions): Promise<RuleChangeImpact> {
  const at = options.at ?? new Date();
  const limit = options.limit ?? 100;
  const contractWindow = options.contracts ?? { offset: 0, limit: 50 };
  let before = options.before;
  if (!before && options.ruleId) {
    const [stored] = await db.$queryRawUnsafe<AccessRuleVersion[]>(
      `SELECT * FROM "AccessRuleVersion" v WHERE v."ruleId" = $1 AND ${inForceAt("v", ts(2))}`,
      options.ruleId,
      at,
    );
    before = stored ? ruleContentOf(stored) : undefined;
  }
  const rows = [...(before ? [toRow("B", before)] : []), ...(options.after ? [toRow("A", options.after)] : [])];
  const empty: RuleChangeImpact = {
    at,
    gained: [],
    lost: [],
    totals: { usersGaining: 0, usersLosing: 0, contractsGained: 0, contractsLost: 0, grantsGained: 0, grantsLost: 0 },
    truncated: false,
    contracts: { ...contractWindow, gained: [], lost: [] },
  };
  if (rows.length === 0) return empty;

  const T = ts(2);
  const [row] = await db.$queryRawUnsafe<{ r: ImpactRow }[]>(
    `WITH RECURSIVE
     ${contractClassCtes(T)},
     ccg AS (
       SELECT cc.cls, a.confidentiality AS conf, count(*)::int AS n
       FROM cc JOIN aff_c a ON a."contractId" = cc."contractId" GROUP BY cc.cls, a.confidentiality
     ),
     relevant AS (
       SELECT key, "principalType", "groupId", "userId" FROM hyp
       UNION ALL
       SELECT key, "principalType", "groupId", "userId" FROM others WHERE key IN (SELECT key FROM ocov)
     ),
     ${descendantGroupsCte(`SELECT DISTINCT "groupId", "groupId" FROM relevant WHERE "principalType" = 'group'`, T, ["root"])},
     root_users AS (
       ${groupPeopleSql({ groups: "down", at: T, columns: ["g.root"], distinct: true })}
     ),
     rule_users AS (
       SELECT r.key, ru.uid FROM relevant r JOIN root_users ru ON ru.root = r."groupId" WHERE r."principalType" = 'group'
       UNION ALL
       SELECT key, "userId" FROM relevant WHERE "principalType" = 'user'
     ),
     aff_u AS (
       -- the users active at T hashed once (an all-staff rule reaches 50,000: one probe each cost 300 ms)
       SELECT DISTINCT uid FROM rule_users x WHERE key IN ('A', 'B') AND ${activeSetAt("x.uid", T)}
     ),
     -- a hashed set test, not a join: the planner cannot estimate these CTEs and would nest loops
     act AS (SELECT uid FROM aff_u),
     ${wallDeniedUsersCte(T)},
     uc AS (
       SELECT ru.uid, array_agg(DISTINCT ru.key ORDER BY ru.key) AS cls
       FROM (SELECT key, uid FROM rule_users UNION ALL SELECT key, uid FROM excl UNION ALL SELECT key, uid FROM wdu) ru WHERE (ru.uid IN (SELECT uid FROM aff_u)) IS TRUE GROUP BY ru.uid
     ),
     -- the names read in one pass over "User" and hashed (as a join the planner, expecting a few
     -- rows, probes the primary key once per user: 47,500 probes for an all-staff rule)
     names AS MATERIALIZED (SELECT u.id, u."userName" FROM "User" u WHERE (u.id IN (SELECT uid FROM aff_u)) IS TRUE),
     ucg AS (
       SELECT uc.cls, count(*)::int AS n, (array_agg(uc.uid ORDER BY u."userName" COLLATE "C" NULLS LAST, uc.uid))[1:$4::int] AS sample
       FROM uc LEFT JOIN names u ON u.id = uc.uid GROUP BY uc.cls
     )
     SELECT jsonb_build_object(
       'users', (SELECT coalesce(jsonb_agg(jsonb_build_object('cls', cls, 'n', n, 'sample', sample)), '[]'::jsonb) FROM ucg),
       'contracts', (SELECT coalesce(jsonb_agg(jsonb_build_object('cls', cls, 'conf', conf, 'n', n)), '[]'::jsonb) FROM ccg),
       'levels', (SELECT coalesce(jsonb_object_agg(key, level), '{}'::jsonb)
                  FROM (SELECT key, level FROM hyp UNION ALL SELECT key, level FROM others) l)
     ) AS r`,
    JSON.stringify(rows),
    at,
    options.ruleId ?? null,
    limit,
  );
  const { users, contracts, levels } = row.r;

  // Old level = max over the class intersection without A; new = without B.
  type Delta = { conf: number; n: number; from: number; to: number; contractClass: number };
  const gainedContractClasses = new Set<number>();
  const lostContractClasses = new Set<number>();
  const perUserClass = users.map((u) => {
    const keys = new Set(u.cls);
    const gained: Delta[] = [];
    const lost: Delta[] = [];
    contracts.forEach((c, i) => {
      let from = 0;
      let to = 0;
      if (!classDenied(keys, c.cls)) {
        for (const key of c.cls) {
          if (!keys.has(key)) continue;
          if (key !== "A") from = Math.max(from, grantOf(levels, key));
          if (key !== "B") to = Math.max(to, grantOf(levels, key));
        }
      }
      if (to > from) {
        gained.push({ conf: c.conf, n: c.n, from, to, contractClass: i });
        gainedContractClasses.add(i);
      } else if (to < from) {
        lost.push({ conf: c.conf, n: c.n, from, to, contractClass: i });
        lostContractClasses.add(i);
      }
    });
    return { cls: u, gained, lost };
  });

  const sumN = (classes: Set<number>) => [...classes].reduce((s, i) => s + contracts[i].n, 0);
  const totals: RuleChangeImpact["totals"] = {
    usersGaining: perUserClass.filter((u) => u.gained.length > 0).reduce((s, u) => s + u.cls.n, 0),
    usersLosing: perUserClass.filter((u) => u.lost.length > 0).reduce((s, u) => s + u.cls.n, 0),
    contractsGained: sumN(gainedContractClasses),
    contractsLost: sumN(lostContractClasses),
    grantsGained: perUserClass.reduce((s, u) => s + u.cls.n * u.gained.reduce((t, d) => t + d.n, 0), 0),
    grantsLost: perUserClass.reduce((s, u) => s + u.cls.n * u.lost.reduce((t, d) => t + d.n, 0), 0),
  };

  const candidates = [
    ...new Set(perUserClass.filter((u) => u.gained.length + u.lost.length > 0).flatMap((u) => u.cls.sample)),
  ];
  const refs = await userRefs(db, candidates);
  const list = (side: "gained" | "lost"): UserImpact[] => {
    const entries: UserImpact[] = [];
    for (const u of perUserClass) {
      const deltas = u[side];
      if (deltas.length === 0) continue;
      const byConfidentiality = emptyByConfidentiality();
      const changes = new Map<string, { from: Level | null; to: Level | null; contracts: number }>();
      for (const d of deltas) {
        byConfidentiality[d.conf as 0 | 1 | 2 | 3] += d.n;
        const key = `${d.from}>${d.to}`;
        const entry = changes.get(key) ?? { from: levelFromRank(d.from), to: levelFromRank(d.to), contracts: 0 };
        entry.contracts += d.n;
        changes.set(key, entry);
      }
      const count = deltas.reduce((s, d) => s + d.n, 0);
      for (const uid of u.cls.sample) {
        entries.push({
          user: refs.get(uid) ?? { id: uid, userName: null, displayName: null, directoryId: null },
          contracts: count,
          byConfidentiality: { ...byConfidentiality },
          changes: [...changes.values()].map((c) => ({ ...c })),
        });
      }
    }
    return entries.sort(byUserName).slice(0, limit);
  };
  const gained = list("gained");
  const lost = list("lost");
  // People gaining / losing per contract class (a class's contracts all change alike).
  const peopleOn = (side: "gained" | "lost") => {
    const out = new Map<string, number>();
    for (const u of perUserClass) {
      // A contract class appears once per confidentiality among the deltas: count its people once.
      for (const key of new Set(u[side].map((d) => JSON.stringify(contracts[d.contractClass].cls)))) out.set(key, (out.get(key) ?? 0) + u.cls.n);
    }
    return out;
  };
  const contractPage = async (side: "gained" | "lost", total: number) =>
    total === 0 || contractWindow.offset >= total ? [] : contractImpacts(db, { rows, at, ruleId: options.ruleId, people: peopleOn(side), window: contractWindow });
  return {
    at,
    gained,
    lost,
    totals,
    truncated: gained.length < totals.usersGaining || lost.length < totals.usersLosing,
    contracts: { ...contractWindow, gained: await contractPage("gained", totals.contractsGained), lost: await contractPage("lost", totals.contractsLost) },
  };
}

/** One page, by title, of the contracts in the given classes (JSON of their rule-key arrays → people). */
async function contractImpacts(
  db: Db,
  options: { rows: unknown[]; at: Date; ruleId?: string; people: Map<string, number>; window: { offset: number; limit: number } },
): Promise<ContractImpact[]> {
  const T = ts(2);
  const found = await db.$queryRawUnsafe<(ContractImpact["contract"] & { cls: string[] })[]>(
    `WITH RECURSIVE ${contractClassCtes(T)}
     SELECT c.id, c.title, c."externalRef", a."repositoryId", r.name AS "repositoryName", a.confidentiality, cc.cls
       FROM cc JOIN aff_c a ON a."contractId" = cc."contractId" JOIN "Contract" c ON c.id = cc."contractId"
       LEFT JOIN "Repository" r ON r.id = a."repositoryId"
      WHERE to_jsonb(cc.cls) IN (SELECT jsonb_array_elements($4::jsonb))
      ORDER BY c.title, c.id OFFSET $5::bigint LIMIT $6::bigint`,
    JSON.stringify(options.rows),
    options.at,
    options.ruleId ?? null,
    JSON.stringify([...options.people.keys()].map((k) => JSON.parse(k))),
    options.window.offset,
    options.window.limit,
  );
  return found.map(({ cls, ...contract }) => ({ contract, people: options.people.get(JSON.stringify(cls)) ?? 0 }));
}

function byUserName(a: UserImpact, b: UserImpact): number {
  const x = a.user.userName;
  const y = b.user.userName;
  if (x !== y) {
    if (x === null) return 1;
    if (y === null) return -1;
    return x < y ? -1 : 1;
  }
  return a.user.id < b.user.id ? -1 : a.user.id > b.user.id ? 1 : 0;
}

async function userRefs(db: Db, ids: string[]): Promise<Map<string, UserRef>> {
  if (ids.length === 0) return new Map();
  const rows = await db.$queryRawUnsafe<UserRef[]>(
    `SELECT id, "userName", "displayName", "directoryId" FROM "User" WHERE id = ANY($1::text[])`,
    ids,
  );
  return new Map(rows.map((r) => [r.id, r]));
}
