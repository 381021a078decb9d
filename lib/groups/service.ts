// The only writer of groups and memberships. Membership changes are applied as set deltas in the
// database (INSERT … ON CONFLICT DO NOTHING / DELETE … RETURNING), so adding one member to a
// 100,000-member group costs the same as adding it to an empty one, and concurrent PATCHes that
// add different members both land. Each function is one transaction including its audit event.
import type { Group, PrismaClient } from "@/lib/generated/prisma/client";
import { auditEventStatement, diffObjects, recordAuditEvent, type Actor } from "@/lib/audit/record";
import { ancestorGroupsCte, usersInGroup } from "@/lib/access/group-graph";
import { ruleReachesAnc, ts } from "@/lib/access/sql";
import { TransactionRaceError, isForeignKeyViolation, isUniqueViolation, retryOnConflict, type Tx } from "@/lib/db/errors";
import { AppError } from "@/lib/errors";
import { repositoriesGrantedThroughGroup, trackAccessChanges, trackMembershipChange } from "@/lib/access/change-events";
import { now as clockNow } from "@/lib/clock";
import { assertNestingDepth, groupsAtOrBelow, isGroupInside, refreshGroupClosure } from "@/lib/access/group-graph";

export interface GroupData {
  displayName: string;
  externalId: string | null;
}

export type MemberStep =
  | { kind: "add"; ids: string[] }
  | { kind: "remove"; ids: string[] }
  | { kind: "replaceAll"; ids: string[] }
  | { kind: "removeAll" };

interface MemberChanges {
  addedUsers: string[];
  addedGroups: string[];
  removedUsers: string[];
  removedGroups: string[];
}

const AUDIT_ID_LIST_LIMIT = 100;

const conflictOnName = (name: string) =>
  new AppError("conflict", `A group with displayName "${name}" already exists in this directory`);

// Two-key advisory locks live in their own space; this class keeps nesting locks apart from any
// other use of advisory locks.
const NESTING_LOCK_CLASS = 7_301;

async function lockGroup(tx: Tx, directoryId: string, id: string, mode: "update" | "delete" = "update"): Promise<Group> {
  // An update takes FOR NO KEY UPDATE, not FOR UPDATE: it serialises writers of this group but not
  // the KEY SHARE lock a foreign-key check takes when this group is added as a member elsewhere.
  // With FOR UPDATE, two requests nesting two groups in each other deadlocked on PostgreSQL.
  // The locking read returns the row itself (one round trip, not a lock then a read).
  const [locked] = await tx.$queryRawUnsafe<Group[]>(
    `SELECT * FROM "Group" WHERE id = $1 AND "directoryId" = $2 ${mode === "delete" ? "FOR UPDATE" : "FOR NO KEY UPDATE"}`,
    id,
    directoryId,
  );
  if (!locked) throw new AppError("not_found", `Group ${id} not found`);
  return locked;
}

/**
 * Nesting changes of a directory take turns (the lock is held to commit): the cycle and depth
 * checks, and the group closure's maintenance, then see every nesting change committed before.
 */
