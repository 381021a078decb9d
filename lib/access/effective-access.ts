// Effective access: who can open which contract, at which level, and why — at any instant T.
// Nothing is stored: every answer is derived from the kept history (status intervals, membership
// intervals, rule versions, contract revisions) by the predicates in ./sql.ts. "Now" is simply
// T = the current time, so live and point-in-time answers cannot drift apart, and an expired rule
// or ended contract stops granting the moment it expires, whether or not a job has run.
//
// Lists are computed and paginated in the database; reasons (the chain of facts) are computed
// only for the rows of the requested page.
import { AppError } from "@/lib/errors";
import { PLAN_CACHED } from "@/lib/db/client";
import { groupNamesAt } from "@/lib/audit/names";
import { confidentialityFromRank, levelFromRank, levelRank, type Confidentiality, type Level } from "./levels";
import { descendantGroupsCte, groupPeopleSql, memberChainsCte, membershipHopsSql, membershipPathsCte, personGroupsCte } from "./group-graph";
import { distinctWallDenials, wallDenialOf, wallDenialRowsSql, type WallDenialDetail } from "./walls";
import { activeAt, activeSetAt, coveragePerRuleSql, exclusionCovers, grantsAt, inForceAt, noExclusionOfPerson, noExclusionOnContract, notEndedAt, notExcludedAt, scopeCovers, toInt, ts, validAt, withStatementTimeout, type Db } from "./sql";

export type { Db } from "./sql";

/** A rule version's scope as reasons show it (the repository or contract named), from its row's scope columns. */
function ruleScopeOf(
  r: { ruleContractId: string | null; ruleRepositoryId: string | null; contractTypes: string[]; confidentialityCeiling: number | null },
  names: Names,
): RuleScope {
  return r.ruleContractId
    ? { kind: "contract", contractId: r.ruleContractId, contractTitle: names.contracts.get(r.ruleContractId) ?? null }
    : {
        kind: "repository",
        repositoryId: r.ruleRepositoryId!,
        repositoryName: names.repositories.get(r.ruleRepositoryId!) ?? null,
        contractTypes: r.contractTypes,
        confidentialityCeiling: r.confidentialityCeiling === null ? null : confidentialityFromRank(r.confidentialityCeiling),
      };
}


/** One hop of a membership path: the user (or the previous group) is a member of this group. */
export interface GroupHop {
  groupId: string;
  /**
   * The group's current name; a group deleted since keeps its last name (and `deleted` says so).
   * A check at an explicit past T (checkAccess, checkAccessMany) gives the name at T where the audit trail still holds
   * every rename since T (not after audit retention deleted events newer than T).
   */
  displayName: string | null;
  /** The group has been deleted since (its name is the one it had when deleted). */
  deleted: boolean;
  /** Start of the membership interval valid at T. */
  memberSince: Date;
  /** The audit event that added this membership. */
  addedEventId: string | null;
}

export type RuleScope =
  | {
      kind: "repository";
      repositoryId: string;
      repositoryName: string | null;
      contractTypes: string[];
      confidentialityCeiling: Confidentiality | null;
    }
  | { kind: "contract"; contractId: string; contractTitle: string | null };

export interface RuleRef {
  ruleId: string;
  /** The rule's name as of this version. */
  name: string;
  versionId: string;
  version: number;
  level: Level;
  author: { type: string; id: string | null; label: string | null };
  justification: string;
  scope: RuleScope;
  validFrom: Date | null;
  validUntil: Date | null;
  graceDaysAfterEnd: number | null;
  /** When this version came into force, and the audit event that recorded it. */
  recordedFrom: Date;
  eventId: string | null;
}

export interface Reason {
  /** The level this reason grants (the rule's level). */
  level: Level;
  /** True when this reason grants the effective (highest) level. */
  winning: boolean;
  /**
   * How the rule reaches the user: through groups (path[0] is the group the user is a direct member
   * of, the last hop is the group the rule names), or as a direct, time-boxed user grant.
   */
  via: { kind: "group"; path: GroupHop[] } | { kind: "direct" };
  rule: RuleRef;
  contract: {
    id: string;
    repositoryId: string;
    repositoryName: string | null;
    endDate: Date | null;
    /** When this reason stops granting: the earlier of the rule's validUntil and end date + grace. */
    grantsUntil: Date | null;
  };
}

/**
 * Why an access check said no: every fact at T that stands in the way (several may apply at once,
 * e.g. a deactivated person and an ended contract). An allowed answer has none.
 */
export type Denial =
  /** The person had not been provisioned yet at T (their first status interval starts later). */
  | { code: "user_not_yet_provisioned"; provisionedAt: Date | null }
  /** The person had been deleted by T. */
  | { code: "user_deleted"; at: Date }
  /** The person was deactivated at T, since this instant. */
  | { code: "user_inactive"; since: Date }
  /** The contract did not exist yet at T (or never did). */
  | { code: "contract_not_yet_created"; createdAt: Date | null }
  /** The contract's end date had passed at T (and no rule's grace days still covered it). */
  | { code: "contract_ended"; endedAt: Date }
  /** A rule reaching the person and covering the contract had expired (its validUntil passed). */
  | { code: "grant_expired"; ruleId: string; ruleName: string; validUntil: Date }
  /** A rule reaching the person and covering the contract only grants from a later instant. */
  | { code: "grant_not_started"; ruleId: string; ruleName: string; validFrom: Date }
  /** Rules grant, but below the level asked for. */
  | { code: "level_too_low"; level: Level; requiredLevel: Level }
  /** No rule in force at T names the person (directly or through their groups at T) and covers the contract. */
  | { code: "no_rule" }
  /**
   * An exclusion valid at T denies the person this contract (or its whole repository), whatever
   * the rules grant: set by an admin or by a review campaign's revocation.
   */
  /**
   * An ethical wall in force at T denies the person this contract, whatever the rules grant: the
   * wall, the side whose scope holds the contract (walls of sides), and why (lib/access/walls.ts).
   * Shown to those allowed to know; the contract system is only told the check was denied.
   */
  | ({ code: "wall" } & WallDenialDetail)
  | {
      code: "excluded";
      exclusionId: string;
      source: string;
      campaignId: string | null;
      reason: string;
      scope: "repository" | "contract";
      since: Date;
      by: string | null;
    };

export const DENIAL_CODES = [
  "user_not_yet_provisioned",
  "user_deleted",
  "user_inactive",
  "contract_not_yet_created",
  "contract_ended",
  "grant_expired",
  "grant_not_started",
  "level_too_low",
  "no_rule",
  "excluded",
  "wall",
] as const satisfies readonly Denial["code"][];

