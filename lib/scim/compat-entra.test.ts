// Microsoft Entra ID replayed against the real route handler and database: the request shapes of
// the provisioning service without and with the `aadOptscim062020` compatibility flag
// (/work/shared/scim-compat.md, learn.microsoft.com …/use-scim-to-provision-users-and-groups).
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { getPrisma } from "@/lib/db/client";
import { setupTestDatabase, unique } from "@/lib/testing/database";
import { newDirectory, patchBody, q, type ScimClient } from "@/lib/testing/scim";
import { ENTERPRISE_USER_SCHEMA as ENT, ERROR, GROUP_SCHEMA as GROUP, LIST_RESPONSE as LIST, USER_SCHEMA as CORE } from "@/lib/scim/schema";

setupTestDatabase();

const ADSCIM_GROUP = "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group";
const ENTRA_UA = { "user-agent": "Microsoft.Identity.Provisioning/1.0" };

type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any


/** The body Entra sends to create a user (the documented example, with unique values). */
function entraUser(overrides: Doc = {}): Doc {
  const tag = unique("entra");
  return {
    schemas: [CORE, ENT],
    externalId: randomUUID(),
    userName: `Test_User_${tag}@contoso.example`,
    active: true,
    emails: [{ primary: true, type: "work", value: `Test_User_${tag}@contoso.example` }],
    meta: { resourceType: "User" },
    name: { formatted: "givenName familyName", familyName: "familyName", givenName: "givenName" },
    roles: [],
    ...overrides,
  };
}

