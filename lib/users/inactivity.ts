// The inactivity policy of a directory: users the directory has not touched for `inactivityDays`
// are flagged and, with inactivityAction "suspend", lose all access until the directory touches
// them again.
//
// "Touched" = written over SCIM, or returned by a SCIM read of that specific user (GET by id, or a
// lookup by userName, externalId or id — not a broad filter that happened to match it). User.lastSeenAt records it with day precision: a read refreshes it only
// when it is more than a day old (or the user is flagged or suspended), so the hot path decides
// from the row it already loaded and writes at most once per user per day.
//
// Suspension is expressed in the status history the access engine already reads: the user's
// active UserStatusInterval is closed and an inactive one opened (eventId = the suspension's audit
// event). Every access answer — live, point in time, reviews — therefore excludes a suspended user
// for exactly the suspended period, and access.revoked / access.granted events come from the
// shared change-event machinery. User.active keeps what the directory says.
import type { PrismaClient, User } from "@/lib/generated/prisma/client";
import { recordAuditEvent, type Actor } from "@/lib/audit/record";
import { retryOnConflict, type Tx } from "@/lib/db/errors";
import { recordAccessChanges, trackAccessChanges } from "@/lib/access/change-events";
import { diffSnapshots, snapshotAccess } from "@/lib/access/snapshot";
import { now as clockNow } from "@/lib/clock";

export const INACTIVITY_ACTIONS = ["flag", "suspend"] as const;
export type InactivityAction = (typeof INACTIVITY_ACTIONS)[number];

/** lastSeenAt precision: a read refreshes it when older than this. Inactivity periods are ≥ 1 day. */
export const SEEN_PRECISION_MS = 86_400_000;
const DAY_MS = 86_400_000;
/** Users one job run flags or suspends per directory; the next run continues. */
const MAX_USERS_PER_RUN = 1_000;

const SYSTEM_ACTOR: Actor = { type: "system", label: "inactivity-policy" };

type SeenState = Pick<User, "id" | "lastSeenAt" | "inactiveFlaggedAt" | "suspendedAt">;

/** Whether a touch of this (already loaded) user must write anything. Pure, in memory. */
export function needsTouch(user: SeenState, now: Date): boolean {
  return user.suspendedAt !== null || user.inactiveFlaggedAt !== null || now.getTime() - user.lastSeenAt.getTime() > SEEN_PRECISION_MS;
}

/** The columns a SCIM write of the user sets: seen now, no longer flagged or suspended. */
export const seenNow = (now: Date) => ({ lastSeenAt: now, inactiveFlaggedAt: null, suspendedAt: null });

/**
 * Records that the directory read these users. Costs nothing for users seen within the day (the
 * common case: no statement at all); otherwise one UPDATE for the stale ones, and a transaction
 * per suspended user to reinstate them.
 */
export async function markUsersSeen(prisma: PrismaClient, options: { users: SeenState[]; actor: Actor }): Promise<void> {
  const now = clockNow();
  const stale = options.users.filter((u) => needsTouch(u, now));
  if (stale.length === 0) return;
  const plain = stale.filter((u) => u.suspendedAt === null).map((u) => u.id);
  // A user suspended between our read and this UPDATE is skipped here and reinstated below.
  const touched = plain.length
    ? await prisma.$queryRawUnsafe<{ id: string }[]>(
        `UPDATE "User" SET "lastSeenAt" = $2::timestamp(3), "inactiveFlaggedAt" = NULL
         WHERE id = ANY($1::text[]) AND "suspendedAt" IS NULL RETURNING id`,
        plain,
        now,
      )
    : [];
  const done = new Set(touched.map((t) => t.id));
  for (const u of stale) {
    if (!done.has(u.id)) await reinstateUser(prisma, { id: u.id, actor: options.actor });
  }
}

/** Lifts a suspension (if any) and marks the user seen, in one transaction with its events. */
export async function reinstateUser(prisma: PrismaClient, options: { id: string; actor: Actor }): Promise<void> {
  await retryOnConflict(() =>
    prisma.$transaction(async (tx) => {
      const locked = await tx.$queryRawUnsafe<{ id: string }[]>(`SELECT id FROM "User" WHERE id = $1 FOR NO KEY UPDATE`, options.id);
      if (locked.length === 0) return; // deleted meanwhile
      const user = await tx.user.findUniqueOrThrow({ where: { id: options.id } });
      const now = clockNow();
      if (user.suspendedAt === null) {
        await tx.user.update({ where: { id: user.id }, data: seenNow(now) });
        return;
      }
      await liftSuspensionInTx(tx, { user, actor: options.actor, now });
      await tx.user.update({ where: { id: user.id }, data: seenNow(now) });
    }),
  );
}

/**
 * Ends a suspension inside the caller's transaction (the caller holds the user's row lock and
 * clears suspendedAt): user.reinstated, then the status interval the directory's `active` says,
 * with the access.granted events it causes. `active` is the user's status after the caller's
 * change (a write that deactivates a suspended user reinstates nobody's access).
 */
