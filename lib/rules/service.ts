// The only writer of access rules. A rule's content lives in AccessRuleVersion rows that are
// never rewritten: every create, update and delete appends a version (the previous one gets
// recordedTo = now), so "which rules were in force on D, written by whom, why" stays answerable.
// Each change is one transaction with its audit event and, through the engine's
// trackAccessChanges, the access.granted / access.revoked events it causes. Reads are in
// ./queries.ts, the change preview in ./preview.ts, the input schemas in ./schemas.ts.
import { randomUUID } from "node:crypto";
import type { z } from "zod";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { diffObjects, recordAuditEvent, type Actor } from "@/lib/audit/record";
import { isRetryableConflict, retryOnConflict, type RetryOptions, type Tx } from "@/lib/db/errors";
import { AppError } from "@/lib/errors";
import { confidentialityRank, levelRank } from "@/lib/access/levels";
import { ruleScopeRepositories, trackAccessChanges } from "@/lib/access/change-events";
import { usersInGroup } from "@/lib/access/group-graph";
import { now as clockNow } from "@/lib/clock";
import { contentOf, ruleSnapshot, type RuleContent } from "./content";
import { getRule, type RuleView } from "./queries";
import { createRuleInput, deleteRuleInput, updateRuleInput } from "./schemas";

/** Direct user grants are exceptions: they must end, at most this long after they are written. */
export const MAX_DIRECT_GRANT_DAYS = 365;
const DAY_MS = 86_400_000;

export interface Problem {
  path: string;
  message: string;
}

export function contentFromCreate(input: z.output<typeof createRuleInput>): RuleContent {
  return {
    name: input.name,
    principalType: input.userId !== undefined && input.groupId === undefined ? "user" : "group",
    groupId: input.groupId ?? null,
    userId: input.userId ?? null,
    level: levelRank(input.level),
    repositoryId: input.repositoryId ?? null,
    contractId: input.contractId ?? null,
    contractTypes: [...new Set(input.contractTypes ?? [])],
    confidentialityCeiling: input.confidentialityCeiling ? confidentialityRank(input.confidentialityCeiling) : null,
    validFrom: input.validFrom ?? null,
    validUntil: input.validUntil ?? null,
    graceDaysAfterEnd: input.graceDaysAfterEnd ?? null,
    justification: input.justification,
  };
}

export function applyPatch(current: RuleContent, patch: z.output<typeof updateRuleInput>): RuleContent & { problems: Problem[] } {
  const problems: Problem[] = [];
  const next: RuleContent = { ...current };
  if (patch.groupId !== undefined && patch.userId !== undefined) {
    problems.push({ path: "groupId", message: "give groupId or userId, not both" });
  } else if (patch.groupId !== undefined) {
    Object.assign(next, { principalType: "group", groupId: patch.groupId, userId: null });
  } else if (patch.userId !== undefined) {
    Object.assign(next, { principalType: "user", userId: patch.userId, groupId: null });
  }
  if (patch.repositoryId !== undefined && patch.contractId !== undefined) {
    problems.push({ path: "repositoryId", message: "give repositoryId or contractId, not both" });
  } else if (patch.repositoryId !== undefined) {
    Object.assign(next, { repositoryId: patch.repositoryId, contractId: null });
  } else if (patch.contractId !== undefined) {
    // A single contract has no types or ceiling to narrow by.
    Object.assign(next, { contractId: patch.contractId, repositoryId: null, contractTypes: [], confidentialityCeiling: null });
  }
  if (patch.name !== undefined) next.name = patch.name;
  if (patch.level !== undefined) next.level = levelRank(patch.level);
  if (patch.contractTypes !== undefined) next.contractTypes = [...new Set(patch.contractTypes ?? [])];
  if (patch.confidentialityCeiling !== undefined) {
    next.confidentialityCeiling = patch.confidentialityCeiling === null ? null : confidentialityRank(patch.confidentialityCeiling);
  }
  if (patch.validFrom !== undefined) next.validFrom = patch.validFrom;
  if (patch.validUntil !== undefined) next.validUntil = patch.validUntil;
  if (patch.graceDaysAfterEnd !== undefined) next.graceDaysAfterEnd = patch.graceDaysAfterEnd;
  if (patch.justification !== undefined) next.justification = patch.justification;
  return { ...next, problems };
}

