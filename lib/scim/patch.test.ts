import { describe, expect, it } from "vitest";
import { ScimError } from "./errors";
import { applyPatch, MAX_PATCH_OPERATIONS, parsePatchBody } from "./patch";
import { normalizeResource, type ScimDoc } from "./normalize-resource";
import { ENTERPRISE_USER_SCHEMA, PATCH_OP, type ResourceTypeName } from "./schema";

const E = ENTERPRISE_USER_SCHEMA;
type Op = Record<string, unknown>;
const patch = (...Operations: Op[]) => ({ schemas: [PATCH_OP], Operations });

function scimError(run: () => unknown): ScimError {
  try {
    run();
  } catch (err) {
    if (err instanceof ScimError) return err;
    throw err;
  }
  throw new Error("expected a ScimError");
}

/** Copy of `doc` without `keys`. */
function omit(doc: Record<string, unknown>, ...keys: string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(doc).filter(([k]) => !keys.includes(k)));
}

/** babs's e-mails with the work address replaced. */
const babsEmails = (work: string) => [
  { value: work, type: "work", primary: true },
  { value: "babs@jensen.org", type: "home" },
];

const babs: ScimDoc = {
  id: "2819c223-7f76-453a-919d-413861904646",
  externalId: "bjensen",
  userName: "bjensen@example.com",
  name: { formatted: "Ms. Barbara J Jensen III", familyName: "Jensen", givenName: "Barbara" },
  displayName: "Babs Jensen",
  title: "Tour Guide",
  active: true,
  emails: babsEmails("bjensen@example.com"),
  addresses: [
    {
      type: "work",
      streetAddress: "100 Universal City Plaza",
      locality: "Hollywood",
      region: "CA",
      country: "US",
      primary: true,
    },
  ],
  roles: [{ value: "Reader", primary: true }],
  [E]: {
    employeeNumber: "701984",
    department: "Tour Operations",
    manager: { value: "26118915-6090-4610-87e4-49d8ca9f808d" },
  },
};

const admins: ScimDoc = {
  id: "e9e30dba-f08f-4109-8486-d5c6a331660a",
  displayName: "Tour Guides",
  members: [
    { value: "2819c223-7f76-453a-919d-413861904646" },
    { value: "902c246b-6245-4190-8e05-00816be7344a", type: "User" },
  ],
};

const minimalUser: ScimDoc = { id: "u1", userName: "alice@contoso.com", active: true };

interface Case {
  name: string;
  rt?: ResourceTypeName;
  doc: ScimDoc;
  body: unknown;
  expected: ScimDoc;
}

/** The patched document alone; what was ignored is checked on its own. */
const patched = (...args: Parameters<typeof applyPatch>) => applyPatch(...args).doc;

function runCases(cases: Case[]) {
  it.each(cases.map((c) => [c.name, c] as const))("%s", (_name, c) => {
    const before = JSON.stringify(c.doc);
    const result = patched(c.rt ?? "User", c.doc, c.body);
    expect(result).toEqual(c.expected);
    // Pure: the input document is never modified.
    expect(JSON.stringify(c.doc)).toBe(before);
    // The caller re-validates the result; it must stay a valid document.
    expect(() => normalizeResource(c.rt ?? "User", result, { mode: "replace" })).not.toThrow();
  });
}

