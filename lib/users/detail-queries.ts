// Read models of one person for the dashboard's user page: attributes (SCIM core + enterprise),
// groups (direct and through nesting), and the timeline of everything that happened to them.
// Effective contract access comes from the access engine (lib/access), not from here.
import { groupsOfPerson } from "@/lib/access/group-graph";
import { currentNames, mergeNames, nameIndex, referencesOf, type AuditNames } from "@/lib/audit/names";
import { z } from "zod";
import type { PrismaClient, User } from "@/lib/generated/prisma/client";
import { AppError } from "@/lib/errors";
import { pageWindow, type Page } from "@/lib/pagination";

type MultiValue = { value?: unknown; type?: unknown; primary?: unknown; display?: unknown };

export interface UserDetail {
  id: string;
  directory: { id: string; name: string; kind: string };
  active: boolean;
  version: number;
  createdAt: string;
  updatedAt: string;
  core: {
    userName: string;
    externalId: string | null;
    displayName: string | null;
    name: { formatted: string | null; givenName: string | null; middleName: string | null; familyName: string | null; honorificPrefix: string | null; honorificSuffix: string | null };
    nickName: string | null;
    title: string | null;
    userType: string | null;
    preferredLanguage: string | null;
    locale: string | null;
    timezone: string | null;
    profileUrl: string | null;
    emails: { value: string; type: string | null; primary: boolean }[];
    phoneNumbers: { value: string; type: string | null; primary: boolean }[];
    addresses: Record<string, unknown>[];
    entitlements: string[];
    roles: string[];
  };
  enterprise: {
    employeeNumber: string | null;
    costCenter: string | null;
    organization: string | null;
    division: string | null;
    department: string | null;
    /** The manager as the identity provider sent it; `user` when that person is known here. */
    manager: { id: string; user: { id: string; userName: string; displayName: string | null } | null } | null;
  };
}

function values(json: unknown): { value: string; type: string | null; primary: boolean }[] {
  if (!Array.isArray(json)) return [];
  return (json as MultiValue[])
    .filter((v) => v && v.value !== undefined && v.value !== null)
    .map((v) => ({ value: String(v.value), type: typeof v.type === "string" ? v.type : null, primary: v.primary === true }));
}

export async function getUserDetail(prisma: PrismaClient, options: { id: string }): Promise<UserDetail> {
  const user = await prisma.user.findUnique({ where: { id: options.id }, include: { directory: { select: { id: true, name: true, kind: true } } } });
  if (!user) throw new AppError("not_found", `No user with id "${options.id}"`);
  const manager = user.managerId
    ? await prisma.user.findFirst({
        where: { directoryId: user.directoryId, OR: [{ id: user.managerId }, { externalId: user.managerId }] },
        select: { id: true, userName: true, displayName: true },
      })
    : null;
  return {
    id: user.id,
    directory: user.directory,
    active: user.active,
    version: user.version,
    createdAt: user.createdAt.toISOString(),
    updatedAt: user.updatedAt.toISOString(),
    core: coreOf(user),
    enterprise: {
      employeeNumber: user.employeeNumber,
      costCenter: user.costCenter,
      organization: user.organization,
      division: user.division,
      department: user.department,
      manager: user.managerId ? { id: user.managerId, user: manager } : null,
    },
  };
}

function coreOf(user: User): UserDetail["core"] {
  return {
    userName: user.userName,
    externalId: user.externalId,
    displayName: user.displayName,
    name: {
      formatted: user.formattedName,
      givenName: user.givenName,
      middleName: user.middleName,
      familyName: user.familyName,
      honorificPrefix: user.honorificPrefix,
      honorificSuffix: user.honorificSuffix,
    },
    nickName: user.nickName,
    title: user.title,
    userType: user.userType,
    preferredLanguage: user.preferredLanguage,
    locale: user.locale,
    timezone: user.timezone,
    profileUrl: user.profileUrl,
    emails: values(user.emails),
    phoneNumbers: values(user.phoneNumbers),
    addresses: Array.isArray(user.addresses) ? (user.addresses as Record<string, unknown>[]) : [],
    entitlements: values(user.entitlements).map((v) => v.value),
    roles: values(user.roles).map((v) => v.value),
  };
}

export interface UserGroups {
  direct: { id: string; displayName: string; since: string | null }[];
  /** Groups the person is in through nesting; `via` is the chain from a direct group up to it. */
  inherited: { id: string; displayName: string; via: { id: string; displayName: string }[] }[];
}

/** Groups of a person now: direct memberships, then every ancestor group through nesting. */
export async function groupsOfUser(prisma: PrismaClient, options: { userId: string }): Promise<UserGroups> {
  // Each group once, by its shortest chain (lib/access/group-graph.ts owns the walk).
  const rows = await groupsOfPerson(prisma, { userId: options.userId });
  const names = new Map(rows.map((r) => [r.id, r.displayName]));
  return {
    direct: rows.filter((r) => r.depth === 1).map((r) => ({ id: r.id, displayName: r.displayName, since: r.since ? new Date(r.since).toISOString() : null })),
    inherited: rows
      .filter((r) => r.depth > 1)
      .map((r) => ({
        id: r.id,
        displayName: r.displayName,
        via: r.path.slice(0, -1).map((id) => ({ id, displayName: names.get(id) ?? id })),
      })),
  };
}

