// Reads of access rules: one rule (its current version, with the names of what it points at),
// the filtered list of current versions, and a rule's version history.
import type { z } from "zod";
import type { AccessRuleVersion, Prisma, PrismaClient } from "@/lib/generated/prisma/client";
import { AppError } from "@/lib/errors";
import { pageWindow, type Page, type PageInput } from "@/lib/pagination";
import { contentOf, ruleSnapshot } from "./content";
import { listRulesInput } from "./schemas";
import { onProcessClient } from "@/lib/db/client";

export type RuleView = ReturnType<typeof ruleSnapshot> & {
  id: string;
  version: number;
  deleted: boolean;
  deletedAt: string | null;
  /** The group's displayName (a deleted group's kept name) or the user's userName. */
  principalName: string | null;
  /** The group the rule names has been deleted (principalName is the name it had). */
  principalDeleted: boolean;
  scopeName: string | null;
  author: { type: string; id: string | null; label: string | null };
  createdAt: string;
  updatedAt: string;
};

interface Names {
  groups: Map<string, string>;
  deletedGroups: Map<string, string>;
  users: Map<string, string>;
  repositories: Map<string, string>;
  contracts: Map<string, string>;
}

async function namesFor(prisma: PrismaClient, versions: AccessRuleVersion[]): Promise<Names> {
  const ids = (k: "groupId" | "userId" | "repositoryId" | "contractId") =>
    [...new Set(versions.map((v) => v[k]).filter((x): x is string => x !== null))];
  const [groups, deletedGroups, users, repositories, contracts] = await Promise.all([
    prisma.group.findMany({ where: { id: { in: ids("groupId") } }, select: { id: true, displayName: true } }),
    prisma.deletedGroup.findMany({ where: { id: { in: ids("groupId") } }, select: { id: true, displayName: true } }),
    prisma.user.findMany({ where: { id: { in: ids("userId") } }, select: { id: true, userName: true } }),
    prisma.repository.findMany({ where: { id: { in: ids("repositoryId") } }, select: { id: true, name: true } }),
    prisma.contract.findMany({ where: { id: { in: ids("contractId") } }, select: { id: true, title: true } }),
  ]);
  return {
    groups: new Map(groups.map((g) => [g.id, g.displayName])),
    deletedGroups: new Map(deletedGroups.map((g) => [g.id, g.displayName])),
    users: new Map(users.map((u) => [u.id, u.userName])),
    repositories: new Map(repositories.map((r) => [r.id, r.name])),
    contracts: new Map(contracts.map((c) => [c.id, c.title])),
  };
}

function ruleView(v: AccessRuleVersion, rule: { createdAt: Date; deletedAt: Date | null }, names: Names): RuleView {
  const c = contentOf(v);
  return {
    id: v.ruleId,
    version: v.version,
    ...ruleSnapshot(c),
    deleted: v.change === "deleted",
    deletedAt: rule.deletedAt?.toISOString() ?? null,
    principalName: (c.groupId ? (names.groups.get(c.groupId) ?? names.deletedGroups.get(c.groupId)) : names.users.get(c.userId ?? "")) ?? null,
    principalDeleted: c.groupId !== null && !names.groups.has(c.groupId) && names.deletedGroups.has(c.groupId),
    scopeName: (c.repositoryId ? names.repositories.get(c.repositoryId) : names.contracts.get(c.contractId ?? "")) ?? null,
    author: { type: v.authorType, id: v.authorId, label: v.authorLabel },
    createdAt: rule.createdAt.toISOString(),
    updatedAt: v.recordedFrom.toISOString(),
  };
}

export async function getRule(prisma: PrismaClient, options: { id: string }): Promise<RuleView> {
  const rule = await prisma.accessRule.findUnique({ where: { id: options.id } });
  if (!rule) throw new AppError("not_found", `Access rule ${options.id} not found`);
  const current = await prisma.accessRuleVersion.findUniqueOrThrow({
    where: { ruleId_version: { ruleId: rule.id, version: rule.currentVersion } },
  });
  return ruleView(current, rule, await namesFor(prisma, [current]));
}

