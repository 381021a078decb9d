// Access change events: every change that alters effective access records `access.granted` /
// `access.revoked` audit events at (user, repository) granularity, with contract counts, levels
// and the cause, in the same transaction as the change (DESIGN.md §1). Effective access is derived,
// so "what changed" is found by summarising the affected users' access just before and just
// after the change — whatever the change was (membership, status, rule) — and comparing.
import type { AccessChangeDocument, AuditAction, AuditDocument } from "@/lib/audit/actions";
import { recordAuditEvent, type Actor } from "@/lib/audit/record";
import { currentNames, mergeNames, referencesOf, type AuditNames } from "@/lib/audit/names";
import type { Tx } from "@/lib/db/errors";
import { levelFromRank } from "./levels";
import { diffSnapshots, snapshotAccess, type RepositoryAccessChange } from "./snapshot";
import { ancestorGroupsCte, descendantGroupsCte, groupPeopleSql, usersInGroups } from "./group-graph";
import { activeAt, grantsAt, ruleReachesAnc, ts, validAt, type Db } from "./sql";
import { now as clockNow } from "@/lib/clock";
import { recordWallPeopleThroughGroups, wallScopeRepositories, wallsWithGroupOnRoster } from "./walls";


export interface AccessChangeCause {
  /**
   * What changed access: membership.added / membership.removed / membership.changed /
   * group.deleted / user.activated / user.deactivated / user.deleted / rule.created /
   * rule.updated / rule.deleted / contract.end / rule.expiry / rule.start / contract.updated …
   */
  kind: string;
  /** The audit event of the causing change. */
  eventId?: string;
  description?: string;
  /** The group whose membership changed (its name is stored with the events: lib/audit/names.ts). */
  groupId?: string;
  /** The causing subjects when there are several (timed effects), capped. */
  subjects?: { kind: string; id: string; eventId?: string | null }[];
}

/**
 * Whether any rule grants at `at` through this group: to the group itself or to a group it is
 * (transitively) a member of. When none does, no membership change of this group can change
 * anyone's access — the cheap test that keeps SCIM membership PATCHes fast.
 */
export async function groupGrantsAccess(db: Db, groupId: string, at: Date = clockNow()): Promise<boolean> {
  const T = ts(2);
  const [row] = await db.$queryRawUnsafe<{ found: boolean }[]>(
    `WITH RECURSIVE ${ancestorGroupsCte("SELECT $1::text", T)} SELECT ${ruleReachesAnc(T)} AS found`,
    groupId,
    at,
  );
  return row.found;
}

/**
 * The repositories in which rules reaching members of this group grant at `at`: rules on the group
 * itself or on a group it is (transitively) a member of. Empty when no rule grants through it.
 */
export async function repositoriesGrantedThroughGroup(db: Db, groupId: string, at: Date = clockNow()): Promise<string[]> {
  const T = ts(2);
  const rows = await db.$queryRawUnsafe<{ rid: string }[]>(
    `WITH RECURSIVE ${ancestorGroupsCte("SELECT $1::text", T)}
     SELECT DISTINCT COALESCE(v."repositoryId", cr."repositoryId") AS rid
     FROM anc JOIN "AccessRuleVersion" v ON v."groupId" = anc.gid
     LEFT JOIN "ContractRevision" cr ON cr."contractId" = v."contractId" AND ${validAt("cr", T)}
     WHERE ${grantsAt("v", T)} AND COALESCE(v."repositoryId", cr."repositoryId") IS NOT NULL`,
    groupId,
    at,
  );
  return rows.map((r) => r.rid);
}

/**
 * The repositories rule scopes touch at `at` (a repository, or the repository a contract is in):
 * what a rule change passes as `repositoryIds` to trackAccessChanges, so a rule on a group of
 * 50,000 people summarises their access in those repositories only.
 */
export async function ruleScopeRepositories(
  db: Db,
  scopes: ({ repositoryId?: string | null; contractId?: string | null } | null | undefined)[],
  at: Date = clockNow(),
): Promise<string[]> {
  const repositories = new Set<string>();
  const contracts: string[] = [];
  for (const scope of scopes) {
    if (scope?.repositoryId) repositories.add(scope.repositoryId);
    else if (scope?.contractId) contracts.push(scope.contractId);
  }
  if (contracts.length > 0) {
    const rows = await db.$queryRawUnsafe<{ rid: string }[]>(
      `SELECT DISTINCT cr."repositoryId" AS rid FROM "ContractRevision" cr
       WHERE cr."contractId" = ANY($1::text[]) AND ${validAt("cr", ts(2))}`,
      contracts,
      at,
    );
    for (const r of rows) repositories.add(r.rid);
  }
  return [...repositories];
}

