// Reads of users: for the SCIM endpoints, a user with its direct groups (the SCIM `groups`
// attribute) in one statement (the writes in service.ts return rows of the same shape); for the
// dashboard, lists filtered, sorted and paginated in the database.
import { z } from "zod";
import type { Prisma, PrismaClient, User } from "@/lib/generated/prisma/client";
import { pageWindow, type Page } from "@/lib/pagination";

// ---- SCIM reads
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

// ---- dashboard reads

export const userListQuery = z.object({
  directoryId: z.string().max(64).optional(),
  status: z.enum(["active", "inactive"]).optional(),
  /** Inactivity policy: flagged (not seen by the directory for its period) or suspended. */
  inactivity: z.enum(["flagged", "suspended"]).optional(),
  groupId: z.string().max(64).optional(),
  department: z.string().max(200).optional(),
  search: z.string().trim().max(200).optional(),
  sort: z.enum(["userName", "displayName", "department", "createdAt", "updatedAt"]).default("userName"),
  order: z.enum(["asc", "desc"]).default("asc"),
  page: z.coerce.number().optional(),
  pageSize: z.coerce.number().optional(),
});

export interface UserListItem {
  id: string;
  userName: string;
  displayName: string | null;
  email: string | null;
  department: string | null;
  title: string | null;
  active: boolean;
  inactiveFlaggedAt: string | null;
  suspendedAt: string | null;
  lastSeenAt: string;
  directory: { id: string; name: string };
  updatedAt: string;
}

export async function listUsersForAdmin(prisma: PrismaClient, input: z.input<typeof userListQuery>): Promise<Page<UserListItem>> {
  const q = userListQuery.parse(input);
  const { page, pageSize, skip, take } = pageWindow({ page: q.page, pageSize: q.pageSize });
  const where: Prisma.UserWhereInput = {
    ...(q.directoryId ? { directoryId: q.directoryId } : {}),
    ...(q.status ? { active: q.status === "active" } : {}),
    ...(q.inactivity === "flagged" ? { inactiveFlaggedAt: { not: null } } : q.inactivity === "suspended" ? { suspendedAt: { not: null } } : {}),
    ...(q.department ? { department: { equals: q.department, mode: "insensitive" } } : {}),
    ...(q.groupId ? { memberships: { some: { groupId: q.groupId } } } : {}),
    ...(q.search
      ? {
          OR: [
            { userNameKey: { contains: q.search.toLowerCase() } },
            { displayName: { contains: q.search, mode: "insensitive" } },
            { primaryEmail: { contains: q.search.toLowerCase() } },
            { externalId: q.search },
          ],
        }
      : {}),
  };
  const [total, rows] = await Promise.all([
    prisma.user.count({ where }),
    prisma.user.findMany({
      where,
      // `nulls` is only valid on optional columns (displayName, department); Prisma refuses it elsewhere.
      orderBy: [
        q.sort === "displayName" || q.sort === "department"
          ? { [q.sort]: { sort: q.order, nulls: "last" } }
          : { [q.sort === "userName" ? "userNameKey" : q.sort]: q.order },
        { id: "asc" },
      ],
      skip,
      take,
      include: { directory: { select: { id: true, name: true } } },
    }),
  ]);
  return {
    total,
    page,
    pageSize,
    items: rows.map((u) => ({
      id: u.id,
      userName: u.userName,
      displayName: u.displayName,
      email: u.primaryEmail,
      department: u.department,
      title: u.title,
      active: u.active,
      inactiveFlaggedAt: u.inactiveFlaggedAt?.toISOString() ?? null,
      suspendedAt: u.suspendedAt?.toISOString() ?? null,
      lastSeenAt: u.lastSeenAt.toISOString(),
      directory: u.directory,
      updatedAt: u.updatedAt.toISOString(),
    })),
  };
}
