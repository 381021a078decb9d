import { describe, expect, it } from "vitest";
import { setupTestDatabase, unique } from "@/lib/testing/database";
import { newOrg, newRepository, testActor } from "@/lib/testing/api-v1";
import { AppError } from "@/lib/errors";
import { upsertContractByExternalRef } from "@/lib/contracts/service";
import { assignRole, listRoleAssignments, rolesOfUser, unassignRole } from "@/lib/roles/service";
import { previewRule } from "./preview";
import { getRule, listRules, listRuleVersions } from "./queries";
import { createRule, deleteRule, updateRule } from "./service";

const { db } = setupTestDatabase();
const prisma = () => db().prisma;
const DAY = 86_400_000;
const inDays = (n: number) => new Date(Date.now() + n * DAY).toISOString();

async function appError(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error("expected an AppError");
}

/** A repository with one contract, and an org with a group holding one user. */
async function scenario() {
  const org = await newOrg();
  const user = await org.user();
  const group = await org.group([user.id]);
  const repo = await newRepository();
  const { contract } = await upsertContractByExternalRef(prisma(), {
    externalRef: unique("R"),
    input: { title: "Rule test contract", contractType: "NDA", repository: repo.name, confidentiality: "confidential" },
    actor: testActor,
  });
  return { org, user, group, repo, contract };
}

const accessEvents = (userId: string) =>
  prisma().auditEvent.findMany({
    where: { targetId: userId, action: { in: ["access.granted", "access.revoked"] } },
    orderBy: { seq: "asc" },
    select: { action: true, after: true },
  });

describe("rule validation", () => {
  it("requires a justification, exactly one principal and one scope, and existing references", async () => {
    const { group, user, repo, contract } = await scenario();
    const base = { name: "Legal reads NDAs", groupId: group.id, level: "view", repositoryId: repo.id, justification: "Legal team reads NDAs" };

    await expect(createRule(prisma(), { input: { ...base, justification: undefined }, actor: testActor })).rejects.toMatchObject({ name: "ZodError" });
    expect((await appError(createRule(prisma(), { input: { ...base, userId: user.id, validUntil: inDays(5) }, actor: testActor }))).details).toEqual([
      { path: "groupId", message: "give exactly one principal: groupId or userId" },
    ]);
    expect((await appError(createRule(prisma(), { input: { ...base, contractId: contract.id }, actor: testActor }))).details).toEqual([
      { path: "repositoryId", message: "give exactly one scope: repositoryId or contractId" },
    ]);
    expect(
      (await appError(createRule(prisma(), { input: { ...base, repositoryId: undefined, contractId: contract.id, contractTypes: ["NDA"] }, actor: testActor })))
        .details,
    ).toEqual([{ path: "contractTypes", message: "only for a repository scope" }]);
    const unknown = await appError(createRule(prisma(), { input: { ...base, groupId: "no-such-group", repositoryId: "no-such-repo" }, actor: testActor }));
    expect(unknown.code).toBe("invalid_input");
    expect(unknown.details).toEqual([
      { path: "groupId", message: 'no group with id "no-such-group"' },
      { path: "repositoryId", message: 'no repository with id "no-such-repo"' },
    ]);
    expect((await appError(createRule(prisma(), { input: { ...base, validFrom: inDays(3), validUntil: inDays(2) }, actor: testActor }))).details).toEqual([
      { path: "validUntil", message: "must be after validFrom" },
    ]);
  });

  it("requires a direct user grant to expire, within a year", async () => {
    const { user, contract } = await scenario();
    const base = { name: "Covering for a colleague", userId: user.id, level: "edit", contractId: contract.id, justification: "Covering for a colleague" };
    expect((await appError(createRule(prisma(), { input: base, actor: testActor }))).details).toEqual([
      { path: "validUntil", message: "a direct user grant needs an expiry (validUntil)" },
    ]);
    expect((await appError(createRule(prisma(), { input: { ...base, validUntil: inDays(400) }, actor: testActor }))).details).toEqual([
      { path: "validUntil", message: "a direct user grant may last at most 365 days" },
    ]);
    expect((await appError(createRule(prisma(), { input: { ...base, validUntil: inDays(-1) }, actor: testActor }))).details).toEqual([
      { path: "validUntil", message: "must be in the future" },
    ]);
    const rule = await createRule(prisma(), { input: { ...base, validUntil: inDays(30) }, actor: testActor });
    expect(rule).toMatchObject({ principalType: "user", userId: user.id, level: "edit", principalName: user.userName, version: 1 });
    // Clearing the expiry of a direct grant is refused as well.
    expect((await appError(updateRule(prisma(), { id: rule.id, input: { validUntil: null }, actor: testActor }))).details).toEqual([
      { path: "validUntil", message: "a direct user grant needs an expiry (validUntil)" },
    ]);
  });
});