/**
 * The rules every version must satisfy. `previous` is the content before an update: an expiry
 * that was already written is not re-checked against the clock unless it changes.
 */
export function ruleProblems(c: RuleContent, now: Date, previous?: RuleContent): Problem[] {
  const problems: Problem[] = [];
  if ((c.groupId === null) === (c.userId === null)) problems.push({ path: "groupId", message: "give exactly one principal: groupId or userId" });
  if ((c.repositoryId === null) === (c.contractId === null)) {
    problems.push({ path: "repositoryId", message: "give exactly one scope: repositoryId or contractId" });
  }
  if (c.contractId !== null && c.contractTypes.length > 0) problems.push({ path: "contractTypes", message: "only for a repository scope" });
  if (c.contractId !== null && c.confidentialityCeiling !== null) {
    problems.push({ path: "confidentialityCeiling", message: "only for a repository scope" });
  }
  if (c.validFrom && c.validUntil && c.validUntil <= c.validFrom) problems.push({ path: "validUntil", message: "must be after validFrom" });
  const untilChanged = !previous || previous.validUntil?.getTime() !== c.validUntil?.getTime();
  if (c.validUntil && untilChanged && c.validUntil <= now) problems.push({ path: "validUntil", message: "must be in the future" });
  if (c.principalType === "user") {
    const principalChanged = !previous || previous.userId !== c.userId;
    if (!c.validUntil) {
      problems.push({ path: "validUntil", message: "a direct user grant needs an expiry (validUntil)" });
    } else if ((untilChanged || principalChanged) && c.validUntil.getTime() > now.getTime() + MAX_DIRECT_GRANT_DAYS * DAY_MS) {
      problems.push({ path: "validUntil", message: `a direct user grant may last at most ${MAX_DIRECT_GRANT_DAYS} days` });
    }
  }
  return problems;
}

/** Referenced rows must exist (groups and users of any directory). Only new references are
 * checked on updates, so a rule whose group was deleted can still be edited or deleted. */
export async function referenceProblems(tx: PrismaClient | Tx, c: RuleContent, previous?: RuleContent): Promise<Problem[]> {
  const changed = (k: "groupId" | "userId" | "repositoryId" | "contractId") => c[k] !== null && (!previous || previous[k] !== c[k]);
  const [group, user, repository, contract] = await Promise.all([
    changed("groupId") ? tx.group.findUnique({ where: { id: c.groupId! }, select: { id: true } }) : true,
    changed("userId") ? tx.user.findUnique({ where: { id: c.userId! }, select: { id: true } }) : true,
    changed("repositoryId") ? tx.repository.findUnique({ where: { id: c.repositoryId! }, select: { id: true } }) : true,
    changed("contractId") ? tx.contract.findUnique({ where: { id: c.contractId! }, select: { id: true } }) : true,
  ]);
  const problems: Problem[] = [];
  if (!group) problems.push({ path: "groupId", message: `no group with id "${c.groupId}"` });
  if (!user) problems.push({ path: "userId", message: `no user with id "${c.userId}"` });
  if (!repository) problems.push({ path: "repositoryId", message: `no repository with id "${c.repositoryId}"` });
  if (!contract) problems.push({ path: "contractId", message: `no contract with id "${c.contractId}"` });
  return problems;
}

export function fail(problems: Problem[]): never {
  throw new AppError("invalid_input", problems.map((p) => `${p.path}: ${p.message}`).join("; "), problems);
}

/** Rule events are labelled with the rule's name (the snapshot in the event says the rest). */
const ruleLabel = (c: RuleContent) => c.name;

/**
 * Claims the rule's name in the repository its scope lies in (its repository, or its contract's
 * repository now): a live rule there with the same name (case-insensitively) is a conflict. The
 * unique index on (scopeRepositoryId, nameKey) holds it under concurrent writes too.
 */
async function claimName(tx: Tx, options: { ruleId: string; content: RuleContent }) {
  const { ruleId, content } = options;
  const scopeRepositoryId =
    content.repositoryId ??
    (await tx.contract.findUnique({ where: { id: content.contractId! }, select: { repositoryId: true } }))?.repositoryId ??
    null;
  const nameKey = content.name.toLowerCase();
  const taken = await tx.accessRule.findFirst({ where: { scopeRepositoryId, nameKey, id: { not: ruleId } }, select: { id: true } });
  if (taken) {
    const repository = scopeRepositoryId ? await tx.repository.findUnique({ where: { id: scopeRepositoryId }, select: { name: true } }) : null;
    throw new AppError("conflict", `A rule named "${content.name}" already exists in repository "${repository?.name ?? scopeRepositoryId}"`, [
      { path: "name", message: "is taken by another rule of this repository", ruleId: taken.id },
    ]);
  }
  return { nameKey, scopeRepositoryId };
}