export const timelineQuery = z.object({
  page: z.coerce.number().optional(),
  pageSize: z.coerce.number().optional(),
});

export interface TimelineItem {
  /** Unique within the timeline. */
  key: string;
  at: string;
  kind: "event" | "membership.added" | "membership.removed";
  /** The audit action (for memberships: the event that added or removed them). */
  action: string | null;
  eventId: string | null;
  actor: { type: string | null; label: string | null };
  group: { id: string; displayName: string | null; exists: boolean } | null;
  before: unknown;
  after: unknown;
  /** Names of what the event touches (its cause's group, rule, contract): stored with it, else today's. */
  names: AuditNames | null;
}

/**
 * Everything that happened to a person, newest first: audit events whose target is the user
 * (lifecycle changes and the access.granted / access.revoked events the engine records for
 * them) and their memberships from the membership history — joins and leaves are facts about
 * the person even though the audit event of a membership change targets the group.
 */
export async function userTimeline(prisma: PrismaClient, options: { userId: string; page?: number; pageSize?: number }): Promise<Page<TimelineItem>> {
  const { page, pageSize, skip, take } = pageWindow({ page: options.page, pageSize: options.pageSize ?? 25 });
  const union = `
    SELECT 'event' AS kind, e.id AS key, e."createdAt" AS at, e.seq AS seq, e.action, e.id AS "eventId",
           e."actorType", e."actorLabel", NULL::text AS "groupId", e.before, e.after, e.names
      FROM "AuditEvent" e WHERE e."targetType" = 'User' AND e."targetId" = $1
    UNION ALL
    SELECT 'membership.added', 'a:' || mi.id, mi."validFrom", ae.seq, ae.action, mi."addedEventId",
           ae."actorType", ae."actorLabel", mi."groupId", NULL::jsonb, NULL::jsonb, ae.names
      FROM "MembershipInterval" mi LEFT JOIN "AuditEvent" ae ON ae.id = mi."addedEventId"
     WHERE mi."memberUserId" = $1
    UNION ALL
    SELECT 'membership.removed', 'r:' || mi.id, mi."validTo", ae.seq, ae.action, mi."removedEventId",
           ae."actorType", ae."actorLabel", mi."groupId", NULL::jsonb, NULL::jsonb, ae.names
      FROM "MembershipInterval" mi LEFT JOIN "AuditEvent" ae ON ae.id = mi."removedEventId"
     WHERE mi."memberUserId" = $1 AND mi."validTo" IS NOT NULL`;
  const [rows, [{ n }]] = await Promise.all([
    prisma.$queryRawUnsafe<
      {
        kind: TimelineItem["kind"];
        key: string;
        at: Date;
        action: string | null;
        eventId: string | null;
        actorType: string | null;
        actorLabel: string | null;
        groupId: string | null;
        before: unknown;
        after: unknown;
        names: AuditNames | null;
      }[]
    >(`SELECT * FROM (${union}) t ORDER BY at DESC, seq DESC NULLS LAST, key DESC LIMIT ${take} OFFSET ${skip}`, options.userId),
    prisma.$queryRawUnsafe<{ n: number | bigint }[]>(`SELECT count(*) AS n FROM (${union}) t`, options.userId),
  ]);
  const groupIds = [...new Set(rows.map((r) => r.groupId).filter((id): id is string => id !== null))];
  const groups = groupIds.length ? await prisma.group.findMany({ where: { id: { in: groupIds } }, select: { id: true, displayName: true } }) : [];
  // A deleted group keeps its display name in DeletedGroup (not in its group.deleted event, which
  // audit retention may delete).
  const gone = groupIds.filter((id) => !groups.some((g) => g.id === id));
  const kept = gone.length ? await prisma.deletedGroup.findMany({ where: { id: { in: gone } }, select: { id: true, displayName: true } }) : [];
  const live = new Map(groups.map((g) => [g.id, g.displayName]));
  // Causes of access changes name their group, rule and contract: as stored with the event, else
  // (events older than stored names) as they are named today.
  const unnamed = rows.flatMap((r) => {
    const stored = nameIndex(r.names);
    return referencesOf({ after: r.after }).refs.filter((ref) => !stored.has(ref.id));
  });
  const today = unnamed.length ? await currentNames(prisma, unnamed) : {};
  const remembered = new Map(kept.map((g) => [g.id, g.displayName]));
  return {
    page,
    pageSize,
    total: Number(n),
    items: rows.map((r) => ({
      key: r.key,
      at: new Date(r.at).toISOString(),
      kind: r.kind,
      action: r.action,
      eventId: r.eventId,
      actor: { type: r.actorType, label: r.actorLabel },
      group: r.groupId ? { id: r.groupId, displayName: live.get(r.groupId) ?? remembered.get(r.groupId) ?? null, exists: live.has(r.groupId) } : null,
      before: r.before ?? null,
      after: r.after ?? null,
      names: mergeNames(today, r.names ?? undefined) ?? null,
    })),
  };
}