describe("Microsoft Entra ID without aadOptscim062020", () => {
  runCases([
    {
      name: "capitalised Replace of a filtered e-mail value and name.familyName (documented request)",
      doc: babs,
      body: patch(
        { op: "Replace", path: 'emails[type eq "work"].value', value: "updatedEmail@microsoft.com" },
        { op: "Replace", path: "name.familyName", value: "updatedFamilyName" },
      ),
      expected: {
        ...babs,
        name: { ...(babs.name as object), familyName: "updatedFamilyName" },
        emails: babsEmails("updatedEmail@microsoft.com"),
      },
    },
    {
      name: "Replace userName",
      doc: babs,
      body: patch({
        op: "Replace",
        path: "userName",
        value: "5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com",
      }),
      expected: { ...babs, userName: "5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com" },
    },
    {
      name: 'disable with the string boolean "False"',
      doc: minimalUser,
      body: patch({ op: "Replace", path: "active", value: "False" }),
      expected: { ...minimalUser, active: false },
    },
    {
      name: 'reactivate with "True"',
      doc: { ...minimalUser, active: false },
      body: patch({ op: "Replace", path: "active", value: "True" }),
      expected: minimalUser,
    },
    {
      name: "Add nickName",
      doc: minimalUser,
      body: patch({ op: "Add", path: "nickName", value: "Babs" }),
      expected: { ...minimalUser, nickName: "Babs" },
    },
    {
      name: 'Add on emails[type eq "work"].value creates the work e-mail',
      doc: minimalUser,
      body: patch({ op: "Add", path: 'emails[type eq "work"].value', value: "alice@contoso.com" }),
      expected: { ...minimalUser, emails: [{ type: "work", value: "alice@contoso.com" }] },
    },
    {
      name: 'Replace on emails[type eq "work"].value creates it too when missing',
      doc: { ...minimalUser, emails: [{ type: "home", value: "a@home.example" }] },
      body: patch({ op: "Replace", path: 'emails[type eq "work"].value', value: "alice@contoso.com" }),
      expected: {
        ...minimalUser,
        emails: [
          { type: "home", value: "a@home.example" },
          { type: "work", value: "alice@contoso.com" },
        ],
      },
    },
    {
      name: 'Add on emails[type eq "work"].value sets it when present',
      doc: babs,
      body: patch({ op: "Add", path: 'emails[type eq "work"].value', value: "new@example.com" }),
      expected: {
        ...babs,
        emails: babsEmails("new@example.com"),
      },
    },
    {
      name: "filter attribute names and values are case-insensitive",
      doc: babs,
      body: patch({ op: "Replace", path: 'EMAILS[TYPE eq "WORK"].VALUE', value: "new@example.com" }),
      expected: {
        ...babs,
        emails: babsEmails("new@example.com"),
      },
    },
    {
      name: "Add on a phone number with a type filter and primary",
      doc: minimalUser,
      body: patch(
        { op: "Add", path: 'phoneNumbers[type eq "mobile"].value', value: "+1 555 0100" },
        { op: "Add", path: 'phoneNumbers[type eq "work"].value', value: "+1 555 0199" },
      ),
      expected: {
        ...minimalUser,
        phoneNumbers: [
          { type: "mobile", value: "+1 555 0100" },
          { type: "work", value: "+1 555 0199" },
        ],
      },
    },
    {
      name: "address sub-attribute through a filter creates the work address",
      doc: minimalUser,
      body: patch(
        { op: "Add", path: 'addresses[type eq "work"].streetAddress', value: "1 Microsoft Way" },
        { op: "Add", path: 'addresses[type eq "work"].locality', value: "Redmond" },
        { op: "Add", path: 'addresses[type eq "work"].country', value: "US" },
      ),
      expected: {
        ...minimalUser,
        addresses: [{ type: "work", streetAddress: "1 Microsoft Way", locality: "Redmond", country: "US" }],
      },
    },
    {
      name: "enterprise URN paths",
      doc: minimalUser,
      body: patch(
        { op: "Add", path: `${E}:employeeNumber`, value: "7" },
        { op: "Replace", path: `${E}:department`, value: "Finance" },
      ),
      expected: { ...minimalUser, [E]: { employeeNumber: "7", department: "Finance" } },
    },
    {
      name: "enterprise URN path in another case",
      doc: babs,
      body: patch({
        op: "Replace",
        path: "urn:ietf:params:scim:schemas:extension:Enterprise:2.0:User:EmployeeNumber",
        value: "8",
      }),
      expected: { ...babs, [E]: { ...(babs[E] as object), employeeNumber: "8" } },
    },
    {
      name: "manager as a bare id string",
      doc: minimalUser,
      body: patch({ op: "Replace", path: `${E}:manager`, value: "2819c223-7f76-453a-919d-413861904646" }),
      expected: { ...minimalUser, [E]: { manager: { value: "2819c223-7f76-453a-919d-413861904646" } } },
    },
    {
      name: "manager in the legacy array form",
      doc: minimalUser,
      body: patch({ op: "Add", path: `${E}:manager`, value: [{ $ref: null, value: "m2" }] }),
      expected: { ...minimalUser, [E]: { manager: { value: "m2" } } },
    },
    {
      name: "manager as {value}",
      doc: babs,
      body: patch({ op: "Replace", path: `${E}:manager`, value: { value: "m3", displayName: "ignored" } }),
      expected: { ...babs, [E]: { ...(babs[E] as object), manager: { value: "m3" } } },
    },
    {
      name: "manager.value path",
      doc: babs,
      body: patch({ op: "Replace", path: `${E}:manager.value`, value: "m4" }),
      expected: { ...babs, [E]: { ...(babs[E] as object), manager: { value: "m4" } } },
    },
    {
      name: "Remove on the manager path clears it",
      doc: babs,
      body: patch({ op: "Remove", path: `${E}:manager` }),
      expected: { ...babs, [E]: { employeeNumber: "701984", department: "Tour Operations" } },
    },
    {
      name: "Remove on the manager path with the old value clears it",
      doc: babs,
      body: patch({
        op: "Remove",
        path: `${E}:manager`,
        value: [{ $ref: null, value: "26118915-6090-4610-87e4-49d8ca9f808d" }],
      }),
      expected: { ...babs, [E]: { employeeNumber: "701984", department: "Tour Operations" } },
    },
    {
      name: "manager cleared with an empty string",
      doc: babs,
      body: patch({ op: "Replace", path: `${E}:manager`, value: "" }),
      expected: { ...babs, [E]: { employeeNumber: "701984", department: "Tour Operations" } },
    },
    {
      name: "removing the last extension attribute drops the extension object",
      doc: { ...minimalUser, [E]: { manager: { value: "m" } } },
      body: patch({ op: "Remove", path: `${E}:manager` }),
      expected: minimalUser,
    },
    {
      name: "clearing with an empty string and with null",
      doc: babs,
      body: patch(
        { op: "Replace", path: "title", value: "" },
        { op: "Replace", path: "displayName", value: null },
        { op: "Add", path: "name.formatted", value: "" },
        { op: "Replace", path: `${E}:department`, value: null },
      ),
      expected: (() => {
        const rest = omit(babs, "title", "displayName");
        return {
          ...rest,
          name: { familyName: "Jensen", givenName: "Barbara" },
          [E]: { employeeNumber: "701984", manager: { value: "26118915-6090-4610-87e4-49d8ca9f808d" } },
        };
      })(),
    },
    {
      name: "clearing a filtered e-mail value drops the element",
      doc: babs,
      body: patch({ op: "Replace", path: 'emails[type eq "work"].value', value: "" }),
      expected: { ...babs, emails: [{ value: "babs@jensen.org", type: "home" }] },
    },
    {
      name: "clearing a filtered value that does not exist is a no-op",
      doc: minimalUser,
      body: patch({ op: "Replace", path: 'phoneNumbers[type eq "fax"].value', value: "" }),
      expected: minimalUser,
    },
    {
      name: "Remove on a filtered e-mail value",
      doc: babs,
      body: patch({ op: "Remove", path: 'emails[type eq "home"].value' }),
      expected: { ...babs, emails: [{ value: "bjensen@example.com", type: "work", primary: true }] },
    },
    {
      name: 'roles[primary eq "True"].value replaces the primary role',
      doc: babs,
      body: patch({ op: "Replace", path: 'roles[primary eq "True"].value', value: "Admin" }),
      expected: { ...babs, roles: [{ value: "Admin", primary: true }] },
    },
    {
      name: 'roles[primary eq "True"].value creates a primary role when none exists',
      doc: minimalUser,
      body: patch({
        op: "Add",
        path: 'roles[primary eq "True"].value',
        value: '{"id":"r1","value":"Admin","displayName":"Admin"}',
      }),
      expected: {
        ...minimalUser,
        roles: [{ primary: true, value: '{"id":"r1","value":"Admin","displayName":"Admin"}' }],
      },
    },
    {
      name: "roles added with the AppRoleAssignmentsComplex shape",
      doc: minimalUser,
      body: patch({
        op: "Add",
        path: "roles",
        value: [
          { primary: "False", type: "WindowsAzureActiveDirectoryRole", display: "Admin", value: "Admin" },
          { primary: "True", type: "WindowsAzureActiveDirectoryRole", display: "Reader", value: "Reader" },
        ],
      }),
      expected: {
        ...minimalUser,
        roles: [
          { primary: false, type: "WindowsAzureActiveDirectoryRole", display: "Admin", value: "Admin" },
          { primary: true, type: "WindowsAzureActiveDirectoryRole", display: "Reader", value: "Reader" },
        ],
      },
    },
    {
      name: "Add group members ($ref null), capitalised op",
      rt: "Group",
      doc: admins,
      body: patch({
        op: "Add",
        path: "members",
        value: [{ $ref: null, value: "f648f8d5ea4e4cd38e9c" }, { value: "id2" }],
      }),
      expected: {
        ...admins,
        members: [...(admins.members as object[]), { value: "f648f8d5ea4e4cd38e9c" }, { value: "id2" }],
      },
    },
    {
      name: "Remove members with a value list removes only those",
      rt: "Group",
      doc: admins,
      body: patch({
        op: "Remove",
        path: "members",
        value: [{ $ref: null, value: "2819c223-7f76-453a-919d-413861904646" }],
      }),
      expected: { ...admins, members: [{ value: "902c246b-6245-4190-8e05-00816be7344a", type: "User" }] },
    },
    {
      name: "Remove members with a value list naming a non-member changes nothing",
      rt: "Group",
      doc: admins,
      body: patch({ op: "Remove", path: "members", value: [{ value: "not-a-member" }] }),
      expected: admins,
    },
    {
      name: "Replace group displayName",
      rt: "Group",
      doc: admins,
      body: patch({
        op: "Replace",
        path: "displayName",
        value: "1879db59-3bdf-4490-ad68-ab880a269474updatedDisplayName",
      }),
      expected: { ...admins, displayName: "1879db59-3bdf-4490-ad68-ab880a269474updatedDisplayName" },
    },
    {
      name: "several membership changes in one PATCH",
      rt: "Group",
      doc: admins,
      body: patch(
        { op: "Add", path: "members", value: [{ value: "a" }] },
        { op: "Remove", path: "members", value: [{ value: "2819c223-7f76-453a-919d-413861904646" }] },
        { op: "Add", path: "members", value: [{ value: "b" }] },
      ),
      expected: {
        ...admins,
        members: [
          { value: "902c246b-6245-4190-8e05-00816be7344a", type: "User" },
          { value: "a" },
          { value: "b" },
        ],
      },
    },
  ]);
});

