import { describe, expect, it } from "vitest";
import { setupTestDatabase } from "@/lib/testing/database";
import { newDirectory } from "@/lib/testing/scim";

setupTestDatabase();

describe("SCIM smoke", () => {
  it("creates, reads, filters, patches and deletes a user", async () => {
    const { scim } = await newDirectory("entra");
    const created = await scim.post("/Users", {
      schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
      userName: "Alice@Example.com",
      name: { givenName: "Alice", familyName: "Smith" },
      emails: [{ type: "work", value: "alice@example.com", primary: true }],
      active: true,
    });
    expect(created.status).toBe(201);
    expect(created.headers.get("content-type")).toMatch(/application\/scim\+json/);
    const id = created.body.id as string;
    const found = await scim.get(`/Users?filter=${encodeURIComponent('userName eq "alice@example.com"')}`);
    expect(found.status).toBe(200);
    expect(found.body.totalResults).toBe(1);
    const patched = await scim.patch(`/Users/${id}`, {
      schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
      Operations: [{ op: "Replace", path: "active", value: "False" }],
    });
    expect(patched.status).toBe(200);
    expect(patched.body.active).toBe(false);
    expect((await scim.delete(`/Users/${id}`)).status).toBe(204);
    expect((await scim.get(`/Users/${id}`)).status).toBe(404);
  });

  it("a PUT that omits active keeps a deactivated user deactivated", async () => {
    const { scim } = await newDirectory("okta");
    const user = (await scim.post("/Users", { userName: "keep.off@example.com", active: false })).body;
    expect(user.active).toBe(false);
    const put = await scim.put(`/Users/${user.id}`, { userName: "keep.off@example.com", displayName: "Keep Off" });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ active: false, displayName: "Keep Off" });
    const reactivated = await scim.put(`/Users/${user.id}`, { userName: "keep.off@example.com", active: true });
    expect(reactivated.body.active).toBe(true);
  });
});
