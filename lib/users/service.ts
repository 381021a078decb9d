// The only writer of users. SCIM handlers (and later admin actions) call these functions, so the
// lifecycle rules — status history, membership history on deletion, audit events — exist once.
// Each function is one transaction that includes its audit event.
import type { PrismaClient, User } from "@/lib/generated/prisma/client";
import { diffObjects, recordAuditEvent, type Actor } from "@/lib/audit/record";
import { isUniqueViolation, type Tx } from "@/lib/db/errors";
import { AppError } from "@/lib/errors";
import { derivedUserColumns, type UserData } from "@/lib/scim/mapping";

export class PreconditionFailedError extends AppError {
  constructor(readonly currentVersion: number) {
    super("conflict", "The resource was changed since the version given in If-Match");
    this.name = "PreconditionFailedError";
  }
}

/** What the audit trail shows of a user (no derived columns, nothing secret). */
export function userSnapshot(u: Pick<User, keyof UserData>): Record<string, unknown> {
  const { userName, externalId, active, displayName, givenName, familyName, title, department, emails, employeeNumber, managerId } = u;
  return Object.fromEntries(
    Object.entries({ userName, externalId, active, displayName, givenName, familyName, title, department, emails, employeeNumber, managerId })
      .filter(([, v]) => v !== null && !(Array.isArray(v) && v.length === 0)),
  );
}

const conflictOnUserName = (userName: string) =>
  new AppError("conflict", `A user with userName "${userName}" already exists in this directory`);

async function lockUser(tx: Tx, directoryId: string, id: string): Promise<User> {
  // Row lock first, so concurrent writers of one user serialise instead of losing updates.
  const locked = await tx.$queryRawUnsafe<{ id: string }[]>(
    `SELECT id FROM "User" WHERE id = $1 AND "directoryId" = $2 FOR UPDATE`,
    id,
    directoryId,
  );
  if (locked.length === 0) throw new AppError("not_found", `User ${id} not found`);
  return tx.user.findUniqueOrThrow({ where: { id } });
}

function checkVersion(current: User, expectedVersion: number | undefined) {
  if (expectedVersion !== undefined && current.version !== expectedVersion) throw new PreconditionFailedError(current.version);
}

async function openStatusInterval(tx: Tx, user: Pick<User, "id" | "directoryId">, active: boolean, eventId: string, at: Date) {
  await tx.userStatusInterval.create({
    data: { directoryId: user.directoryId, userId: user.id, active, validFrom: at, eventId },
  });
}

async function closeStatusInterval(tx: Tx, userId: string, at: Date) {
  await tx.userStatusInterval.updateMany({ where: { userId, validTo: null }, data: { validTo: at } });
}