/** The users a principal reaches now: a group's members (nested groups included), or the user. */
async function usersOf(tx: Tx, c: RuleContent | undefined): Promise<string[]> {
  if (!c) return [];
  if (c.userId) return [c.userId];
  return c.groupId ? usersInGroup(tx, c.groupId) : [];
}

async function lockRule(tx: Tx, ruleId: string) {
  const locked = await tx.$queryRawUnsafe<{ id: string }[]>(`SELECT id FROM "AccessRule" WHERE id = $1 FOR UPDATE`, ruleId);
  if (locked.length === 0) throw new AppError("not_found", `Access rule ${ruleId} not found`);
  const rule = await tx.accessRule.findUniqueOrThrow({ where: { id: ruleId } });
  const current = await tx.accessRuleVersion.findUniqueOrThrow({ where: { ruleId_version: { ruleId, version: rule.currentVersion } } });
  return { rule, current };
}

type Change = "created" | "updated" | "deleted";

async function appendVersion(
  tx: Tx,
  options: { ruleId: string; version: number; change: Change; content: RuleContent; actor: Actor; eventId: string; now: Date },
) {
  const { ruleId, version, change, content, actor, eventId, now } = options;
  if (version > 1) {
    await tx.accessRuleVersion.updateMany({ where: { ruleId, recordedTo: null }, data: { recordedTo: now } });
  }
  return tx.accessRuleVersion.create({
    data: {
      ruleId,
      version,
      change,
      ...content,
      contractTypes: content.contractTypes,
      authorType: actor.type,
      authorId: actor.id ?? null,
      authorLabel: actor.label ?? null,
      recordedFrom: now,
      eventId,
    },
  });
}

/** Rule writes of one principal serialise on the rule row; a rare serialization failure is retried once. */
const retryOnce: RetryOptions = { attempts: 2, retryOn: isRetryableConflict };

const txOptions = { maxWait: 10_000, timeout: 60_000 };

/** The access.granted / access.revoked events name the rule change (and its audit event) as cause. */
const causeOf = (kind: "rule.created" | "rule.updated" | "rule.deleted", ruleId: string, name: string) => (eventId: string) => ({
  kind,
  eventId,
  description: `access rule "${name}"`,
  subjects: [{ kind: "AccessRule", id: ruleId, eventId }],
});

export async function createRule(prisma: PrismaClient, options: { input: unknown; actor: Actor }): Promise<RuleView> {
  const input = createRuleInput.parse(options.input);
  const content = contentFromCreate(input);
  const now = clockNow();
  const problems = ruleProblems(content, now);
  if (problems.length) fail(problems);
  const ruleId = randomUUID();
  await retryOnConflict(() =>
    prisma.$transaction(async (tx) => {
      const refs = await referenceProblems(tx, content);
      if (refs.length) fail(refs);
      const claim = await claimName(tx, { ruleId, content });
      const userIds = await usersOf(tx, content);
      // Only the repositories the rule can touch are compared: a rule on a group of 47k people
      // summarises their access there, not everywhere (22 s → 1.3 s per summary at scale).
      const repositoryIds = () => ruleScopeRepositories(tx, [content]);
      await trackAccessChanges(tx, { userIds, repositoryIds, actor: options.actor, cause: causeOf("rule.created", ruleId, content.name) }, async () => {
        // Taken inside the change: the engine compares access just before and just after it.
        const at = clockNow();
        await tx.accessRule.create({ data: { id: ruleId, currentVersion: 1, createdAt: at, ...claim } });
        const eventId = await recordAuditEvent(tx, {
          actor: options.actor,
          action: "rule.created",
          target: { type: "AccessRule", id: ruleId, label: ruleLabel(content) },
          after: { version: 1, ...ruleSnapshot(content) },
        });
        await appendVersion(tx, { ruleId, version: 1, change: "created", content, actor: options.actor, eventId, now: at });
        return eventId;
      });
    }, txOptions),
    retryOnce,
  );
  return getRule(prisma, { id: ruleId });
}