async function createUser(scim: ScimClient, overrides: Doc = {}): Promise<Doc> {
  const res = await scim.post<Doc>("/Users", entraUser(overrides), ENTRA_UA);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

async function createGroup(scim: ScimClient, displayName = unique("Group")): Promise<Doc> {
  const res = await scim.post<Doc>("/Groups", {
    schemas: [GROUP, ADSCIM_GROUP],
    externalId: randomUUID(),
    displayName,
    meta: { resourceType: "Group" },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

async function memberIds(scim: ScimClient, groupId: string): Promise<string[]> {
  const res = await scim.get<Doc>(`/Groups/${groupId}`);
  expect(res.status).toBe(200);
  return ((res.body.members ?? []) as Doc[]).map((m) => m.value as string).sort();
}

describe("Entra ID: connection test and matching", () => {
  it("answers the connection test (filter on a random GUID) with 200 and an empty ListResponse", async () => {
    const { scim } = await newDirectory("entra");
    const res = await scim.get<Doc>(`/Users${q(`userName eq "${randomUUID()}"`)}`, ENTRA_UA);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/scim\+json/);
    expect(res.body).toEqual({ schemas: [LIST], totalResults: 0, startIndex: 1, itemsPerPage: 0, Resources: [] });

    // It also reads a random user and group: 404 with a SCIM error, never 500.
    for (const path of [`/Users/${randomUUID()}`, `/Groups/${randomUUID()}`]) {
      const missing = await scim.get<Doc>(path);
      expect(missing.status).toBe(404);
      expect(missing.body.schemas).toEqual([ERROR]);
      expect(missing.body.status).toBe("404");
      expect(typeof missing.body.detail).toBe("string");
    }
    // Groups get the same connection-test treatment.
    const groups = await scim.get<Doc>(`/Groups${q(`displayName eq "${randomUUID()}"`)}`);
    expect(groups.status).toBe(200);
    expect(groups.body.totalResults).toBe(0);
    expect(groups.body.Resources).toEqual([]);
  });

  it("matches by userName (case-insensitively), externalId (exactly) and work e-mail", async () => {
    const { scim } = await newDirectory("entra");
    const user = await createUser(scim);
    await createUser(scim); // a second user that must not match

    const byName = await scim.get<Doc>(`/Users${q(`userName eq "${(user.userName as string).toUpperCase()}"`)}`);
    expect(byName.body.totalResults).toBe(1);
    expect(byName.body.Resources[0].id).toBe(user.id);

    const byExternalId = await scim.get<Doc>(`/Users${q(`externalId eq "${user.externalId}"`)}`);
    expect(byExternalId.status).toBe(200);
    expect(byExternalId.body.totalResults).toBe(1);
    expect(byExternalId.body.Resources[0].id).toBe(user.id);
    // externalId is caseExact (RFC 7643 §3.1): a different case is a different identity.
    const wrongCase = await scim.get<Doc>(`/Users${q(`externalId eq "${(user.externalId as string).toUpperCase()}"`)}`);
    expect(wrongCase.body.totalResults).toBe(0);

    const byEmail = await scim.get<Doc>(`/Users${q(`emails[type eq "work"].value eq "${user.emails[0].value}"`)}`);
    expect(byEmail.status).toBe(200);
    expect(byEmail.body.totalResults).toBe(1);
    expect(byEmail.body.Resources[0].id).toBe(user.id);

    const both = await scim.get<Doc>(`/Users${q(`userName eq "${user.userName}" and externalId eq "${user.externalId}"`)}`);
    expect(both.body.totalResults).toBe(1);
  });

  it("rejects a filter it cannot evaluate with 400 invalidFilter instead of returning everyone", async () => {
    const { scim } = await newDirectory("entra");
    await createUser(scim);
    for (const filter of ['userName eq "x" and', 'nosuchattribute eq "x"', 'userName xx "x"', 'password eq "x"']) {
      const res = await scim.get<Doc>(`/Users${q(filter)}`);
      expect(res.status, filter).toBe(400);
      expect(res.body).toMatchObject({ schemas: [ERROR], status: "400", scimType: "invalidFilter" });
    }
  });
});

describe("Entra ID: creating users", () => {
  it("creates a user with core and enterprise schemas and empty roles", async () => {
    const { scim } = await newDirectory("entra");
    const body = entraUser({
      [ENT]: { employeeNumber: "701984", department: "Tour Operations", costCenter: "4130" },
      title: "Tour Guide",
    });
    const res = await scim.post<Doc>("/Users", body, ENTRA_UA);
    expect(res.status).toBe(201);
    expect(res.headers.get("content-type")).toMatch(/^application\/scim\+json/);
    expect(res.headers.get("location")).toBe(`http://localhost/scim/v2/Users/${res.body.id}`);
    expect(res.headers.get("etag")).toBe(res.body.meta.version);
    const user = res.body;
    expect(user.schemas).toEqual([CORE, ENT]);
    expect(user.userName).toBe(body.userName);
    expect(user.externalId).toBe(body.externalId);
    expect(user.active).toBe(true);
    expect(user.name).toEqual(body.name);
    expect(user.emails).toEqual(body.emails);
    expect(user.title).toBe("Tour Guide");
    expect(user[ENT]).toEqual({ employeeNumber: "701984", costCenter: "4130", department: "Tour Operations" });
    expect(user.roles).toBeUndefined(); // [] is "no roles" (RFC 7643 §2.5)
    expect(user.meta).toMatchObject({ resourceType: "User", location: `http://localhost/scim/v2/Users/${user.id}` });
    expect(Date.parse(user.meta.created)).not.toBeNaN();

    // The stored state, read back, is what was returned.
    const read = await scim.get<Doc>(`/Users/${user.id}`);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(user);
  });

  it("ignores null values, unknown attributes and a malformed enterprise URN in legacy bodies", async () => {
    const { scim } = await newDirectory("entra");
    const body = entraUser({
      phoneNumbers: null,
      addresses: null,
      nickName: null,
      displayName: "Legacy Body",
      // Malformed enterprise URN keys Entra once sent; they must not fail the create.
      [`${ENT}:`]: "x",
      "urn:ietf:params:scim:schemas:extension:enterprise:2.0": { department: "Nowhere" },
      "urn:ietf:params:scim:schemas:extension:enterprise:2.0:Users": { department: "Nowhere" },
      "urn:ietf:params:scim:schemas:extension:contoso:2.0:User": { badge: "7" },
      [ENT]: { employeeNumber: "42", manager: null, department: null },
      somethingMicrosoftAdded: { nested: true },
    });
    const res = await scim.post<Doc>("/Users", body, ENTRA_UA);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.displayName).toBe("Legacy Body");
    expect(res.body.phoneNumbers).toBeUndefined();
    expect(res.body.addresses).toBeUndefined();
    expect(res.body.somethingMicrosoftAdded).toBeUndefined();
    expect(res.body[ENT]).toEqual({ employeeNumber: "42" });
    expect(JSON.stringify(res.body)).not.toContain("Nowhere");
  });

  it("answers 409 uniqueness when the userName exists (in any case)", async () => {
    const { scim } = await newDirectory("entra");
    const user = await createUser(scim);
    const again = await scim.post<Doc>("/Users", entraUser({ userName: (user.userName as string).toLowerCase() }));
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ schemas: [ERROR], status: "409", scimType: "uniqueness" });
    expect(typeof again.body.detail).toBe("string");
  });
});