export async function createUser(
  prisma: PrismaClient,
  options: { directoryId: string; data: UserData; actor: Actor },
): Promise<User> {
  const { directoryId, data, actor } = options;
  try {
    return await prisma.$transaction(async (tx) => {
      const now = new Date();
      const user = await tx.user.create({
        data: { ...data, ...derivedUserColumns(data), directoryId, createdAt: now, updatedAt: now } as never,
      });
      const eventId = await recordAuditEvent(tx, {
        actor,
        action: "user.created",
        directoryId,
        target: { type: "User", id: user.id, label: user.userName },
        after: userSnapshot(user),
      });
      await openStatusInterval(tx, user, user.active, eventId, now);
      return user;
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw conflictOnUserName(data.userName);
    throw err;
  }
}

/**
 * Replaces a user's SCIM data with what `change` computes from the locked current row (PUT
 * passes the new document; PATCH applies its operations to the current one).
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
): Promise<User> {
  const { directoryId, id, actor } = options;
  let attemptedUserName = "";
  try {
    return await prisma.$transaction(async (tx) => {
      const current = await lockUser(tx, directoryId, id);
      checkVersion(current, options.expectedVersion);
      const data = options.change(current);
      attemptedUserName = data.userName;
      const before = userSnapshot(current);
      const after = userSnapshot(data as unknown as User);
      const derived = derivedUserColumns(data);
      const unchanged =
        JSON.stringify(before) === JSON.stringify(after) &&
        JSON.stringify(pickData(current)) === JSON.stringify(pickData({ ...data, ...derived } as unknown as User));
      if (unchanged) return current; // an idempotent PUT/PATCH changes nothing and records nothing
      const now = new Date();
      const updated = await tx.user.update({
        where: { id },
        data: { ...data, ...derived, version: { increment: 1 }, updatedAt: now } as never,
      });
      const statusChanged = current.active !== updated.active;
      const eventId = await recordAuditEvent(tx, {
        actor,
        action: statusChanged ? (updated.active ? "user.activated" : "user.deactivated") : "user.updated",
        directoryId,
        target: { type: "User", id, label: updated.userName },
        ...diffObjects(before, after),
      });
      if (statusChanged) {
        await closeStatusInterval(tx, id, now);
        await openStatusInterval(tx, updated, updated.active, eventId, now);
      }
      return updated;
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw conflictOnUserName(attemptedUserName);
    throw err;
  }
}

const DATA_KEYS: (keyof User)[] = [
  "userName", "externalId", "active", "displayName", "nickName", "profileUrl", "title", "userType",
  "preferredLanguage", "locale", "timezone", "formattedName", "familyName", "givenName", "middleName",
  "honorificPrefix", "honorificSuffix", "emails", "phoneNumbers", "ims", "photos", "addresses", "entitlements",
  "roles", "x509Certificates", "employeeNumber", "costCenter", "organization", "division", "department",
  "managerId", "userNameKey", "primaryEmail", "country",
];

function pickData(u: User): Record<string, unknown> {
  return Object.fromEntries(DATA_KEYS.map((k) => [k, u[k] ?? null]));
}

/**
 * Deletes a user: their personal data goes with the row; memberships end (history keeps the
 * intervals, keyed by the opaque user id); the audit event refers to the user by id only.
 */
export async function deleteUser(
  prisma: PrismaClient,
  options: { directoryId: string; id: string; actor: Actor; expectedVersion?: number },
): Promise<void> {
  const { directoryId, id, actor } = options;
  await prisma.$transaction(async (tx) => {
    const current = await lockUser(tx, directoryId, id);
    checkVersion(current, options.expectedVersion);
    const now = new Date();
    const groups = await tx.groupMember.findMany({ where: { memberUserId: id }, select: { groupId: true } });
    const eventId = await recordAuditEvent(tx, {
      actor,
      action: "user.deleted",
      directoryId,
      target: { type: "User", id },
      after: { groupsLeft: groups.length },
    });
    await tx.membershipInterval.updateMany({
      where: { memberUserId: id, validTo: null },
      data: { validTo: now, removedEventId: eventId },
    });
    await closeStatusInterval(tx, id, now);
    // Touch the groups that lost a member so their ETags change.
    if (groups.length > 0) {
      await tx.group.updateMany({
        where: { id: { in: groups.map((g) => g.groupId) } },
        data: { version: { increment: 1 }, updatedAt: now },
      });
    }
    await tx.user.delete({ where: { id } });
  });
}

export async function findUser(prisma: PrismaClient, options: { directoryId: string; id: string }): Promise<User | null> {
  return prisma.user.findFirst({ where: { id: options.id, directoryId: options.directoryId } });
}

/** Direct group memberships of users, for the SCIM `groups` attribute. */
export async function groupsOfUsers(prisma: PrismaClient, userIds: string[]) {
  if (userIds.length === 0) return new Map<string, { id: string; displayName: string }[]>();
  const rows = await prisma.groupMember.findMany({
    where: { memberUserId: { in: userIds } },
    select: { memberUserId: true, group: { select: { id: true, displayName: true } } },
    orderBy: { createdAt: "asc" },
  });
  const byUser = new Map<string, { id: string; displayName: string }[]>();
  for (const r of rows) {
    const list = byUser.get(r.memberUserId!) ?? [];
    list.push(r.group);
    byUser.set(r.memberUserId!, list);
  }
  return byUser;
}