export async function updateRule(
  prisma: PrismaClient,
  options: { id: string; input: unknown; actor: Actor; expectedVersion?: number },
): Promise<RuleView> {
  const patch = updateRuleInput.parse(options.input);
  await retryOnConflict(() =>
    prisma.$transaction(async (tx) => {
      const { rule, current } = await lockRule(tx, options.id);
      if (rule.deletedAt) throw new AppError("conflict", `Access rule ${rule.id} was deleted; create a new rule instead`);
      if (options.expectedVersion !== undefined && rule.currentVersion !== options.expectedVersion) {
        throw new AppError("conflict", `The rule was changed since version ${options.expectedVersion} (now ${rule.currentVersion})`);
      }
      const before = contentOf(current);
      const { problems: patchProblems, ...next } = applyPatch(before, patch);
      if (patchProblems.length) fail(patchProblems);
      const problems = ruleProblems(next, clockNow(), before);
      if (problems.length) fail(problems);
      const refs = await referenceProblems(tx, next, before);
      if (refs.length) fail(refs);
      const diff = diffObjects(ruleSnapshot(before), ruleSnapshot(next));
      if (Object.keys(diff.before).length === 0 && Object.keys(diff.after).length === 0) return;
      const claim = await claimName(tx, { ruleId: rule.id, content: next });
      const version = rule.currentVersion + 1;
      const userIds = [...new Set([...(await usersOf(tx, before)), ...(await usersOf(tx, next))])];
      const repositoryIds = () => ruleScopeRepositories(tx, [before, next]);
      await trackAccessChanges(tx, { userIds, repositoryIds, actor: options.actor, cause: causeOf("rule.updated", rule.id, next.name) }, async () => {
        const at = clockNow();
        const eventId = await recordAuditEvent(tx, {
          actor: options.actor,
          action: "rule.updated",
          target: { type: "AccessRule", id: rule.id, label: ruleLabel(next) },
          before: { version: rule.currentVersion, ...diff.before },
          after: { version, ...diff.after },
        });
        await appendVersion(tx, { ruleId: rule.id, version, change: "updated", content: next, actor: options.actor, eventId, now: at });
        await tx.accessRule.update({ where: { id: rule.id }, data: { currentVersion: version, ...claim } });
        return eventId;
      });
    }, txOptions),
    retryOnce,
  );
  return getRule(prisma, { id: options.id });
}

/** Deletes a rule: a final version with change "deleted" (granting nothing); history stays. */
export async function deleteRule(
  prisma: PrismaClient,
  options: { id: string; input?: unknown; actor: Actor; expectedVersion?: number },
): Promise<RuleView> {
  const input = deleteRuleInput.parse(options.input ?? {});
  await retryOnConflict(() =>
    prisma.$transaction(async (tx) => {
      const { rule, current } = await lockRule(tx, options.id);
      if (rule.deletedAt) throw new AppError("not_found", `Access rule ${rule.id} was already deleted`);
      if (options.expectedVersion !== undefined && rule.currentVersion !== options.expectedVersion) {
        throw new AppError("conflict", `The rule was changed since version ${options.expectedVersion} (now ${rule.currentVersion})`);
      }
      const before = contentOf(current);
      const final: RuleContent = { ...before, justification: input.justification ?? before.justification };
      const version = rule.currentVersion + 1;
      const userIds = await usersOf(tx, before);
      const repositoryIds = () => ruleScopeRepositories(tx, [before]);
      await trackAccessChanges(tx, { userIds, repositoryIds, actor: options.actor, cause: causeOf("rule.deleted", rule.id, before.name) }, async () => {
        const at = clockNow();
        const eventId = await recordAuditEvent(tx, {
          actor: options.actor,
          action: "rule.deleted",
          target: { type: "AccessRule", id: rule.id, label: ruleLabel(before) },
          before: { version: rule.currentVersion, ...ruleSnapshot(before) },
          after: { version, ...(input.justification ? { justification: input.justification } : {}) },
        });
        await appendVersion(tx, { ruleId: rule.id, version, change: "deleted", content: final, actor: options.actor, eventId, now: at });
        await tx.accessRule.update({ where: { id: rule.id }, data: { currentVersion: version, deletedAt: at, nameKey: null } });
        return eventId;
      });
    }, txOptions),
    retryOnce,
  );
  return getRule(prisma, { id: options.id });
}
