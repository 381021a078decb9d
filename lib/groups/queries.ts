// Read models of groups for the dashboard: the list (filtered, sorted, paginated in the database
// with member counts), one group's detail (parents, nesting, dashboard roles, effective size) and
// its direct members (paginated).
import { countPeopleInGroup, groupsAboveGroup } from "@/lib/access/group-graph";
import { z } from "zod";
import type { Prisma, PrismaClient } from "@/lib/generated/prisma/client";
import { AppError } from "@/lib/errors";
import { CONFIDENTIALITIES, type Confidentiality } from "@/lib/access/levels";
import { coverageSql, grantsAt, toInt, ts } from "@/lib/access/sql";
import { listRoleAssignments } from "@/lib/roles/service";
import { listRules, type RuleView } from "@/lib/rules/queries";
import { MAX_PAGE_SIZE, pageWindow, type Page } from "@/lib/pagination";
import { now as clockNow } from "@/lib/clock";

export const groupListQuery = z.object({
  directoryId: z.string().max(64).optional(),
  search: z.string().trim().max(200).optional(),
  sort: z.enum(["displayName", "members", "createdAt", "updatedAt"]).default("displayName"),
  order: z.enum(["asc", "desc"]).default("asc"),
  page: z.coerce.number().optional(),
  pageSize: z.coerce.number().optional(),
});

export interface GroupListItem {
  id: string;
  displayName: string;
  externalId: string | null;
  directory: { id: string; name: string };
  /** Direct members. */
  userMembers: number;
  groupMembers: number;
  roles: string[];
  updatedAt: string;
}

export async function listGroupsForAdmin(prisma: PrismaClient, input: z.input<typeof groupListQuery>): Promise<Page<GroupListItem>> {
  const q = groupListQuery.parse(input);
  const { page, pageSize, skip, take } = pageWindow({ page: q.page, pageSize: q.pageSize });
  const where: Prisma.GroupWhereInput = {
    ...(q.directoryId ? { directoryId: q.directoryId } : {}),
    ...(q.search
      ? { OR: [{ displayNameKey: { contains: q.search.toLowerCase() } }, { externalId: q.search }, ...(isUuidLike(q.search) ? [{ id: q.search }] : [])] }
      : {}),
  };
  const orderBy: Prisma.GroupOrderByWithRelationInput[] =
    q.sort === "members"
      ? [{ members: { _count: q.order } }, { displayNameKey: "asc" }]
      : [{ [q.sort === "displayName" ? "displayNameKey" : q.sort]: q.order }, { id: "asc" }];
  const [total, rows] = await Promise.all([
    prisma.group.count({ where }),
    prisma.group.findMany({
      where,
      orderBy,
      skip,
      take,
      include: { directory: { select: { id: true, name: true } }, roles: { select: { role: true } } },
    }),
  ]);
  const counts = await memberCounts(prisma, rows.map((r) => r.id));
  return {
    total,
    page,
    pageSize,
    items: rows.map((g) => ({
      id: g.id,
      displayName: g.displayName,
      externalId: g.externalId,
      directory: g.directory,
      userMembers: counts.get(g.id)?.users ?? 0,
      groupMembers: counts.get(g.id)?.groups ?? 0,
      roles: g.roles.map((r) => r.role).sort(),
      updatedAt: g.updatedAt.toISOString(),
    })),
  };
}

const isUuidLike = (v: string) => /^[0-9a-f-]{36}$/i.test(v);

async function memberCounts(prisma: PrismaClient, groupIds: string[]): Promise<Map<string, { users: number; groups: number }>> {
  if (groupIds.length === 0) return new Map();
  const rows = await prisma.$queryRawUnsafe<{ groupId: string; users: number | bigint; groups: number | bigint }[]>(
    `SELECT "groupId", count("memberUserId") AS users, count("memberGroupId") AS groups
       FROM "GroupMember" WHERE "groupId" = ANY($1::text[]) GROUP BY "groupId"`,
    groupIds,
  );
  return new Map(rows.map((r) => [r.groupId, { users: Number(r.users), groups: Number(r.groups) }]));
}