export async function liftSuspensionInTx(
  tx: Tx,
  options: { user: Pick<User, "id" | "directoryId" | "userName" | "suspendedAt">; actor: Actor; now: Date; active?: boolean; eventId?: string },
): Promise<string> {
  const { user, actor } = options;
  const active = options.active ?? true;
  const eventId = await recordAuditEvent(tx, {
    actor,
    action: "user.reinstated",
    directoryId: user.directoryId,
    target: { type: "User", id: user.id, label: user.userName },
    before: { suspendedAt: user.suspendedAt },
    after: { suspendedAt: null, reason: "the directory touched the user again" },
  });
  await trackAccessChanges(tx, { userIds: [user.id], actor, cause: { kind: "user.reinstated", eventId } }, async () => {
    const at = clockNow();
    await tx.userStatusInterval.updateMany({ where: { userId: user.id, validTo: null }, data: { validTo: at } });
    await tx.userStatusInterval.create({
      data: { directoryId: user.directoryId, userId: user.id, active, validFrom: at, eventId: options.eventId ?? eventId },
    });
  });
  return eventId;
}

export interface InactivityResult {
  flagged: number;
  suspended: number;
  /** access.revoked events the suspensions recorded. */
  events: number;
  more: boolean;
}

/**
 * The job: for each directory with a policy, flags (and, with "suspend", suspends) its active
 * users not seen for inactivityDays. Each user is claimed by a conditional UPDATE … RETURNING, so
 * concurrent runners (or a SCIM touch racing the job) never flag a user twice: whichever commits
 * second re-checks the row and skips it.
 */
export async function applyInactivityPolicies(tx: Tx, options: { now: Date; actor?: Actor }): Promise<InactivityResult> {
  const actor = options.actor ?? SYSTEM_ACTOR;
  const directories = await tx.directory.findMany({
    where: { inactivityDays: { not: null } },
    select: { id: true, inactivityDays: true, inactivityAction: true },
    orderBy: { id: "asc" },
  });
  const result: InactivityResult = { flagged: 0, suspended: 0, events: 0, more: false };
  for (const d of directories) {
    const cutoff = new Date(options.now.getTime() - d.inactivityDays! * DAY_MS);
    const suspend = d.inactivityAction === "suspend";
    const stamp = clockNow();
    // Claim: active users of the directory not seen since the cut-off and not yet handled (for
    // "suspend", not yet suspended — a user flagged under "flag" is suspended once the policy
    // becomes "suspend").
    const claimed = await tx.$queryRawUnsafe<{ id: string; userName: string; lastSeenAt: Date; wasFlagged: boolean }[]>(
      `WITH due AS (
         SELECT id, "inactiveFlaggedAt" IS NOT NULL AS "wasFlagged" FROM "User"
         WHERE "directoryId" = $1 AND active AND "lastSeenAt" < $2::timestamp(3)
           AND ${suspend ? `"suspendedAt" IS NULL` : `"inactiveFlaggedAt" IS NULL`}
         ORDER BY "lastSeenAt", id
         LIMIT ${MAX_USERS_PER_RUN}
         FOR NO KEY UPDATE SKIP LOCKED
       )
       UPDATE "User" u SET "inactiveFlaggedAt" = COALESCE(u."inactiveFlaggedAt", $3::timestamp(3))
         ${suspend ? `, "suspendedAt" = $3::timestamp(3)` : ""}
       FROM due WHERE u.id = due.id
       RETURNING u.id, u."userName", u."lastSeenAt", due."wasFlagged"`,
      d.id,
      cutoff,
      stamp,
    );
    if (claimed.length === 0) continue;
    if (claimed.length === MAX_USERS_PER_RUN) result.more = true;
    const eventIds = new Map<string, string>();
    for (const u of claimed) {
      const details = { lastSeenAt: u.lastSeenAt, inactivityDays: d.inactivityDays, action: d.inactivityAction };
      if (!u.wasFlagged) {
        const id = await recordAuditEvent(tx, {
          actor,
          action: "user.inactive_flagged",
          directoryId: d.id,
          target: { type: "User", id: u.id, label: u.userName },
          after: details,
        });
        eventIds.set(u.id, id);
        result.flagged++;
      }
      if (suspend) {
        eventIds.set(
          u.id,
          await recordAuditEvent(tx, {
            actor,
            action: "user.suspended",
            directoryId: d.id,
            target: { type: "User", id: u.id, label: u.userName },
            after: { ...details, reason: `not seen by the directory for ${d.inactivityDays} days` },
          }),
        );
      }
    }
    if (!suspend) continue;
    result.suspended += claimed.length;
    const userIds = claimed.map((u) => u.id);
    // trackAccessChanges, spelled out to count the events it records.
    const beforeAccess = await snapshotAccess(tx, { userIds, at: clockNow() });
    const at = clockNow();
    await tx.userStatusInterval.updateMany({ where: { userId: { in: userIds }, validTo: null }, data: { validTo: at } });
    await tx.userStatusInterval.createMany({
      data: userIds.map((userId) => ({ directoryId: d.id, userId, active: false, validFrom: at, eventId: eventIds.get(userId) })),
    });
    const afterAccess = await snapshotAccess(tx, { userIds, at: clockNow() });
    result.events += await recordAccessChanges(tx, {
      changes: diffSnapshots(beforeAccess, afterAccess),
      actor,
      cause: { kind: "user.suspended", description: `inactivity policy: not seen by the directory for ${d.inactivityDays} days` },
      at,
    });
  }
  return result;
}