describe("rule history", () => {
  it("appends versions on update and delete and never rewrites earlier ones", async () => {
    const { group, repo } = await scenario();
    const created = await createRule(prisma(), {
      input: { name: "NDA readers", groupId: group.id, level: "view", repositoryId: repo.id, contractTypes: ["NDA"], confidentialityCeiling: "confidential", justification: "Initial" },
      actor: testActor,
    });
    const v1Before = await prisma().accessRuleVersion.findUniqueOrThrow({ where: { ruleId_version: { ruleId: created.id, version: 1 } } });

    const updated = await updateRule(prisma(), {
      id: created.id,
      input: { level: "edit", justification: "Team now edits NDAs" },
      expectedVersion: 1,
      actor: { type: "admin", id: "other-admin", label: "other admin" },
    });
    expect(updated).toMatchObject({ version: 2, level: "edit", contractTypes: ["NDA"], confidentialityCeiling: "confidential", author: { label: "other admin" } });
    expect((await appError(updateRule(prisma(), { id: created.id, input: { level: "sign" }, expectedVersion: 1, actor: testActor }))).code).toBe("conflict");
    // No change, no version.
    expect((await updateRule(prisma(), { id: created.id, input: { level: "edit" }, actor: testActor })).version).toBe(2);

    const deleted = await deleteRule(prisma(), { id: created.id, input: { justification: "Team disbanded" }, actor: testActor });
    expect(deleted).toMatchObject({ version: 3, deleted: true, justification: "Team disbanded" });
    expect(deleted.deletedAt).not.toBeNull();

    const versions = await listRuleVersions(prisma(), { ruleId: created.id });
    expect(versions.map((v) => [v.version, v.change, v.level, v.justification, v.author.label])).toEqual([
      [1, "created", "view", "Initial", "test admin"],
      [2, "updated", "edit", "Team now edits NDAs", "other admin"],
      [3, "deleted", "edit", "Team disbanded", "test admin"],
    ]);
    expect(versions[0].recordedTo).toBe(versions[1].recordedFrom);
    expect(versions[1].recordedTo).toBe(versions[2].recordedFrom);
    expect(versions[2].recordedTo).toBeNull();
    // Version 1's content is exactly as written; only its recordedTo was set.
    const v1After = await prisma().accessRuleVersion.findUniqueOrThrow({ where: { id: v1Before.id } });
    expect({ ...v1After, recordedTo: null }).toEqual(v1Before);

    const rule = await prisma().accessRule.findUniqueOrThrow({ where: { id: created.id } });
    expect(rule.currentVersion).toBe(3);
    expect((await appError(updateRule(prisma(), { id: created.id, input: { level: "view" }, actor: testActor }))).code).toBe("conflict");
    expect((await appError(deleteRule(prisma(), { id: created.id, actor: testActor }))).code).toBe("not_found");

    const audit = await prisma().auditEvent.findMany({ where: { targetId: created.id }, orderBy: { seq: "asc" } });
    expect(audit.map((e) => e.action)).toEqual(["rule.created", "rule.updated", "rule.deleted"]);
    expect(audit[1].before).toEqual({ version: 1, level: "view", justification: "Initial" });
    expect(audit[1].after).toEqual({ version: 2, level: "edit", justification: "Team now edits NDAs" });
    expect(versions.map((v) => v.eventId)).toEqual(audit.map((e) => e.id));

    expect((await listRules(prisma(), { filter: { groupId: group.id } })).total).toBe(0);
    const withDeleted = await listRules(prisma(), { filter: { groupId: group.id, includeDeleted: true } });
    expect(withDeleted.items.map((r) => [r.id, r.deleted])).toEqual([[created.id, true]]);
  });

  it("records access.granted and access.revoked for the principal's users in the same transaction", async () => {
    const { user, group, repo } = await scenario();
    const rule = await createRule(prisma(), { input: { name: "Reviewers", groupId: group.id, level: "comment", repositoryId: repo.id, justification: "Reviewers" }, actor: testActor });
    await deleteRule(prisma(), { id: rule.id, actor: testActor });
    const events = await accessEvents(user.id);
    expect(events.map((e) => e.action)).toEqual(["access.granted", "access.revoked"]);
    expect(events[0].after).toMatchObject({ repositoryId: repo.id, contracts: 1, level: "comment", cause: { kind: "rule.created" } });
    expect(events[1].after).toMatchObject({ repositoryId: repo.id, contracts: 0, cause: { kind: "rule.deleted" } });
  });

  it("lists current rules with filters, paginated", async () => {
    const { group, repo, contract } = await scenario();
    const a = await createRule(prisma(), { input: { name: "Readers", groupId: group.id, level: "view", repositoryId: repo.id, justification: "a" + "bc" }, actor: testActor });
    const b = await createRule(prisma(), { input: { name: "Signers", groupId: group.id, level: "sign", contractId: contract.id, justification: "signers" }, actor: testActor });
    const page1 = await listRules(prisma(), { filter: { groupId: group.id }, page: { page: 1, pageSize: 1 } });
    const page2 = await listRules(prisma(), { filter: { groupId: group.id }, page: { page: 2, pageSize: 1 } });
    expect(page1.total).toBe(2);
    expect([page1.items[0].id, page2.items[0].id].sort()).toEqual([a.id, b.id].sort());
    expect((await listRules(prisma(), { filter: { contractId: contract.id } })).items.map((r) => r.id)).toEqual([b.id]);
    expect((await getRule(prisma(), { id: b.id })).scopeName).toBe("Rule test contract");
    expect((await appError(getRule(prisma(), { id: "missing" }))).code).toBe("not_found");
  });

  it("previews who would gain access, by confidentiality, without writing", async () => {
    const { user, group, repo } = await scenario();
    const before = await prisma().accessRuleVersion.count();
    const impact = await previewRule(prisma(), {
      input: { action: "create", rule: { name: "Preview", groupId: group.id, level: "view", repositoryId: repo.id, justification: "preview" } },
    });
    expect(impact.totals).toMatchObject({ usersGaining: 1, usersLosing: 0, contractsGained: 1 });
    expect(impact.gained[0]).toMatchObject({ user: { id: user.id }, contracts: 1, byConfidentiality: { confidential: 1, public: 0 } });
    expect(await prisma().accessRuleVersion.count()).toBe(before);
  });
});