export interface AccessCheck {
  allowed: boolean;
  level: Level | null;
  at: Date;
  reasons: Reason[];
  /** Why not (empty when allowed). */
  denial: Denial[];
}

export interface UserRef {
  id: string;
  /** Null when the user has since been deleted (their personal data went with the row). */
  userName: string | null;
  displayName: string | null;
  directoryId: string | null;
}

export interface ContractRef {
  id: string;
  title: string | null;
  externalRef: string | null;
  /** Repository, confidentiality and type as they were at T. */
  repositoryId: string;
  repositoryName: string | null;
  confidentiality: Confidentiality;
  contractType: string;
}

export interface PageOf<T> {
  total: number;
  items: T[];
}

const MAX_LIMIT = 1000;

/** whoCanAccessContract pages by walking "User" in name order only from this many readers on. */
const KEYSET_FROM = 500;

function checkWindow(offset: number, limit: number) {
  if (!Number.isInteger(offset) || offset < 0) throw new AppError("invalid_input", "offset must be a non-negative integer");
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw new AppError("invalid_input", `limit must be an integer between 1 and ${MAX_LIMIT}`);
  }
}

interface ReasonRow {
  uid: string;
  cid: string;
  gids: string[] | null;
  sinces: Date[] | null;
  events: (string | null)[] | null;
  vid: string;
  ruleId: string;
  name: string;
  version: number;
  level: number;
  authorType: string;
  authorId: string | null;
  authorLabel: string | null;
  justification: string;
  ruleRepositoryId: string | null;
  ruleContractId: string | null;
  contractTypes: string[];
  confidentialityCeiling: number | null;
  validFrom: Date | null;
  validUntil: Date | null;
  graceDaysAfterEnd: number | null;
  recordedFrom: Date;
  eventId: string | null;
  repositoryId: string;
  endDate: Date | null;
  /** Names, in the same statement (as namesOf gives them): each hop's group, its deletion, the repositories, the rule's contract. */
  groupNames: (string | null)[] | null;
  groupsDeleted: boolean[] | null;
  repositoryName: string | null;
  ruleRepositoryName: string | null;
  ruleContractTitle: string | null;
}

/**
 * Every (user, contract, rule, membership path) that grants at T, for small sets of users and
 * contracts (one check, or one page of a list). Membership paths climb from the user through
 * nested groups, each hop valid at T (group-graph.ts: membershipPathsCte).
 */
export async function reasonRows(db: Db, options: { userIds: string[]; contractIds: string[]; at: Date }): Promise<ReasonRow[]> {
  if (options.userIds.length === 0 || options.contractIds.length === 0) return [];
  const T = ts(3);
  // One person (a check, a batch of one person's contracts, a page of their contracts) keeps its
  // plan per connection (PLAN_CACHED). The person, and for one contract the contract, are scalar
  // parameters: with arrays PostgreSQL's generic plan assumes ten elements each, costs more than
  // the custom plans, and was never chosen — every single check was planned again (7–15 ms of
  // planning for 0.5–1.5 ms of execution at full scale). Many people, whose best plan depends on
  // how many, are planned each time.
  const oneUser = options.userIds.length === 1;
  const oneContract = options.contractIds.length === 1;
  // A chain's hops and group names are looked up once per distinct (person, chain), not once per
  // row: a batch of 100 contracts reached through the same few chains read them 100 times.
  return db.$queryRawUnsafe<ReasonRow[]>(
    `${oneUser ? PLAN_CACHED : ""}WITH RECURSIVE
     act AS (SELECT u.id AS uid FROM unnest(${oneUser ? "ARRAY[$1::text]" : "$1::text[]"}) AS u(id) WHERE ${activeAt("u.id", T)}),
     ${membershipPathsCte("act", T)},
     cr AS (SELECT c.* FROM "ContractRevision" c WHERE c."contractId" = ${oneContract ? "$2::text" : "ANY($2::text[])"} AND ${validAt("c", T)}),
     rv AS (
       SELECT v.* FROM (SELECT DISTINCT gid FROM up_path) g JOIN "AccessRuleVersion" v ON v."groupId" = g.gid
       WHERE v."principalType" = 'group' AND ${grantsAt("v", T)}
       UNION ALL
       SELECT v.* FROM act JOIN "AccessRuleVersion" v ON v."userId" = act.uid
       WHERE v."principalType" = 'user' AND ${grantsAt("v", T)}
     ),
     hits AS (
       SELECT up.uid, up.gids, rv.id AS vid, cr."contractId" AS cid
       FROM up_path up JOIN rv ON rv."principalType" = 'group' AND rv."groupId" = up.gid
       JOIN cr ON ${scopeCovers("rv", "cr")} AND ${notEndedAt("rv", "cr", T)}
       UNION ALL
       SELECT act.uid, NULL, rv.id, cr."contractId"
       FROM act JOIN rv ON rv."principalType" = 'user' AND rv."userId" = act.uid
       JOIN cr ON ${scopeCovers("rv", "cr")} AND ${notEndedAt("rv", "cr", T)}
     ),
     granted AS (
       SELECT h.uid, h.cid, h.gids, h.vid, cr."repositoryId", cr."endDate" FROM hits h JOIN cr ON cr."contractId" = h.cid
       WHERE ${notExcludedAt("h.uid", `cr."contractId"`, `cr."repositoryId"`, T, oneUser ? noExclusionOfPerson("$1::text", T) : undefined)}
     ),
     -- computed once: inlined into the final LEFT JOIN, whose "granted" side the planner expects
     -- to be one row, it ran again for every granted row (a page of 50 readers: 2,500 hop look-ups)
     chains AS MATERIALIZED (
       SELECT c.uid, c.gids, hop.sinces, hop.events, nm."groupNames", nm."groupsDeleted"
       FROM (SELECT DISTINCT g.uid, g.gids FROM granted g WHERE g.gids IS NOT NULL) c
       LEFT JOIN LATERAL (${membershipHopsSql("c", T)}) hop ON TRUE
       LEFT JOIN LATERAL (
         -- names as namesOf gives them: a live group's name, else the name a deleted one kept;
         -- scalar look-ups by primary key (as joins, the planner hashed all of "Group" per row)
         SELECT array_agg(COALESCE(n.live, n.kept) ORDER BY n.k) AS "groupNames", array_agg(n.live IS NULL AND n.kept IS NOT NULL ORDER BY n.k) AS "groupsDeleted"
         FROM (
           SELECT x.k, (SELECT g."displayName" FROM "Group" g WHERE g.id = x.gid) AS live,
                  (SELECT dg."displayName" FROM "DeletedGroup" dg WHERE dg.id = x.gid) AS kept
           FROM unnest(c.gids) WITH ORDINALITY AS x(gid, k) OFFSET 0
         ) n
       ) nm ON TRUE
     )
     SELECT h.uid, h.cid, h.gids, ch.sinces, ch.events, h.vid,
            rv."ruleId", rv.name, rv.version, rv.level, rv."authorType", rv."authorId", rv."authorLabel", rv.justification,
            rv."repositoryId" AS "ruleRepositoryId", rv."contractId" AS "ruleContractId", rv."contractTypes",
            rv."confidentialityCeiling", rv."validFrom", rv."validUntil", rv."graceDaysAfterEnd", rv."recordedFrom", rv."eventId",
            h."repositoryId", h."endDate", ch."groupNames", ch."groupsDeleted",
            (SELECT r.name FROM "Repository" r WHERE r.id = h."repositoryId") AS "repositoryName",
            (SELECT r.name FROM "Repository" r WHERE r.id = rv."repositoryId") AS "ruleRepositoryName",
            (SELECT c.title FROM "Contract" c WHERE c.id = rv."contractId") AS "ruleContractTitle"
     FROM granted h JOIN rv ON rv.id = h.vid
     LEFT JOIN chains ch ON ch.uid = h.uid AND ch.gids = h.gids`,
    oneUser ? options.userIds[0] : options.userIds,
    oneContract ? options.contractIds[0] : options.contractIds,
    options.at,
  );
}