describe("Microsoft Entra ID with aadOptscim062020", () => {
  runCases([
    {
      name: "lowercase path-less add",
      doc: minimalUser,
      body: patch({ op: "add", value: { nickName: "Babs" } }),
      expected: { ...minimalUser, nickName: "Babs" },
    },
    {
      name: "path-less replace whose keys are paths (documented request)",
      doc: babs,
      body: patch({
        op: "replace",
        value: {
          displayName: "Pvlo",
          'emails[type eq "work"].value': "TestBcwqnm@test.microsoft.com",
          "name.givenName": "Gtfd",
          "name.familyName": "Pkqf",
          externalId: "Eqpj",
          [`${E}:employeeNumber`]: "Eqpj",
        },
      }),
      expected: {
        ...babs,
        displayName: "Pvlo",
        externalId: "Eqpj",
        name: { formatted: "Ms. Barbara J Jensen III", familyName: "Pkqf", givenName: "Gtfd" },
        emails: babsEmails("TestBcwqnm@test.microsoft.com"),
        [E]: { ...(babs[E] as object), employeeNumber: "Eqpj" },
      },
    },
    {
      name: "path-less keys create a missing work e-mail and extension",
      doc: minimalUser,
      body: patch({
        op: "replace",
        value: { 'emails[type eq "work"].value': "a@contoso.com", [`${E}:manager`]: "m1" },
      }),
      expected: {
        ...minimalUser,
        emails: [{ type: "work", value: "a@contoso.com" }],
        [E]: { manager: { value: "m1" } },
      },
    },
    {
      name: "real booleans",
      doc: minimalUser,
      body: patch({ op: "replace", path: "active", value: false }),
      expected: { ...minimalUser, active: false },
    },
    {
      name: 'remove members[value eq "id"]',
      rt: "Group",
      doc: admins,
      body: patch({ op: "remove", path: 'members[value eq "2819c223-7f76-453a-919d-413861904646"]' }),
      expected: { ...admins, members: [{ value: "902c246b-6245-4190-8e05-00816be7344a", type: "User" }] },
    },
    {
      name: "path-less null clears",
      doc: babs,
      body: patch({ op: "replace", value: { title: null, nickName: "" } }),
      expected: omit(babs, "title"),
    },
  ]);
});