/**
 * Active users any rule granting at `at` in these repositories reaches (members of its group,
 * nested included, or the user of a direct grant): the users a change to contracts of these
 * repositories can affect — e.g. a contract moved between repositories, or its type,
 * confidentiality or end date changed, tracked with repositoryIds = [old, new repository].
 */
export async function usersReachedInRepositories(
  db: Db,
  options: { repositoryIds: string[]; at?: Date },
): Promise<string[]> {
  if (options.repositoryIds.length === 0) return [];
  const T = ts(2);
  const rows = await db.$queryRawUnsafe<{ uid: string }[]>(
    `WITH RECURSIVE
     scope AS (SELECT DISTINCT unnest($1::text[]) AS rid),
     rules AS (
       SELECT v."principalType", v."groupId", v."userId" FROM scope JOIN "AccessRuleVersion" v ON v."repositoryId" = scope.rid
       WHERE v."contractId" IS NULL AND ${grantsAt("v", T)}
       UNION
       SELECT v."principalType", v."groupId", v."userId" FROM "AccessRuleVersion" v
       JOIN "ContractRevision" cr ON cr."contractId" = v."contractId" AND ${validAt("cr", T)}
       WHERE v."contractId" IS NOT NULL AND ${grantsAt("v", T)} AND cr."repositoryId" IN (SELECT rid FROM scope)
     ),
     ${descendantGroupsCte(`SELECT "groupId" FROM rules WHERE "principalType" = 'group'`, T)},
     reached AS (
       ${groupPeopleSql({ groups: "down", at: T })}
       UNION
       SELECT "userId" FROM rules WHERE "principalType" = 'user'
     )
     SELECT uid FROM reached WHERE ${activeAt("reached.uid", T)}`,
    options.repositoryIds,
    options.at ?? clockNow(),
  );
  return rows.map((r) => r.uid);
}

/**
 * Runs `change` and records access.granted / access.revoked events for every (user, repository)
 * among `userIds` whose access it altered, in the caller's transaction.
 *
 * `userIds` (a list, or a function evaluated before the change) must include every user the
 * change can affect; an empty list skips all work. For a rule change, pass the users of the
 * principal before ∪ after (usersInGroup for groups) and, so that a rule on a very large group
 * stays fast, `repositoryIds` = ruleScopeRepositories(tx, [before, after]). `repositoryIds`
 * limits the comparison to repositories the change can affect (an empty list skips all work);
 * without it, all of the users' access is compared. `cause` may be a function of the change's
 * result, for when the causing audit event is recorded inside `change`.
 *
 * The "before" summary is taken before `change` runs and the "after" summary once it has run,
 * each at the current time. The change must therefore write its history rows (membership
 * intervals, status intervals, rule versions) with a timestamp taken from the application clock
 * no later than its own return — which every service does (`now = clockNow()`, lib/clock.ts).
 */
export async function trackAccessChanges<T>(
  tx: Tx,
  options: {
    userIds: string[] | (() => Promise<string[]>);
    repositoryIds?: string[] | (() => Promise<string[]>);
    actor: Actor;
    cause: AccessChangeCause | ((result: T) => AccessChangeCause);
  },
  change: () => Promise<T>,
): Promise<T> {
  const repositoryIds = typeof options.repositoryIds === "function" ? await options.repositoryIds() : options.repositoryIds;
  if (repositoryIds?.length === 0) return change();
  const userIds = typeof options.userIds === "function" ? await options.userIds() : options.userIds;
  if (userIds.length === 0) return change();
  const before = await snapshotAccess(tx, { userIds, repositoryIds, at: clockNow() });
  const result = await change();
  const at = clockNow();
  const after = await snapshotAccess(tx, { userIds, repositoryIds, at });
  const cause = typeof options.cause === "function" ? options.cause(result) : options.cause;
  await recordAccessChanges(tx, { changes: diffSnapshots(before, after), actor: options.actor, cause, at });
  return result;
}