describe("Entra ID: PATCH without aadOptscim062020", () => {
  it("applies capitalised ops and string booleans", async () => {
    const { scim } = await newDirectory("entra");
    const user = await createUser(scim);
    const res = await scim.patch<Doc>(`/Users/${user.id}`, patchBody({ op: "Replace", path: "active", value: "False" }));
    expect(res.status).toBe(200);
    expect(res.body.active).toBe(false);
    expect((await scim.get<Doc>(`/Users/${user.id}`)).body.active).toBe(false);

    const back = await scim.patch<Doc>(`/Users/${user.id}`, patchBody({ op: "Replace", path: "active", value: "True" }));
    expect(back.body.active).toBe(true);

    const added = await scim.patch<Doc>(
      `/Users/${user.id}`,
      patchBody(
        { op: "Add", path: "displayName", value: "Added Name" },
        { op: "Replace", path: "name.givenName", value: "Grace" },
        { op: "Replace", path: "name.familyName", value: "Hopper" },
        { op: "Add", path: "title", value: "Rear Admiral" },
      ),
    );
    expect(added.status).toBe(200);
    expect(added.body.displayName).toBe("Added Name");
    expect(added.body.name).toMatchObject({ givenName: "Grace", familyName: "Hopper" });
    expect(added.body.title).toBe("Rear Admiral");

    const removed = await scim.patch<Doc>(`/Users/${user.id}`, patchBody({ op: "Remove", path: "title" }));
    expect(removed.status).toBe(200);
    expect(removed.body.title).toBeUndefined();
  });

  it("creates the work e-mail when adding emails[type eq \"work\"].value to a user without one", async () => {
    const { scim } = await newDirectory("entra");
    const user = await createUser(scim, { emails: [{ type: "home", value: "home@example.org" }] });
    const res = await scim.patch<Doc>(
      `/Users/${user.id}`,
      patchBody({ op: "Add", path: 'emails[type eq "work"].value', value: "Work@Contoso.example" }),
    );
    expect(res.status).toBe(200);
    expect(res.body.emails).toEqual([
      { type: "home", value: "home@example.org" },
      { type: "work", value: "Work@Contoso.example" },
    ]);
    // The new address is filterable straight away, case-insensitively (RFC 7643: emails.value is caseExact false).
    const found = await scim.get<Doc>(`/Users${q('emails[type eq "work"].value eq "work@contoso.example"')}`);
    expect(found.body.totalResults).toBe(1);

    const replaced = await scim.patch<Doc>(
      `/Users/${user.id}`,
      patchBody({ op: "Replace", path: 'emails[type eq "work"].value', value: "new@contoso.example" }),
    );
    expect(replaced.body.emails).toEqual([
      { type: "home", value: "home@example.org" },
      { type: "work", value: "new@contoso.example" },
    ]);
    // Clearing the work address with "" removes that e-mail and keeps the other one.
    const cleared = await scim.patch<Doc>(
      `/Users/${user.id}`,
      patchBody({ op: "Replace", path: 'emails[type eq "work"].value', value: "" }),
    );
    expect(cleared.status).toBe(200);
    expect(cleared.body.emails).toEqual([{ type: "home", value: "home@example.org" }]);
  });

  it("writes enterprise URN paths, the manager as a bare id and in the legacy form, and removes it", async () => {
    const { scim } = await newDirectory("entra");
    const manager = await createUser(scim);
    const other = await createUser(scim);
    const user = await createUser(scim);

    const res = await scim.patch<Doc>(
      `/Users/${user.id}`,
      patchBody(
        { op: "Add", path: `${ENT}:employeeNumber`, value: "1234" },
        { op: "Replace", path: `${ENT}:department`, value: "Finance" },
        { op: "Add", path: `${ENT}:manager`, value: manager.id },
      ),
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.schemas).toEqual([CORE, ENT]);
    expect(res.body[ENT]).toEqual({
      employeeNumber: "1234",
      department: "Finance",
      manager: { value: manager.id, $ref: `http://localhost/scim/v2/Users/${manager.id}` },
    });
    const byManager = await scim.get<Doc>(`/Users${q(`${ENT}:manager.value eq "${manager.id}"`)}`);
    expect(byManager.body.Resources.map((r: Doc) => r.id)).toEqual([user.id]);

    // Legacy form: [{"$ref": …, "value": …}].
    const legacy = await scim.patch<Doc>(
      `/Users/${user.id}`,
      patchBody({ op: "Replace", path: `${ENT}:manager`, value: [{ $ref: null, value: other.id }] }),
    );
    expect(legacy.status).toBe(200);
    expect(legacy.body[ENT].manager).toEqual({ value: other.id, $ref: `http://localhost/scim/v2/Users/${other.id}` });

    // Entra's remove may carry the old value; either way the manager is cleared.
    const removed = await scim.patch<Doc>(
      `/Users/${user.id}`,
      patchBody({ op: "Remove", path: `${ENT}:manager`, value: [{ value: other.id }] }),
    );
    expect(removed.status).toBe(200);
    expect(removed.body[ENT]).toEqual({ employeeNumber: "1234", department: "Finance" });
    const read = await scim.get<Doc>(`/Users/${user.id}`);
    expect(read.body[ENT].manager).toBeUndefined();

    const prisma = await getPrisma();
    expect((await prisma.user.findUniqueOrThrow({ where: { id: user.id as string } })).managerId).toBeNull();
  });

  it("clears values sent as \"\" or null", async () => {
    const { scim } = await newDirectory("entra");
    const user = await createUser(scim, {
      title: "Engineer",
      displayName: "To Clear",
      [ENT]: { employeeNumber: "9", department: "R&D" },
    });
    const res = await scim.patch<Doc>(
      `/Users/${user.id}`,
      patchBody(
        { op: "Replace", path: "title", value: "" },
        { op: "Replace", path: "displayName", value: null },
        { op: "Replace", path: `${ENT}:employeeNumber`, value: "" },
        { op: "Replace", path: "name.givenName", value: "" },
      ),
    );
    expect(res.status).toBe(200);
    expect(res.body.title).toBeUndefined();
    expect(res.body.displayName).toBeUndefined();
    expect(res.body.name).toEqual({ formatted: "givenName familyName", familyName: "familyName" });
    expect(res.body[ENT]).toEqual({ department: "R&D" });
    const row = await (await getPrisma()).user.findUniqueOrThrow({ where: { id: user.id as string } });
    expect([row.title, row.displayName, row.employeeNumber, row.givenName]).toEqual([null, null, null, null]);
  });

  it("adds roles, including roles[primary eq \"True\"].value and JSON-encoded role values", async () => {
    const { scim } = await newDirectory("entra");
    const user = await createUser(scim);
    const encoded = JSON.stringify({ id: randomUUID(), value: "Approver", displayName: "Approver" });
    const res = await scim.patch<Doc>(
      `/Users/${user.id}`,
      patchBody({ op: "Add", path: "roles", value: [{ primary: "True", type: "WindowsAzureActiveDirectoryRole", value: encoded }] }),
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.roles).toEqual([{ primary: true, type: "WindowsAzureActiveDirectoryRole", value: encoded }]);
    const replaced = await scim.patch<Doc>(
      `/Users/${user.id}`,
      patchBody({ op: "Replace", path: 'roles[primary eq "True"].value', value: "Reviewer" }),
    );
    expect(replaced.status).toBe(200);
    expect(replaced.body.roles).toEqual([{ primary: true, type: "WindowsAzureActiveDirectoryRole", value: "Reviewer" }]);
  });

  it("creates addresses and phone numbers through value-filter paths and renames userName", async () => {
    const { scim } = await newDirectory("entra");
    const user = await createUser(scim);
    const other = await createUser(scim);
    const res = await scim.patch<Doc>(
      `/Users/${user.id}`,
      patchBody(
        { op: "Add", path: 'addresses[type eq "work"].streetAddress', value: "1 Main St" },
        { op: "Add", path: 'addresses[type eq "work"].locality', value: "Springfield" },
        { op: "Add", path: 'addresses[type eq "work"].country', value: "US" },
        { op: "Add", path: 'phoneNumbers[type eq "work"].value', value: "+1 555 0100" },
        { op: "Add", path: 'phoneNumbers[type eq "mobile"].value', value: "+1 555 0199" },
      ),
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.addresses).toEqual([{ type: "work", streetAddress: "1 Main St", locality: "Springfield", country: "US" }]);
    expect(res.body.phoneNumbers).toEqual([
      { type: "work", value: "+1 555 0100" },
      { type: "mobile", value: "+1 555 0199" },
    ]);
    const row = await (await getPrisma()).user.findUniqueOrThrow({ where: { id: user.id as string } });
    expect(row.country).toBe("US");
    const removed = await scim.patch<Doc>(`/Users/${user.id}`, patchBody({ op: "Remove", path: 'phoneNumbers[type eq "mobile"]' }));
    expect(removed.body.phoneNumbers).toEqual([{ type: "work", value: "+1 555 0100" }]);

    // A userName change to another user's (in any case) is a conflict; a case-only change is not.
    const clash = await scim.patch<Doc>(`/Users/${user.id}`, patchBody({ op: "Replace", path: "userName", value: (other.userName as string).toUpperCase() }));
    expect(clash.status).toBe(409);
    expect(clash.body.scimType).toBe("uniqueness");
    const recased = await scim.patch<Doc>(`/Users/${user.id}`, patchBody({ op: "Replace", path: "userName", value: (user.userName as string).toUpperCase() }));
    expect(recased.status).toBe(200);
    expect(recased.body.userName).toBe((user.userName as string).toUpperCase());
    expect((await scim.get<Doc>(`/Users${q(`userName eq "${user.userName}"`)}`)).body.totalResults).toBe(1);
  });

  it("rejects an unknown op rather than ignoring it, and changes nothing", async () => {
    const { scim } = await newDirectory("entra");
    const user = await createUser(scim);
    const res = await scim.patch<Doc>(
      `/Users/${user.id}`,
      patchBody({ op: "Replace", path: "displayName", value: "Changed" }, { op: "Deactivate", path: "active", value: false }),
    );
    expect(res.status).toBe(400);
    expect(res.body.schemas).toEqual([ERROR]);
    const read = await scim.get<Doc>(`/Users/${user.id}`);
    expect(read.body.displayName).toBeUndefined();
    expect(read.body.active).toBe(true);
  });
});