describe("Okta", () => {
  runCases([
    {
      name: "deactivate with a path-less replace",
      doc: minimalUser,
      body: patch({ op: "replace", value: { active: false } }),
      expected: { ...minimalUser, active: false },
    },
    {
      name: "profile update: path-less replace of several attributes",
      doc: babs,
      body: patch({ op: "replace", value: { name: { givenName: "Barb" }, title: "Lead Guide" } }),
      expected: { ...babs, name: { ...(babs.name as object), givenName: "Barb" }, title: "Lead Guide" },
    },
    {
      name: "group rename with the read-only id in the value",
      rt: "Group",
      doc: admins,
      body: patch({
        op: "replace",
        value: { id: "e9e30dba-f08f-4109-8486-d5c6a331660a", displayName: "Test SCIMv2" },
      }),
      expected: { ...admins, displayName: "Test SCIMv2" },
    },
    {
      name: "remove then add members in one PATCH, applied in order",
      rt: "Group",
      doc: admins,
      body: patch(
        { op: "remove", path: 'members[value eq "902c246b-6245-4190-8e05-00816be7344a"]' },
        {
          op: "add",
          path: "members",
          value: [{ value: "23a35c27-23d3-4c03-b4c5-6443c09e7173", display: "test.user@okta.local" }],
        },
      ),
      expected: {
        ...admins,
        members: [
          { value: "2819c223-7f76-453a-919d-413861904646" },
          { value: "23a35c27-23d3-4c03-b4c5-6443c09e7173" },
        ],
      },
    },
    {
      name: "remove and re-add the same member keeps it",
      rt: "Group",
      doc: admins,
      body: patch(
        { op: "remove", path: 'members[value eq "2819c223-7f76-453a-919d-413861904646"]' },
        { op: "add", path: "members", value: [{ value: "2819c223-7f76-453a-919d-413861904646" }] },
      ),
      expected: {
        ...admins,
        members: [
          { value: "902c246b-6245-4190-8e05-00816be7344a", type: "User" },
          { value: "2819c223-7f76-453a-919d-413861904646" },
        ],
      },
    },
    {
      name: "replace members",
      rt: "Group",
      doc: admins,
      body: patch({
        op: "replace",
        path: "members",
        value: [{ value: "23a35c27-23d3-4c03-b4c5-6443c09e7173", display: "test.user@okta.local" }],
      }),
      expected: { ...admins, members: [{ value: "23a35c27-23d3-4c03-b4c5-6443c09e7173" }] },
    },
  ]);
});

describe("OneLogin and other clients", () => {
  runCases([
    {
      name: "OneLogin lowercase add of members",
      rt: "Group",
      doc: { id: "g", displayName: "g" },
      body: patch({ op: "add", path: "members", value: [{ value: "u1" }, { value: "u2" }] }),
      expected: { id: "g", displayName: "g", members: [{ value: "u1" }, { value: "u2" }] },
    },
    {
      name: "op in upper case with spaces",
      doc: minimalUser,
      body: patch({ op: " REPLACE ", path: "title", value: "x" }),
      expected: { ...minimalUser, title: "x" },
    },
    {
      name: "schemas missing but Operations present (lenient)",
      doc: minimalUser,
      body: { Operations: [{ op: "add", path: "title", value: "x" }] },
      expected: { ...minimalUser, title: "x" },
    },
    {
      name: "lowercase operations key and Op/Path/Value keys",
      doc: minimalUser,
      body: { schemas: [PATCH_OP], operations: [{ Op: "add", Path: "title", Value: "x" }] },
      expected: { ...minimalUser, title: "x" },
    },
    {
      name: "a single member object instead of an array",
      rt: "Group",
      doc: { id: "g", displayName: "g" },
      body: patch({ op: "add", path: "members", value: { value: "u1" } }),
      expected: { id: "g", displayName: "g", members: [{ value: "u1" }] },
    },
    {
      name: "URN-qualified core path",
      rt: "Group",
      doc: admins,
      body: patch({
        op: "replace",
        path: "urn:ietf:params:scim:schemas:core:2.0:Group:displayName",
        value: "x",
      }),
      expected: { ...admins, displayName: "x" },
    },
    {
      name: "whole extension by URN path",
      doc: minimalUser,
      body: patch({ op: "add", path: E, value: { department: "Sales", manager: "m1" } }),
      expected: { ...minimalUser, [E]: { department: "Sales", manager: { value: "m1" } } },
    },
    {
      name: "remove the whole extension by URN path",
      doc: babs,
      body: patch({ op: "remove", path: E }),
      expected: omit(babs, E),
    },
    {
      name: "path-less value with an extension object",
      doc: babs,
      body: patch({ op: "replace", value: { [E]: { department: "Sales", unknown: 1, manager: "" } } }),
      expected: { ...babs, [E]: { employeeNumber: "701984", department: "Sales" } },
    },
    {
      name: "path-less value ignores unknown keys, read-only attributes, schemas and malformed paths",
      doc: minimalUser,
      body: patch({
        op: "replace",
        value: {
          schemas: ["x"],
          id: "other",
          meta: { created: "x" },
          groups: [{ value: "g" }],
          foo: 1,
          "bad path!": 2,
          members: [],
          "urn:example:foo:bar": 3,
          title: "T",
        },
      }),
      expected: { ...minimalUser, title: "T" },
    },
    {
      name: "password (writeOnly) can be replaced",
      doc: minimalUser,
      body: patch({ op: "replace", path: "password", value: "s3cret!" }),
      expected: { ...minimalUser, password: "s3cret!" },
    },
  ]);
});

