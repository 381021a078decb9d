// The only writer of users. SCIM handlers (and later admin actions) call these functions, so the
// lifecycle rules — status history, membership history on deletion, audit events — exist once.
// Each function is one transaction that includes its audit event.
import type { PrismaClient, User } from "@/lib/generated/prisma/client";
import { randomUUID } from "node:crypto";
import { auditEventStatement, diffObjects, recordAuditEvent, type Actor } from "@/lib/audit/record";
import { TransactionRaceError, isUniqueViolation, retryOnConflict, type Tx } from "@/lib/db/errors";
import { AppError } from "@/lib/errors";
import { USER_DATA_KEYS, derivedUserColumns, userSnapshot, type UserData } from "@/lib/scim/user-data";
import { findUser, userGroupsColumn, type UserWithGroups } from "./queries";
import { trackAccessChanges } from "@/lib/access/change-events";
import { now as clockNow } from "@/lib/clock";
import { personGroupsCte } from "@/lib/access/group-graph";
import { ruleReachesAnc, ts } from "@/lib/access/sql";
import { eraseSubjectInTx } from "@/lib/privacy/erasure";
import { liftSuspensionInTx, needsTouch, seenNow } from "./inactivity";
import { moverChange, moverReviewInsertSql, queueMoverReview, type MoverChange } from "@/lib/reviews/mover";

const conflictOnUserName = (userName: string) =>
  new AppError("conflict", `A user with userName "${userName}" already exists in this directory`);

/**
 * Row lock first, so concurrent writers of one user serialise instead of losing updates. An update
 * takes FOR NO KEY UPDATE, which does not block the KEY SHARE lock of a concurrent group write
 * adding this user (foreign-key check); a deletion takes FOR UPDATE, which does, so that the set
 * of the user's memberships cannot grow while it is deleted.
 *
 * Lock order for every write: the groups involved (by id), then the user or group being deleted.
 */
async function lockUser(tx: Tx, directoryId: string, id: string, mode: "update" | "delete" = "update"): Promise<User> {
  // The locking read returns the row itself (one round trip, not a lock then a read).
  const [locked] = await tx.$queryRawUnsafe<User[]>(
    `SELECT * FROM "User" WHERE id = $1 AND "directoryId" = $2 ${mode === "delete" ? "FOR UPDATE" : "FOR NO KEY UPDATE"}`,
    id,
    directoryId,
  );
  if (!locked) throw new AppError("not_found", `User ${id} not found`);
  return locked;
}

/** Locks groups in id order (the one order every writer uses). */
async function lockGroupRows(tx: Tx, directoryId: string, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await tx.$queryRawUnsafe(
    `SELECT id FROM "Group" WHERE id = ANY($1::text[]) AND "directoryId" = $2 ORDER BY id FOR NO KEY UPDATE`,
    [...new Set(ids)],
    directoryId,
  );
}

function checkVersion(current: User, expectedVersion: number | undefined) {
  if (expectedVersion !== undefined && current.version !== expectedVersion) throw new AppError("precondition_failed");
}

async function closeStatusInterval(tx: Tx, userId: string, at: Date) {
  await tx.userStatusInterval.updateMany({ where: { userId, validTo: null }, data: { validTo: at } });
}

/**
 * `UPDATE "User" t SET <columns>, version + 1` from the jsonb parameter `param` (a row's columns);
 * the caller adds the WHERE clause.
 */
const userUpdateSql = (keys: string[], param: string) => {
  const columns = keys.map((k) => `"${k}"`);
  return `UPDATE "User" t SET (${columns.join(", ")}, version) = (SELECT ${columns.map((c) => `r.${c}`).join(", ")}, t.version + 1
            FROM jsonb_populate_record(NULL::"User", ${param}::jsonb) r)`;
};

/**
 * Two CTEs (`closed`, `opened`) that end the user's open status interval at `at` and open the next
 * one from the row `row` (its directoryId, id, active) with `eventId` — once the CTE `after` has a row.
 */