describe("Entra ID: PATCH with aadOptscim062020", () => {
  it("applies lowercase ops, real booleans and a path-less multi-key replace", async () => {
    const { scim } = await newDirectory("entra");
    const user = await createUser(scim);
    const res = await scim.patch<Doc>(
      `/Users/${user.id}`,
      patchBody({
        op: "replace",
        value: {
          displayName: "Ada Lovelace",
          "name.givenName": "Ada",
          "name.familyName": "Lovelace",
          [`${ENT}:employeeNumber`]: "7",
          [`${ENT}:department`]: "Analytical Engines",
          active: false,
        },
      }),
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.displayName).toBe("Ada Lovelace");
    expect(res.body.name).toMatchObject({ givenName: "Ada", familyName: "Lovelace", formatted: "givenName familyName" });
    expect(res.body[ENT]).toEqual({ employeeNumber: "7", department: "Analytical Engines" });
    expect(res.body.active).toBe(false);

    const reactivated = await scim.patch<Doc>(`/Users/${user.id}`, patchBody({ op: "replace", path: "active", value: true }));
    expect(reactivated.body.active).toBe(true);

    const manager = await createUser(scim);
    const withManager = await scim.patch<Doc>(
      `/Users/${user.id}`,
      patchBody({ op: "add", path: `${ENT}:manager`, value: manager.id }),
    );
    expect(withManager.body[ENT].manager).toEqual({ value: manager.id, $ref: `http://localhost/scim/v2/Users/${manager.id}` });
    const cleared = await scim.patch<Doc>(
      `/Users/${user.id}`,
      patchBody({ op: "replace", value: { [`${ENT}:manager`]: null, displayName: "" } }),
    );
    expect(cleared.status).toBe(200);
    expect(cleared.body[ENT].manager).toBeUndefined();
    expect(cleared.body.displayName).toBeUndefined();
  });

  it("accepts a path-less value with the enterprise extension as an object", async () => {
    const { scim } = await newDirectory("entra");
    const user = await createUser(scim);
    const res = await scim.patch<Doc>(
      `/Users/${user.id}`,
      patchBody({ op: "add", value: { [ENT]: { costCenter: "CC-1" }, "emails[type eq \"work\"].value": "ada@contoso.example" } }),
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body[ENT]).toEqual({ costCenter: "CC-1" });
    expect(res.body.emails).toEqual([{ primary: true, type: "work", value: "ada@contoso.example" }]);
  });
});