describe("RFC 7644 §3.5.2 semantics", () => {
  runCases([
    {
      name: "§3.5.2.1 add members with display and $ref",
      rt: "Group",
      doc: { id: "g", displayName: "g" },
      body: patch({
        op: "add",
        path: "members",
        value: [{ display: "Babs Jensen", $ref: "https://example.com/v2/Users/2819c223", value: "2819c223" }],
      }),
      expected: {
        id: "g",
        displayName: "g",
        members: [{ $ref: "https://example.com/v2/Users/2819c223", value: "2819c223" }],
      },
    },
    {
      name: "§3.5.2.1 path-less add of emails and nickname (lowercase key)",
      doc: babs,
      body: patch({
        op: "add",
        value: {
          emails: [
            { value: "babs@jensen.org", type: "home" },
            { value: "babs@new.example", type: "other" },
          ],
          nickname: "Babs",
        },
      }),
      expected: {
        ...babs,
        nickName: "Babs",
        emails: [...(babs.emails as object[]), { value: "babs@new.example", type: "other" }],
      },
    },
    {
      name: "add of an already present member is a no-op",
      rt: "Group",
      doc: admins,
      body: patch({ op: "add", path: "members", value: [{ value: "902c246b-6245-4190-8e05-00816be7344a" }] }),
      expected: admins,
    },
    {
      name: "add of an existing e-mail with primary merges and demotes the old primary",
      doc: babs,
      body: patch({
        op: "add",
        path: "emails",
        value: [{ value: "BABS@jensen.org", type: "home", primary: true }],
      }),
      expected: {
        ...babs,
        emails: [
          { value: "bjensen@example.com", type: "work", primary: false },
          { value: "BABS@jensen.org", type: "home", primary: true },
        ],
      },
    },
    {
      name: "add of a new primary e-mail demotes the old primary",
      doc: babs,
      body: patch({
        op: "add",
        path: "emails",
        value: { value: "new@example.com", type: "other", primary: "True" },
      }),
      expected: {
        ...babs,
        emails: [
          { value: "bjensen@example.com", type: "work", primary: false },
          { value: "babs@jensen.org", type: "home" },
          { value: "new@example.com", type: "other", primary: true },
        ],
      },
    },
    {
      name: "add to a complex attribute merges sub-attributes",
      doc: babs,
      body: patch({ op: "add", path: "name", value: { middleName: "J", honorificSuffix: "III" } }),
      expected: { ...babs, name: { ...(babs.name as object), middleName: "J", honorificSuffix: "III" } },
    },
    {
      name: "add to a single-valued attribute replaces it",
      doc: babs,
      body: patch({ op: "add", path: "title", value: "Manager" }),
      expected: { ...babs, title: "Manager" },
    },
    {
      name: "add of null or [] to a multi-valued attribute changes nothing",
      doc: babs,
      body: patch({ op: "add", path: "emails", value: null }, { op: "add", path: "phoneNumbers", value: [] }),
      expected: babs,
    },
    {
      name: "§3.5.2.2 remove all members",
      rt: "Group",
      doc: admins,
      body: patch({ op: "remove", path: "members" }),
      expected: { id: admins.id, displayName: admins.displayName },
    },
    {
      name: "§3.5.2.2 remove with a complex filter",
      doc: babs,
      body: patch({ op: "remove", path: 'emails[type eq "work" and value ew "example.com"]' }),
      expected: { ...babs, emails: [{ value: "babs@jensen.org", type: "home" }] },
    },
    {
      name: "remove with a filter that matches nothing is a no-op",
      doc: babs,
      body: patch({ op: "remove", path: 'emails[type eq "other"]' }),
      expected: babs,
    },
    {
      name: "remove of a missing attribute is a no-op",
      doc: minimalUser,
      body: patch(
        { op: "remove", path: "title" },
        { op: "remove", path: "emails" },
        { op: "remove", path: "name.givenName" },
      ),
      expected: minimalUser,
    },
    {
      name: "remove of a sub-attribute",
      doc: babs,
      body: patch({ op: "remove", path: "name.formatted" }),
      expected: { ...babs, name: { familyName: "Jensen", givenName: "Barbara" } },
    },
    {
      name: "remove of the last sub-attribute unassigns the complex attribute",
      doc: { ...minimalUser, name: { givenName: "A" } },
      body: patch({ op: "remove", path: "name.givenName" }),
      expected: minimalUser,
    },
    {
      name: "remove of a whole multi-valued attribute",
      doc: babs,
      body: patch({ op: "remove", path: "addresses" }),
      expected: omit(babs, "addresses"),
    },
    {
      name: "remove of a sub-attribute on every element",
      doc: babs,
      body: patch({ op: "remove", path: "emails.primary" }),
      expected: {
        ...babs,
        emails: [
          { value: "bjensen@example.com", type: "work" },
          { value: "babs@jensen.org", type: "home" },
        ],
      },
    },
    {
      name: "remove e-mails listed in value",
      doc: babs,
      body: patch({ op: "remove", path: "emails", value: [{ value: "BABS@jensen.org" }] }),
      expected: { ...babs, emails: [{ value: "bjensen@example.com", type: "work", primary: true }] },
    },
    {
      name: "§3.5.2.3 replace all members",
      rt: "Group",
      doc: admins,
      body: patch({
        op: "replace",
        path: "members",
        value: [
          { display: "Babs Jensen", value: "2819c223" },
          { display: "James Smith", value: "08e1d05d" },
        ],
      }),
      expected: { ...admins, members: [{ value: "2819c223" }, { value: "08e1d05d" }] },
    },
    {
      name: "replace members with [] clears them",
      rt: "Group",
      doc: admins,
      body: patch({ op: "replace", path: "members", value: [] }),
      expected: { id: admins.id, displayName: admins.displayName },
    },
    {
      name: "§3.5.2.3 replace a filtered complex value (merge)",
      doc: babs,
      body: patch({
        op: "replace",
        path: 'addresses[type eq "work"]',
        value: {
          type: "work",
          streetAddress: "911 Universal City Plaza",
          locality: "Hollywood",
          region: "CA",
          postalCode: "91608",
          country: "US",
          formatted: "911 Universal City Plaza\nHollywood, CA 91608 US",
          primary: true,
        },
      }),
      expected: {
        ...babs,
        addresses: [
          {
            type: "work",
            streetAddress: "911 Universal City Plaza",
            locality: "Hollywood",
            region: "CA",
            postalCode: "91608",
            country: "US",
            formatted: "911 Universal City Plaza\nHollywood, CA 91608 US",
            primary: true,
          },
        ],
      },
    },
    {
      name: "§3.5.2.3 replace a filtered sub-attribute",
      doc: babs,
      body: patch({
        op: "replace",
        path: 'addresses[type eq "work"].streetAddress',
        value: "1010 Broadway Ave",
      }),
      expected: {
        ...babs,
        addresses: [
          { ...(babs.addresses as Array<Record<string, unknown>>)[0], streetAddress: "1010 Broadway Ave" },
        ],
      },
    },
    {
      name: "§3.5.2.3 path-less replace of emails and nickname",
      doc: babs,
      body: patch({
        op: "replace",
        value: {
          emails: babsEmails("bjensen@example.com"),
          nickname: "Babs",
        },
      }),
      expected: { ...babs, nickName: "Babs" },
    },
    {
      name: "replace of a multi-valued attribute without a filter replaces all values",
      doc: babs,
      body: patch({ op: "replace", path: "emails", value: [{ value: "only@example.com", type: "work" }] }),
      expected: { ...babs, emails: [{ value: "only@example.com", type: "work" }] },
    },
    {
      name: "replace of a missing attribute adds it",
      doc: minimalUser,
      body: patch(
        { op: "replace", path: "name.givenName", value: "Alice" },
        { op: "replace", path: "locale", value: "en-US" },
      ),
      expected: { ...minimalUser, name: { givenName: "Alice" }, locale: "en-US" },
    },
    {
      name: "replace of a complex attribute merges (RFC 7644 §3.5.2.3)",
      doc: babs,
      body: patch({ op: "replace", path: "name", value: { givenName: "Barb", middleName: null } }),
      expected: { ...babs, name: { ...(babs.name as object), givenName: "Barb" } },
    },
    {
      name: "replace of a matched member with itself is allowed",
      rt: "Group",
      doc: admins,
      body: patch({
        op: "replace",
        path: 'members[value eq "902c246b-6245-4190-8e05-00816be7344a"]',
        value: { value: "902c246b-6245-4190-8e05-00816be7344a", display: "x" },
      }),
      expected: admins,
    },
    {
      name: "filters on members use exact id matching",
      rt: "Group",
      doc: admins,
      body: patch({ op: "remove", path: 'members[value eq "2819C223-7F76-453A-919D-413861904646"]' }),
      expected: admins,
    },
    {
      name: "add of a complex value through an unmatched eq filter creates the element",
      doc: minimalUser,
      body: patch({ op: "add", path: 'emails[type eq "work"]', value: { value: "w@x", primary: true } }),
      expected: { ...minimalUser, emails: [{ type: "work", value: "w@x", primary: true }] },
    },
    {
      name: "marking another element primary through a filter demotes the old one",
      doc: babs,
      body: patch({ op: "replace", path: 'emails[type eq "home"].primary', value: "True" }),
      expected: {
        ...babs,
        emails: [
          { value: "bjensen@example.com", type: "work", primary: false },
          { value: "babs@jensen.org", type: "home", primary: true },
        ],
      },
    },
    {
      name: "a filter with not() selects the complement",
      doc: babs,
      body: patch({ op: "remove", path: 'emails[not (type eq "work")]' }),
      expected: { ...babs, emails: [{ value: "bjensen@example.com", type: "work", primary: true }] },
    },
    {
      name: "an immutable sub-attribute may be added when it had no value (RFC 7644 §3.5.2)",
      rt: "Group",
      doc: admins,
      body: patch({
        op: "add",
        path: 'members[value eq "2819c223-7f76-453a-919d-413861904646"].type',
        value: "user",
      }),
      expected: {
        ...admins,
        members: [
          { value: "2819c223-7f76-453a-919d-413861904646", type: "User" },
          { value: "902c246b-6245-4190-8e05-00816be7344a", type: "User" },
        ],
      },
    },
    {
      name: "operations apply in order",
      doc: minimalUser,
      body: patch(
        { op: "add", path: "title", value: "a" },
        { op: "replace", path: "title", value: "b" },
        { op: "remove", path: "title" },
        { op: "add", path: "title", value: "c" },
      ),
      expected: { ...minimalUser, title: "c" },
    },
  ]);
});