export interface GroupDetail {
  id: string;
  displayName: string;
  externalId: string | null;
  directory: { id: string; name: string; kind: string };
  version: number;
  createdAt: string;
  updatedAt: string;
  userMembers: number;
  groupMembers: number;
  /** Distinct people in the group directly or through nested groups, and how many are active. */
  effectiveMembers: number;
  effectiveActiveMembers: number;
  /** Groups this group is a member of: directly (depth 1) and through nesting, with the chain. */
  parents: { id: string; displayName: string; depth: number; via: { id: string; displayName: string }[] }[];
  roles: { id: string; role: string; createdAt: string; createdBy: string | null }[];
}

export async function getGroupDetail(prisma: PrismaClient, options: { id: string }): Promise<GroupDetail> {
  const group = await prisma.group.findUnique({ where: { id: options.id }, include: { directory: { select: { id: true, name: true, kind: true } } } });
  if (!group) throw new AppError("not_found", `No group with id "${options.id}"`);
  const [counts, effective, parents, roles] = await Promise.all([
    memberCounts(prisma, [group.id]),
    countPeopleInGroup(prisma, { groupId: group.id }),
    groupsAboveGroup(prisma, { groupId: group.id }),
    listRoleAssignments(prisma, { groupId: group.id }),
  ]);
  const names = new Map(parents.map((p) => [p.id, p.displayName]));
  return {
    id: group.id,
    displayName: group.displayName,
    externalId: group.externalId,
    directory: group.directory,
    version: group.version,
    createdAt: group.createdAt.toISOString(),
    updatedAt: group.updatedAt.toISOString(),
    userMembers: counts.get(group.id)?.users ?? 0,
    groupMembers: counts.get(group.id)?.groups ?? 0,
    effectiveMembers: effective.total,
    effectiveActiveMembers: effective.active,
    parents: parents.map((p) => ({
      id: p.id,
      displayName: p.displayName,
      depth: p.depth,
      via: p.path.slice(0, -1).map((id) => ({ id, displayName: names.get(id) ?? id })),
    })),
    roles: roles.map((r) => ({ id: r.id, role: r.role, createdAt: r.createdAt, createdBy: r.createdBy })),
  };
}

export const groupMembersQuery = z.object({
  type: z.enum(["User", "Group"]).optional(),
  search: z.string().trim().max(200).optional(),
  page: z.coerce.number().optional(),
  pageSize: z.coerce.number().optional(),
});

export interface GroupMemberItem {
  type: "User" | "Group";
  id: string;
  display: string;
  /** userName of a user member. */
  secondary: string | null;
  active: boolean | null;
  since: string;
}

/** Direct members of a group (users and nested groups), oldest membership first. */
export async function listGroupMembers(
  prisma: PrismaClient,
  options: { groupId: string } & z.input<typeof groupMembersQuery>,
): Promise<Page<GroupMemberItem>> {
  const q = groupMembersQuery.parse(options);
  const { page, pageSize, skip, take } = pageWindow({ page: q.page, pageSize: q.pageSize });
  const search = q.search?.toLowerCase();
  const userMatch: Prisma.UserWhereInput | undefined = search
    ? { OR: [{ userNameKey: { contains: search } }, { displayName: { contains: q.search, mode: "insensitive" } }, { primaryEmail: { contains: search } }] }
    : undefined;
  const groupMatch: Prisma.GroupWhereInput | undefined = search ? { displayNameKey: { contains: search } } : undefined;
  const where: Prisma.GroupMemberWhereInput = {
    groupId: options.groupId,
    ...(q.type === "User" ? { memberUserId: { not: null }, ...(userMatch ? { memberUser: userMatch } : {}) } : {}),
    ...(q.type === "Group" ? { memberGroupId: { not: null }, ...(groupMatch ? { memberGroup: groupMatch } : {}) } : {}),
    ...(!q.type && search ? { OR: [{ memberUser: userMatch }, { memberGroup: groupMatch }] } : {}),
  };
  const [total, rows] = await Promise.all([
    prisma.groupMember.count({ where }),
    prisma.groupMember.findMany({
      where,
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      skip,
      take,
      select: {
        createdAt: true,
        memberUser: { select: { id: true, userName: true, displayName: true, active: true } },
        memberGroup: { select: { id: true, displayName: true } },
      },
    }),
  ]);
  return {
    total,
    page,
    pageSize,
    items: rows.map((r) =>
      r.memberUser
        ? { type: "User" as const, id: r.memberUser.id, display: r.memberUser.displayName ?? r.memberUser.userName, secondary: r.memberUser.userName, active: r.memberUser.active, since: r.createdAt.toISOString() }
        : { type: "Group" as const, id: r.memberGroup!.id, display: r.memberGroup!.displayName, secondary: null, active: null, since: r.createdAt.toISOString() },
    ),
  };
}

