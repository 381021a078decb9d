import { describe, expect, it } from "vitest";
import { isAttributeReturned, projectResource } from "./project-resource";
import { ENTERPRISE_USER_SCHEMA, GROUP_SCHEMA, USER_SCHEMA, type ResourceTypeName } from "./schema";

const E = ENTERPRISE_USER_SCHEMA;

/** Copy of `doc` without `keys`. */
function omit(doc: Record<string, unknown>, ...keys: string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(doc).filter(([k]) => !keys.includes(k)));
}

describe("projectResource (RFC 7644 §3.4.2.5, §3.9)", () => {
  const full = {
    schemas: [USER_SCHEMA, E],
    id: "u1",
    externalId: "ext-1",
    userName: "bjensen",
    name: { givenName: "Barbara", familyName: "Jensen" },
    displayName: "Babs",
    active: true,
    password: "never-shown",
    emails: [
      { value: "bjensen@example.com", type: "work", primary: true },
      { value: "babs@example.org", type: "home" },
    ],
    [E]: { employeeNumber: "701984", department: "Tour", manager: { value: "m1", displayName: "Boss" } },
    meta: {
      resourceType: "User",
      created: "2024-01-01T00:00:00Z",
      lastModified: "2024-02-01T00:00:00Z",
      location: "https://x/Users/u1",
      version: 'W/"1"',
    },
  };
  const withoutPassword = omit(full, "password");
  const base = { schemas: full.schemas, id: "u1", userName: "bjensen" };

  const cases: Array<
    [string, { attributes?: string[]; excludedAttributes?: string[] }, Record<string, unknown>]
  > = [
    ["no parameters: everything except returned:never", {}, withoutPassword],
    ["empty lists behave like no parameters", { attributes: [], excludedAttributes: [""] }, withoutPassword],
    ["attributes=userName keeps always-returned ones", { attributes: ["userName"] }, base],
    ["attributes=displayName", { attributes: ["displayName"] }, { ...base, displayName: "Babs" }],
    [
      "attribute names are case-insensitive",
      { attributes: ["DISPLAYNAME", "Active"] },
      { ...base, displayName: "Babs", active: true },
    ],
    ["sub-attribute", { attributes: ["name.givenName"] }, { ...base, name: { givenName: "Barbara" } }],
    [
      "two sub-attributes",
      { attributes: ["name.givenName", "name.familyName"] },
      { ...base, name: { givenName: "Barbara", familyName: "Jensen" } },
    ],
    [
      "sub-attribute of a multi-valued attribute",
      { attributes: ["emails.value"] },
      { ...base, emails: [{ value: "bjensen@example.com" }, { value: "babs@example.org" }] },
    ],
    [
      "URN-qualified core attribute",
      { attributes: [`${USER_SCHEMA}:displayName`] },
      { ...base, displayName: "Babs" },
    ],
    [
      "URN-qualified extension attribute",
      { attributes: [`${E}:employeeNumber`] },
      { ...base, [E]: { employeeNumber: "701984" } },
    ],
    [
      "URN-qualified extension sub-attribute",
      { attributes: [`${E}:manager.value`] },
      { ...base, [E]: { manager: { value: "m1" } } },
    ],
    [
      "unqualified extension attribute",
      { attributes: ["department"] },
      { ...base, [E]: { department: "Tour" } },
    ],
    ["whole extension by URN", { attributes: [E.toLowerCase()] }, { ...base, [E]: full[E] }],
    [
      "comma-separated list",
      { attributes: ["displayName, active"] },
      { ...base, displayName: "Babs", active: true },
    ],
    [
      "meta sub-attribute",
      { attributes: ["meta.created"] },
      { ...base, meta: { created: "2024-01-01T00:00:00Z" } },
    ],
    ["password is never returned, even when asked", { attributes: ["password", "userName"] }, base],
    ["unknown names select nothing", { attributes: ["nope", "name.nope"] }, base],
    [
      "excluded attribute",
      { excludedAttributes: ["emails", "meta"] },
      omit(withoutPassword, "emails", "meta"),
    ],
    [
      "excluded sub-attribute",
      { excludedAttributes: ["name.familyName"] },
      { ...withoutPassword, name: { givenName: "Barbara" } },
    ],
    [
      "excluded sub-attribute of every element",
      { excludedAttributes: ["emails.type", "emails.primary"] },
      { ...withoutPassword, emails: [{ value: "bjensen@example.com" }, { value: "babs@example.org" }] },
    ],
    ["excluded extension", { excludedAttributes: [E] }, omit(withoutPassword, E)],
    [
      "excluded extension attribute",
      { excludedAttributes: [`${E}:manager`] },
      { ...withoutPassword, [E]: { employeeNumber: "701984", department: "Tour" } },
    ],
    [
      "excluding every extension attribute drops the extension",
      { excludedAttributes: ["employeeNumber", "department", "manager"] },
      omit(withoutPassword, E),
    ],
    [
      "excluding always-returned attributes has no effect",
      { excludedAttributes: ["id", "userName"] },
      withoutPassword,
    ],
    [
      "attributes then excludedAttributes",
      { attributes: ["name", "emails"], excludedAttributes: ["name.familyName"] },
      { ...base, name: { givenName: "Barbara" }, emails: full.emails },
    ],
  ];
  it.each(cases)("%s", (_name, options, expected) => {
    const out = projectResource("User", full, options);
    expect(out).toEqual(expected);
  });

  it("does not modify its input", () => {
    const copy = JSON.parse(JSON.stringify(full)) as Record<string, unknown>;
    projectResource("User", full, { attributes: ["name.givenName"], excludedAttributes: ["emails"] });
    expect(full).toEqual(copy);
  });

  const group = {
    schemas: [GROUP_SCHEMA],
    id: "g1",
    displayName: "Admins",
    members: [{ value: "u1", display: "Alice", type: "User", $ref: "https://x/Users/u1" }],
    meta: { resourceType: "Group" },
  };
  const groupCases: Array<
    [string, { attributes?: string[]; excludedAttributes?: string[] }, Record<string, unknown>]
  > = [
    [
      "Entra reads groups with excludedAttributes=members",
      { excludedAttributes: ["members"] },
      { schemas: [GROUP_SCHEMA], id: "g1", displayName: "Admins", meta: { resourceType: "Group" } },
    ],
    [
      "attributes=displayName",
      { attributes: ["displayName"] },
      { schemas: [GROUP_SCHEMA], id: "g1", displayName: "Admins" },
    ],
    [
      "attributes=members.value",
      { attributes: ["members.value"] },
      { schemas: [GROUP_SCHEMA], id: "g1", members: [{ value: "u1" }] },
    ],
    ["enterprise URN is not a Group schema", { attributes: [E] }, { schemas: [GROUP_SCHEMA], id: "g1" }],
  ];
  it.each(groupCases)("Group: %s", (_name, options, expected) => {
    expect(projectResource("Group", group, options)).toEqual(expected);
  });

  it("without attributes parameters, answers exactly as the full projection (its shortcut skips the walk)", () => {
    const group = { schemas: [GROUP_SCHEMA], id: "g1", displayName: "Team", meta: { resourceType: "Group" } };
    const docs: [ResourceTypeName, Record<string, unknown>][] = [
      ["User", full],
      ["User", { ...full, password: undefined }],
      ["User", Object.fromEntries(Object.entries(full).filter(([k]) => k !== "password"))],
      ["User", { ...Object.fromEntries(Object.entries(full).filter(([k]) => k !== "password")), PassWord: "x" }],
      ["User", { ...Object.fromEntries(Object.entries(full).filter(([k]) => k !== "password")), groups: [] }],
      ["User", { schemas: [USER_SCHEMA], id: "u2", userName: "u", unknownThing: { a: 1 } }],
      ["User", { schemas: [USER_SCHEMA, E], id: "u3", userName: "u", name: {}, emails: [{}], [E]: {} }],
      ["User", { schemas: [USER_SCHEMA, E], id: "u4", userName: "u", [E]: { manager: {} } }],
      ["Group", { ...group, members: [] }],
      ["Group", { ...group, members: [{ value: "u1", display: "U", type: "User" }] }],
    ];
    for (const [type, doc] of docs) {
      // An empty excludedAttributes list selects nothing: the full projection with default semantics.
      expect(projectResource(type, doc, {}), JSON.stringify(doc)).toEqual(projectResource(type, doc, { excludedAttributes: [] }));
    }
  });
});

describe("isAttributeReturned", () => {
  const cases: Array<
    [ResourceTypeName, string, { attributes?: string[]; excludedAttributes?: string[] }, boolean]
  > = [
    ["Group", "members", {}, true],
    ["Group", "members", { excludedAttributes: ["members"] }, false],
    ["Group", "members", { excludedAttributes: ["Members"] }, false],
    ["Group", "members", { excludedAttributes: ["members.display"] }, true],
    ["Group", "members", { attributes: ["displayName"] }, false],
    ["Group", "members", { attributes: ["members.value"] }, true],
    ["Group", "id", { attributes: ["displayName"], excludedAttributes: ["id"] }, true],
    ["User", "password", {}, false],
    ["User", "groups", { excludedAttributes: ["groups"] }, false],
    ["User", "groups", {}, true],
    ["User", `${E}:manager`, { attributes: [E] }, true],
    ["User", "nope", {}, false],
  ];
  it.each(cases)("%s %s %j → %s", (rt, name, options, expected) => {
    expect(isAttributeReturned(rt, name, options)).toBe(expected);
  });
});