const statusSwitchCtes = (o: { userId: string; at: string; after: string; row: string; eventId: string }) =>
  `closed AS (UPDATE "UserStatusInterval" SET "validTo" = ${o.at} WHERE "userId" = ${o.userId} AND "validTo" IS NULL AND EXISTS (SELECT 1 FROM ${o.after})),
      opened AS (INSERT INTO "UserStatusInterval" (id, "directoryId", "userId", active, "validFrom", "eventId")
                 SELECT gen_random_uuid()::text, ${o.row}."directoryId", ${o.row}.id, ${o.row}.active, ${o.at}, ${o.eventId} FROM ${[...new Set([o.row, o.after])].join(", ")})`;

/** Ends the user's open status interval and opens the next one (one statement). */
async function switchStatusInterval(tx: Tx, user: Pick<User, "id" | "directoryId">, active: boolean, eventId: string, at: Date) {
  await tx.$executeRawUnsafe(
    `WITH s AS (SELECT $1::text AS id, $2::text AS "directoryId", $3::boolean AS active),
          ${statusSwitchCtes({ userId: "$1", at: "$4::timestamp(3)", after: "s", row: "s", eventId: "$5::text" })}
     SELECT 1`,
    user.id,
    user.directoryId,
    active,
    at,
    eventId,
  );
}

/**
 * One statement: the user, its audit event and its first status interval are inserted by one CTE,
 * so they commit together without an interactive transaction (BEGIN … COMMIT was five round trips).
 */
export async function createUser(
  prisma: PrismaClient,
  options: { directoryId: string; data: UserData; actor: Actor },
): Promise<User> {
  const { directoryId, data, actor } = options;
  const now = clockNow();
  const row = { id: randomUUID(), directoryId, ...data, ...derivedUserColumns(data), version: 1, createdAt: now, updatedAt: now, lastSeenAt: now };
  const audit = auditEventStatement({
    actor,
    action: "user.created",
    directoryId,
    target: { type: "User", id: row.id, label: row.userName },
    after: userSnapshot(row as unknown as User),
  });
  const columns = Object.keys(row).map((k) => `"${k}"`).join(", ");
  try {
    // One statement, atomic on its own; retried like the transactions on a deadlock.
    const [user] = await retryOnConflict(() => prisma.$queryRawUnsafe<User[]>(
      `WITH u AS (INSERT INTO "User" (${columns}) SELECT ${columns} FROM jsonb_populate_record(NULL::"User", $1::jsonb) RETURNING *),
            e AS (${audit.insert("$2", "u")}),
            s AS (INSERT INTO "UserStatusInterval" (id, "directoryId", "userId", active, "validFrom", "eventId")
                  SELECT gen_random_uuid()::text, u."directoryId", u.id, u.active, u."createdAt", e.id FROM u, e)
       SELECT * FROM u`,
      JSON.stringify(row),
      audit.row,
    ));
    return user;
  } catch (err) {
    if (isUniqueViolation(err)) throw conflictOnUserName(data.userName);
    throw err;
  }
}

/**
 * Replaces a user's SCIM data with what `change` computes from the current row (PUT passes the
 * new document; PATCH applies its operations to the current one).
 *
 * The common case is one statement and no interactive transaction: the current row is read (with
 * its groups, for the response), the change computed, and the UPDATE, its audit event and — for an
 * activation or deactivation — the status history switch are one CTE, conditional on the row still
 * being the version read. A status switch changes nobody's access when no rule in force reaches
 * the user (directly or through any group they are in), so that is a condition too. Whenever a
 * condition fails — a concurrent write, a suspended user, a rule reaching the user — nothing was
 * written, and the locking transaction below does the work instead.
 */
