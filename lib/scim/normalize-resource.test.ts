import { describe, expect, it } from "vitest";
import { ScimError } from "./errors";
import { MAX_MULTI_VALUES, normalizeResource, normalizeScalar, type ScimDoc } from "./normalize-resource";
import {
  ENTERPRISE_USER_SCHEMA,
  GROUP_SCHEMA,
  USER_SCHEMA,
  type AttributeDef,
  type ResourceTypeName,
} from "./schema";

const E = ENTERPRISE_USER_SCHEMA;

function scimError(run: () => unknown): ScimError {
  try {
    run();
  } catch (err) {
    if (err instanceof ScimError) return err;
    throw err;
  }
  throw new Error("expected a ScimError");
}

/** The normalized document alone; what was ignored is checked on its own below. */
const normalize = (...args: Parameters<typeof normalizeResource>) => normalizeResource(...args).doc;

const user = (body: Record<string, unknown>) =>
  normalize("User", { userName: "bjensen", ...body }, { mode: "create" });

describe("normalizeResource: identity-provider bodies (scim-compat.md)", () => {
  it("Entra ID create (Microsoft's documented request)", () => {
    const body = {
      schemas: [USER_SCHEMA, E],
      externalId: "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef",
      userName: "Test_User_ab6490ee-1e48-479e-a20b-2d77186b5dd1",
      active: true,
      emails: [
        { primary: true, type: "work", value: "Test_User_fd0ea19b-0777-472c-9f96-4f70d2226f2e@testuser.com" },
      ],
      meta: { resourceType: "User" },
      name: { formatted: "givenName familyName", familyName: "familyName", givenName: "givenName" },
      roles: [],
    };
    expect(normalize("User", body, { mode: "create" })).toEqual({
      externalId: "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef",
      userName: "Test_User_ab6490ee-1e48-479e-a20b-2d77186b5dd1",
      name: { formatted: "givenName familyName", familyName: "familyName", givenName: "givenName" },
      active: true,
      emails: [
        { primary: true, type: "work", value: "Test_User_fd0ea19b-0777-472c-9f96-4f70d2226f2e@testuser.com" },
      ],
    });
  });

  it("Entra ID legacy create with nulls, string booleans, a malformed URN and the enterprise extension", () => {
    const body = {
      schemas: [USER_SCHEMA, E, "urn:ietf:params:scim:schemas:extension:enterprise:2.0"],
      externalId: "e1",
      userName: "alice@contoso.com",
      active: "True",
      displayName: "Alice",
      phoneNumbers: null,
      title: null,
      addresses: [
        { type: "work", streetAddress: "1 Main St", locality: null, country: "US", primary: "true" },
      ],
      "urn:ietf:params:scim:schemas:extension:enterprise:2.0": { department: "ignored" },
      "urn:ietf:params:scim:schemas:extension:Enterprise:2.0:User:": { department: "ignored too" },
      [E]: {
        employeeNumber: "701984",
        department: "Tour Operations",
        manager: [{ $ref: null, value: "26118915-6090-4610-87e4-49d8ca9f808d" }],
        costCenter: null,
      },
    };
    expect(normalize("User", body, { mode: "create" })).toEqual({
      externalId: "e1",
      userName: "alice@contoso.com",
      displayName: "Alice",
      active: true,
      addresses: [{ type: "work", streetAddress: "1 Main St", country: "US", primary: true }],
      [E]: {
        employeeNumber: "701984",
        department: "Tour Operations",
        manager: { value: "26118915-6090-4610-87e4-49d8ca9f808d" },
      },
    });
  });

  it("Okta create with groups: [] and a placeholder password", () => {
    const body = {
      schemas: [USER_SCHEMA],
      userName: "test.user@okta.local",
      name: { givenName: "Test", familyName: "User" },
      emails: [{ primary: true, value: "test.user@okta.local", type: "work" }],
      displayName: "Test User",
      locale: "en-US",
      externalId: "00ujl29u0le5T6Aj10h7",
      groups: [],
      password: "1mz050nq",
      active: true,
    };
    expect(normalize("User", body, { mode: "create" })).toEqual({
      externalId: "00ujl29u0le5T6Aj10h7",
      userName: "test.user@okta.local",
      name: { givenName: "Test", familyName: "User" },
      displayName: "Test User",
      locale: "en-US",
      active: true,
      // writeOnly: kept so the service can hash it; never returned.
      password: "1mz050nq",
      emails: [{ primary: true, value: "test.user@okta.local", type: "work" }],
    });
  });

  it("Okta PUT of the full object: id, meta and groups ignored, omitted attributes gone", () => {
    const body = {
      schemas: [USER_SCHEMA],
      id: "23a35c27-23d3-4c03-b4c5-6443c09e7173",
      userName: "test.user@okta.local",
      name: { givenName: "Another", familyName: "User" },
      active: false,
      groups: [{ value: "g1", display: "Admins" }],
      meta: { resourceType: "User", created: "2024-01-01T00:00:00Z", lastModified: "2024-01-01T00:00:00Z" },
      password: "1mz050nq",
    };
    expect(normalize("User", body, { mode: "replace" })).toEqual({
      userName: "test.user@okta.local",
      name: { givenName: "Another", familyName: "User" },
      active: false,
      password: "1mz050nq",
    });
  });

  it("Okta group create with members: []", () => {
    expect(
      normalize(
        "Group",
        { schemas: [GROUP_SCHEMA], displayName: "Test SCIMv2", members: [] },
        { mode: "create" },
      ),
    ).toEqual({
      displayName: "Test SCIMv2",
    });
  });

  it("Entra group create with the ADSCIM schema and members with $ref null", () => {
    const body = {
      schemas: [GROUP_SCHEMA, "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group"],
      externalId: "8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159",
      displayName: "Group1",
      meta: { resourceType: "Group" },
      members: [
        { $ref: null, value: "u1" },
        { value: "u2", display: "ignored (readOnly)", type: "user" },
        { value: "u1" },
      ],
    };
    expect(normalize("Group", body, { mode: "create" })).toEqual({
      externalId: "8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159",
      displayName: "Group1",
      members: [{ value: "u1" }, { value: "u2", type: "User" }],
    });
  });
});