interface Names {
  groups: Map<string, { displayName: string; deleted: boolean }>;
  repositories: Map<string, string>;
  contracts: Map<string, string>;
}

/** Names of groups (a deleted group: its kept name, DeletedGroup), repositories and contracts. */
async function namesOf(db: Db, ids: { groups?: string[]; repositories?: string[]; contracts?: string[] }): Promise<Names> {
  const [groupIds, repositoryIds, contractIds] = [ids.groups ?? [], ids.repositories ?? [], ids.contracts ?? []];
  const rows =
    groupIds.length + repositoryIds.length + contractIds.length === 0
      ? []
      : await db.$queryRawUnsafe<{ k: string; id: string; name: string }[]>(
          `SELECT 'g' AS k, id, "displayName" AS name FROM "Group" WHERE id = ANY($1::text[])
           UNION ALL SELECT 'd', id, "displayName" FROM "DeletedGroup" WHERE id = ANY($1::text[])
           UNION ALL SELECT 'r', id, name FROM "Repository" WHERE id = ANY($2::text[])
           UNION ALL SELECT 'c', id, title FROM "Contract" WHERE id = ANY($3::text[])`,
          groupIds,
          repositoryIds,
          contractIds,
        );
  const groups = new Map<string, { displayName: string; deleted: boolean }>();
  // A live row wins over a kept name (ids are never reused, but a restore could bring one back).
  for (const r of rows) if (r.k === "d") groups.set(r.id, { displayName: r.name, deleted: true });
  for (const r of rows) if (r.k === "g") groups.set(r.id, { displayName: r.name, deleted: false });
  const of = (k: string) => new Map(rows.filter((r) => r.k === k).map((r) => [r.id, r.name]));
  return { groups, repositories: of("r"), contracts: of("c") };
}

const addDays = (d: Date, days: number) => new Date(d.getTime() + days * 86_400_000);

function earliest(...dates: (Date | null)[]): Date | null {
  const present = dates.filter((d): d is Date => d !== null);
  return present.length === 0 ? null : new Date(Math.min(...present.map((d) => d.getTime())));
}

/** The names reason rows carry (reasonRows reads them in its own statement). */
function namesOfRows(rows: ReasonRow[]): Names {
  const names: Names = { groups: new Map(), repositories: new Map(), contracts: new Map() };
  for (const r of rows) {
    (r.gids ?? []).forEach((g, i) => {
      const displayName = r.groupNames?.[i] ?? null;
      if (displayName !== null) names.groups.set(g, { displayName, deleted: r.groupsDeleted?.[i] ?? false });
    });
    if (r.repositoryName !== null) names.repositories.set(r.repositoryId, r.repositoryName);
    if (r.ruleRepositoryId && r.ruleRepositoryName !== null) names.repositories.set(r.ruleRepositoryId, r.ruleRepositoryName);
    if (r.ruleContractId && r.ruleContractTitle !== null) names.contracts.set(r.ruleContractId, r.ruleContractTitle);
  }
  return names;
}

/** Reasons grouped by `${userId}|${contractId}`, winning ones first (no database read: the rows carry their names). */
export function buildReasons(rows: ReasonRow[]): Map<string, Reason[]> {
  const names = namesOfRows(rows);
  const byPair = new Map<string, Reason[]>();
  const best = new Map<string, number>();
  for (const r of rows) {
    const key = `${r.uid}|${r.cid}`;
    best.set(key, Math.max(best.get(key) ?? 0, r.level));
  }
  for (const r of rows) {
    const key = `${r.uid}|${r.cid}`;
    const level = levelFromRank(r.level)!;
    const scope = ruleScopeOf(r, names);
    const reason: Reason = {
      level,
      winning: r.level === best.get(key),
      via: r.gids
        ? {
            kind: "group",
            path: r.gids.map((groupId, i) => ({
              groupId,
              displayName: names.groups.get(groupId)?.displayName ?? null,
              deleted: names.groups.get(groupId)?.deleted ?? false,
              memberSince: r.sinces![i],
              addedEventId: r.events![i] ?? null,
            })),
          }
        : { kind: "direct" },
      rule: {
        ruleId: r.ruleId,
        name: r.name,
        versionId: r.vid,
        version: r.version,
        level,
        author: { type: r.authorType, id: r.authorId, label: r.authorLabel },
        justification: r.justification,
        scope,
        validFrom: r.validFrom,
        validUntil: r.validUntil,
        graceDaysAfterEnd: r.graceDaysAfterEnd,
        recordedFrom: r.recordedFrom,
        eventId: r.eventId,
      },
      contract: {
        id: r.cid,
        repositoryId: r.repositoryId,
        repositoryName: names.repositories.get(r.repositoryId) ?? null,
        endDate: r.endDate,
        grantsUntil: earliest(r.validUntil, r.endDate ? addDays(r.endDate, r.graceDaysAfterEnd ?? 0) : null),
      },
    };
    const list = byPair.get(key) ?? [];
    list.push(reason);
    byPair.set(key, list);
  }
  for (const list of byPair.values()) {
    list.sort(
      (a, b) =>
        Number(b.winning) - Number(a.winning) ||
        levelRank(b.level) - levelRank(a.level) ||
        pathLength(a) - pathLength(b) ||
        a.rule.ruleId.localeCompare(b.rule.ruleId),
    );
  }
  return byPair;
}