export async function updateUser(
  prisma: PrismaClient,
  options: {
    directoryId: string;
    id: string;
    actor: Actor;
    expectedVersion?: number;
    change: (current: User) => UserData;
  },
): Promise<User | UserWithGroups> {
  const { directoryId, id, actor } = options;
  let attemptedUserName = "";
  try {
    const current = await findUser(prisma, { directoryId, id });
    if (!current) throw new AppError("not_found", `User ${id} not found`);
    checkVersion(current, options.expectedVersion);
    const plan = planUserUpdate(current, options.change(current), actor, clockNow());
    attemptedUserName = plan.data.userName;
    if (plan.unchanged && !needsTouch(current, plan.now)) return current;
    if (!plan.unchanged && current.suspendedAt === null) {
      const [updated] = await retryOnConflict(() => prisma.$queryRawUnsafe<UserWithGroups[]>(...singleStatementUpdate(current, plan)));
      if (updated) return updated;
    }
    return await retryOnConflict(() => prisma.$transaction(async (tx) => {
      const locked = await lockUser(tx, directoryId, id);
      checkVersion(locked, options.expectedVersion);
      const { data, unchanged, now, statusChanged, audit, changed, mover } = planUserUpdate(locked, options.change(locked), actor, clockNow());
      attemptedUserName = data.userName;
      // Any write by the directory confirms the user (inactivity policy, ./inactivity.ts).
      const suspended = locked.suspendedAt !== null;
      if (unchanged) {
        // An idempotent PUT/PATCH changes nothing and records nothing — except that the
        // directory has now seen the user (at most one small UPDATE per user per day).
        if (!needsTouch(locked, now)) return locked;
        if (suspended) await liftSuspensionInTx(tx, { user: locked, actor, now, active: locked.active });
        return tx.user.update({ where: { id }, data: seenNow(now) });
      }
      const [updated] = await tx.$queryRawUnsafe<User[]>(
        `WITH u AS (${userUpdateSql(Object.keys(changed), "$1")} WHERE t.id = $2 RETURNING t.*),
              e AS (${audit!.insert("$3", "u")})
         SELECT u.* FROM u, e`,
        JSON.stringify(changed),
        id,
        audit!.row,
      );
      const eventId = audit!.id;
      // A move (department, manager): a mover review's outbox row, when the directory wants one.
      if (mover) await queueMoverReview(tx, { userId: id, change: mover });
      if (suspended) {
        // The status interval opened now follows the directory's (possibly new) `active`.
        await liftSuspensionInTx(tx, { user: locked, actor, now, active: updated.active, eventId: statusChanged ? eventId : undefined });
      } else if (statusChanged) {
        // Only active users have access: record what the status change grants or revokes.
        const cause = { kind: updated.active ? "user.activated" : "user.deactivated", eventId };
        await trackAccessChanges(tx, { userIds: [id], actor, cause }, () => switchStatusInterval(tx, updated, updated.active, eventId, now));
      }
      return updated;
    }));
  } catch (err) {
    if (isUniqueViolation(err)) throw conflictOnUserName(attemptedUserName);
    throw err;
  }
}

const WRITE_SEEN_PRECISION_MS = 3_600_000;

interface UserUpdatePlan {
  data: UserData;
  now: Date;
  unchanged: boolean;
  statusChanged: boolean;
  /** The columns written (SCIM data, derived columns, seen now); with the audit event, when changed. */
  changed: Record<string, unknown>;
  /** The person's department or manager changed (a mover review may follow). */
  mover: MoverChange | null;
  audit?: ReturnType<typeof auditEventStatement>;
}

function planUserUpdate(current: User, data: UserData, actor: Actor, now: Date): UserUpdatePlan {
  const before = userSnapshot(current);
  const after = userSnapshot(data as unknown as User);
  const derived = derivedUserColumns(data);
  const unchanged =
    JSON.stringify(before) === JSON.stringify(after) &&
    JSON.stringify(pickData(current)) === JSON.stringify(pickData({ ...data, ...derived } as unknown as User));
  const statusChanged = current.active !== data.active;
  // A write within the hour of the last one leaves lastSeenAt (and its index) alone, so the UPDATE
  // can stay a heap-only tuple update (migration 20261129010000_user_fillfactor). Reads refresh it
  // daily; the inactivity policy counts in days.
  const touch = needsTouch(current, now) || now.getTime() - current.lastSeenAt.getTime() > WRITE_SEEN_PRECISION_MS;
  const changed = { ...data, ...derived, ...(touch ? seenNow(now) : {}), updatedAt: now };
  if (unchanged) return { data, now, unchanged, statusChanged, changed, mover: null };
  // The update and its audit event in one statement (the audit row last, see record.ts).
  const audit = auditEventStatement({
    actor,
    action: statusChanged ? (data.active ? "user.activated" : "user.deactivated") : "user.updated",
    directoryId: current.directoryId,
    target: { type: "User", id: current.id, label: data.userName },
    ...diffObjects(before, after),
  });
  return { data, now, unchanged, statusChanged, changed, audit, mover: moverChange(current, data) };
}

