// Reads of users for the SCIM endpoints: a user with its direct groups (the SCIM `groups`
// attribute) in one statement. The writes in service.ts return rows of the same shape.
import type { PrismaClient, User } from "@/lib/generated/prisma/client";

export interface ScimGroupRef {
  id: string;
  displayName: string;
}

/** A user row with its direct groups (the SCIM `groups` attribute) read by the same statement. */
export type UserWithGroups = User & { scimGroups: ScimGroupRef[] };

/**
 * SQL for a computed column holding the direct groups of the user row `alias`, in the order they
 * were joined, as a JSON array: reads return a user and its groups in one statement.
 */
export const userGroupsColumn = (alias: string) =>
  `COALESCE((SELECT json_agg(json_build_object('id', g.id, 'displayName', g."displayName") ORDER BY gm."createdAt", gm.id)
     FROM "GroupMember" gm JOIN "Group" g ON g.id = gm."groupId" WHERE gm."memberUserId" = ${alias}.id), '[]'::json) AS "scimGroups"`;

export async function findUser(prisma: PrismaClient, options: { directoryId: string; id: string }): Promise<UserWithGroups | null> {
  const [user] = await prisma.$queryRawUnsafe<UserWithGroups[]>(
    `SELECT u.*, ${userGroupsColumn("u")} FROM "User" u WHERE u.id = $1 AND u."directoryId" = $2`,
    options.id,
    options.directoryId,
  );
  return user ?? null;
}

/** Direct group memberships of users, for the SCIM `groups` attribute (one statement). */
export async function groupsOfUsers(prisma: PrismaClient, userIds: string[]) {
  const byUser = new Map<string, ScimGroupRef[]>();
  if (userIds.length === 0) return byUser;
  const rows = await prisma.$queryRawUnsafe<{ uid: string; id: string; displayName: string }[]>(
    `SELECT gm."memberUserId" AS uid, g.id, g."displayName" FROM "GroupMember" gm JOIN "Group" g ON g.id = gm."groupId"
     WHERE gm."memberUserId" = ANY($1::text[]) ORDER BY gm."createdAt", gm.id`,
    userIds,
  );
  for (const r of rows) {
    const list = byUser.get(r.uid) ?? [];
    list.push({ id: r.id, displayName: r.displayName });
    byUser.set(r.uid, list);
  }
  return byUser;
}

/** The groups read with the users (userGroupsColumn), keyed by user id. */
export const groupsReadWith = (users: UserWithGroups[]) => new Map(users.map((u) => [u.id, u.scimGroups]));
