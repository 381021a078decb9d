import { describe, expect, it } from "vitest";
import { setupTestDatabase } from "@/lib/testing/database";
import { newDirectory } from "@/lib/testing/scim";
import { getUserDetail, groupsOfUser, userTimeline } from "./detail-queries";

const { db } = setupTestDatabase();
const USER = "urn:ietf:params:scim:schemas:core:2.0:User";
const ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
const GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group";
const PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

describe("user page read models", () => {
  it("shows core and enterprise attributes with the manager resolved", async () => {
    const { scim } = await newDirectory("entra");
    const boss = await scim.post("/Users", { schemas: [USER], userName: "boss@example.com", externalId: "ext-boss", displayName: "The Boss" });
    const u = await scim.post("/Users", {
      schemas: [USER, ENTERPRISE],
      userName: "ud@example.com",
      name: { givenName: "Ulla", familyName: "Dahl" },
      title: "Counsel",
      emails: [{ value: "ud@example.com", type: "work", primary: true }],
      [ENTERPRISE]: { department: "Legal", employeeNumber: "E-7", manager: { value: boss.body.id } },
    });
    const detail = await getUserDetail(db().prisma, { id: u.body.id as string });
    expect(detail.core).toMatchObject({ userName: "ud@example.com", title: "Counsel", name: { givenName: "Ulla", familyName: "Dahl" } });
    expect(detail.core.emails).toEqual([{ value: "ud@example.com", type: "work", primary: true }]);
    expect(detail.enterprise).toMatchObject({ department: "Legal", employeeNumber: "E-7", manager: { id: boss.body.id, user: { displayName: "The Boss" } } });
    await expect(getUserDetail(db().prisma, { id: "00000000-0000-0000-0000-000000000000" })).rejects.toMatchObject({ code: "not_found" });
  });

  it("lists direct groups and groups through nesting with the chain", async () => {
    const { scim } = await newDirectory("okta");
    const u = await scim.post("/Users", { schemas: [USER], userName: "nest@example.com" });
    const team = await scim.post("/Groups", { schemas: [GROUP], displayName: "Team", members: [{ value: u.body.id }] });
    const dept = await scim.post("/Groups", { schemas: [GROUP], displayName: "Department", members: [{ value: team.body.id }] });
    const org = await scim.post("/Groups", { schemas: [GROUP], displayName: "Org", members: [{ value: dept.body.id }] });
    const groups = await groupsOfUser(db().prisma, { userId: u.body.id as string });
    expect(groups.direct).toEqual([{ id: team.body.id, displayName: "Team", since: expect.any(String) }]);
    expect(groups.inherited).toEqual([
      { id: dept.body.id, displayName: "Department", via: [{ id: team.body.id, displayName: "Team" }] },
      { id: org.body.id, displayName: "Org", via: [{ id: team.body.id, displayName: "Team" }, { id: dept.body.id, displayName: "Department" }] },
    ]);
  });

  it("tells the person's story newest first: lifecycle events and memberships, even of deleted groups", async () => {
    const { scim } = await newDirectory("entra");
    const u = await scim.post("/Users", { schemas: [USER], userName: "story@example.com" });
    const id = u.body.id as string;
    const g = await scim.post("/Groups", { schemas: [GROUP], displayName: "Story group", members: [] });
    await scim.patch(`/Groups/${g.body.id}`, { schemas: [PATCH], Operations: [{ op: "add", path: "members", value: [{ value: id }] }] });
    await scim.patch(`/Users/${id}`, { schemas: [PATCH], Operations: [{ op: "replace", path: "title", value: "Paralegal" }] });
    await scim.delete(`/Groups/${g.body.id}`);
    await scim.patch(`/Users/${id}`, { schemas: [PATCH], Operations: [{ op: "replace", path: "active", value: false }] });

    const page = await userTimeline(db().prisma, { userId: id });
    expect(page.total).toBe(5);
    expect(page.items.map((i) => (i.kind === "event" ? i.action : i.kind))).toEqual([
      "user.deactivated",
      "membership.removed",
      "user.updated",
      "membership.added",
      "user.created",
    ]);
    const removed = page.items[1];
    expect(removed).toMatchObject({ action: "group.deleted", group: { id: g.body.id, displayName: "Story group", exists: false }, actor: { type: "directory" } });
    expect(page.items[2].after).toMatchObject({ title: "Paralegal" });

    const second = await userTimeline(db().prisma, { userId: id, page: 2, pageSize: 2 });
    expect(second.items.map((i) => i.key)).toEqual(page.items.slice(2, 4).map((i) => i.key));
  });
});