/**
 * The fast path's statement (see updateUser): returns the updated row with its groups, or no row
 * when the row is no longer the version read, is suspended, or — for a status switch — is reached
 * by a rule in force (then the transaction path computes the access events).
 */
function singleStatementUpdate(current: User, plan: UserUpdatePlan): [string, ...unknown[]] {
  const T = ts(8);
  const reachGuard = plan.statusChanged ? `AND NOT ${ruleReachesAnc(T, "t.id")}` : "";
  const ancestors = `${personGroupsCte("$2", T)},`;
  const statusSwitch = `,
      ${statusSwitchCtes({ userId: "$2", at: T, after: "e", row: "u", eventId: "e.id" })}`;
  // A move: the mover review's outbox row in the same statement (parameters after the others).
  const m = plan.statusChanged ? 9 : 8;
  const moverCte = plan.mover ? `,
      mv AS (${moverReviewInsertSql({ source: "u", id: `$${m}::text`, changed: `$${m + 1}` })})` : "";
  const sql = `WITH RECURSIVE ${plan.statusChanged ? ancestors : ""}
      u AS (${userUpdateSql(Object.keys(plan.changed), "$1")}
            WHERE t.id = $2 AND t."directoryId" = $3 AND t.version = $4 AND t."suspendedAt" IS NULL
              AND t."lastSeenAt" = $6::timestamp(3) AND t."inactiveFlaggedAt" IS NOT DISTINCT FROM $7::timestamp(3) ${reachGuard}
            RETURNING t.*),
      e AS (${plan.audit!.insert("$5", "u")})${plan.statusChanged ? statusSwitch : ""}${moverCte}
    SELECT u.*, ${userGroupsColumn("u")} FROM u, e`;
  // The inactivity job and reinstatements change these (and the status history) without a new
  // version: the row must still be as read, or the status switch below would miss their intervals.
  const seen = [current.lastSeenAt.toISOString(), current.inactiveFlaggedAt?.toISOString() ?? null];
  const params = [JSON.stringify(plan.changed), current.id, current.directoryId, current.version, plan.audit!.row, ...seen];
  return [sql, ...params, ...(plan.statusChanged ? [plan.now] : []), ...(plan.mover ? [randomUUID(), JSON.stringify(plan.mover)] : [])];
}

const DATA_KEYS: (keyof User)[] = [...USER_DATA_KEYS, "userNameKey", "primaryEmail", "country"];

function pickData(u: User): Record<string, unknown> {
  return Object.fromEntries(DATA_KEYS.map((k) => [k, u[k] ?? null]));
}

/**
 * Deletes a user and erases their personal data (GDPR Art. 17, lib/audit/erasure.ts) in the same
 * transaction: the row goes, the trail's labels and SCIM documents about them are cleared, request-log
 * entries naming them are deleted; memberships end (history keeps the intervals, keyed by the opaque
 * user id); the audit events refer to the user by id only. Returns the erasure record's id.
 */