async function lockNesting(tx: Tx, directoryId: string) {
  await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock($1::int, hashtext($2))`, NESTING_LOCK_CLASS, directoryId);
}

/** Splits member ids into users and groups of this directory; anything else is an error. */
async function classifyMembers(tx: Tx, directoryId: string, groupId: string, ids: string[]) {
  const unique = [...new Set(ids)];
  const found = await tx.$queryRawUnsafe<{ id: string; kind: "u" | "g" }[]>(
    `SELECT id, 'u' AS kind FROM "User" WHERE "directoryId" = $1 AND id = ANY($2::text[])
     UNION ALL
     SELECT id, 'g' FROM "Group" WHERE "directoryId" = $1 AND id = ANY($2::text[])`,
    directoryId,
    unique,
  );
  const userIds = found.filter((f) => f.kind === "u").map((f) => f.id);
  const groupIds = found.filter((f) => f.kind === "g").map((f) => f.id);
  const known = new Set([...userIds, ...groupIds]);
  const unknown = unique.filter((id) => !known.has(id));
  if (unknown.length > 0) {
    throw new AppError("invalid_input", `Unknown member${unknown.length > 1 ? "s" : ""} in this directory: ${unknown.slice(0, 5).join(", ")}`);
  }
  if (groupIds.includes(groupId)) throw new AppError("invalid_input", "A group cannot be a member of itself");
  if (groupIds.length > 0) {
    // Nesting changes of a directory take turns, so that the cycle check below (a new statement,
    // hence a new snapshot under READ COMMITTED) sees the edges another request just committed:
    // otherwise G1 ∋ G2 and G2 ∋ G1 added concurrently would both pass it.
    await lockNesting(tx, directoryId);
    // Adding group C to G makes a cycle when G is already (transitively) inside C.
    if (await isGroupInside(tx, { groupId, containers: groupIds })) {
      throw new AppError("invalid_input", "Adding these groups would create a membership cycle");
    }
    await assertNestingDepth(tx, { groupId, memberGroupIds: groupIds });
  }
  return { userIds, groupIds };
}

async function addMembers(tx: Tx, directoryId: string, groupId: string, ids: string[], now: Date, changes: MemberChanges) {
  if (ids.length === 0) return;
  const { userIds, groupIds } = await classifyMembers(tx, directoryId, groupId, ids);
  for (const [column, list, target] of [
    ["memberUserId", userIds, changes.addedUsers],
    ["memberGroupId", groupIds, changes.addedGroups],
  ] as const) {
    if (list.length === 0) continue;
    let inserted: { m: string }[];
    try {
      inserted = await tx.$queryRawUnsafe<{ m: string }[]>(
        `INSERT INTO "GroupMember" (id, "groupId", "${column}", "createdAt")
         SELECT gen_random_uuid()::text, $1, m, $3 FROM unnest($2::text[]) AS m
         ON CONFLICT ("groupId", "${column}") DO NOTHING
         RETURNING "${column}" AS m`,
        groupId,
        list,
        now,
      );
    } catch (err) {
      // The member was deleted by a concurrent request after classifyMembers saw it.
      if (isForeignKeyViolation(err)) throw new AppError("invalid_input", "A member was deleted while being added; retry the request");
      throw err;
    }
    target.push(...inserted.map((r) => r.m));
  }
}

async function removeMembers(tx: Tx, groupId: string, ids: string[] | "all", changes: MemberChanges) {
  if (ids !== "all" && ids.length === 0) return;
  const removed = await tx.$queryRawUnsafe<{ u: string | null; g: string | null }[]>(
    ids === "all"
      ? `DELETE FROM "GroupMember" WHERE "groupId" = $1 RETURNING "memberUserId" AS u, "memberGroupId" AS g`
      : `DELETE FROM "GroupMember" WHERE "groupId" = $1 AND ("memberUserId" = ANY($2::text[]) OR "memberGroupId" = ANY($2::text[]))
         RETURNING "memberUserId" AS u, "memberGroupId" AS g`,
    ...(ids === "all" ? [groupId] : [groupId, [...new Set(ids)]]),
  );
  for (const r of removed) {
    if (r.u) changes.removedUsers.push(r.u);
    if (r.g) changes.removedGroups.push(r.g);
  }
}

async function replaceMembers(tx: Tx, directoryId: string, groupId: string, ids: string[], now: Date, changes: MemberChanges) {
  const wanted = [...new Set(ids)];
  const removed = await tx.$queryRawUnsafe<{ u: string | null; g: string | null }[]>(
    `DELETE FROM "GroupMember" WHERE "groupId" = $1
       AND NOT (COALESCE("memberUserId", "memberGroupId") = ANY($2::text[]))
     RETURNING "memberUserId" AS u, "memberGroupId" AS g`,
    groupId,
    wanted,
  );
  for (const r of removed) {
    if (r.u) changes.removedUsers.push(r.u);
    if (r.g) changes.removedGroups.push(r.g);
  }
  await addMembers(tx, directoryId, groupId, wanted, now, changes);
}

async function applyMemberSteps(tx: Tx, directoryId: string, groupId: string, steps: MemberStep[], now: Date): Promise<MemberChanges> {
  const changes: MemberChanges = { addedUsers: [], addedGroups: [], removedUsers: [], removedGroups: [] };
  for (const step of steps) {
    if (step.kind === "add") await addMembers(tx, directoryId, groupId, step.ids, now, changes);
    else if (step.kind === "remove") await removeMembers(tx, groupId, step.ids, changes);
    else if (step.kind === "removeAll") await removeMembers(tx, groupId, "all", changes);
    else await replaceMembers(tx, directoryId, groupId, step.ids, now, changes);
  }
  return netChanges(changes);
}

/** A member removed then re-added in one request (Okta) is neither added nor removed. */
function netChanges(c: MemberChanges): MemberChanges {
  const net = (added: string[], removed: string[]) => {
    const a = new Set(added);
    const r = new Set(removed);
    return { added: [...a].filter((x) => !r.has(x)), removed: [...r].filter((x) => !a.has(x)) };
  };
  const users = net(c.addedUsers, c.removedUsers);
  const groups = net(c.addedGroups, c.removedGroups);
  return { addedUsers: users.added, removedUsers: users.removed, addedGroups: groups.added, removedGroups: groups.removed };
}

const hasChanges = (c: MemberChanges) =>
  c.addedUsers.length + c.addedGroups.length + c.removedUsers.length + c.removedGroups.length > 0;

async function recordMembershipHistory(tx: Tx, directoryId: string, groupId: string, c: MemberChanges, eventId: string, now: Date) {
  const opened = [
    ...c.addedUsers.map((id) => ({ memberUserId: id })),
    ...c.addedGroups.map((id) => ({ memberGroupId: id })),
  ];
  if (opened.length > 0) {
    await tx.membershipInterval.createMany({
      data: opened.map((m) => ({ ...m, directoryId, groupId, validFrom: now, addedEventId: eventId })),
    });
  }
  const closed = [...c.removedUsers, ...c.removedGroups];
  if (closed.length > 0) {
    await tx.membershipInterval.updateMany({
      where: { groupId, validTo: null, OR: [{ memberUserId: { in: closed } }, { memberGroupId: { in: closed } }] },
      data: { validTo: now, removedEventId: eventId },
    });
  }
  // The group closure follows nesting changes in the same transaction (adding a person changes none).
  const nesting = [...c.addedGroups, ...c.removedGroups];
  if (nesting.length > 0) {
    await lockNesting(tx, directoryId);
    await refreshGroupClosure(tx, { groupIds: nesting, at: now });
  }
}

function membershipAudit(c: MemberChanges) {
  const list = (ids: string[]) => (ids.length > AUDIT_ID_LIST_LIMIT ? [...ids.slice(0, AUDIT_ID_LIST_LIMIT), "…"] : ids);
  return {
    membersAdded: c.addedUsers.length + c.addedGroups.length,
    membersRemoved: c.removedUsers.length + c.removedGroups.length,
    ...(c.addedUsers.length ? { addedUsers: list(c.addedUsers) } : {}),
    ...(c.addedGroups.length ? { addedGroups: list(c.addedGroups) } : {}),
    ...(c.removedUsers.length ? { removedUsers: list(c.removedUsers) } : {}),
    ...(c.removedGroups.length ? { removedGroups: list(c.removedGroups) } : {}),
  };
}

export async function createGroup(
  prisma: PrismaClient,
  options: { directoryId: string; data: GroupData; memberIds: string[]; actor: Actor },
): Promise<Group> {
  const { directoryId, data, actor } = options;
  try {
    return await retryOnConflict(() => prisma.$transaction(async (tx) => {
      const now = clockNow();
      const group = await tx.group.create({
        data: { directoryId, ...data, displayNameKey: data.displayName.toLowerCase(), createdAt: now, updatedAt: now },
      });
      const changes = await applyMemberSteps(tx, directoryId, group.id, [{ kind: "add", ids: options.memberIds }], now);
      const eventId = await recordAuditEvent(tx, {
        actor,
        action: "group.created",
        directoryId,
        target: { type: "Group", id: group.id, label: group.displayName },
        after: { displayName: group.displayName, externalId: group.externalId, ...membershipAudit(changes) },
      });
      await recordMembershipHistory(tx, directoryId, group.id, changes, eventId, now);
      return group;
    }));
  } catch (err) {
    if (isUniqueViolation(err)) throw conflictOnName(data.displayName);
    throw err;
  }
}

const AUDIT_LIST_SQL = (cte: string, column: string) =>
  `(SELECT CASE WHEN count(*) > ${AUDIT_ID_LIST_LIMIT} THEN jsonb_agg(x.m) FILTER (WHERE x.n <= ${AUDIT_ID_LIST_LIMIT}) || '["…"]'::jsonb ELSE jsonb_agg(x.m) END
    FROM (SELECT ${column} AS m, row_number() OVER () AS n FROM ${cte} WHERE ${column} IS NOT NULL) x)`;

/**
 * The common membership PATCH — only adds of users, or only removals — as one statement with no
 * interactive transaction: the group row lock, the member rows, the version bump, the audit event
 * (its member lists computed by the statement) and the membership history. It writes only when no
 * rule in force reaches the group (so no one's access changes), every id to add is a user of the
 * directory and the If-Match version (if any) holds; otherwise it writes nothing and returns
 * undefined, and updateGroup's transaction does the work (and reports the error, if any).
 */
async function updateMembersInOneStatement(
  prisma: PrismaClient,
  options: { directoryId: string; id: string; actor: Actor; expectedVersion?: number; step: { kind: "add" | "remove"; ids: string[] } },
): Promise<Group | undefined> {
  const { directoryId, id, actor, step } = options;
  const ids = [...new Set(step.ids)];
  const now = clockNow();
  const audit = auditEventStatement({
    actor,
    action: "group.members_changed",
    directoryId,
    target: { type: "Group", id, label: "" },
    after: {},
  });
  const T = ts(4);
  const add = step.kind === "add";
  const change = add
    ? // KEY SHARE now, after the group's lock and before the audit event takes the chain head: the
      // foreign-key check would take it only at the end of the statement, out of the transaction
      // path's lock order. A user deleted meanwhile drops out, and the transaction reports it.
      `known AS (SELECT u.id FROM "User" u, grp WHERE u."directoryId" = $2 AND u.id = ANY($3::text[]) FOR KEY SHARE OF u),
       ok AS (SELECT 1 FROM grp WHERE NOT ${ruleReachesAnc(T)} AND grp.version = (SELECT version FROM seen)
              AND (SELECT count(*) FROM known) = cardinality($3::text[])
              -- an ethical wall's roster holding the group (or one above it) records its new people: the transaction path
              AND NOT EXISTS (SELECT 1 FROM "WallRosterEntry" we WHERE we."groupId" IN (SELECT gid FROM anc) AND we."validTo" IS NULL)),
       changed AS (INSERT INTO "GroupMember" (id, "groupId", "memberUserId", "createdAt")
                   SELECT gen_random_uuid()::text, $1, k.id, ${T} FROM known k, ok
                   ON CONFLICT ("groupId", "memberUserId") DO NOTHING
                   RETURNING "memberUserId" AS u, NULL::text AS g),`
    : // Removing a nested group changes the group closure: the transaction path does that.
      `ok AS (SELECT 1 FROM grp WHERE NOT ${ruleReachesAnc(T)} AND grp.version = (SELECT version FROM seen)
              AND NOT EXISTS (SELECT 1 FROM "GroupMember" WHERE "groupId" = $1 AND "memberGroupId" = ANY($3::text[]))),
       changed AS (DELETE FROM "GroupMember" WHERE "groupId" = $1 AND ("memberUserId" = ANY($3::text[]) OR "memberGroupId" = ANY($3::text[]))
                   AND EXISTS (SELECT 1 FROM ok)
                   RETURNING "memberUserId" AS u, "memberGroupId" AS g),`;
  const history = add
    ? `INSERT INTO "MembershipInterval" (id, "directoryId", "groupId", "memberUserId", "validFrom", "addedEventId")
       SELECT gen_random_uuid()::text, $2, $1, c.u, ${T}, e.id FROM changed c, e`
    : `UPDATE "MembershipInterval" mi SET "validTo" = ${T}, "removedEventId" = e.id FROM e
       WHERE mi."groupId" = $1 AND mi."validTo" IS NULL
         AND (mi."memberUserId" IN (SELECT u FROM changed) OR mi."memberGroupId" IN (SELECT g FROM changed))`;
  const n = (column: string) => `(SELECT count(*) FROM changed WHERE ${column} IS NOT NULL)`;
  const after = add
    ? `jsonb_build_object('membersAdded', ${n("u")}, 'membersRemoved', 0, 'addedUsers', ${AUDIT_LIST_SQL("changed", "u")})`
    : `jsonb_build_object('membersAdded', 0, 'membersRemoved', (SELECT count(*) FROM changed))
       || CASE WHEN ${n("u")} > 0 THEN jsonb_build_object('removedUsers', ${AUDIT_LIST_SQL("changed", "u")}) ELSE '{}'::jsonb END
       || CASE WHEN ${n("g")} > 0 THEN jsonb_build_object('removedGroups', ${AUDIT_LIST_SQL("changed", "g")}) ELSE '{}'::jsonb END`;
  const [row] = await prisma.$queryRawUnsafe<(Group & { ok: boolean; newVersion: number | null; newUpdatedAt: Date | null })[]>(
    `WITH RECURSIVE
       grp AS (SELECT * FROM "Group" WHERE id = $1 AND "directoryId" = $2 ${options.expectedVersion !== undefined ? "AND version = $6" : ""} FOR NO KEY UPDATE),
       -- The statement's snapshot predates any wait for that lock: a member change committed while it
       -- waited (every one bumps the version) is invisible to the DELETE/INSERT below, so then the
       -- transaction path, which reads after locking, does the work.
       seen AS (SELECT version FROM "Group" WHERE id = $1),
       ${ancestorGroupsCte("SELECT id FROM grp", T)},
       ${change}
       g AS (UPDATE "Group" t SET version = t.version + 1, "updatedAt" = ${T} WHERE t.id = $1 AND EXISTS (SELECT 1 FROM changed) RETURNING t.version, t."updatedAt"),
       e AS (${audit.insert("$5", "g", `jsonb_build_object('targetLabel', (SELECT "displayName" FROM grp), 'after', ${after})`)}),
       h AS (${history})
     SELECT grp.*, EXISTS (SELECT 1 FROM ok) AS ok, (SELECT version FROM g) AS "newVersion", (SELECT "updatedAt" FROM g) AS "newUpdatedAt" FROM grp`,
    id,
    directoryId,
    ids,
    now,
    audit.row,
    ...(options.expectedVersion !== undefined ? [options.expectedVersion] : []),
  );
  if (!row?.ok) return undefined;
  const { newVersion, newUpdatedAt, ...group } = row;
  delete (group as Partial<typeof row>).ok;
  return newVersion === null ? group : { ...group, version: newVersion, updatedAt: newUpdatedAt! };
}

/**
 * Changes a group's attributes (computed from the locked current row) and applies membership
 * steps in order. Records one audit event when anything changed.
 * A PATCH of only member adds or only removes is tried in one statement first.
 */
export async function updateGroup(
  prisma: PrismaClient,
  options: {
    directoryId: string;
    id: string;
    actor: Actor;
    expectedVersion?: number;
    change?: (current: Group) => GroupData;
    memberSteps?: MemberStep[];
  },
): Promise<Group> {
  const { directoryId, id, actor } = options;
  let attemptedName = "";
  const steps = options.memberSteps ?? [];
  const kinds = new Set(steps.map((s) => s.kind));
  if (!options.change && steps.length > 0 && kinds.size === 1 && (kinds.has("add") || kinds.has("remove"))) {
    const ids = steps.flatMap((s) => ("ids" in s ? s.ids : []));
    const kind = steps[0].kind as "add" | "remove";
    const done = await retryOnConflict(() => updateMembersInOneStatement(prisma, { directoryId, id, actor, expectedVersion: options.expectedVersion, step: { kind, ids } }));
    if (done) return done;
  }
  try {
    return await retryOnConflict(() => prisma.$transaction(async (tx) => {
      const current = await lockGroup(tx, directoryId, id);
      if (options.expectedVersion !== undefined && current.version !== options.expectedVersion) {
        throw new AppError("precondition_failed");
      }
      const now = clockNow();
      const data = options.change ? options.change(current) : { displayName: current.displayName, externalId: current.externalId };
      attemptedName = data.displayName;
      const attrs = diffObjects(
        { displayName: current.displayName, externalId: current.externalId },
        { displayName: data.displayName, externalId: data.externalId },
      );
      const changes = await applyMemberSteps(tx, directoryId, id, options.memberSteps ?? [], now);
      const attrsChanged = Object.keys(attrs.after).length + Object.keys(attrs.before).length > 0;
      if (!attrsChanged && !hasChanges(changes)) return current;
      const updated = await tx.group.update({
        where: { id },
        data: { ...data, displayNameKey: data.displayName.toLowerCase(), version: { increment: 1 }, updatedAt: now },
      });
      const eventId = await recordAuditEvent(tx, {
        actor,
        action: attrsChanged ? "group.updated" : "group.members_changed",
        directoryId,
        target: { type: "Group", id, label: updated.displayName },
        before: attrsChanged ? attrs.before : undefined,
        after: { ...attrs.after, ...membershipAudit(changes) },
      });
      // Access follows membership history: record the access it grants or revokes (same transaction).
      await trackMembershipChange(tx, { groupId: id, changes, actor, eventId }, () =>
        recordMembershipHistory(tx, directoryId, id, changes, eventId, now),
      );
      return updated;
    }));
  } catch (err) {
    if (isUniqueViolation(err)) throw conflictOnName(attemptedName);
    throw err;
  }
}

export async function deleteGroup(
  prisma: PrismaClient,
  options: { directoryId: string; id: string; actor: Actor; expectedVersion?: number },
): Promise<void> {
  const { directoryId, id, actor } = options;
  await retryOnConflict(() => prisma.$transaction(async (tx) => {
    // Lock order (see lib/users/service.ts lockUser): the parent groups by id, then this group.
    // FOR UPDATE on this group blocks new memberships in it elsewhere until the deletion is done,
    // so the parents and open intervals read below are exact.
    const parentsOf = async () =>
      (await tx.groupMember.findMany({ where: { memberGroupId: id, group: { directoryId } }, select: { groupId: true } })).map((p) => p.groupId);
    const locked = await parentsOf();
    if (locked.length > 0) {
      await tx.$queryRawUnsafe(
        `SELECT id FROM "Group" WHERE id = ANY($1::text[]) AND "directoryId" = $2 ORDER BY id FOR NO KEY UPDATE`,
        [...new Set(locked)],
        directoryId,
      );
    }
    const current = await lockGroup(tx, directoryId, id, "delete");
    if (options.expectedVersion !== undefined && current.version !== options.expectedVersion) {
      throw new AppError("precondition_failed");
    }
    const now = clockNow();
    const memberCount = await tx.groupMember.count({ where: { groupId: id } });
    // A parent that appeared between the read above and this group's lock is not locked: start again.
    const parentIds = await parentsOf();
    if (parentIds.some((p) => !locked.includes(p))) throw new TransactionRaceError("group was nested while being deleted");
    const parents = parentIds.map((groupId) => ({ groupId }));
    const eventId = await recordAuditEvent(tx, {
      actor,
      action: "group.deleted",
      directoryId,
      target: { type: "Group", id, label: current.displayName },
      before: { displayName: current.displayName, externalId: current.externalId, members: memberCount },
    });
    // Its members lose what rules grant through it (none → nothing computed).
    const scope = { repositoryIds: () => repositoriesGrantedThroughGroup(tx, id), userIds: () => usersInGroup(tx, id) };
    await lockNesting(tx, directoryId);
    const below = await groupsAtOrBelow(tx, [id], now);
    await trackAccessChanges(tx, { ...scope, actor, cause: { kind: "group.deleted", eventId } }, async () => {
      await tx.membershipInterval.updateMany({
        where: { validTo: null, OR: [{ groupId: id }, { memberGroupId: id }] },
        data: { validTo: now, removedEventId: eventId },
      });
      await refreshGroupClosure(tx, { groupIds: [id], below, at: now });
    });
    // The groups this one was nested in lost a member: their ETags change.
    if (parents.length > 0) {
      await tx.group.updateMany({
        where: { id: { in: parents.map((p) => p.groupId) } },
        data: { version: { increment: 1 }, updatedAt: now },
      });
    }
    await tx.group.delete({ where: { id } });
    // The name outlives the row: past reasons and the rules that named the group still show it.
    await tx.deletedGroup.upsert({
      where: { id },
      create: { id, directoryId, displayName: current.displayName, deletedAt: now, eventId },
      update: { displayName: current.displayName, deletedAt: now, eventId },
    });
  }));
}

export async function findGroup(prisma: PrismaClient, options: { directoryId: string; id: string }): Promise<Group | null> {
  return prisma.group.findFirst({ where: { id: options.id, directoryId: options.directoryId } });
}

export interface GroupMemberRef {
  id: string;
  type: "User" | "Group";
  display: string | null;
}

/** Members of groups (for SCIM `members`), in the order they joined. */
export async function membersOfGroups(prisma: PrismaClient, groupIds: string[]): Promise<Map<string, GroupMemberRef[]>> {
  const result = new Map<string, GroupMemberRef[]>(groupIds.map((id) => [id, []]));
  if (groupIds.length === 0) return result;
  const rows = await prisma.groupMember.findMany({
    where: { groupId: { in: groupIds } },
    select: {
      groupId: true,
      memberUser: { select: { id: true, displayName: true, userName: true } },
      memberGroup: { select: { id: true, displayName: true } },
    },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
  });
  for (const r of rows) {
    // Prisma loads relations in a second query: a member deleted in between comes back null.
    const ref: GroupMemberRef | undefined = r.memberUser
      ? { id: r.memberUser.id, type: "User", display: r.memberUser.displayName ?? r.memberUser.userName }
      : r.memberGroup
        ? { id: r.memberGroup.id, type: "Group", display: r.memberGroup.displayName }
        : undefined;
    if (ref) result.get(r.groupId)!.push(ref);
  }
  return result;
}