describe("errors: scimType and operation index", () => {
  const cases: Array<[string, ResourceTypeName, ScimDoc, unknown, string, RegExp]> = [
    ["body not an object", "User", babs, "nope", "invalidSyntax", /JSON object/],
    ["body an array", "User", babs, [], "invalidSyntax", /JSON object/],
    ["no Operations", "User", babs, { schemas: [PATCH_OP] }, "invalidSyntax", /no Operations/],
    ["no Operations and no schemas", "User", babs, { op: "add" }, "invalidSyntax", /PatchOp/],
    [
      "Operations not an array",
      "User",
      babs,
      { schemas: [PATCH_OP], Operations: { op: "add" } },
      "invalidSyntax",
      /must be an array/,
    ],
    ["Operations empty", "User", babs, patch(), "invalidValue", /must not be empty/],
    [
      "too many operations",
      "User",
      babs,
      patch(
        ...Array.from({ length: MAX_PATCH_OPERATIONS + 1 }, () => ({ op: "add", path: "title", value: "x" })),
      ),
      "invalidValue",
      /maximum is 1000/,
    ],
    [
      "operation not an object",
      "User",
      babs,
      patch({ op: "add", path: "title", value: "x" }, "x" as unknown as Op),
      "invalidSyntax",
      /^Operations\[1\]: .*object/,
    ],
    [
      "op missing",
      "User",
      babs,
      patch({ path: "title", value: "x" }),
      "invalidSyntax",
      /^Operations\[0\]: "op"/,
    ],
    [
      "unknown op is never ignored",
      "User",
      babs,
      patch({ op: "add", path: "title", value: "x" }, { op: "update", path: "active", value: false }),
      "invalidSyntax",
      /^Operations\[1\]: unknown op "update"/,
    ],
    [
      "op not a string",
      "User",
      babs,
      patch({ op: 1, path: "title", value: "x" }),
      "invalidSyntax",
      /^Operations\[0\]/,
    ],
    [
      "path not a string",
      "User",
      babs,
      patch({ op: "add", path: 5, value: "x" }),
      "invalidPath",
      /^Operations\[0\]: "path"/,
    ],
    [
      "remove without a path",
      "User",
      babs,
      patch({ op: "remove" }),
      "noTarget",
      /^Operations\[0\]: remove requires a path/,
    ],
    [
      "remove with an empty path",
      "User",
      babs,
      patch({ op: "remove", path: "" }),
      "noTarget",
      /^Operations\[0\]/,
    ],
    [
      "add without a value",
      "User",
      babs,
      patch({ op: "add", path: "title" }),
      "invalidValue",
      /^Operations\[0\]: add requires a value/,
    ],
    [
      "path-less replace with a non-object value",
      "User",
      babs,
      patch({ op: "replace", value: "x" }),
      "invalidValue",
      /^Operations\[0\]: replace without a path/,
    ],
    [
      "path-less add with an array value",
      "User",
      babs,
      patch({ op: "add", value: [{ title: "x" }] }),
      "invalidValue",
      /^Operations\[0\]/,
    ],
    [
      "unknown attribute",
      "User",
      babs,
      patch({ op: "add", path: "title", value: "x" }, { op: "add", path: "shoeSize", value: 44 }),
      "invalidPath",
      /^Operations\[1\]: "shoeSize" is not an attribute of User/,
    ],
    [
      "unknown sub-attribute",
      "User",
      babs,
      patch({ op: "replace", path: "name.nickname", value: "x" }),
      "invalidPath",
      /^Operations\[0\]: .*no sub-attribute "nickname"/,
    ],
    [
      "malformed path",
      "User",
      babs,
      patch({ op: "replace", path: 'emails[type eq "work"', value: "x" }),
      "invalidPath",
      /^Operations\[0\]/,
    ],
    [
      "unknown URN",
      "User",
      babs,
      patch({ op: "replace", path: "urn:example:custom:1.0:User:badge", value: "x" }),
      "invalidPath",
      /^Operations\[0\]/,
    ],
    [
      "enterprise path on a group",
      "Group",
      admins,
      patch({ op: "replace", path: `${E}:department`, value: "x" }),
      "invalidPath",
      /^Operations\[0\]/,
    ],
    [
      "members on a user",
      "User",
      babs,
      patch({ op: "add", path: "members", value: [{ value: "x" }] }),
      "invalidPath",
      /^Operations\[0\]/,
    ],
    [
      "filter on a single-valued attribute",
      "User",
      babs,
      patch({ op: "replace", path: 'name[givenName eq "x"].familyName', value: "y" }),
      "invalidPath",
      /multi-valued/,
    ],
    [
      "filter on an unknown sub-attribute",
      "User",
      babs,
      patch({ op: "replace", path: 'emails[kind eq "work"].value', value: "y" }),
      "invalidPath",
      /no sub-attribute "kind"/,
    ],
    [
      "replace id",
      "User",
      babs,
      patch({ op: "replace", path: "id", value: "new" }),
      "mutability",
      /^Operations\[0\]: id is read-only/,
    ],
    ["remove id", "User", babs, patch({ op: "remove", path: "id" }), "mutability", /read-only/],
    [
      "replace meta.created",
      "User",
      babs,
      patch({ op: "replace", path: "meta.created", value: "2020-01-01T00:00:00Z" }),
      "mutability",
      /read-only/,
    ],
    [
      "add groups on a user",
      "User",
      babs,
      patch({ op: "add", path: "groups", value: [{ value: "g" }] }),
      "mutability",
      /read-only/,
    ],
    [
      "manager.displayName is read-only",
      "User",
      babs,
      patch({ op: "replace", path: `${E}:manager.displayName`, value: "Boss" }),
      "mutability",
      /read-only/,
    ],
    [
      "members.display is read-only",
      "Group",
      admins,
      patch({
        op: "replace",
        path: 'members[value eq "2819c223-7f76-453a-919d-413861904646"].display',
        value: "x",
      }),
      "mutability",
      /read-only/,
    ],
    [
      "remove userName (required)",
      "User",
      babs,
      patch({ op: "remove", path: "userName" }),
      "mutability",
      /^Operations\[0\]: userName is required/,
    ],
    [
      "clear userName with an empty string",
      "User",
      babs,
      patch({ op: "replace", path: "userName", value: "" }),
      "mutability",
      /required/,
    ],
    [
      "clear displayName of a group with null",
      "Group",
      admins,
      patch({ op: "replace", path: "displayName", value: null }),
      "mutability",
      /required/,
    ],
    [
      "clear userName through a path-less value",
      "User",
      babs,
      patch({ op: "replace", value: { userName: null } }),
      "mutability",
      /required/,
    ],
    [
      "change a member's value in place (immutable)",
      "Group",
      admins,
      patch({
        op: "replace",
        path: 'members[value eq "2819c223-7f76-453a-919d-413861904646"].value',
        value: "other",
      }),
      "mutability",
      /immutable/,
    ],
    [
      "change a member's type in place (immutable)",
      "Group",
      admins,
      patch({
        op: "replace",
        path: 'members[value eq "902c246b-6245-4190-8e05-00816be7344a"]',
        value: { type: "Group" },
      }),
      "mutability",
      /immutable/,
    ],
    [
      "remove a member's value (immutable)",
      "Group",
      admins,
      patch({ op: "remove", path: 'members[value eq "2819c223-7f76-453a-919d-413861904646"].value' }),
      "mutability",
      /immutable/,
    ],
    [
      "replace with a filter that matches nothing",
      "User",
      babs,
      patch({ op: "replace", path: 'emails[type eq "other"]', value: { value: "x" } }),
      "noTarget",
      /^Operations\[0\]: .*matched no value/,
    ],
    [
      "replace a member that is not there",
      "Group",
      admins,
      patch({ op: "replace", path: 'members[value eq "nobody"]', value: { value: "nobody" } }),
      "noTarget",
      /matched no value/,
    ],
    [
      "replace a sub-attribute through a non-creatable filter",
      "User",
      babs,
      patch({ op: "replace", path: 'emails[value co "nowhere"].type', value: "work" }),
      "noTarget",
      /matched no value/,
    ],
    [
      "string boolean that is not a boolean",
      "User",
      babs,
      patch({ op: "replace", path: "active", value: "maybe" }),
      "invalidValue",
      /^Operations\[0\]: active must be a boolean/,
    ],
    [
      "wrong type through a path-less value",
      "User",
      babs,
      patch({ op: "replace", value: { active: "no" } }),
      "invalidValue",
      /active must be a boolean/,
    ],
    [
      "wrong type inside an extension object",
      "User",
      babs,
      patch({ op: "replace", value: { [E]: { employeeNumber: 7 } } }),
      "invalidValue",
      /employeeNumber must be a string/,
    ],
    [
      "extension value not an object",
      "User",
      babs,
      patch({ op: "replace", path: E, value: "x" }),
      "invalidValue",
      /must be an object/,
    ],
    [
      "complex value not an object",
      "User",
      babs,
      patch({ op: "replace", path: "name", value: "Barbara" }),
      "invalidValue",
      /must be an object/,
    ],
    [
      "two primaries in one add",
      "User",
      babs,
      patch({
        op: "add",
        path: "emails",
        value: [
          { value: "a", primary: true },
          { value: "b", primary: true },
        ],
      }),
      "invalidValue",
      /more than one primary/,
    ],
    [
      "two primaries in one replace",
      "User",
      babs,
      patch({
        op: "replace",
        path: "emails",
        value: [
          { value: "a", primary: true },
          { value: "b", primary: "True" },
        ],
      }),
      "invalidValue",
      /more than one primary/,
    ],
    [
      "string too long",
      "User",
      babs,
      patch({ op: "replace", path: "title", value: "x".repeat(1025) }),
      "invalidValue",
      /exceeds 1024/,
    ],
    [
      "too many values after add",
      "User",
      babs,
      patch({
        op: "add",
        path: "emails",
        value: Array.from({ length: 99 }, (_, i) => ({ value: `e${i}@x` })),
      }),
      "invalidValue",
      /more than 100 values/,
    ],
    [
      "member without value",
      "Group",
      admins,
      patch({ op: "add", path: "members", value: [{ display: "x" }] }),
      "invalidValue",
      /members\[0\].value is required/,
    ],
    [
      "unknown member type",
      "Group",
      admins,
      patch({ op: "add", path: "members", value: [{ value: "x", type: "Device" }] }),
      "invalidValue",
      /type must be one of/,
    ],
    [
      "manager with two legacy values",
      "User",
      babs,
      patch({ op: "replace", path: `${E}:manager`, value: [{ value: "a" }, { value: "b" }] }),
      "invalidValue",
      /single value/,
    ],
    [
      "ordering operator on a boolean in a filter",
      "User",
      babs,
      patch({ op: "remove", path: "emails[primary gt true]" }),
      "invalidFilter",
      /^Operations\[0\]/,
    ],
  ];
  it.each(cases)("%s", (_name, rt, doc, body, scimType, detail) => {
    const err = scimError(() => patched(rt, doc, body));
    expect(err.status).toBe(400);
    expect(err.scimType).toBe(scimType);
    expect(err.message).toMatch(detail);
  });

  it("names the index of a later failing operation", () => {
    const err = scimError(() =>
      patched(
        "User",
        babs,
        patch(
          { op: "Replace", path: "title", value: "a" },
          { op: "Add", path: "nickName", value: "b" },
          { op: "Replace", path: "active", value: "sometimes" },
        ),
      ),
    );
    expect(err.message).toMatch(/^Operations\[2\]: /);
    expect(err.scimType).toBe("invalidValue");
  });
});