export async function deleteUser(
  prisma: PrismaClient,
  options: { directoryId: string; id: string; actor: Actor; expectedVersion?: number },
): Promise<{ erasureId: string }> {
  const { directoryId, id, actor } = options;
  return retryOnConflict(() => prisma.$transaction(async (tx) => {
    // The groups this user leaves are locked before the user (see lockUser): a group write holds
    // its group, then needs the user's KEY SHARE lock to add it.
    // Scoped by the directory in the same statement (a user of another directory has none here).
    const groupsOf = async () =>
      (await tx.groupMember.findMany({ where: { memberUserId: id, memberUser: { directoryId } }, select: { groupId: true } })).map((m) => m.groupId);
    const locked = await groupsOf();
    await lockGroupRows(tx, directoryId, locked);
    const current = await lockUser(tx, directoryId, id, "delete");
    checkVersion(current, options.expectedVersion);
    const now = clockNow();
    // Read again under the user's lock (now nobody can add the user anywhere). A membership that
    // appeared in between is in a group not locked yet: start again rather than lock out of order.
    const groupIds = await groupsOf();
    if (groupIds.some((g) => !locked.includes(g))) throw new TransactionRaceError("user joined a group while being deleted");
    const groups = groupIds.map((groupId) => ({ groupId }));
    const eventId = await recordAuditEvent(tx, {
      actor,
      action: "user.deleted",
      directoryId,
      target: { type: "User", id },
      after: { groupsLeft: groups.length },
    });
    await trackAccessChanges(tx, { userIds: [id], actor, cause: { kind: "user.deleted", eventId } }, async () => {
      await tx.membershipInterval.updateMany({
        where: { memberUserId: id, validTo: null },
        data: { validTo: now, removedEventId: eventId },
      });
      await closeStatusInterval(tx, id, now);
    });
    // Touch the groups that lost a member so their ETags change.
    if (groups.length > 0) {
      await tx.group.updateMany({
        where: { id: { in: groups.map((g) => g.groupId) } },
        data: { version: { increment: 1 }, updatedAt: now },
      });
    }
    await tx.user.delete({ where: { id } });
    const { erasureId } = await eraseSubjectInTx(tx, {
      subjectId: id,
      directoryId,
      actor,
      now: clockNow(),
      identifiers: { userName: current.userName, emails: emailValues(current) },
      userRecordDeleted: true,
    });
    return { erasureId };
  }));
}

function emailValues(user: User): string[] {
  const list = Array.isArray(user.emails) ? (user.emails as { value?: unknown }[]) : [];
  const values = list.map((e) => e?.value).filter((v): v is string => typeof v === "string");
  return user.primaryEmail ? [...new Set([...values, user.primaryEmail])] : values;
}

/**
 * The admin "Erase personal data" action: a user still provisioned is deleted (and so erased) like a
 * SCIM DELETE — erasing while the identity provider still provisions them would leave an account
 * with no data, and their next sync would recreate it anyway; a user already deleted (before
 * erasure existed, or whose erasure is wanted again after a restore) is erased from what remains.
 */
export async function eraseUser(prisma: PrismaClient, options: { id: string; actor: Actor }): Promise<{ erasureId: string; userDeleted: boolean }> {
  const user = await prisma.user.findUnique({ where: { id: options.id }, select: { directoryId: true } });
  if (user) return { ...(await deleteUser(prisma, { directoryId: user.directoryId, id: options.id, actor: options.actor })), userDeleted: true };
  return prisma.$transaction(async (tx) => {
    const trace = await tx.userStatusInterval.findFirst({ where: { userId: options.id }, select: { directoryId: true } });
    const traceEvent = trace ? null : await tx.auditEvent.findFirst({ where: { targetType: "User", targetId: options.id }, select: { directoryId: true } });
    if (!trace && !traceEvent) throw new AppError("not_found", `User ${options.id} not found`);
    const pending = await tx.auditEvent.count({ where: { targetType: "User", targetId: options.id, erasedAt: null, personalFields: { not: null } } });
    if (pending === 0 && (await tx.erasureRecord.count({ where: { subjectId: options.id } })) > 0)
      throw new AppError("conflict", `User ${options.id} is already erased`);
    const { erasureId } = await eraseSubjectInTx(tx, {
      subjectId: options.id,
      directoryId: trace?.directoryId ?? traceEvent?.directoryId ?? null,
      actor: options.actor,
      now: clockNow(),
      userRecordDeleted: false,
    });
    return { erasureId, userDeleted: false };
  });
}
