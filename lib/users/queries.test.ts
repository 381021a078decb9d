import { describe, expect, it } from "vitest";
import { setupTestDatabase, unique } from "@/lib/testing/database";
import { newDirectory } from "@/lib/testing/scim";
import { listUsersForAdmin, userListQuery } from "./queries";

const { db } = setupTestDatabase();

describe("listUsersForAdmin", () => {
  it("sorts by every offered column in both directions and filters by directory, status, group, department and search", async () => {
    const prisma = db().prisma;
    const { directory, scim } = await newDirectory("entra");
    const tag = unique("u");
    const ent = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
    const made = [];
    for (const [i, dept] of ["Legal", "Finance", "Legal"].entries()) {
      made.push(
        (await scim.post("/Users", {
          userName: `${tag}-${i}@example.com`,
          displayName: i === 1 ? undefined : `Person ${i}`,
          active: i !== 2,
          [ent]: { department: dept },
        })).body,
      );
    }
    const group = (await scim.post("/Groups", { displayName: unique("g"), members: [{ value: made[0].id }] })).body;
    for (const sort of userListQuery.shape.sort.unwrap().options) {
      for (const order of ["asc", "desc"] as const) {
        const page = await listUsersForAdmin(prisma, { directoryId: directory.id, sort, order });
        expect(page.total).toBe(3);
      }
    }
    const byName = await listUsersForAdmin(prisma, { directoryId: directory.id, sort: "userName", order: "desc" });
    expect(byName.items.map((u) => u.userName)).toEqual([2, 1, 0].map((i) => `${tag}-${i}@example.com`));
    expect((await listUsersForAdmin(prisma, { directoryId: directory.id, status: "inactive" })).items.map((u) => u.id)).toEqual([made[2].id]);
    expect((await listUsersForAdmin(prisma, { directoryId: directory.id, groupId: group.id as string })).items.map((u) => u.id)).toEqual([made[0].id]);
    expect((await listUsersForAdmin(prisma, { directoryId: directory.id, department: "legal" })).total).toBe(2);
    expect((await listUsersForAdmin(prisma, { search: `${tag}-1` })).items.map((u) => u.id)).toEqual([made[1].id]);
  });
});
