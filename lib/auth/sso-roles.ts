// Dashboard roles of a person signing in by SSO: from the SCIM-provisioned groups they are in
// (GroupRoleAssignment, nested groups included). Only active SCIM users hold roles.
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { isRole, type Role } from "./permissions";

export async function rolesOfSsoUser(prisma: PrismaClient, email: string): Promise<{ userId: string; roles: Role[] } | null> {
  const rows = await prisma.$queryRawUnsafe<{ userId: string; role: string | null }[]>(
    `WITH RECURSIVE person AS (
       SELECT id FROM "User" WHERE active AND ("primaryEmail" = $1 OR "userNameKey" = $1)
     ), groups(id, userId) AS (
       SELECT gm."groupId", gm."memberUserId" FROM "GroupMember" gm JOIN person p ON gm."memberUserId" = p.id
       UNION
       SELECT gm."groupId", g.userId FROM "GroupMember" gm JOIN groups g ON gm."memberGroupId" = g.id
     )
     SELECT p.id AS "userId", ra.role FROM person p
       LEFT JOIN groups g ON g.userId = p.id
       LEFT JOIN "GroupRoleAssignment" ra ON ra."groupId" = g.id`,
    email,
  );
  if (rows.length === 0) return null;
  const roles = [...new Set(rows.map((r) => r.role).filter(isRole))];
  return { userId: rows[0].userId, roles };
}
