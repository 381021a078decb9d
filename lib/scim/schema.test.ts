import { describe, expect, it } from "vitest";
import type { AttrPath } from "./filter/ast";
import {
  commonAttributes,
  ENTERPRISE_USER_SCHEMA,
  ERROR,
  findAttribute,
  GROUP_SCHEMA,
  groupSchema,
  LIST_RESPONSE,
  parseAttrName,
  PATCH_OP,
  resolveAttribute,
  resourceTypes,
  schemas,
  SEARCH_REQUEST,
  USER_SCHEMA,
  userSchema,
  enterpriseUserSchema,
  type AttributeDef,
  type ResourceTypeName,
} from "./schema";

const E = ENTERPRISE_USER_SCHEMA;

describe("URN constants", () => {
  it.each([
    [USER_SCHEMA, "urn:ietf:params:scim:schemas:core:2.0:User"],
    [ENTERPRISE_USER_SCHEMA, "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
    [GROUP_SCHEMA, "urn:ietf:params:scim:schemas:core:2.0:Group"],
    [PATCH_OP, "urn:ietf:params:scim:api:messages:2.0:PatchOp"],
    [LIST_RESPONSE, "urn:ietf:params:scim:api:messages:2.0:ListResponse"],
    [ERROR, "urn:ietf:params:scim:api:messages:2.0:Error"],
    [SEARCH_REQUEST, "urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
  ])("%s", (actual, expected) => expect(actual).toBe(expected));
});

describe("schema definitions (RFC 7643 §4, §8.7.1)", () => {
  const names = (attrs: readonly AttributeDef[] | undefined) => (attrs ?? []).map((a) => a.name);

  it("User has every §8.7.1 attribute", () => {
    expect(names(userSchema.attributes)).toEqual([
      "userName",
      "name",
      "displayName",
      "nickName",
      "profileUrl",
      "title",
      "userType",
      "preferredLanguage",
      "locale",
      "timezone",
      "active",
      "password",
      "emails",
      "phoneNumbers",
      "ims",
      "photos",
      "addresses",
      "groups",
      "entitlements",
      "roles",
      "x509Certificates",
    ]);
  });

  it.each([
    ["name", ["formatted", "familyName", "givenName", "middleName", "honorificPrefix", "honorificSuffix"]],
    ["emails", ["value", "display", "type", "primary"]],
    ["phoneNumbers", ["value", "display", "type", "primary"]],
    ["ims", ["value", "display", "type", "primary"]],
    ["photos", ["value", "display", "type", "primary"]],
    [
      "addresses",
      ["formatted", "streetAddress", "locality", "region", "postalCode", "country", "type", "primary"],
    ],
    ["groups", ["value", "$ref", "display", "type"]],
    ["entitlements", ["value", "display", "type", "primary"]],
    ["roles", ["value", "display", "type", "primary"]],
    ["x509Certificates", ["value", "display", "type", "primary"]],
  ])("User.%s sub-attributes", (attr, subs) => {
    expect(names(findAttribute(userSchema.attributes, attr)?.subAttributes)).toEqual(subs);
  });

  it("enterprise extension attributes", () => {
    expect(names(enterpriseUserSchema.attributes)).toEqual([
      "employeeNumber",
      "costCenter",
      "organization",
      "division",
      "department",
      "manager",
    ]);
    expect(names(findAttribute(enterpriseUserSchema.attributes, "manager")?.subAttributes)).toEqual([
      "value",
      "$ref",
      "displayName",
    ]);
  });

  it("Group attributes", () => {
    expect(names(groupSchema.attributes)).toEqual(["displayName", "members"]);
    expect(names(findAttribute(groupSchema.attributes, "members")?.subAttributes)).toEqual([
      "value",
      "$ref",
      "display",
      "type",
    ]);
  });

  it("common attributes", () => {
    expect(names(commonAttributes)).toEqual(["id", "externalId", "meta"]);
    expect(names(findAttribute(commonAttributes, "meta")?.subAttributes)).toEqual([
      "resourceType",
      "created",
      "lastModified",
      "location",
      "version",
    ]);
  });

  type Expect = Partial<AttributeDef>;
  const characteristic: Array<[ResourceTypeName, string, Expect]> = [
    ["User", "id", { mutability: "readOnly", returned: "always", caseExact: true, uniqueness: "server" }],
    ["User", "externalId", { mutability: "readWrite", caseExact: true }],
    ["User", "meta", { mutability: "readOnly", type: "complex" }],
    ["User", "meta.created", { type: "dateTime", mutability: "readOnly" }],
    ["User", "userName", { required: true, caseExact: false, uniqueness: "server", returned: "always" }],
    ["User", "password", { mutability: "writeOnly", returned: "never" }],
    ["User", "active", { type: "boolean" }],
    ["User", "profileUrl", { type: "reference", referenceTypes: ["external"] }],
    ["User", "groups", { mutability: "readOnly", multiValued: true }],
    ["User", "groups.type", { canonicalValues: ["direct", "indirect"] }],
    ["User", "emails", { multiValued: true, type: "complex" }],
    ["User", "emails.type", { canonicalValues: ["work", "home", "other"] }],
    ["User", "emails.primary", { type: "boolean" }],
    ["User", "photos.value", { type: "reference" }],
    ["User", "x509Certificates.value", { type: "binary", caseExact: true }],
    ["User", `${E}:manager`, { type: "complex", multiValued: false }],
    ["User", `${E}:manager.displayName`, { mutability: "readOnly" }],
    ["User", `${E}:manager.$ref`, { type: "reference", referenceTypes: ["User"] }],
    ["Group", "displayName", { required: true }],
    ["Group", "members", { multiValued: true, mutability: "readWrite" }],
    ["Group", "members.value", { mutability: "immutable", caseExact: true }],
    ["Group", "members.$ref", { mutability: "immutable", referenceTypes: ["User", "Group"] }],
    ["Group", "members.display", { mutability: "readOnly" }],
    ["Group", "members.type", { mutability: "immutable", canonicalValues: ["User", "Group"] }],
    ["Group", "id", { mutability: "readOnly", returned: "always" }],
  ];
  it.each(characteristic)("%s %s", (rt, name, expected) => {
    const path = parseAttrName(name);
    expect(path).toBeDefined();
    const resolved = resolveAttribute(rt, path as AttrPath);
    expect(resolved).toBeDefined();
    expect(resolved?.sub ?? resolved?.def).toMatchObject(expected);
  });

  it("every attribute has all characteristics set and a description", () => {
    const all: AttributeDef[] = [];
    const walk = (attrs: readonly AttributeDef[]) => {
      for (const a of attrs) {
        all.push(a);
        if (a.subAttributes) walk(a.subAttributes);
      }
    };
    for (const s of schemas) walk(s.attributes);
    walk(commonAttributes);
    for (const a of all) {
      expect(a.description.length, a.name).toBeGreaterThan(0);
      expect(typeof a.multiValued).toBe("boolean");
      expect(typeof a.required).toBe("boolean");
      expect(typeof a.caseExact).toBe("boolean");
      expect(["readOnly", "readWrite", "immutable", "writeOnly"]).toContain(a.mutability);
      expect(["always", "never", "default", "request"]).toContain(a.returned);
      expect(["none", "server", "global"]).toContain(a.uniqueness);
      expect(a.type === "complex").toBe(a.subAttributes !== undefined);
    }
  });

  it("definitions are frozen", () => {
    expect(Object.isFrozen(userSchema)).toBe(true);
    expect(Object.isFrozen(userSchema.attributes[0])).toBe(true);
    expect(() => {
      (userSchema.attributes as AttributeDef[]).push(userSchema.attributes[0] as AttributeDef);
    }).toThrow();
  });
});

describe("resourceTypes", () => {
  it("User and Group", () => {
    expect(resourceTypes.User).toEqual({
      id: "User",
      name: "User",
      description: "User Account",
      endpoint: "/Users",
      schema: USER_SCHEMA,
      schemaExtensions: [{ schema: ENTERPRISE_USER_SCHEMA, required: false }],
    });
    expect(resourceTypes.Group).toMatchObject({
      endpoint: "/Groups",
      schema: GROUP_SCHEMA,
      schemaExtensions: [],
    });
  });
});

describe("resolveAttribute", () => {
  const cases: Array<
    [string, ResourceTypeName, AttrPath, { urn: string; def: string; sub?: string } | undefined]
  > = [
    ["plain", "User", { attr: "userName" }, { urn: USER_SCHEMA, def: "userName" }],
    [
      "case-insensitive name (RFC 7643 §2.1)",
      "User",
      { attr: "USERNAME" },
      { urn: USER_SCHEMA, def: "userName" },
    ],
    [
      "case-insensitive sub-attribute",
      "User",
      { attr: "Name", subAttr: "GIVENNAME" },
      { urn: USER_SCHEMA, def: "name", sub: "givenName" },
    ],
    [
      "qualified core",
      "User",
      { schema: USER_SCHEMA, attr: "emails", subAttr: "value" },
      { urn: USER_SCHEMA, def: "emails", sub: "value" },
    ],
    [
      "URN case-insensitive",
      "User",
      { schema: USER_SCHEMA.toUpperCase(), attr: "title" },
      { urn: USER_SCHEMA, def: "title" },
    ],
    ["qualified extension", "User", { schema: E, attr: "employeeNumber" }, { urn: E, def: "employeeNumber" }],
    [
      "qualified extension lowercase URN",
      "User",
      { schema: E.toLowerCase(), attr: "MANAGER", subAttr: "value" },
      { urn: E, def: "manager", sub: "value" },
    ],
    [
      "unqualified extension attribute falls back to the extension",
      "User",
      { attr: "department" },
      { urn: E, def: "department" },
    ],
    ["common id on User", "User", { attr: "id" }, { urn: USER_SCHEMA, def: "id" }],
    ["common id on Group", "Group", { attr: "ID" }, { urn: GROUP_SCHEMA, def: "id" }],
    [
      "common externalId qualified with the core URN",
      "Group",
      { schema: GROUP_SCHEMA, attr: "externalId" },
      { urn: GROUP_SCHEMA, def: "externalId" },
    ],
    [
      "meta sub-attribute",
      "Group",
      { attr: "meta", subAttr: "lastModified" },
      { urn: GROUP_SCHEMA, def: "meta", sub: "lastModified" },
    ],
    [
      "$ref sub-attribute",
      "Group",
      { attr: "members", subAttr: "$ref" },
      { urn: GROUP_SCHEMA, def: "members", sub: "$ref" },
    ],
    ["Group displayName", "Group", { attr: "displayname" }, { urn: GROUP_SCHEMA, def: "displayName" }],
    ["unknown attribute", "User", { attr: "nope" }, undefined],
    ["unknown sub-attribute", "User", { attr: "name", subAttr: "nope" }, undefined],
    ["sub-attribute of a simple attribute", "User", { attr: "userName", subAttr: "value" }, undefined],
    ["members is not a User attribute", "User", { attr: "members" }, undefined],
    ["userName is not a Group attribute", "Group", { attr: "userName" }, undefined],
    ["enterprise URN on a Group", "Group", { schema: E, attr: "department" }, undefined],
    ["unknown URN", "User", { schema: "urn:example:foo", attr: "userName" }, undefined],
    [
      "extension attribute under the core URN",
      "User",
      { schema: USER_SCHEMA, attr: "department" },
      undefined,
    ],
    ["common attribute under the extension URN", "User", { schema: E, attr: "id" }, undefined],
  ];
  it.each(cases)("%s", (_name, rt, path, expected) => {
    const resolved = resolveAttribute(rt, path);
    if (!expected) {
      expect(resolved).toBeUndefined();
      return;
    }
    expect(resolved?.schemaUrn).toBe(expected.urn);
    expect(resolved?.def.name).toBe(expected.def);
    expect(resolved?.sub?.name).toBe(expected.sub);
  });
});

describe("parseAttrName (RFC 7644 §3.10)", () => {
  const cases: Array<[string, AttrPath | undefined]> = [
    ["userName", { attr: "userName" }],
    ["name.givenName", { attr: "name", subAttr: "givenName" }],
    ["members.$ref", { attr: "members", subAttr: "$ref" }],
    [`${E}:employeeNumber`, { schema: E, attr: "employeeNumber" }],
    [`${E}:manager.value`, { schema: E, attr: "manager", subAttr: "value" }],
    [`${E.toLowerCase()}:manager`, { schema: E, attr: "manager" }],
    [`${USER_SCHEMA}:name.familyName`, { schema: USER_SCHEMA, attr: "name", subAttr: "familyName" }],
    ["urn:example:custom:attr", { schema: "urn:example:custom", attr: "attr" }],
    [E, undefined],
    ["a.b.c", undefined],
    ["", undefined],
    ['emails[type eq "work"]', undefined],
    ["1abc", undefined],
  ];
  it.each(cases)("%s", (input, expected) => expect(parseAttrName(input)).toEqual(expected));
});