describe("Entra ID: groups", () => {
  it("creates a group without members and reads it with excludedAttributes=members", async () => {
    const { scim } = await newDirectory("entra");
    const name = unique("Sales");
    const group = await createGroup(scim, name);
    expect(group.schemas).toEqual([GROUP]);
    expect(group.displayName).toBe(name);
    expect(group.members ?? []).toEqual([]);

    const found = await scim.get<Doc>(`/Groups${q(`displayName eq "${name}"`, "&excludedAttributes=members")}`);
    expect(found.status).toBe(200);
    expect(found.body.totalResults).toBe(1);
    expect(found.body.Resources[0].id).toBe(group.id);
    expect(found.body.Resources[0].members).toBeUndefined();

    const single = await scim.get<Doc>(`/Groups/${group.id}?excludedAttributes=members`);
    expect(single.status).toBe(200);
    expect(single.body.displayName).toBe(name);
    expect(single.body.members).toBeUndefined();

    const dup = await scim.post<Doc>("/Groups", { schemas: [GROUP, ADSCIM_GROUP], displayName: name.toUpperCase() });
    expect(dup.status).toBe(409);
    expect(dup.body.scimType).toBe("uniqueness");
  });

  it("adds members with Add, removes only the listed ones with Remove+value, and by members[value eq]", async () => {
    const { scim } = await newDirectory("entra");
    const group = await createGroup(scim);
    const [u1, u2, u3, u4] = await Promise.all([createUser(scim), createUser(scim), createUser(scim), createUser(scim)]);

    const add = await scim.patch(
      `/Groups/${group.id}`,
      patchBody({ op: "Add", path: "members", value: [{ $ref: null, value: u1.id }, { value: u2.id }] }),
    );
    expect(add.status).toBe(204);
    expect(add.body).toBeUndefined();
    expect(await memberIds(scim, group.id)).toEqual([u1.id, u2.id].sort());

    const more = await scim.patch(
      `/Groups/${group.id}`,
      patchBody({ op: "Add", path: "members", value: [{ value: u3.id }, { value: u4.id }, { value: u1.id }] }),
    );
    expect(more.status).toBe(204);
    expect(await memberIds(scim, group.id)).toEqual([u1.id, u2.id, u3.id, u4.id].sort());

    const removeListed = await scim.patch(
      `/Groups/${group.id}`,
      patchBody({ op: "Remove", path: "members", value: [{ value: u2.id }] }),
    );
    expect(removeListed.status).toBe(204);
    expect(await memberIds(scim, group.id)).toEqual([u1.id, u3.id, u4.id].sort());

    const removeFiltered = await scim.patch(
      `/Groups/${group.id}`,
      patchBody({ op: "remove", path: `members[value eq "${u3.id}"]` }),
    );
    expect(removeFiltered.status).toBe(204);
    expect(await memberIds(scim, group.id)).toEqual([u1.id, u4.id].sort());

    // The user side shows the membership.
    const user = await scim.get<Doc>(`/Users/${u1.id}`);
    expect(user.body.groups).toEqual([
      { value: group.id, $ref: `http://localhost/scim/v2/Groups/${group.id}`, display: group.displayName, type: "direct" },
    ]);
    const members = await scim.get<Doc>(`/Groups/${group.id}`);
    expect(members.body.members).toContainEqual({
      value: u1.id,
      $ref: `http://localhost/scim/v2/Users/${u1.id}`,
      display: u1.userName,
      type: "User",
    });
  });

  it("applies several membership changes in one PATCH, in order", async () => {
    const { scim } = await newDirectory("entra");
    const group = await createGroup(scim);
    const [u1, u2, u3] = await Promise.all([createUser(scim), createUser(scim), createUser(scim)]);
    await scim.patch(`/Groups/${group.id}`, patchBody({ op: "Add", path: "members", value: [{ value: u1.id }] }));
    const res = await scim.patch(
      `/Groups/${group.id}`,
      patchBody(
        { op: "Add", path: "members", value: [{ value: u2.id }] },
        { op: "Add", path: "members", value: [{ value: u3.id }] },
        { op: "Remove", path: "members", value: [{ value: u1.id }] },
        { op: "Replace", path: "displayName", value: `${group.displayName} (renamed)` },
      ),
    );
    expect(res.status).toBe(204);
    const read = await scim.get<Doc>(`/Groups/${group.id}`);
    expect(read.body.displayName).toBe(`${group.displayName} (renamed)`);
    expect(((read.body.members ?? []) as Doc[]).map((m) => m.value).sort()).toEqual([u2.id, u3.id].sort());

    // Members of another directory are not members here: 400, and nothing changes.
    const other = await newDirectory("entra");
    const stranger = await createUser(other.scim);
    const bad = await scim.patch<Doc>(
      `/Groups/${group.id}`,
      patchBody({ op: "Remove", path: "members", value: [{ value: u2.id }] }, { op: "Add", path: "members", value: [{ value: stranger.id }] }),
    );
    expect(bad.status).toBe(400);
    expect(bad.body.scimType).toBe("invalidValue");
    expect(await memberIds(scim, group.id)).toEqual([u2.id, u3.id].sort());
  });

  it("finds groups by member and deletes a group", async () => {
    const { scim } = await newDirectory("entra");
    const group = await createGroup(scim);
    const user = await createUser(scim);
    await scim.patch(`/Groups/${group.id}`, patchBody({ op: "Add", path: "members", value: [{ value: user.id }] }));
    const byMember = await scim.get<Doc>(`/Groups${q(`members[value eq "${user.id}"]`, "&excludedAttributes=members")}`);
    expect(byMember.body.Resources.map((g: Doc) => g.id)).toEqual([group.id]);
    expect((await scim.delete(`/Groups/${group.id}`)).status).toBe(204);
    expect((await scim.get(`/Groups/${group.id}`)).status).toBe(404);
    expect((await scim.get<Doc>(`/Users/${user.id}`)).body.groups).toBeUndefined();
  });
});