const pathLength = (r: Reason) => (r.via.kind === "group" ? r.via.path.length : 0);

function maxLevel(reasons: Reason[] | undefined): Level | null {
  if (!reasons || reasons.length === 0) return null;
  return reasons.reduce((m, r) => (levelRank(r.level) > levelRank(m) ? r.level : m), reasons[0].level);
}

/** Group hops take the name the group had at T where the audit trail tells it (lib/audit/names.ts groupNamesAt). */
export async function nameGroupsAsOf(db: Db, reasons: Reason[], at: Date): Promise<void> {
  const hops = reasons.flatMap((r) => (r.via.kind === "group" ? r.via.path : []));
  const then = await groupNamesAt(db, hops.map((h) => h.groupId), at);
  for (const hop of hops) hop.displayName = then?.get(hop.groupId) ?? hop.displayName;
}

/**
 * Can this user open this contract at T (default now), at the requested level (default view)?
 * The answer carries every rule that grants, through every membership path, winning ones marked.
 */
export async function checkAccess(
  db: Db,
  options: { userId: string; contractId: string; at?: Date; level?: Level },
): Promise<AccessCheck> {
  const at = options.at ?? new Date();
  return withStatementTimeout(db, async (q) => {
    const rows = await reasonRows(q, { userIds: [options.userId], contractIds: [options.contractId], at });
    const reasons = buildReasons(rows).get(`${options.userId}|${options.contractId}`) ?? [];
    // A question about the past names groups as they were then (one indexed read of renames after T).
    if (options.at) await nameGroupsAsOf(q, reasons, at);
    const level = maxLevel(reasons);
    const requiredLevel = options.level ?? "view";
    const allowed = level !== null && levelRank(level) >= levelRank(requiredLevel);
    const denial = allowed ? [] : await denialsOf(q, { userId: options.userId, contractId: options.contractId, at, level, requiredLevel });
    return { allowed, level, at, reasons, denial };
  });
}

/** At most this many rule-window denials are listed (a person's rules over one contract are few). */
const MAX_RULE_DENIALS = 20;

/**
 * Why a check said no. Bounded, indexed reads in one statement: the person's status interval at or before T
 * (UserStatusInterval by userId, validFrom), the contract's revision at or before T
 * (ContractRevision by contractId, validFrom), and the rules in force at T that reach the person
 * (their groups at T through group-graph.ts, or directly) and cover the contract, whatever their
 * window says.
 */