describe("rule names", () => {
  it("are required, unique per repository (contract rules in their contract's repository), freed by deletion", async () => {
    const { group, repo, contract } = await scenario();
    const other = await newRepository();
    const base = { groupId: group.id, level: "view", repositoryId: repo.id, justification: "Legal reads NDAs" };
    await expect(createRule(prisma(), { input: base, actor: testActor })).rejects.toMatchObject({ name: "ZodError" });
    await expect(createRule(prisma(), { input: { ...base, name: "  " }, actor: testActor })).rejects.toMatchObject({ name: "ZodError" });
    const first = await createRule(prisma(), { input: { ...base, name: "Legal NDA readers" }, actor: testActor });
    expect(first.name).toBe("Legal NDA readers");

    // The same name, in any case, in the same repository — also for a rule on one of its contracts.
    const taken = await appError(createRule(prisma(), { input: { ...base, name: "legal nda READERS", level: "edit" }, actor: testActor }));
    expect(taken.code).toBe("conflict");
    expect(taken.message).toContain(repo.name);
    const onContract = { ...base, repositoryId: undefined, contractId: contract.id, name: "Legal NDA readers" };
    expect((await appError(createRule(prisma(), { input: onContract, actor: testActor }))).code).toBe("conflict");
    // Another repository may use it.
    await createRule(prisma(), { input: { ...base, repositoryId: other.id, name: "Legal NDA readers" }, actor: testActor });
    // Renaming onto a taken name is refused; moving a rule's scope into a repository where its name is taken too.
    const second = await createRule(prisma(), { input: { ...base, name: "Second" }, actor: testActor });
    expect((await appError(updateRule(prisma(), { id: second.id, input: { name: "LEGAL NDA READERS" }, actor: testActor }))).code).toBe("conflict");
    const elsewhere = await createRule(prisma(), { input: { ...base, repositoryId: other.id, name: "Second" }, actor: testActor });
    expect((await appError(updateRule(prisma(), { id: elsewhere.id, input: { repositoryId: repo.id }, actor: testActor }))).code).toBe("conflict");
    // A deleted rule's name can be taken again; the deleted rule keeps it in its history.
    await deleteRule(prisma(), { id: first.id, actor: testActor });
    const again = await createRule(prisma(), { input: onContract, actor: testActor });
    expect(again).toMatchObject({ name: "Legal NDA readers", contractId: contract.id, scopeName: "Rule test contract" });
    expect((await getRule(prisma(), { id: first.id })).name).toBe("Legal NDA readers");
  });

  it("renaming is a new version; rule events carry the name", async () => {
    const { user, group, repo } = await scenario();
    const rule = await createRule(prisma(), {
      input: { name: "Procurement readers", groupId: group.id, level: "view", repositoryId: repo.id, justification: "Procurement reads" },
      actor: testActor,
    });
    const renamed = await updateRule(prisma(), { id: rule.id, input: { name: "Procurement readers (EU)" }, expectedVersion: 1, actor: testActor });
    expect(renamed).toMatchObject({ version: 2, name: "Procurement readers (EU)" });
    expect((await listRuleVersions(prisma(), { ruleId: rule.id })).map((v) => [v.version, v.name])).toEqual([
      [1, "Procurement readers"],
      [2, "Procurement readers (EU)"],
    ]);
    await deleteRule(prisma(), { id: rule.id, actor: testActor });
    const audit = await prisma().auditEvent.findMany({ where: { targetId: rule.id }, orderBy: { seq: "asc" } });
    expect(audit.map((e) => [e.action, e.targetLabel])).toEqual([
      ["rule.created", "Procurement readers"],
      ["rule.updated", "Procurement readers (EU)"],
      ["rule.deleted", "Procurement readers (EU)"],
    ]);
    expect(audit[0].after).toMatchObject({ name: "Procurement readers" });
    expect(audit[1].before).toEqual({ version: 1, name: "Procurement readers" });
    expect(audit[1].after).toEqual({ version: 2, name: "Procurement readers (EU)" });
    expect(audit[2].before).toMatchObject({ name: "Procurement readers (EU)" });
    // The access events a rule causes name it.
    const events = await accessEvents(user.id);
    expect(events.map((e) => (e.after as { cause: { description: string } }).cause.description)).toEqual([
      'access rule "Procurement readers"',
      'access rule "Procurement readers (EU)"',
    ]);
  });
});