describe("Entra ID: deprovisioning", () => {
  it("soft-deletes (active false), keeps the user readable and filterable, hard-deletes, and reactivates", async () => {
    const { scim } = await newDirectory("entra");
    const group = await createGroup(scim);
    const leaver = await createUser(scim);
    const stayer = await createUser(scim);
    const returner = await createUser(scim);
    await scim.patch(`/Groups/${group.id}`, patchBody({ op: "Add", path: "members", value: [{ value: leaver.id }, { value: stayer.id }] }));

    for (const u of [leaver, returner]) {
      const off = await scim.patch<Doc>(`/Users/${u.id}`, patchBody({ op: "Replace", path: "active", value: "False" }));
      expect(off.status).toBe(200);
      expect(off.body.active).toBe(false);
    }
    const read = await scim.get<Doc>(`/Users/${leaver.id}`);
    expect(read.status).toBe(200);
    expect(read.body.active).toBe(false);
    const inactive = await scim.get<Doc>(`/Users${q("active eq false")}`);
    expect(inactive.body.Resources.map((r: Doc) => r.id).sort()).toEqual([leaver.id, returner.id].sort());
    const byName = await scim.get<Doc>(`/Users${q(`userName eq "${leaver.userName}"`)}`);
    expect(byName.body.totalResults).toBe(1);
    expect(byName.body.Resources[0].active).toBe(false);
    const active = await scim.get<Doc>(`/Users${q('active eq "True"')}`);
    expect(active.body.Resources.map((r: Doc) => r.id)).toEqual([stayer.id]);

    // 30 days later: hard delete.
    expect((await scim.delete(`/Users/${leaver.id}`)).status).toBe(204);
    expect((await scim.get(`/Users/${leaver.id}`)).status).toBe(404);
    expect((await scim.delete(`/Users/${leaver.id}`)).status).toBe(404);
    expect((await scim.patch(`/Users/${leaver.id}`, patchBody({ op: "Replace", path: "active", value: "True" }))).status).toBe(404);
    expect(await memberIds(scim, group.id)).toEqual([stayer.id]);
    const afterDelete = await scim.get<Doc>(`/Users${q(`userName eq "${leaver.userName}"`)}`);
    expect(afterDelete.status).toBe(200);
    expect(afterDelete.body.totalResults).toBe(0);

    // Reactivation.
    const on = await scim.patch<Doc>(`/Users/${returner.id}`, patchBody({ op: "Replace", path: "active", value: "True" }));
    expect(on.body.active).toBe(true);

    // The status history records each transition.
    const prisma = await getPrisma();
    const intervals = await prisma.userStatusInterval.findMany({ where: { userId: returner.id as string }, orderBy: { validFrom: "asc" } });
    expect(intervals.map((i) => i.active)).toEqual([true, false, true]);
    expect(intervals.slice(0, 2).every((i) => i.validTo !== null)).toBe(true);
    expect(intervals[2].validTo).toBeNull();
    const actions = await prisma.auditEvent.findMany({ where: { targetId: returner.id as string }, orderBy: { seq: "asc" } });
    expect(actions.map((a) => a.action)).toEqual(["user.created", "user.deactivated", "user.activated"]);
  });
});