async function denialsOf(
  db: Db,
  options: { userId: string; contractId: string; at: Date; level: Level | null; requiredLevel: Level },
): Promise<Denial[]> {
  const { userId, contractId, at } = options;
  const T = ts(3);
  // One statement (one round trip): the status interval and the contract revision at or before T,
  // the rules in force at T reaching the person and covering the contract, and the exclusions.
  const [row] = await db.$queryRawUnsafe<
    {
      active: boolean | null;
      statusFrom: Date | null;
      statusTo: Date | null;
      firstStatus: Date | null;
      revisionFrom: Date | null;
      endDate: Date | null;
      firstRevision: Date | null;
      ruleIds: string[] | null;
      ruleNames: string[] | null;
      ruleFroms: (Date | null)[] | null;
      ruleUntils: (Date | null)[] | null;
      exclusions: { id: string; source: string; campaignId: string | null; reason: string; contractId: string | null; createdByLabel: string | null }[] | null;
      exclusionFroms: Date[] | null;
      walls: Omit<Parameters<typeof wallDenialOf>[0], "activatedAt">[] | null;
      wallFroms: Date[] | null;
    }[]
  >(
    `${PLAN_CACHED}WITH RECURSIVE
     ${personGroupsCte("$1", T)},
     st AS (
       SELECT us.active, us."validFrom", us."validTo" FROM "UserStatusInterval" us
       WHERE us."userId" = $1 AND us."validFrom" <= ${T} ORDER BY us."validFrom" DESC LIMIT 1
     ),
     rev AS (
       SELECT c."validFrom", c."endDate" FROM "ContractRevision" c
       WHERE c."contractId" = $2 AND c."validFrom" <= ${T} ORDER BY c."validFrom" DESC LIMIT 1
     ),
     cr AS (SELECT c.* FROM "ContractRevision" c WHERE c."contractId" = $2 AND ${validAt("c", T)}),
     rv AS (
       SELECT v.* FROM anc JOIN "AccessRuleVersion" v ON v."groupId" = anc.gid
       WHERE v."principalType" = 'group' AND ${inForceAt("v", T)}
       UNION ALL
       SELECT v.* FROM "AccessRuleVersion" v WHERE v."principalType" = 'user' AND v."userId" = $1 AND ${inForceAt("v", T)}
     ),
     rules AS (
       SELECT DISTINCT rv."ruleId", rv.name, rv."validFrom", rv."validUntil" FROM rv JOIN cr ON ${scopeCovers("rv", "cr")}
       ORDER BY rv."ruleId" LIMIT ${MAX_RULE_DENIALS + 1}
     )
     SELECT (SELECT active FROM st) AS active, (SELECT "validFrom" FROM st) AS "statusFrom", (SELECT "validTo" FROM st) AS "statusTo",
            (SELECT min(f."validFrom") FROM "UserStatusInterval" f WHERE f."userId" = $1) AS "firstStatus",
            (SELECT "validFrom" FROM rev) AS "revisionFrom", (SELECT "endDate" FROM rev) AS "endDate",
            (SELECT min(f."validFrom") FROM "ContractRevision" f WHERE f."contractId" = $2) AS "firstRevision",
            (SELECT array_agg("ruleId" ORDER BY "ruleId") FROM rules) AS "ruleIds",
            (SELECT array_agg(name ORDER BY "ruleId") FROM rules) AS "ruleNames",
            (SELECT array_agg("validFrom" ORDER BY "ruleId")::timestamp(3)[] FROM rules) AS "ruleFroms",
            (SELECT array_agg("validUntil" ORDER BY "ruleId")::timestamp(3)[] FROM rules) AS "ruleUntils",
            -- The exclusions valid at T naming the person on the contract or its repository then
            -- (the same rows as the deny seam notExcludedAt, a narrowed one only on its types and confidentialities), in the same round trip.
            (SELECT json_agg(json_build_object('id', x.id, 'source', x.source, 'campaignId', x."campaignId", 'reason', x.reason,
                                               'contractId', x."contractId", 'createdByLabel', x."createdByLabel") ORDER BY x."validFrom", x.id)
               FROM "Exclusion" x WHERE x."userId" = $1 AND (x."contractId" = $2 OR EXISTS (SELECT 1 FROM cr WHERE x."repositoryId" = cr."repositoryId" AND ${exclusionCovers("x", "cr")})) AND ${validAt("x", T)}) AS exclusions,
            (SELECT array_agg(x."validFrom" ORDER BY x."validFrom", x.id)::timestamp(3)[]
               FROM "Exclusion" x WHERE x."userId" = $1 AND (x."contractId" = $2 OR EXISTS (SELECT 1 FROM cr WHERE x."repositoryId" = cr."repositoryId" AND ${exclusionCovers("x", "cr")})) AND ${validAt("x", T)}) AS "exclusionFroms",
            -- The ethical walls denying the pair at T (the deny seam's notWalledAt), likewise.
            (SELECT json_agg(json_build_object('wallId', wd."wallId", 'wallName', wd."wallName", 'kind', wd.kind, 'sideId', wd."sideId",
                                               'sideName', wd."sideName", 'onRoster', wd."onRoster", 'acknowledged', wd.acknowledged,
                                               'personSideId', wd."personSideId", 'personSideName', wd."personSideName")
                             ORDER BY wd."activatedAt", wd."wallId", wd."sidePosition" NULLS FIRST)
               FROM (${wallDenialRowsSql("$1", "$2", `(SELECT "repositoryId" FROM cr)`, T)}) wd) AS walls,
            (SELECT array_agg(wd."activatedAt" ORDER BY wd."activatedAt", wd."wallId", wd."sidePosition" NULLS FIRST)::timestamp(3)[]
               FROM (${wallDenialRowsSql("$1", "$2", `(SELECT "repositoryId" FROM cr)`, T)}) wd) AS "wallFroms"`,
    userId,
    contractId,
    at,
  );
  const rules = (row.ruleIds ?? []).map((ruleId, i) => ({ ruleId, name: row.ruleNames![i], validFrom: row.ruleFroms![i], validUntil: row.ruleUntils![i] }));
  const status = { active: row.active, validFrom: row.statusFrom, validTo: row.statusTo, first: row.firstStatus };
  const revision = { validFrom: row.revisionFrom, endDate: row.endDate, first: row.firstRevision };
  // The validity instants come as a timestamp array (json would drop the UTC marker), in the same order.
  const exclusions = (row.exclusions ?? []).map((x, i) => ({ ...x, validFrom: row.exclusionFroms![i] }));
  const walls = distinctWallDenials((row.walls ?? []).map((w, i) => ({ ...w, activatedAt: row.wallFroms![i] })));
  const denial: Denial[] = walls.map((w) => ({ code: "wall" as const, ...w }));
  denial.push(...exclusions.map((x): Denial => ({
    code: "excluded",
    exclusionId: x.id,
    source: x.source,
    campaignId: x.campaignId,
    reason: x.reason,
    scope: x.contractId ? "contract" : "repository",
    since: x.validFrom,
    by: x.createdByLabel,
  })));
  if (status.validFrom === null) denial.push({ code: "user_not_yet_provisioned", provisionedAt: status.first });
  // A deleted person's intervals are all closed; deactivation opens an inactive one instead.
  else if (status.validTo !== null && status.validTo <= at) denial.push({ code: "user_deleted", at: status.validTo });
  else if (!status.active) denial.push({ code: "user_inactive", since: status.validFrom });
  if (revision.validFrom === null) denial.push({ code: "contract_not_yet_created", createdAt: revision.first });
  else if (revision.endDate !== null && revision.endDate <= at) denial.push({ code: "contract_ended", endedAt: revision.endDate });
  for (const r of rules.slice(0, MAX_RULE_DENIALS)) {
    if (r.validUntil !== null && r.validUntil <= at) denial.push({ code: "grant_expired", ruleId: r.ruleId, ruleName: r.name, validUntil: r.validUntil });
    else if (r.validFrom !== null && r.validFrom > at) denial.push({ code: "grant_not_started", ruleId: r.ruleId, ruleName: r.name, validFrom: r.validFrom });
  }
  if (options.level !== null) denial.push({ code: "level_too_low", level: options.level, requiredLevel: options.requiredLevel });
  if (rules.length === 0) denial.push({ code: "no_rule" });
  return denial;
}

/** notExcludedAt's `none` for the statements about the contract of CTE `target` (contractRulesCtes). */
const noExclusionOnTarget = (T: string) => noExclusionOnContract(`(SELECT "contractId" FROM target)`, `(SELECT "repositoryId" FROM target)`, T);

/**
 * CTEs `target` (the contract `$1`'s revision at t) and `rv` (the rule versions that grant on it
 * at t, group and direct ones).
 */
const contractRulesCtes = (T: string) => `target AS (SELECT c.* FROM "ContractRevision" c WHERE c."contractId" = $1 AND ${validAt("c", T)}),
       rv AS (
         SELECT v.* FROM "AccessRuleVersion" v, target cr
         WHERE v."contractId" = cr."contractId" AND ${grantsAt("v", T)} AND ${notEndedAt("v", "cr", T)}
         UNION ALL
         SELECT v.* FROM "AccessRuleVersion" v, target cr
         WHERE v."repositoryId" = cr."repositoryId" AND v."contractId" IS NULL AND ${grantsAt("v", T)}
           AND ${scopeCovers("v", "cr")} AND ${notEndedAt("v", "cr", T)}
       )`;

/**
 * Everyone who can open the contract at T, with their level and reasons; ordered by userName.
 * Set-based: the rules covering the contract → their groups → nested groups downwards (each edge
 * valid at T) → member users active at T → max level per user, counted and paginated in SQL.
 */
