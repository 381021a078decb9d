import { describe, expect, it } from "vitest";
import { setupTestDatabase } from "@/lib/testing/database";
import { newDirectory } from "@/lib/testing/scim";
import { assignRole } from "@/lib/roles/service";
import { createContract, createRepository } from "@/lib/contracts/service";
import { createRule } from "@/lib/rules/service";
import { unique } from "@/lib/testing/database";
import { getGroupDetail, groupAccess, listGroupMembers, listGroupsForAdmin } from "./queries";

const { db } = setupTestDatabase();
const USER = "urn:ietf:params:scim:schemas:core:2.0:User";
const GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group";
const PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

describe("group read models", () => {
  it("lists, filters and sorts groups with member counts and roles", async () => {
    const prisma = db().prisma;
    const { directory, scim } = await newDirectory("entra");
    const users = await Promise.all(["a", "b", "c"].map((n) => scim.post("/Users", { schemas: [USER], userName: `${n}@grp.example` })));
    const small = await scim.post("/Groups", { schemas: [GROUP], displayName: "Small", members: [{ value: users[0].body.id }] });
    const big = await scim.post("/Groups", { schemas: [GROUP], displayName: "Big", members: users.map((u) => ({ value: u.body.id })).concat([{ value: small.body.id }]) });
    await assignRole(prisma, { input: { groupId: big.body.id as string, role: "compliance" }, actor: { type: "system" } });

    const all = await listGroupsForAdmin(prisma, { directoryId: directory.id });
    expect(all.items.map((g) => g.displayName)).toEqual(["Big", "Small"]);
    expect(all.items[0]).toMatchObject({ userMembers: 3, groupMembers: 1, roles: ["compliance"] });
    const byMembers = await listGroupsForAdmin(prisma, { directoryId: directory.id, sort: "members", order: "asc" });
    expect(byMembers.items.map((g) => g.displayName)).toEqual(["Small", "Big"]);
    const searched = await listGroupsForAdmin(prisma, { directoryId: directory.id, search: "sma" });
    expect(searched.items.map((g) => g.id)).toEqual([small.body.id]);
  });

  it("shows a group's parents, effective members and direct members (paginated, filtered)", async () => {
    const prisma = db().prisma;
    const { scim } = await newDirectory("okta");
    const u1 = await scim.post("/Users", { schemas: [USER], userName: "x1@grp.example" });
    const u2 = await scim.post("/Users", { schemas: [USER], userName: "x2@grp.example" });
    const inner = await scim.post("/Groups", { schemas: [GROUP], displayName: "Inner", members: [{ value: u1.body.id }, { value: u2.body.id }] });
    const mid = await scim.post("/Groups", { schemas: [GROUP], displayName: "Mid", members: [{ value: inner.body.id }, { value: u1.body.id }] });
    const top = await scim.post("/Groups", { schemas: [GROUP], displayName: "Top", members: [{ value: mid.body.id }] });
    await scim.patch(`/Users/${u2.body.id}`, { schemas: [PATCH], Operations: [{ op: "replace", path: "active", value: false }] });

    const detail = await getGroupDetail(prisma, { id: mid.body.id as string });
    expect(detail).toMatchObject({ displayName: "Mid", userMembers: 1, groupMembers: 1, effectiveMembers: 2, effectiveActiveMembers: 1 });
    expect(detail.parents).toEqual([{ id: top.body.id, displayName: "Top", depth: 1, via: [] }]);
    const innerDetail = await getGroupDetail(prisma, { id: inner.body.id as string });
    expect(innerDetail.parents.map((p) => [p.displayName, p.depth, p.via.map((v) => v.displayName)])).toEqual([["Mid", 1, []], ["Top", 2, ["Mid"]]]);

    const members = await listGroupMembers(prisma, { groupId: mid.body.id as string });
    expect(members.items.map((m) => [m.type, m.display]).sort()).toEqual([["Group", "Inner"], ["User", "x1@grp.example"]]);
    expect((await listGroupMembers(prisma, { groupId: mid.body.id as string, type: "User" })).total).toBe(1);
    expect((await listGroupMembers(prisma, { groupId: inner.body.id as string, search: "x2" })).items).toMatchObject([{ display: "x2@grp.example", active: false }]);
    expect((await listGroupMembers(prisma, { groupId: inner.body.id as string, pageSize: 1, page: 2 })).items).toHaveLength(1);
    await expect(getGroupDetail(prisma, { id: "nope" })).rejects.toMatchObject({ code: "not_found" });
  });

  it("lists the rules that reach a group's members, with what each grants now", async () => {
    const prisma = db().prisma;
    const actor = { type: "admin" as const, id: "a1", label: "admin@example.com" };
    const { scim } = await newDirectory("entra");
    const u = await scim.post("/Users", { schemas: [USER], userName: "reach@grp.example" });
    const team = await scim.post("/Groups", { schemas: [GROUP], displayName: "Reach team", members: [{ value: u.body.id }] });
    const parent = await scim.post("/Groups", { schemas: [GROUP], displayName: "Reach parent", members: [{ value: team.body.id }] });
    const repo = await createRepository(prisma, { input: { name: unique("Reach repo") }, actor });
    for (const [title, confidentiality] of [["A", "public"], ["B", "internal"], ["C", "strictly_confidential"]] as const) {
      await createContract(prisma, { input: { title, contractType: "nda", confidentiality, repositoryId: repo.id }, actor });
    }
    await createRule(prisma, { input: { name: "Team edits", groupId: team.body.id, level: "edit", repositoryId: repo.id, confidentialityCeiling: "internal", justification: "team edits" }, actor });
    await createRule(prisma, { input: { name: "Parent views", groupId: parent.body.id, level: "view", repositoryId: repo.id, justification: "parent views all" }, actor });
    await createRule(prisma, { input: { name: "Team signs later", groupId: team.body.id, level: "sign", repositoryId: repo.id, validFrom: new Date(Date.now() + 86_400_000).toISOString(), justification: "later" }, actor });

    const access = await groupAccess(prisma, { groupId: team.body.id as string });
    expect(access.rules.map((r) => [r.justification, r.viaGroup.displayName, r.grantsNow])).toEqual(
      expect.arrayContaining([["team edits", "Reach team", true], ["later", "Reach team", false], ["parent views all", "Reach parent", true]]),
    );
    const edits = access.rules.find((r) => r.justification === "team edits")!;
    expect(edits.contracts).toEqual({ public: 1, internal: 1, confidential: 0, strictly_confidential: 0 });
    expect(access.reach).toEqual({ public: 1, internal: 1, confidential: 0, strictly_confidential: 1 });
  });
});