export interface GroupRuleItem extends RuleView {
  /** The group the rule names: this one (depth 0) or one it is nested in. */
  viaGroup: { id: string; displayName: string; depth: number };
  /** Whether the rule grants right now (its window covers now). */
  grantsNow: boolean;
  /** Contracts the rule grants on now, by confidentiality. */
  contracts: Record<Confidentiality, number>;
}

export interface GroupAccess {
  rules: GroupRuleItem[];
  /** Distinct contracts the group's members can open now through these rules, by confidentiality. */
  reach: Record<Confidentiality, number>;
  /** True when more rules exist than were listed. */
  truncated: boolean;
}

const MAX_GROUP_RULES = 200;
const zeroes = () => Object.fromEntries(CONFIDENTIALITIES.map((c) => [c, 0])) as Record<Confidentiality, number>;

/**
 * The rules that reach the group's members: rules naming the group and rules naming a group it is
 * nested in (lib/rules/queries.ts listRules), with what each grants on now (counted with the access
 * engine's coverage predicates) and what they reach together.
 */
export async function groupAccess(prisma: PrismaClient, options: { groupId: string; now?: Date }): Promise<GroupAccess> {
  const detail = await getGroupDetail(prisma, { id: options.groupId });
  const groups = [{ id: detail.id, displayName: detail.displayName, depth: 0 }, ...detail.parents.map((p) => ({ id: p.id, displayName: p.displayName, depth: p.depth }))];
  const rules: GroupRuleItem[] = [];
  let truncated = false;
  for (const group of groups) {
    if (rules.length >= MAX_GROUP_RULES) {
      truncated = true;
      break;
    }
    const page = await listRules(prisma, { filter: { groupId: group.id }, page: { pageSize: MAX_PAGE_SIZE } });
    if (page.total > page.items.length) truncated = true;
    for (const rule of page.items) rules.push({ ...rule, viaGroup: group, grantsNow: false, contracts: zeroes() });
  }
  const reach = zeroes();
  if (rules.length === 0) return { rules, reach, truncated };
  const T = ts(2);
  const rows = await prisma.$queryRawUnsafe<{ key: string | null; confidentiality: number; n: unknown }[]>(
    `WITH rules AS (
       SELECT v."ruleId" AS key, v."contractId", v."repositoryId", v."contractTypes", v."confidentialityCeiling", v."graceDaysAfterEnd"
         FROM "AccessRuleVersion" v WHERE v."ruleId" = ANY($1::text[]) AND ${grantsAt("v", T)}
     ), coverage AS (${coverageSql("rules", T)})
     SELECT key, confidentiality, count(DISTINCT "contractId") AS n FROM coverage GROUP BY GROUPING SETS ((key, confidentiality), (confidentiality))
     UNION ALL
     SELECT key, -1, 0 FROM rules`,
    rules.map((r) => r.id),
    options.now ?? clockNow(),
  );
  const byRule = new Map(rules.map((r) => [r.id, r]));
  for (const row of rows) {
    if (row.confidentiality === -1) {
      if (row.key) byRule.get(row.key)!.grantsNow = true;
      continue;
    }
    const c = CONFIDENTIALITIES[row.confidentiality];
    if (!c) continue;
    if (row.key === null) reach[c] = toInt(row.n);
    else byRule.get(row.key)!.contracts[c] = toInt(row.n);
  }
  return { rules, reach, truncated };
}