export async function whoCanAccessContract(
  db: Db,
  options: {
    contractId: string;
    at?: Date;
    offset: number;
    limit: number;
    /** Internal (tests): the reader count from which pages walk "User" in name order. */
    keysetFrom?: number;
    /**
     * false: the page without its reasons (every `reasons` empty) — one statement less, for
     * callers that show readers and levels only (AuthZEN's subject search, counts).
     */
    reasons?: boolean;
  },
): Promise<PageOf<{ user: UserRef; level: Level; reasons: Reason[] }>> {
  checkWindow(options.offset, options.limit);
  return withStatementTimeout(db, async (q: Db) => {
    const at = options.at ?? new Date();
    const T = ts(2);
    const rows = await q.$queryRawUnsafe<
      { total: number; uid: string | null; lvl: number | null; userName: string | null; displayName: string | null; directoryId: string | null }[]
    >(
      `WITH RECURSIVE
       ${contractRulesCtes(T)},
       ${descendantGroupsCte(`SELECT "groupId", max(level) FROM rv WHERE "principalType" = 'group' GROUP BY "groupId"`, T, ["lvl"])},
       cand AS (
         ${groupPeopleSql({ groups: "(SELECT gid, max(lvl) AS lvl FROM down GROUP BY gid)", at: T, columns: ["g.lvl"] })}
         UNION ALL
         SELECT "userId", level FROM rv WHERE "principalType" = 'user'
       ),
       best AS MATERIALIZED (SELECT uid, max(lvl) AS lvl FROM cand GROUP BY uid),
       -- many candidates: hash the users active at T once; few: probe each
       eff AS (
         SELECT b.uid, b.lvl FROM best b
         WHERE CASE WHEN (SELECT count(*) FROM best) > $5::int THEN ${activeSetAt("b.uid", T)} ELSE ${activeAt("b.uid", T)} END
           AND ${notExcludedAt("b.uid", `(SELECT "contractId" FROM target)`, `(SELECT "repositoryId" FROM target)`, T, noExclusionOnTarget(T))}
       ),
       tot AS (SELECT count(*)::int AS total FROM eff),
       -- Many readers: walk "User" in page order and stop after offset + limit rows, testing each
       -- against the hashed set of readers ("IS TRUE" keeps it a hashed subplan, not a join that
       -- would visit every reader). Chosen when that walk is shorter than joining and sorting
       -- every reader: (offset + limit) × users ÷ total rows visited, against total.
       keyset AS (
         SELECT t.total >= $5::int AND ($3::bigint + $4::bigint)::float8 * (SELECT greatest(c.reltuples, 0) FROM pg_class c WHERE c.oid = '"User"'::regclass)
                <= t.total::float8 * t.total AS walk
         FROM tot t
       ),
       named AS (
         SELECT u.id AS uid, u."userName", u."displayName", u."directoryId" FROM "User" u
         WHERE (SELECT walk FROM keyset) AND (u.id IN (SELECT uid FROM eff)) IS TRUE
         ORDER BY u."userName", u.id
         LIMIT $3::bigint + $4::bigint
       ),
       page AS (
         SELECT * FROM named
         UNION ALL
         -- readers without a "User" row (deleted since T) sort after everyone named; only looked
         -- for when the page reaches past the named readers
         SELECT e.uid, NULL, NULL, NULL FROM eff e
         WHERE (SELECT walk FROM keyset) AND (SELECT count(*) FROM named) < $3::bigint + $4::bigint
           AND NOT EXISTS (SELECT 1 FROM "User" u WHERE u.id = e.uid)
         UNION ALL
         -- few readers: join and sort them all
         SELECT e.uid, u."userName", u."displayName", u."directoryId" FROM eff e LEFT JOIN "User" u ON u.id = e.uid
         WHERE NOT (SELECT walk FROM keyset)
       )
       SELECT t.total, p.*, e.lvl FROM tot t
       LEFT JOIN LATERAL (
         SELECT * FROM page ORDER BY "userName" NULLS LAST, uid OFFSET $3::bigint LIMIT $4::bigint
       ) p ON TRUE
       LEFT JOIN eff e ON e.uid = p.uid
       ORDER BY p."userName" NULLS LAST, p.uid`,
      options.contractId,
      at,
      options.offset,
      options.limit,
      options.keysetFrom ?? KEYSET_FROM,
    );
    const total = toInt(rows[0]?.total);
    const page = rows.filter((r) => r.uid !== null);
    const reasons =
      options.reasons === false
        ? new Map<string, Reason[]>()
        : buildReasons(await reasonRows(q, { userIds: page.map((r) => r.uid!), contractIds: [options.contractId], at }));
    return {
      total,
      items: page.map((r) => ({
        user: { id: r.uid!, userName: r.userName, displayName: r.displayName, directoryId: r.directoryId },
        level: levelFromRank(r.lvl)!,
        reasons: reasons.get(`${r.uid}|${options.contractId}`) ?? [],
      })),
    };
  });
}

/**
 * Every contract the user can open at T, with level and reasons; ordered by title. Set-based: the
 * user's groups upwards (each edge valid at T) → rules granting at T → contracts in scope at T.
 */
/** Narrows a person's contracts before paging (the dashboard's search and filters). */
export interface ContractsOfUserFilter {
  /** Part of the title, or the external reference. */
  q?: string;
  repositoryId?: string;
  /** At least this level. */
  level?: Level;
  /** Contracts whose end date (as their revision at `at` says) falls within this many days after `at`. */
  endingWithinDays?: number;
}