/** Current versions of rules, newest change first, filtered and paginated in the database. */
export async function listRules(
  prisma: PrismaClient,
  options: { page?: PageInput; filter?: z.input<typeof listRulesInput> } = {},
): Promise<Page<RuleView>> {
  const { page, pageSize, skip, take } = pageWindow(options.page);
  const f = listRulesInput.parse(options.filter ?? {});
  const where: Prisma.AccessRuleVersionWhereInput = {
    recordedTo: null,
    ...(f.includeDeleted ? {} : { change: { not: "deleted" } }),
    ...(f.groupId ? { groupId: f.groupId } : {}),
    ...(f.userId ? { userId: f.userId } : {}),
    ...(f.repositoryId ? { repositoryId: f.repositoryId } : {}),
    ...(f.contractId ? { contractId: f.contractId } : {}),
    ...(f.principalType ? { principalType: f.principalType } : {}),
    // ILIKE in the database on the current version's name. Prisma passes % and _ through as
    // wildcards: escape them (and the escape character) so they match themselves.
    ...(f.search ? { name: { contains: f.search.replace(/[\\%_]/g, (c) => `\\${c}`), mode: "insensitive" } } : {}),
  };
  const [rows, total] = await Promise.all([
    prisma.accessRuleVersion.findMany({
      where,
      orderBy: [{ recordedFrom: "desc" }, { id: "asc" }],
      skip,
      take,
      include: { rule: { select: { createdAt: true, deletedAt: true } } },
    }),
    prisma.accessRuleVersion.count({ where }),
  ]);
  const names = await namesFor(prisma, rows);
  return { items: rows.map((v) => ruleView(v, v.rule, names)), page, pageSize, total };
}

/** Every version of a rule, oldest first, with both time axes and the author of each. */
export async function listRuleVersions(prisma: PrismaClient, options: { ruleId: string }) {
  const rule = await prisma.accessRule.findUnique({ where: { id: options.ruleId } });
  if (!rule) throw new AppError("not_found", `Access rule ${options.ruleId} not found`);
  const versions = await prisma.accessRuleVersion.findMany({ where: { ruleId: rule.id }, orderBy: { version: "asc" } });
  return versions.map((v) => ({
    version: v.version,
    change: v.change,
    ...ruleSnapshot(contentOf(v)),
    author: { type: v.authorType, id: v.authorId, label: v.authorLabel },
    recordedFrom: v.recordedFrom.toISOString(),
    recordedTo: v.recordedTo?.toISOString() ?? null,
    eventId: v.eventId,
  }));
}

export interface PickedSubject {
  id: string;
  label: string;
  secondary: string | null;
}

/** The group and contract a new rule starts from (links from a group or contract page), labelled as the form's pickers label them. */
export async function findRuleFormStart(
  prisma: PrismaClient,
  options: { groupId?: string; contractId?: string },
): Promise<{ group: PickedSubject | null; contract: PickedSubject | null }> {
  const [group, contract] = await Promise.all([
    options.groupId ? prisma.group.findUnique({ where: { id: options.groupId }, include: { directory: { select: { name: true } } } }) : null,
    options.contractId ? prisma.contract.findUnique({ where: { id: options.contractId }, include: { repository: { select: { name: true } } } }) : null,
  ]);
  return {
    group: group ? { id: group.id, label: group.displayName, secondary: group.directory.name } : null,
    contract: contract ? { id: contract.id, label: contract.title, secondary: contract.repository.name } : null,
  };
}

/** The reads rule pages make (pages never hold the database client). */
export const rulesForPages = {
  rule: onProcessClient(getRule),
  formStart: onProcessClient(findRuleFormStart),
};