describe("dashboard roles of SCIM groups", () => {
  it("gives a user the roles of the groups they are in, through nested groups, while active", async () => {
    const org = await newOrg();
    const user = await org.user();
    const team = await org.group([user.id]);
    const department = await org.group([team.id]);
    const other = await org.group([]);

    expect(await rolesOfUser(prisma(), { userId: user.id })).toEqual([]);
    const first = await assignRole(prisma(), { input: { groupId: department.id, role: "admin" }, actor: testActor });
    expect(first.created).toBe(true);
    expect((await assignRole(prisma(), { input: { groupId: department.id, role: "admin" }, actor: testActor })).created).toBe(false);
    await assignRole(prisma(), { input: { groupId: team.id, role: "auditor" }, actor: testActor });
    await assignRole(prisma(), { input: { groupId: other.id, role: "compliance" }, actor: testActor });
    expect(await rolesOfUser(prisma(), { userId: user.id })).toEqual(["admin", "auditor"]);
    expect((await listRoleAssignments(prisma(), { groupId: department.id })).map((a) => a.role)).toEqual(["admin"]);

    await unassignRole(prisma(), { input: { groupId: team.id, role: "auditor" }, actor: testActor });
    expect(await rolesOfUser(prisma(), { userId: user.id })).toEqual(["admin"]);
    expect((await appError(unassignRole(prisma(), { input: { groupId: team.id, role: "auditor" }, actor: testActor }))).code).toBe("not_found");
    expect((await appError(assignRole(prisma(), { input: { groupId: "missing", role: "admin" }, actor: testActor }))).code).toBe("not_found");

    await org.deactivate(user.id);
    expect(await rolesOfUser(prisma(), { userId: user.id })).toEqual([]);

    const audit = await prisma().auditEvent.findMany({ where: { action: { startsWith: "group_role." }, targetId: { in: [team.id, department.id] } }, orderBy: { seq: "asc" } });
    expect(audit.map((e) => [e.action, e.targetId])).toEqual([
      ["group_role.assigned", department.id],
      ["group_role.assigned", team.id],
      ["group_role.unassigned", team.id],
    ]);
  });
});