describe("normalizeResource: leniency and canonical form", () => {
  const cases: Array<[string, Record<string, unknown>, ScimDoc]> = [
    [
      "attribute names are case-insensitive (RFC 7643 §2.1)",
      { USERNAME: "x", Name: { GivenName: "A" }, EMAILS: [{ VALUE: "a@b.c", Type: "work" }] },
      { userName: "x", name: { givenName: "A" }, emails: [{ value: "a@b.c", type: "work" }] },
    ],
    [
      "extension URN key is case-insensitive",
      { userName: "x", [E.toLowerCase()]: { EmployeeNumber: "7" } },
      { userName: "x", [E]: { employeeNumber: "7" } },
    ],
    [
      "unknown attributes and sub-attributes are ignored",
      { userName: "x", foo: 1, name: { givenName: "A", nick: "z" } },
      { userName: "x", name: { givenName: "A" } },
    ],
    [
      "a single object for a multi-valued attribute is wrapped",
      { userName: "x", emails: { value: "a@b.c" } },
      { userName: "x", emails: [{ value: "a@b.c" }] },
    ],
    [
      "null elements are dropped",
      { userName: "x", emails: [null, { value: "a@b.c" }] },
      { userName: "x", emails: [{ value: "a@b.c" }] },
    ],
    [
      "elements without a value are dropped",
      { userName: "x", emails: [{ type: "work" }] },
      { userName: "x" },
    ],
    ["empty complex values are unassigned", { userName: "x", name: {}, [E]: {} }, { userName: "x" }],
    [
      "empty strings are unassigned",
      { userName: "x", title: "", name: { givenName: "" } },
      { userName: "x" },
    ],
    [
      "string booleans in any case (Entra)",
      { userName: "x", active: "FALSE" },
      { userName: "x", active: false },
    ],
    [
      "string boolean primary (Entra)",
      {
        userName: "x",
        emails: [
          { value: "a", primary: "True" },
          { value: "b", primary: "false" },
        ],
      },
      {
        userName: "x",
        emails: [
          { value: "a", primary: true },
          { value: "b", primary: false },
        ],
      },
    ],
    [
      "manager as a bare id string (Entra)",
      { userName: "x", [E]: { manager: "m1" } },
      { userName: "x", [E]: { manager: { value: "m1" } } },
    ],
    [
      "manager as {value} keeps only value",
      { userName: "x", [E]: { manager: { value: "m1", $ref: "../Users/m1", displayName: "Boss" } } },
      { userName: "x", [E]: { manager: { value: "m1" } } },
    ],
    [
      "manager as the legacy array (Entra)",
      { userName: "x", [E]: { manager: [{ $ref: null, value: "m1" }] } },
      { userName: "x", [E]: { manager: { value: "m1" } } },
    ],
    [
      "manager empty string clears it",
      { userName: "x", [E]: { manager: "", department: "D" } },
      { userName: "x", [E]: { department: "D" } },
    ],
    ['manager {value: ""} clears it', { userName: "x", [E]: { manager: { value: "" } } }, { userName: "x" }],
    ["manager empty array clears it", { userName: "x", [E]: { manager: [] } }, { userName: "x" }],
    [
      "roles with a JSON-encoded value kept as-is (Entra)",
      { userName: "x", roles: [{ value: '{"id":"r1","value":"Admin"}', primary: "True" }] },
      { userName: "x", roles: [{ value: '{"id":"r1","value":"Admin"}', primary: true }] },
    ],
    [
      "roles as a JSON-encoded string becomes one role value (Entra)",
      { userName: "x", roles: '[{"value":"Admin"}]' },
      { userName: "x", roles: [{ value: '[{"value":"Admin"}]' }] },
    ],
    [
      "unqualified extension attribute at the top level is accepted",
      { userName: "x", department: "Sales" },
      { userName: "x", [E]: { department: "Sales" } },
    ],
    [
      "the extension object wins over the top-level form",
      { userName: "x", [E]: { department: "Ops" }, department: "Sales" },
      { userName: "x", [E]: { department: "Ops" } },
    ],
    [
      "fully qualified attribute keys",
      { [`${USER_SCHEMA}:userName`]: "x", [`${E}:costCenter`]: "42" },
      { userName: "x", [E]: { costCenter: "42" } },
    ],
    [
      "externalId is kept exactly",
      { userName: "x", externalId: "AbC" },
      { externalId: "AbC", userName: "x" },
    ],
    [
      "id and meta are ignored",
      { userName: "x", id: "client-chosen", meta: { version: "W/1" } },
      { userName: "x" },
    ],
    ["null extension object is ignored", { userName: "x", [E]: null }, { userName: "x" }],
    [
      "x509 certificate base64",
      {
        userName: "x",
        x509Certificates: [{ value: "MIIDQzCCAqygAwIBAgICEAAwDQYJKoZIhvcNAQEFBQAw\nTjELMAkGA1UEBhMCVVMx" }],
      },
      {
        userName: "x",
        x509Certificates: [{ value: "MIIDQzCCAqygAwIBAgICEAAwDQYJKoZIhvcNAQEFBQAw\nTjELMAkGA1UEBhMCVVMx" }],
      },
    ],
    [
      "canonical key order",
      { emails: [{ value: "a" }], active: true, userName: "x", externalId: "e", id: "i" },
      { externalId: "e", userName: "x", active: true, emails: [{ value: "a" }] },
    ],
  ];
  it.each(cases)("%s", (_name, body, expected) => {
    const doc = normalize("User", body, { mode: "create" });
    expect(doc).toEqual(expected);
    expect(Object.keys(doc)).toEqual(Object.keys(expected));
  });

  it("returns the unknown attributes and extension attributes it dropped, readOnly and null ones not", () => {
    const body = { userName: "x", id: "i", shoeSize: 44, nickName: null, "urn:example:Unknown": { a: 1 }, [E]: { badge: "b", department: "D" } };
    expect(normalizeResource("User", body, { mode: "create" })).toEqual({
      doc: { userName: "x", [E]: { department: "D" } },
      ignored: ["shoeSize", "urn:example:Unknown", `${E}:badge`],
    });
  });

  it("Group.members is exempt from the multi-value limit", () => {
    const members = Array.from({ length: 150 }, (_, i) => ({ value: `u${i}` }));
    const doc = normalize("Group", { displayName: "big", members }, { mode: "replace" });
    expect(doc.members).toHaveLength(150);
  });

  it("accepts the maximum number of values", () => {
    const emails = Array.from({ length: MAX_MULTI_VALUES }, (_, i) => ({ value: `a${i}@b.c` }));
    expect(user({ emails }).emails).toHaveLength(MAX_MULTI_VALUES);
  });

  it("string of exactly 1,024 characters is accepted", () => {
    expect(user({ title: "t".repeat(1024) }).title).toHaveLength(1024);
  });
});