describe("ignored attributes", () => {
  it("returns the unknown attributes and extension attributes the operations dropped", () => {
    const body = patch(
      { op: "replace", value: { shoeSize: 44, title: "T", id: "readOnly, not unknown" } },
      { op: "add", path: E, value: { badge: "b", department: "D" } },
    );
    expect(applyPatch("User", minimalUser, body)).toEqual({
      doc: { ...minimalUser, title: "T", [E]: { department: "D" } },
      ignored: ["shoeSize", `${E}:badge`],
    });
  });
});

describe("atomicity", () => {
  it("a failing operation leaves the input untouched and returns nothing", () => {
    const doc = JSON.parse(JSON.stringify(babs)) as ScimDoc;
    const before = JSON.stringify(doc);
    const err = scimError(() =>
      patched(
        "User",
        doc,
        patch(
          { op: "replace", path: "title", value: "changed" },
          { op: "remove", path: "emails" },
          { op: "replace", path: `${E}:manager`, value: "m9" },
          { op: "remove", path: "userName" },
        ),
      ),
    );
    expect(err.scimType).toBe("mutability");
    expect(err.message).toMatch(/^Operations\[3\]/);
    expect(JSON.stringify(doc)).toBe(before);
  });

  it("the result shares no objects with the input", () => {
    const result = patched("User", babs, patch({ op: "replace", path: "name.givenName", value: "X" }));
    expect(result.emails).not.toBe(babs.emails);
    (result.emails as Array<Record<string, unknown>>)[0]!.value = "mutated";
    expect((babs.emails as Array<Record<string, unknown>>)[0]!.value).toBe("bjensen@example.com");
  });

  it("prototype-pollution keys in values never reach a prototype", () => {
    const body: unknown = JSON.parse(
      `{"Operations":[{"op":"replace","value":{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},"name":{"__proto__":{"polluted":true},"givenName":"A"},"title":"T"}},
                      {"op":"add","path":"emails","value":[{"__proto__":{"polluted":true},"value":"p@x"}]}]}`,
    );
    const result = patched("User", minimalUser, body);
    expect(result).toEqual({
      ...minimalUser,
      title: "T",
      name: { givenName: "A" },
      emails: [{ value: "p@x" }],
    });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(result.name)).toBe(Object.prototype);
  });
});

describe("parsePatchBody", () => {
  it("normalizes ops, trims paths and keeps indices", () => {
    expect(
      parsePatchBody(
        patch(
          { op: "Add", path: " members ", value: [] },
          { op: "REMOVE", path: "x" },
          { op: "replace", path: null, value: { a: 1 } },
          { op: "replace", path: "", value: { a: 1 } },
        ),
      ),
    ).toEqual([
      { index: 0, op: "add", path: "members", value: [] },
      { index: 1, op: "remove", path: "x" },
      { index: 2, op: "replace", value: { a: 1 } },
      { index: 3, op: "replace", value: { a: 1 } },
    ]);
  });
});