export async function contractsOfUser(
  db: Db,
  options: {
    userId: string;
    at?: Date;
    offset: number;
    limit: number;
    filter?: ContractsOfUserFilter;
    /** Internal (tests): page by walking "Contract" in title order (true), by sorting (false); default: by cost. */
    walk?: boolean;
    /**
     * false: the page without its reasons (every `reasons` empty) — one statement less, for
     * callers that need contracts and levels only (AuthZEN's resource search, counts).
     */
    reasons?: boolean;
  },
): Promise<PageOf<{ contract: ContractRef; level: Level; reasons: Reason[] }>> {
  checkWindow(options.offset, options.limit);
  return withStatementTimeout(db, async (q: Db) => {
    const at = options.at ?? new Date();
    const T = ts(2);
    const f = options.filter ?? {};
    // Filter parameters follow the four fixed ones; each condition only when its filter is set.
    const params: unknown[] = [];
    const param = (v: unknown) => `$${4 + params.push(v)}`;
    const titleWhere = f.q ? `(c.title ILIKE ${param(`%${f.q.replace(/[\\%_]/g, (m) => `\\${m}`)}%`)} OR c."externalRef" = ${param(f.q)})` : null;
    const where = [
      f.repositoryId ? `b."repositoryId" = ${param(f.repositoryId)}` : null,
      f.level ? `b.lvl >= ${param(levelRank(f.level))}` : null,
      f.endingWithinDays !== undefined
        ? `EXISTS (SELECT 1 FROM "ContractRevision" cr WHERE cr."contractId" = b.cid AND ${validAt("cr", T)}
                   AND cr."endDate" > ${T} AND cr."endDate" <= ${T} + make_interval(days => ${param(f.endingWithinDays)}::int))`
        : null,
    ].filter(Boolean);
    // Many contracts: walk "Contract" in title order and stop after offset + limit rows, testing
    // each against the hashed set (as whoCanAccessContract walks "User"), instead of reading the
    // title of every contract to sort them (6,911 index probes for a user at scale). Chosen when
    // that walk, (offset + limit) × contracts ÷ total rows, is shorter than the total. A title
    // search needs every title, so it sorts. Contracts are never deleted: every cid has its row.
    const walk =
      f.q || options.walk === false
        ? "FALSE"
        : options.walk === true
          ? "TRUE"
          : `(SELECT ($3::bigint + $4::bigint)::float8 * (SELECT greatest(c.reltuples, 0) FROM pg_class c WHERE c.oid = '"Contract"'::regclass)
                     <= t.total::float8 * t.total FROM tot t)`;
    const rows = await q.$queryRawUnsafe<
      {
        total: number;
        cid: string | null;
        lvl: number | null;
        title: string | null;
        externalRef: string | null;
        repositoryId: string | null;
        repositoryName: string | null;
        confidentiality: number | null;
        contractType: string | null;
      }[]
    >(
      `WITH RECURSIVE
       act AS (SELECT 1 AS ok WHERE ${activeAt("$1", T)}),
       ${personGroupsCte("$1", T, "EXISTS (SELECT 1 FROM act)")},
       rules AS (
         SELECT v.id AS key, v.* FROM anc JOIN "AccessRuleVersion" v ON v."groupId" = anc.gid
         WHERE v."principalType" = 'group' AND ${grantsAt("v", T)}
         UNION ALL
         SELECT v.id AS key, v.* FROM "AccessRuleVersion" v
         WHERE v."principalType" = 'user' AND v."userId" = $1 AND ${grantsAt("v", T)} AND EXISTS (SELECT 1 FROM act)
       ),
       cov AS (${coveragePerRuleSql("rules", T, "TRUE", ["level"])}),
       -- one revision per contract is valid at T: min() just picks its attributes
       best AS (
         SELECT cov."contractId" AS cid, max(cov.level) AS lvl, min(cov."repositoryId") AS "repositoryId",
                min(cov.confidentiality) AS confidentiality, min(cov."contractType") AS "contractType"
         FROM cov GROUP BY cov."contractId"
       ),
       fb AS MATERIALIZED (SELECT b.* FROM best b WHERE ${[notExcludedAt("$1", "b.cid", `b."repositoryId"`, T, noExclusionOfPerson("$1", T), { gate: true }), ...where].join(" AND ")}),
       sel AS (
         SELECT b.cid, b.lvl, c.title, c."externalRef", b."repositoryId", b.confidentiality, b."contractType"
         FROM fb b JOIN "Contract" c ON c.id = b.cid
         ${titleWhere ? `WHERE ${titleWhere}` : ""}
       ),
       tot AS (SELECT count(*)::int AS total FROM ${titleWhere ? "sel" : "fb"}),
       keyset AS (SELECT ${walk} AS walk),
       walked AS (
         SELECT c.id AS cid FROM "Contract" c
         WHERE (SELECT walk FROM keyset) AND (c.id IN (SELECT cid FROM fb)) IS TRUE
         ORDER BY c.title, c.id LIMIT $3::bigint + $4::bigint
       ),
       page AS (
         SELECT s.* FROM sel s WHERE NOT (SELECT walk FROM keyset)
         UNION ALL
         SELECT b.cid, b.lvl, c.title, c."externalRef", b."repositoryId", b.confidentiality, b."contractType"
         FROM walked w JOIN fb b ON b.cid = w.cid JOIN "Contract" c ON c.id = w.cid
       )
       SELECT t.total, p.*, (SELECT r.name FROM "Repository" r WHERE r.id = p."repositoryId") AS "repositoryName" FROM tot t
       LEFT JOIN LATERAL (
         SELECT * FROM page ORDER BY page.title, page.cid
         OFFSET $3 LIMIT $4
       ) p ON TRUE`,
      options.userId,
      at,
      options.offset,
      options.limit,
      ...params,
    );
    const total = toInt(rows[0]?.total);
    const page = rows.filter((r) => r.cid !== null);
    const bare = options.reasons === false;
    const reasons = bare ? new Map<string, Reason[]>() : buildReasons(await reasonRows(q, { userIds: [options.userId], contractIds: page.map((r) => r.cid!), at }));

    return {
      total,
      items: page.map((r) => ({
        contract: {
          id: r.cid!,
          title: r.title,
          externalRef: r.externalRef,
          repositoryId: r.repositoryId!,
          repositoryName: r.repositoryName,
          confidentiality: confidentialityFromRank(r.confidentiality!),
          contractType: r.contractType!,
        },
        level: levelFromRank(r.lvl)!,
        reasons: reasons.get(`${options.userId}|${r.cid}`) ?? [],
      })),
    };
  });
}

// ---------------------------------------------------------------------------------------------
// Readers grouped by reason: the same answer as whoCanAccessContract, one row per distinct reason
// (rule version, level, membership chain) with how many people it reaches, so thousands of people
// through one group read as one line. Grouped and counted in SQL; people are fetched a page at a
// time, per reason or by a name search.

/** One reason shared by `people` readers of the contract. */
export interface ReaderReasonGroup {
  /** Names the reason for readersOfContract: `${versionId}:${group ids, comma-separated}` or `${versionId}:direct`. */
  key: string;
  people: number;
  level: Level;
  rule: Pick<RuleRef, "ruleId" | "name" | "versionId" | "version" | "level" | "justification" | "scope">;
  via: { kind: "group"; path: { groupId: string; displayName: string | null; deleted: boolean }[] } | { kind: "direct" };
}

export interface ReaderRow {
  user: UserRef & { active: boolean | null };
  /** The reader's effective (highest) level. */
  level: Level;
}

const reasonKey = (versionId: string, gids: string[] | null) => `${versionId}:${gids ? gids.join(",") : "direct"}`;

function parseReasonKey(key: string): { versionId: string; gids: string[] | null } {
  const i = key.indexOf(":");
  const versionId = key.slice(0, i);
  const rest = key.slice(i + 1);
  if (i < 1 || !rest) throw new AppError("invalid_input", "reason is not a reason key");
  return { versionId, gids: rest === "direct" ? null : rest.split(",") };
}

/**
 * CTEs after contractRulesCtes: `rr(uid, vid, gids)` every (reader, rule version, chain) granting
 * at T, `act(uid)` the readers active at T (the same set whoCanAccessContract lists).
 */
