import { describe, expect, it } from "vitest";
import { setupTestDatabase, unique } from "@/lib/testing/database";
import { newDirectory } from "@/lib/testing/scim";
import { createContract, createRepository } from "@/lib/contracts/service";
import { createRule } from "@/lib/rules/service";
import { exportAccess } from "./export";
import { reviewAccess, searchSubjects } from "./queries";

const { db } = setupTestDatabase();
const USER = "urn:ietf:params:scim:schemas:core:2.0:User";
const GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group";
const PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
const admin = { type: "admin" as const, id: "admin-1", label: "admin@example.com" };
const tick = () => new Promise((r) => setTimeout(r, 15));

async function world() {
  const prisma = db().prisma;
  const { scim } = await newDirectory("entra");
  const alice = await scim.post("/Users", { schemas: [USER], userName: `${unique("alice")}@example.com`, displayName: "Alice" });
  const bob = await scim.post("/Users", { schemas: [USER], userName: `${unique("bob")}@example.com`, displayName: "Bob" });
  const legal = await scim.post("/Groups", { schemas: [GROUP], displayName: unique("Legal"), members: [{ value: alice.body.id }] });
  const all = await scim.post("/Groups", { schemas: [GROUP], displayName: unique("All staff"), members: [{ value: legal.body.id }, { value: bob.body.id }] });
  const repo = await createRepository(prisma, { input: { name: unique("Sales") }, actor: admin });
  const nda = await createContract(prisma, { input: { title: "NDA Acme", contractType: "nda", confidentiality: "internal", repositoryId: repo.id, externalRef: unique("NDA") }, actor: admin });
  const msa = await createContract(prisma, { input: { title: "MSA Acme", contractType: "msa", confidentiality: "strictly_confidential", repositoryId: repo.id }, actor: admin });
  return { prisma, scim, alice: alice.body.id as string, bob: bob.body.id as string, legal: legal.body.id as string, all: all.body.id as string, repo, nda, msa };
}

describe("access review", () => {
  it("answers by contract, person and repository, now and at a past instant, with reasons", async () => {
    const w = await world();
    const beforeRules = new Date();
    await tick();
    await createRule(w.prisma, { input: { name: "Everyone reads", groupId: w.all, level: "view", repositoryId: w.repo.id, confidentialityCeiling: "confidential", justification: "Everyone reads sales NDAs" }, actor: admin });
    await createRule(w.prisma, { input: { name: "Legal edits", groupId: w.legal, level: "edit", repositoryId: w.repo.id, justification: "Legal edits all sales contracts" }, actor: admin });
    await tick();
    const afterRules = new Date();
    await tick();
    await w.scim.patch(`/Groups/${w.all}`, { schemas: [PATCH], Operations: [{ op: "remove", path: `members[value eq "${w.bob}"]` }] });

    const now = await reviewAccess(w.prisma, { subject: "contract", id: w.nda.id });
    expect(now.kind).toBe("contract");
    if (now.kind !== "contract") return;
    expect(now.items.map((i) => [i.user.displayName, i.level])).toEqual([["Alice", "edit"]]);
    const reasons = now.items[0].reasons;
    expect(reasons[0]).toMatchObject({ level: "edit", winning: true, rule: { justification: "Legal edits all sales contracts" } });
    expect(reasons[1]).toMatchObject({ level: "view", winning: false });
    if (reasons[1].via.kind !== "group") throw new Error("expected a group path");
    expect(reasons[1].via.path.map((h) => h.groupId)).toEqual([w.legal, w.all]);

    // Before Bob left, he could view the NDA; before the rules, nobody could.
    const past = await reviewAccess(w.prisma, { subject: "contract", id: w.nda.externalRef!, at: afterRules.toISOString() });
    expect(past.items.map((i) => (i as { level: string }).level).sort()).toEqual(["edit", "view"]);
    expect((await reviewAccess(w.prisma, { subject: "contract", id: w.nda.id, at: beforeRules.toISOString() })).total).toBe(0);

    const person = await reviewAccess(w.prisma, { subject: "user", id: w.alice });
    if (person.kind !== "user") throw new Error("expected a user review");
    expect(person.items.map((i) => [i.contract.title, i.level, i.contract.repositoryName])).toEqual([
      ["MSA Acme", "edit", w.repo.name],
      ["NDA Acme", "edit", w.repo.name],
    ]);
    const bobThen = await reviewAccess(w.prisma, { subject: "user", id: w.bob, at: afterRules.toISOString() });
    expect(bobThen.items.map((i) => (i as { contract: { title: string } }).contract.title)).toEqual(["NDA Acme"]);

    const repo = await reviewAccess(w.prisma, { subject: "repository", id: w.repo.id, at: afterRules.toISOString() });
    if (repo.kind !== "repository") throw new Error("expected a repository review");
    expect(repo.items.map((i) => [i.contract.title, i.people])).toEqual([["MSA Acme", 1], ["NDA Acme", 2]]);

    await expect(reviewAccess(w.prisma, { subject: "contract", id: "nope" })).rejects.toMatchObject({ code: "not_found" });
    await expect(reviewAccess(w.prisma, { subject: "contract", id: w.nda.id, at: "yesterday" })).rejects.toThrow();
    expect((await searchSubjects(w.prisma, { kind: "repository", q: w.repo.name })).map((s) => s.id)).toEqual([w.repo.id]);
  });

  it("exports a review as CSV and JSON and records the export in the audit trail", async () => {
    const w = await world();
    await createRule(w.prisma, { input: { name: "Everyone comments", groupId: w.all, level: "comment", repositoryId: w.repo.id, justification: "=cmd|' /C calc'!A0" }, actor: admin });
    const csv = await exportAccess(w.prisma, { input: { subject: "repository", id: w.repo.id, format: "csv" }, actor: admin });
    const lines = csv.body.trim().split("\r\n");
    expect(lines[0]).toBe("at,userId,userName,displayName,contractId,contractTitle,contractExternalRef,repository,effectiveLevel,reasonLevel,winning,via,memberSince,ruleId,ruleName,ruleVersion,ruleAuthor,justification,grantsUntil");
    expect(csv.rows).toBe(4); // two contracts × two people, one reason each
    expect(lines.filter((l) => l.includes("Alice"))[0]).toContain(`"'=cmd|' /C calc'!A0"`.replace(/^"|"$/g, ""));
    expect(csv.contentType).toMatch(/text\/csv/);
    const json = await exportAccess(w.prisma, { input: { subject: "user", id: w.alice, format: "json" }, actor: admin });
    const parsed = JSON.parse(json.body);
    expect(parsed.subject).toMatchObject({ kind: "user", id: w.alice });
    expect(parsed.rows.map((r: { contractTitle: string; via: string }) => [r.contractTitle, r.via])).toEqual([
      ["MSA Acme", expect.stringContaining(" > ")],
      ["NDA Acme", expect.stringContaining(" > ")],
    ]);
    expect(parsed.rows.map((r: { ruleName: string }) => r.ruleName)).toContain("Everyone comments");
    const events = await w.prisma.auditEvent.findMany({ where: { action: "access.exported", targetId: { in: [w.repo.id, w.alice] } } });
    expect(events).toHaveLength(2);
  });
});