/**
 * trackAccessChanges for a membership change of one group (the group service's hook): affected
 * are the member users added/removed and the users inside member groups added/removed — none, and
 * nothing computed, when no rule grants through the group or its ancestors.
 */
export async function trackMembershipChange<T>(
  tx: Tx,
  options: {
    groupId: string;
    changes: { addedUsers: string[]; removedUsers: string[]; addedGroups: string[]; removedGroups: string[] };
    actor: Actor;
    eventId: string;
    kind?: string;
  },
  change: () => Promise<T>,
): Promise<T> {
  const c = options.changes;
  const kind =
    options.kind ??
    (c.addedUsers.length + c.addedGroups.length === 0
      ? "membership.removed"
      : c.removedUsers.length + c.removedGroups.length === 0
        ? "membership.added"
        : "membership.changed");
  if (c.addedUsers.length + c.removedUsers.length + c.addedGroups.length + c.removedGroups.length === 0) return change();
  const result = await trackAccessChanges(
    tx,
    {
      // Only the rules reaching the group can grant or revoke anything here: first their
      // repositories (none → nothing to do, nothing expanded), then the users.
      repositoryIds: () => repositoriesGrantedThroughGroup(tx, options.groupId),
      userIds: async () => [...new Set([...c.addedUsers, ...c.removedUsers, ...(await usersInGroups(tx, [...c.addedGroups, ...c.removedGroups], clockNow()))])],
      actor: options.actor,
      cause: { kind, eventId: options.eventId, description: `membership of group ${options.groupId}`, groupId: options.groupId },
    },
    change,
  );
  if (c.addedUsers.length + c.addedGroups.length > 0) await screenNewMembers(tx, { groupId: options.groupId, changes: c, actor: options.actor, eventId: options.eventId });
  return result;
}

/**
 * Ethical walls: the people who joined a group on a wall's roster (or a group inside one) are
 * recorded on the roster one by one (lib/access/walls.ts) — from then on they stay screened whatever
 * happens to the group — and, on active walls, the access this takes away is recorded as a cause
 * of its own (the walls' scope may lie in repositories the group's rules never reached).
 */
async function screenNewMembers(
  tx: Tx,
  options: { groupId: string; changes: { addedUsers: string[]; addedGroups: string[] }; actor: Actor; eventId: string },
): Promise<void> {
  const at = clockNow();
  const walls = await wallsWithGroupOnRoster(tx, { groupIds: [options.groupId], at });
  if (walls.length === 0) return;
  const active = walls.filter((w) => w.state === "active").map((w) => w.wallId);
  const repositoryIds = active.length ? [...new Set((await Promise.all(active.map((wallId) => wallScopeRepositories(tx, { wallId, at })))).flat())] : [];
  const c = options.changes;
  await trackAccessChanges(
    tx,
    {
      repositoryIds,
      userIds: async () => [...new Set([...c.addedUsers, ...(await usersInGroups(tx, c.addedGroups, at))])],
      actor: options.actor,
      cause: { kind: "wall.roster_added", eventId: options.eventId, description: `membership of group ${options.groupId} on a wall's roster`, groupId: options.groupId },
    },
    () => recordWallPeopleThroughGroups(tx, { at: clockNow(), groupIds: [options.groupId], eventId: options.eventId }),
  );
}

/** Beyond this many events, they are written with one statement. */
const BULK_THRESHOLD = 100;