describe("normalizeResource: errors", () => {
  const cases: Array<[string, ResourceTypeName, unknown, string, RegExp]> = [
    ["body not an object", "User", "x", "invalidSyntax", /object/],
    ["body an array", "User", [{ userName: "x" }], "invalidSyntax", /object/],
    ["body null", "Group", null, "invalidSyntax", /object/],
    ["userName missing", "User", { name: { givenName: "x" } }, "invalidValue", /userName is required/],
    ["userName empty", "User", { userName: "" }, "invalidValue", /userName is required/],
    ["userName blank", "User", { userName: "   " }, "invalidValue", /userName is required/],
    ["userName null", "User", { userName: null }, "invalidValue", /userName is required/],
    ["userName not a string", "User", { userName: 42 }, "invalidValue", /userName must be a string/],
    ["displayName missing on a group", "Group", { members: [] }, "invalidValue", /displayName is required/],
    [
      "active not a boolean",
      "User",
      { userName: "x", active: "yes" },
      "invalidValue",
      /active must be a boolean/,
    ],
    ["active a number", "User", { userName: "x", active: 1 }, "invalidValue", /active must be a boolean/],
    [
      "complex value not an object",
      "User",
      { userName: "x", name: "Barbara" },
      "invalidValue",
      /name must be an object/,
    ],
    [
      "sub-attribute of the wrong type",
      "User",
      { userName: "x", name: { givenName: 5 } },
      "invalidValue",
      /name.givenName must be a string/,
    ],
    [
      "element of the wrong type",
      "User",
      { userName: "x", emails: ["a@b.c", 5] },
      "invalidValue",
      /emails\[1\].value must be a string/,
    ],
    [
      "element an array",
      "User",
      { userName: "x", emails: [["a"]] },
      "invalidValue",
      /emails\[0\] must be an object/,
    ],
    [
      "two primary values (RFC 7643 §2.4)",
      "User",
      {
        userName: "x",
        emails: [
          { value: "a", primary: true },
          { value: "b", primary: "True" },
        ],
      },
      "invalidValue",
      /emails has more than one primary/,
    ],
    [
      "string too long",
      "User",
      { userName: "x", title: "t".repeat(1025) },
      "invalidValue",
      /title exceeds 1024/,
    ],
    [
      "sub-attribute string too long",
      "User",
      { userName: "x", emails: [{ value: "e".repeat(2000) }] },
      "invalidValue",
      /emails\[0\].value exceeds/,
    ],
    [
      "too many values",
      "User",
      { userName: "x", emails: Array.from({ length: MAX_MULTI_VALUES + 1 }, (_, i) => ({ value: `${i}` })) },
      "invalidValue",
      /emails has more than 100/,
    ],
    ["extension not an object", "User", { userName: "x", [E]: "Sales" }, "invalidValue", /must be an object/],
    [
      "extension attribute of the wrong type",
      "User",
      { userName: "x", [E]: { employeeNumber: 7 } },
      "invalidValue",
      /employeeNumber must be a string/,
    ],
    [
      "manager array with two values",
      "User",
      { userName: "x", [E]: { manager: [{ value: "a" }, { value: "b" }] } },
      "invalidValue",
      /manager must be a single value/,
    ],
    [
      "manager of the wrong type",
      "User",
      { userName: "x", [E]: { manager: 5 } },
      "invalidValue",
      /manager must be an object/,
    ],
    [
      "member without a value",
      "Group",
      { displayName: "g", members: [{ display: "Alice" }] },
      "invalidValue",
      /members\[0\].value is required/,
    ],
    [
      "member of an unknown type",
      "Group",
      { displayName: "g", members: [{ value: "u1", type: "Robot" }] },
      "invalidValue",
      /members\[0\].type must be one of User, Group/,
    ],
    [
      "binary not base64",
      "User",
      { userName: "x", x509Certificates: [{ value: "not base64!" }] },
      "invalidValue",
      /base64/,
    ],
    [
      "reference not a string",
      "User",
      { userName: "x", profileUrl: {} },
      "invalidValue",
      /profileUrl must be a string/,
    ],
  ];
  it.each(cases)("%s", (_name, rt, body, scimType, detail) => {
    const err = scimError(() => normalize(rt, body, { mode: "create" }));
    expect(err.status).toBe(400);
    expect(err.scimType).toBe(scimType);
    expect(err.message).toMatch(detail);
  });
});