const readerReasonsCtes = (T: string) => `${contractRulesCtes(T)},
       rg AS (SELECT DISTINCT "groupId" AS gid FROM rv WHERE "principalType" = 'group'),
       ${memberChainsCte("rg", T)},
       rr AS MATERIALIZED (
         SELECT c.uid, v.id AS vid, c.gids FROM chain c JOIN rv v ON v."principalType" = 'group' AND v."groupId" = c.gid
         UNION ALL
         SELECT v."userId", v.id, NULL::text[] FROM rv v WHERE v."principalType" = 'user'
       ),
       act AS MATERIALIZED (
         SELECT r.uid FROM (SELECT DISTINCT uid FROM rr) r
         WHERE ${activeSetAt("r.uid", T)} AND ${notExcludedAt("r.uid", `(SELECT "contractId" FROM target)`, `(SELECT "repositoryId" FROM target)`, T, noExclusionOnTarget(T))}
       )`;

/** The reasons people can open the contract at T, each with its number of readers; highest level, then most people, first. */
export async function readerReasonGroups(db: Db, options: { contractId: string; at?: Date }): Promise<ReaderReasonGroup[]> {
  const at = options.at ?? new Date();
  return withStatementTimeout(db, async (q) => {
    const T = ts(2);
    const rows = await q.$queryRawUnsafe<
      {
        vid: string;
        gids: string[] | null;
        n: number;
        ruleId: string;
        name: string;
        version: number;
        level: number;
        justification: string;
        ruleRepositoryId: string | null;
        ruleContractId: string | null;
        contractTypes: string[];
        confidentialityCeiling: number | null;
      }[]
    >(
      `WITH RECURSIVE ${readerReasonsCtes(T)},
       grp AS (SELECT rr.vid, rr.gids, count(*)::int AS n FROM rr WHERE rr.uid IN (SELECT uid FROM act) GROUP BY rr.vid, rr.gids)
       SELECT g.vid, g.gids, g.n, v."ruleId", v.name, v.version, v.level, v.justification, v."repositoryId" AS "ruleRepositoryId",
              v."contractId" AS "ruleContractId", v."contractTypes", v."confidentialityCeiling"
       FROM grp g JOIN "AccessRuleVersion" v ON v.id = g.vid
       ORDER BY v.level DESC, g.n DESC, v."ruleId", g.gids`,
      options.contractId,
      at,
    );
    const names = await namesOf(q, {
      groups: [...new Set(rows.flatMap((r) => r.gids ?? []))],
      repositories: [...new Set(rows.flatMap((r) => (r.ruleRepositoryId ? [r.ruleRepositoryId] : [])))],
      contracts: [...new Set(rows.flatMap((r) => (r.ruleContractId ? [r.ruleContractId] : [])))],
    });
    return rows.map((r) => {
      const level = levelFromRank(r.level)!;
      const scope = ruleScopeOf(r, names);
      return {
        key: reasonKey(r.vid, r.gids),
        people: toInt(r.n),
        level,
        rule: { ruleId: r.ruleId, name: r.name, versionId: r.vid, version: r.version, level, justification: r.justification, scope },
        via: r.gids
          ? {
              kind: "group" as const,
              path: r.gids.map((groupId) => ({
                groupId,
                displayName: names.groups.get(groupId)?.displayName ?? null,
                deleted: names.groups.get(groupId)?.deleted ?? false,
              })),
            }
          : { kind: "direct" as const },
      };
    });
  });
}

/**
 * One page of the contract's readers at T, ordered by userName: those one reason (a key from
 * readerReasonGroups) reaches, or those whose user name or display name contains `q` — the latter
 * with all their reasons, as whoCanAccessContract gives them.
 */
export async function readersOfContract(
  db: Db,
  options: { contractId: string; at?: Date; reason?: string; q?: string; offset: number; limit: number },
): Promise<PageOf<ReaderRow & { reasons?: Reason[] }>> {
  checkWindow(options.offset, options.limit);
  const at = options.at ?? new Date();
  const reason = options.reason ? parseReasonKey(options.reason) : null;
  const like = options.q ? `%${options.q.toLowerCase().replace(/[\\%_]/g, (m) => `\\${m}`)}%` : null;
  // Filter parameters follow the four fixed ones, each only when its filter is set.
  const params: unknown[] = [];
  const param = (v: unknown) => `$${4 + params.push(v)}`;
  return withStatementTimeout(db, async (q) => {
    const T = ts(2);
    const rows = await q.$queryRawUnsafe<
      { total: number; uid: string | null; userName: string | null; displayName: string | null; directoryId: string | null; active: boolean | null; lvl: number | null }[]
    >(
      `WITH RECURSIVE ${readerReasonsCtes(T)},
       -- One reason: its rows of rr, tested against the active readers; else every active
       -- reader. Set tests as hashed subplans ("IS TRUE"): the planner cannot estimate CTEs and
       -- would otherwise probe one CTE per row of the other.
       sel AS (
         ${reason
           ? `SELECT rr.uid FROM rr WHERE rr.vid = ${param(reason.versionId)} AND rr.gids IS NOT DISTINCT FROM ${param(reason.gids)}::text[]
                AND (rr.uid IN (SELECT uid FROM act)) IS TRUE`
           : `SELECT act.uid FROM act WHERE TRUE`}
           ${like ? `AND (${reason ? "rr" : "act"}.uid IN (SELECT u.id FROM "User" u WHERE u."userNameKey" LIKE ${param(like)} OR lower(u."displayName") LIKE $${params.length + 4})) IS TRUE` : ""}
       ),
       tot AS (SELECT count(*)::int AS total FROM sel)
       SELECT t.total, p.*, (SELECT max(v.level) FROM rr JOIN rv v ON v.id = rr.vid WHERE rr.uid = p.uid) AS lvl
       FROM tot t LEFT JOIN LATERAL (
         SELECT s.uid, u."userName", u."displayName", u."directoryId", u.active FROM sel s LEFT JOIN "User" u ON u.id = s.uid
         ORDER BY u."userName" NULLS LAST, s.uid OFFSET $3::bigint LIMIT $4::bigint
       ) p ON TRUE
       ORDER BY p."userName" NULLS LAST, p.uid`,
      options.contractId,
      at,
      options.offset,
      options.limit,
      ...params,
    );
    const total = toInt(rows[0]?.total);
    const page = rows.filter((r) => r.uid !== null);
    // A search shows each person with their reasons; a reason's list already says why.
    const reasons = reason
      ? null
      : buildReasons(await reasonRows(q, { userIds: page.map((r) => r.uid!), contractIds: [options.contractId], at }));
    return {
      total,
      items: page.map((r) => ({
        user: { id: r.uid!, userName: r.userName, displayName: r.displayName, directoryId: r.directoryId, active: r.active },
        level: levelFromRank(r.lvl)!,
        ...(reasons ? { reasons: reasons.get(`${r.uid}|${options.contractId}`) ?? [] } : {}),
      })),
    };
  });
}
