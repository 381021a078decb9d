// Dashboard roles of Custodian itself granted to SCIM groups (GroupRoleAssignment), so the identity
// provider decides who administers Custodian: adding someone to the "Custodian Admins" group in
// Entra ID makes them an admin here at their next request, removing them ends it.
import { z } from "zod";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { groupIdsOfActivePerson } from "@/lib/access/group-graph";
import { recordAuditEvent, type Actor } from "@/lib/audit/record";
import { isUniqueViolation } from "@/lib/db/errors";
import { AppError } from "@/lib/errors";
import { ROLES, isRole, type Role } from "@/lib/auth/permissions";
import { now as clockNow } from "@/lib/clock";

export const roleAssignmentInput = z.object({
  groupId: z.string().trim().min(1).max(100),
  role: z.enum(ROLES),
});

/** Grants `role` to the members of the group (idempotent: assigning twice changes nothing). */
export async function assignRole(
  prisma: PrismaClient,
  options: { input: z.input<typeof roleAssignmentInput>; actor: Actor },
): Promise<{ id: string; groupId: string; role: Role; created: boolean }> {
  const { groupId, role } = roleAssignmentInput.parse(options.input);
  try {
    return await prisma.$transaction(async (tx) => {
      const group = await tx.group.findUnique({ where: { id: groupId }, select: { id: true, displayName: true, directoryId: true } });
      if (!group) throw new AppError("not_found", `Group ${groupId} not found`);
      const existing = await tx.groupRoleAssignment.findUnique({ where: { groupId_role: { groupId, role } } });
      if (existing) return { id: existing.id, groupId, role, created: false };
      const created = await tx.groupRoleAssignment.create({
        data: { groupId, role, createdBy: options.actor.label ?? options.actor.id ?? null, createdAt: clockNow() },
      });
      await recordAuditEvent(tx, {
        actor: options.actor,
        action: "group_role.assigned",
        directoryId: group.directoryId,
        target: { type: "Group", id: group.id, label: group.displayName },
        after: { role },
      });
      return { id: created.id, groupId, role, created: true };
    });
  } catch (err) {
    // Two admins assigning the same role at once: the second finds it done.
    if (isUniqueViolation(err)) {
      const row = await prisma.groupRoleAssignment.findUniqueOrThrow({ where: { groupId_role: { groupId, role } } });
      return { id: row.id, groupId, role, created: false };
    }
    throw err;
  }
}

/** Removes `role` from the group; not_found when the group does not hold it. */
export async function unassignRole(
  prisma: PrismaClient,
  options: { input: z.input<typeof roleAssignmentInput>; actor: Actor },
): Promise<void> {
  const { groupId, role } = roleAssignmentInput.parse(options.input);
  await prisma.$transaction(async (tx) => {
    const removed = await tx.groupRoleAssignment.deleteMany({ where: { groupId, role } });
    if (removed.count === 0) throw new AppError("not_found", `Group ${groupId} does not hold the ${role} role`);
    const group = await tx.group.findUnique({ where: { id: groupId }, select: { displayName: true, directoryId: true } });
    await recordAuditEvent(tx, {
      actor: options.actor,
      action: "group_role.unassigned",
      directoryId: group?.directoryId,
      target: { type: "Group", id: groupId, label: group?.displayName },
      before: { role },
    });
  });
}

/** Every assignment with its group (for the settings page); a few rows, so not paginated. */
export async function listRoleAssignments(prisma: PrismaClient, options: { groupId?: string } = {}) {
  const rows = await prisma.groupRoleAssignment.findMany({
    where: options.groupId ? { groupId: options.groupId } : {},
    orderBy: [{ role: "asc" }, { createdAt: "asc" }],
    include: { group: { select: { id: true, displayName: true, directoryId: true, directory: { select: { name: true } } } } },
  });
  return rows.map((r) => ({
    id: r.id,
    role: r.role,
    group: { id: r.group.id, displayName: r.group.displayName, directoryId: r.group.directoryId, directory: r.group.directory.name },
    createdAt: r.createdAt.toISOString(),
    createdBy: r.createdBy,
  }));
}

/**
 * The dashboard roles of a SCIM user: those of every group they are in now, directly or through
 * nested groups. A deactivated (or unknown) user holds none.
 */
export async function rolesOfUser(prisma: PrismaClient, options: { userId: string }): Promise<Role[]> {
  const groupIds = await groupIdsOfActivePerson(prisma, options);
  if (groupIds.length === 0) return [];
  const rows = await prisma.groupRoleAssignment.findMany({ where: { groupId: { in: groupIds } }, select: { role: true }, distinct: ["role"] });
  const held = new Set(rows.map((r) => r.role).filter(isRole));
  return ROLES.filter((r) => held.has(r));
}