/** Writes one audit event per changed (user, repository); returns how many were written. */
export async function recordAccessChanges(
  tx: Tx,
  options: {
    changes: RepositoryAccessChange[];
    actor: Actor;
    cause: AccessChangeCause;
    at: Date;
    /** Each change's own cause, when a batch of changes had several (its names: `cause`'s). */
    causeOf?: (change: RepositoryAccessChange) => AccessChangeCause;
  },
): Promise<number> {
  const { changes, actor, cause, at } = options;
  if (changes.length === 0) return 0;
  const userIds = [...new Set(changes.map((c) => c.userId))];
  const repositoryIds = [...new Set(changes.map((c) => c.repositoryId))];
  // Deleted users keep their id and directory in the status history; their name went with the row.
  const labels = await tx.$queryRawUnsafe<{ k: string; id: string; label: string | null; directoryId: string | null }[]>(
    `SELECT 'u' AS k, ids.id, u."userName" AS label,
            COALESCE(u."directoryId", (SELECT s."directoryId" FROM "UserStatusInterval" s WHERE s."userId" = ids.id LIMIT 1)) AS "directoryId"
     FROM unnest($1::text[]) AS ids(id) LEFT JOIN "User" u ON u.id = ids.id
     UNION ALL
     SELECT 'r', id, name, NULL FROM "Repository" WHERE id = ANY($2::text[])`,
    userIds,
    repositoryIds,
  );
  const users = new Map(labels.filter((l) => l.k === "u").map((l) => [l.id, l]));
  const repositories = new Map(labels.filter((l) => l.k === "r").map((l) => [l.id, l.label]));
  // The cause's names (its group, rule, contract) and the directories' once for every event.
  const directoryIds = [...new Set(labels.filter((l) => l.k === "u" && l.directoryId).map((l) => l.directoryId!))];
  const shared = await currentNames(tx, [...referencesOf({ after: { cause } }).refs, ...directoryIds.map((id) => ({ type: "Directory", id }))]);
  const { Directory: directories = {}, ...causeNames } = shared;
  const events: { action: AuditAction; directoryId: string | null; targetId: string; targetLabel: string | null; before: AuditDocument; after: AccessChangeDocument; names: AuditNames | undefined }[] = [];
  for (const c of changes) {
    const user = users.get(c.userId);
    const before = { contracts: c.before.contracts, level: levelFromRank(c.before.level) };
    const after = {
      repositoryId: c.repositoryId,
      repositoryName: repositories.get(c.repositoryId) ?? null,
      contracts: c.after.contracts,
      level: levelFromRank(c.after.level),
      effectiveAt: at.toISOString(),
      cause: options.causeOf ? options.causeOf(c) : cause,
    };
    for (const action of [c.granted ? "access.granted" : null, c.revoked ? "access.revoked" : null] as const) {
      // A deletion's events name the user by id only, like user.deleted itself.
      const targetLabel = cause.kind === "user.deleted" ? null : (user?.label ?? null);
      const directoryId = user?.directoryId;
      const names = mergeNames(
        causeNames,
        directoryId && directories[directoryId] ? { Directory: { [directoryId]: directories[directoryId] } } : undefined,
        after.repositoryName ? { Repository: { [c.repositoryId]: after.repositoryName } } : undefined,
        targetLabel ? { User: { [c.userId]: targetLabel } } : undefined,
      );
      if (action) events.push({ action, directoryId: user?.directoryId ?? null, targetId: c.userId, targetLabel, before, after, names });
    }
  }
  if (events.length <= BULK_THRESHOLD) {
    for (const e of events) {
      await recordAuditEvent(tx, {
        actor,
        action: e.action,
        directoryId: e.directoryId ?? undefined,
        target: { type: "User", id: e.targetId, label: e.targetLabel },
        before: e.before,
        after: e.after,
        names: e.names,
      });
    }
    return events.length;
  }
  // A nested group of 10,000 people joining a group with rules in 10 repositories is 100,000
  // events: one statement, not 100,000 round trips inside a SCIM request. Same columns as
  // recordAuditEvent writes (keep the two in step).
  await tx.$executeRawUnsafe(
    `INSERT INTO "AuditEvent" (id, "createdAt", "actorType", "actorId", "actorLabel", "directoryId", action,
                               "targetType", "targetId", "targetLabel", before, after, "requestId", ip, "clientRequestId", names)
     SELECT gen_random_uuid()::text, $2::timestamp(3), $3, $4, $5, COALESCE(e."directoryId", $6), e.action,
            'User', e."targetId", e."targetLabel", e.before, e.after, $7, $8, $9, e.names
     FROM ROWS FROM (jsonb_to_recordset($1::jsonb)
            AS (action text, "directoryId" text, "targetId" text, "targetLabel" text, before jsonb, after jsonb, names jsonb))
          WITH ORDINALITY AS e(action, "directoryId", "targetId", "targetLabel", before, after, names, n)
     ORDER BY e.n`,
    JSON.stringify(events),
    clockNow(),
    actor.type,
    actor.id ?? null,
    actor.label ?? null,
    actor.directoryId ?? null,
    actor.requestId ?? null,
    actor.ip ?? null,
    actor.clientRequestId ?? null,
  );
  return events.length;
}