describe("normalizeResource: prototype pollution", () => {
  it("ignores __proto__, constructor and prototype keys at every level", () => {
    const body: unknown = JSON.parse(
      `{"userName":"x","__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},
        "prototype":{"polluted":true},
        "name":{"__proto__":{"polluted":true},"givenName":"A"},
        "emails":[{"__proto__":{"polluted":true},"value":"a@b.c"}],
        "${E}":{"__proto__":{"polluted":true},"constructor":"x","department":"D"}}`,
    );
    const doc = normalize("User", body, { mode: "create" });
    expect(doc).toEqual({
      userName: "x",
      name: { givenName: "A" },
      emails: [{ value: "a@b.c" }],
      [E]: { department: "D" },
    });
    expect(Object.getPrototypeOf(doc)).toBe(Object.prototype);
    expect(Object.getPrototypeOf(doc.name)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.hasOwn(doc, "__proto__")).toBe(false);
  });
});

describe("normalizeScalar", () => {
  const def = (type: AttributeDef["type"]): AttributeDef => ({
    name: "x",
    type,
    multiValued: false,
    description: "d",
    required: false,
    caseExact: false,
    mutability: "readWrite",
    returned: "default",
    uniqueness: "none",
  });
  const ok: Array<[AttributeDef["type"], unknown, unknown]> = [
    ["integer", 42, 42],
    ["integer", -1, -1],
    ["decimal", 1.5, 1.5],
    ["decimal", 3, 3],
    ["dateTime", "2011-05-13T04:42:34Z", "2011-05-13T04:42:34Z"],
    ["dateTime", "2011-05-13T04:42:34.123+02:00", "2011-05-13T04:42:34.123+02:00"],
    ["boolean", " true ", true],
    ["boolean", "False", false],
    ["reference", "https://example.com/u/1", "https://example.com/u/1"],
    ["string", "", undefined],
  ];
  it.each(ok)("%s %j", (type, input, expected) =>
    expect(normalizeScalar(def(type), input, "x")).toEqual(expected),
  );

  const bad: Array<[AttributeDef["type"], unknown]> = [
    ["integer", 1.5],
    ["integer", "42"],
    ["integer", Number.MAX_SAFE_INTEGER + 2],
    ["decimal", Number.NaN],
    ["decimal", "1.5"],
    ["dateTime", "yesterday"],
    ["dateTime", "2011-02-30T00:00:00Z"],
    ["dateTime", 1700000000],
    ["boolean", "yes"],
    ["boolean", 0],
    ["string", true],
    ["string", ["a"]],
    ["complex", "a"],
  ];
  it.each(bad)("%s rejects %j", (type, input) => {
    expect(scimError(() => normalizeScalar(def(type), input, "x")).scimType).toBe("invalidValue");
  });
});
