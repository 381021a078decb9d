import { expect, test } from "@playwright/test";
import { E2E_SCIM_TOKEN } from "../playwright.config";

// The built server, a real HTTP client, the bootstrap token from SCIM_BOOTSTRAP_TOKEN: what an
// identity provider sees on day one.
const auth = { authorization: `Bearer ${E2E_SCIM_TOKEN}`, "content-type": "application/scim+json" };

test("an Entra-style connection test, create, deactivate and delete over real HTTP", async ({ request }) => {
  const probe = await request.get(`/scim/v2/Users?filter=${encodeURIComponent('userName eq "0f8b2c1e-7d4a-4a8e-9a51-3b2f6c9d1e77"')}`, { headers: auth });
  expect(probe.status()).toBe(200);
  expect(probe.headers()["content-type"]).toContain("application/scim+json");
  expect(await probe.json()).toMatchObject({ totalResults: 0, startIndex: 1, itemsPerPage: 0, Resources: [] });

  const created = await request.post("/scim/v2/Users", {
    headers: auth,
    data: {
      schemas: ["urn:ietf:params:scim:schemas:core:2.0:User", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
      externalId: "e2e-0001",
      userName: "e2e.user@contoso.example",
      active: true,
      name: { givenName: "Eve", familyName: "Tester" },
      emails: [{ primary: true, type: "work", value: "e2e.user@contoso.example" }],
      "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": { department: "Legal" },
    },
  });
  expect(created.status()).toBe(201);
  const user = await created.json();
  expect(created.headers()["location"]).toMatch(new RegExp(`/scim/v2/Users/${user.id}$`));

  const deactivated = await request.patch(`/scim/v2/Users/${user.id}`, {
    headers: auth,
    data: { schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], Operations: [{ op: "Replace", path: "active", value: "False" }] },
  });
  expect(deactivated.status()).toBe(200);
  expect((await deactivated.json()).active).toBe(false);

  expect((await request.delete(`/scim/v2/Users/${user.id}`, { headers: auth })).status()).toBe(204);
  expect((await request.get(`/scim/v2/Users/${user.id}`, { headers: auth })).status()).toBe(404);
});

test("SCIM rejects a missing or wrong token with RFC 7644 error JSON", async ({ request }) => {
  const res = await request.get("/scim/v2/Users", { headers: { authorization: "Bearer wrong" } });
  expect(res.status()).toBe(401);
  expect(res.headers()["content-type"]).toContain("application/scim+json");
  expect(await res.json()).toMatchObject({ schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"], status: "401" });
});
