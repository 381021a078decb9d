import { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ScimError, invalidFilter } from "../errors";
import type { AttrPath, Filter } from "./ast";
import {
  type AttrMapping,
  type ColumnMapping,
  type ExistsMapping,
  type JsonArrayMapping,
  type ResolveAttr,
  compileFilter,
} from "./compile-sql";
import { parseFilter } from "./parse-filter";

// --- a User mapping like the one the Users repository will provide ---

const CORE_USER = "urn:ietf:params:scim:schemas:core:2.0:user";
const ENTERPRISE_USER = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:user";
const ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

const column = (
  sql: string,
  type: ColumnMapping["type"],
  caseExact = false,
  lowercased = false,
): ColumnMapping => ({
  kind: "column",
  sql,
  type,
  caseExact,
  ...(lowercased && { lowercased }),
});

const emails: JsonArrayMapping = {
  kind: "jsonArray",
  sql: 'u."emails"',
  defaultSubAttr: "value",
  subAttrs: {
    value: { type: "string", caseExact: false },
    type: { type: "string", caseExact: false },
    primary: { type: "boolean", caseExact: false },
    display: { type: "string", caseExact: false },
  },
};

const addresses: JsonArrayMapping = {
  kind: "jsonArray",
  sql: 'u."addresses"',
  defaultSubAttr: "formatted",
  subAttrs: {
    formatted: { type: "string", caseExact: false },
    postalcode: { type: "string", caseExact: false, jsonKey: "postalCode" },
  },
};

// A test-only array with every sub-attribute type.
const badges: JsonArrayMapping = {
  kind: "jsonArray",
  sql: 'u."badges"',
  defaultSubAttr: "value",
  subAttrs: {
    value: { type: "string", caseExact: true },
    level: { type: "integer", caseExact: false },
    weight: { type: "decimal", caseExact: false },
    awarded: { type: "dateTime", caseExact: false },
  },
};

// Group membership through a join table, the way Group.members / User.groups will be mapped.
const groups: ExistsMapping = {
  kind: "exists",
  compile({ op, subAttr, value, param }) {
    const member = `SELECT 1 FROM memberships m WHERE m.user_id = u."id"`;
    if (subAttr !== undefined && subAttr.toLowerCase() !== "value") {
      throw invalidFilter(`The attribute 'groups.${subAttr}' cannot be used in a filter.`);
    }
    if (op === "pr") return `EXISTS (${member})`;
    if (op !== "eq" || typeof value !== "string") throw invalidFilter("groups supports eq and pr only.");
    return `EXISTS (${member} AND m.group_id = ${param(value)})`;
  },
};

const columns: Record<string, AttrMapping> = {
  username: column('u."userNameLower"', "string", false, true),
  externalid: column('u."externalId"', "string", true),
  title: column('u."title"', "string"),
  active: column('u."active"', "boolean"),
  "meta.lastmodified": column('u."updatedAt"', "dateTime"),
  "name.givenname": column('u."givenName"', "string"),
  logincount: column('u."loginCount"', "integer"),
  score: column('u."score"', "decimal"),
  emails,
  addresses,
  badges,
  groups,
};

const enterpriseColumns: Record<string, AttrMapping> = {
  employeenumber: column('u."employeeNumber"', "string"),
  "manager.value": column('u."managerId"', "string", true),
};

const resolve: ResolveAttr = (path: AttrPath) => {
  const schema = path.schema?.toLowerCase();
  const attr = path.attr.toLowerCase();
  const key = path.subAttr === undefined ? attr : `${attr}.${path.subAttr.toLowerCase()}`;
  if (schema === ENTERPRISE_USER) return enterpriseColumns[key];
  if (schema !== undefined && schema !== CORE_USER) return undefined;
  // Arrays and EXISTS mappings handle their sub-attributes themselves.
  const whole = columns[attr];
  if (whole !== undefined && whole.kind !== "column") return whole;
  return columns[key] ?? (schema === undefined ? enterpriseColumns[key] : undefined);
};

const compile = (filter: string, paramOffset?: number) =>
  compileFilter(parseFilter(filter), resolve, paramOffset === undefined ? {} : { paramOffset });

const elements = (col: string) =>
  `jsonb_array_elements(CASE WHEN jsonb_typeof(${col}) = 'array' THEN ${col} END) AS e(v)`;

describe("compileFilter: SQL text", () => {
  const cases: Array<[string, string, unknown[]]> = [
    // strings: caseExact false compares lower() on both sides; a lowercased column keeps its
    // index and gets the literal lowered by JavaScript, like the stored key
    [
      'userName eq "Bjensen"',
      '(u."userNameLower" IS NOT NULL AND u."userNameLower" = $1)',
      ["bjensen"],
    ],
    ['externalId eq "abc"', '(u."externalId" IS NOT NULL AND u."externalId" = $1)', ["abc"]],
    ['title eq "Boss"', '(u."title" IS NOT NULL AND lower(u."title") = lower($1))', ["Boss"]],
    ['title ne "Boss"', '(u."title" IS NULL OR lower(u."title") <> lower($1))', ["Boss"]],
    ['externalId ne "abc"', '(u."externalId" IS NULL OR u."externalId" <> $1)', ["abc"]],
    ['title gt "m"', '(u."title" IS NOT NULL AND lower(u."title") > lower($1))', ["m"]],
    ['userName le "M"', '(u."userNameLower" IS NOT NULL AND u."userNameLower" <= $1)', ["m"]],
    ['externalId lt "m"', '(u."externalId" IS NOT NULL AND u."externalId" < $1)', ["m"]],
    ['externalId ge "m"', '(u."externalId" IS NOT NULL AND u."externalId" >= $1)', ["m"]],
    // co / sw / ew: LIKE with %, _ and \ escaped in the parameter
    ['title co "Boss"', `(u."title" IS NOT NULL AND u."title" ILIKE $1 ESCAPE '\\')`, ["%Boss%"]],
    [
      'title co "50%_off\\\\x"',
      `(u."title" IS NOT NULL AND u."title" ILIKE $1 ESCAPE '\\')`,
      ["%50\\%\\_off\\\\x%"],
    ],
    [
      'userName sw "J"',
      `(u."userNameLower" IS NOT NULL AND u."userNameLower" LIKE $1 ESCAPE '\\')`,
      ["j%"],
    ],
    ['externalId ew "x"', `(u."externalId" IS NOT NULL AND u."externalId" LIKE $1 ESCAPE '\\')`, ["%x"]],
    ['externalId sw ""', `(u."externalId" IS NOT NULL AND u."externalId" LIKE $1 ESCAPE '\\')`, ["%"]],
    // pr and null
    ["title pr", `(u."title" IS NOT NULL AND u."title" <> '')`, []],
    ["title eq null", '(u."title" IS NULL)', []],
    ["title ne null", '(u."title" IS NOT NULL)', []],
    ["active pr", '(u."active" IS NOT NULL)', []],
    ["loginCount eq null", '(u."loginCount" IS NULL)', []],
    // a number literal on a string column compares with its string form
    [
      "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq 701984",
      '(u."employeeNumber" IS NOT NULL AND lower(u."employeeNumber") = lower($1))',
      ["701984"],
    ],
    [
      "employeeNumber eq 1.5e3",
      '(u."employeeNumber" IS NOT NULL AND lower(u."employeeNumber") = lower($1))',
      ["1500"],
    ],
    [`${ENTERPRISE}:manager.value eq "m-1"`, '(u."managerId" IS NOT NULL AND u."managerId" = $1)', ["m-1"]],
    // URN-qualified core names and sub-attributes resolve through the caller's resolver
    [
      'urn:ietf:params:scim:schemas:core:2.0:User:name.givenName sw "b"',
      `(u."givenName" IS NOT NULL AND u."givenName" ILIKE $1 ESCAPE '\\')`,
      ["b%"],
    ],
    // booleans accept true/false and "true"/"false" in any case (Entra sends "False")
    ["active eq true", '(u."active" IS NOT NULL AND u."active" = $1::boolean)', [true]],
    ['active eq "False"', '(u."active" IS NOT NULL AND u."active" = $1::boolean)', [false]],
    ['active eq "TRUE"', '(u."active" IS NOT NULL AND u."active" = $1::boolean)', [true]],
    ["active ne true", '(u."active" IS NULL OR u."active" <> $1::boolean)', [true]],
    // numbers and dates
    ["loginCount ge 3", '(u."loginCount" IS NOT NULL AND u."loginCount" >= $1::bigint)', [3]],
    ['loginCount eq "42"', '(u."loginCount" IS NOT NULL AND u."loginCount" = $1::bigint)', [42]],
    ["loginCount ne -1", '(u."loginCount" IS NULL OR u."loginCount" <> $1::bigint)', [-1]],
    ["score lt 1.5", '(u."score" IS NOT NULL AND u."score" < $1::numeric)', [1.5]],
    [
      'score eq "12345678901234567890.5"',
      '(u."score" IS NOT NULL AND u."score" = $1::numeric)',
      ["12345678901234567890.5"],
    ],
    [
      'meta.lastModified gt "2011-05-13T04:42:34Z"',
      '(u."updatedAt" IS NOT NULL AND u."updatedAt" > $1::timestamptz)',
      ["2011-05-13T04:42:34Z"],
    ],
    [
      'meta.lastModified le "2024-01-31T12:00:00.123456+05:30"',
      '(u."updatedAt" IS NOT NULL AND u."updatedAt" <= $1::timestamptz)',
      ["2024-01-31T12:00:00.123456+05:30"],
    ],
    // logic
    ['not (title eq "x")', '(NOT (u."title" IS NOT NULL AND lower(u."title") = lower($1)))', ["x"]],
    [
      'userName eq "a" and (title co "b" or active eq true)',
      `((u."userNameLower" IS NOT NULL AND u."userNameLower" = $1) AND ((u."title" IS NOT NULL AND u."title" ILIKE $2 ESCAPE '\\') OR (u."active" IS NOT NULL AND u."active" = $3::boolean)))`,
      ["a", "%b%", true],
    ],
    [
      'externalId eq "1" or externalId eq "2" or externalId eq "3"',
      '(((u."externalId" IS NOT NULL AND u."externalId" = $1) OR (u."externalId" IS NOT NULL AND u."externalId" = $2)) OR (u."externalId" IS NOT NULL AND u."externalId" = $3))',
      ["1", "2", "3"],
    ],
    // complex single-valued attribute with a value filter: inner names are its sub-attributes
    ['name[givenName eq "x"]', '(u."givenName" IS NOT NULL AND lower(u."givenName") = lower($1))', ["x"]],
    // jsonb arrays: any element matches
    [
      'emails eq "x@y.com"',
      `EXISTS (SELECT 1 FROM ${elements('u."emails"')} WHERE ((e.v->>'value') IS NOT NULL AND lower((e.v->>'value')) = lower($1)))`,
      ["x@y.com"],
    ],
    [
      'emails.type eq "work"',
      `EXISTS (SELECT 1 FROM ${elements('u."emails"')} WHERE ((e.v->>'type') IS NOT NULL AND lower((e.v->>'type')) = lower($1)))`,
      ["work"],
    ],
    [
      'emails co "@example.com"',
      `EXISTS (SELECT 1 FROM ${elements('u."emails"')} WHERE ((e.v->>'value') IS NOT NULL AND (e.v->>'value') ILIKE $1 ESCAPE '\\'))`,
      ["%@example.com%"],
    ],
    [
      'emails ne "x@y.com"',
      `(NOT EXISTS (SELECT 1 FROM ${elements('u."emails"')} WHERE ((e.v->>'value') IS NOT NULL AND lower((e.v->>'value')) = lower($1))))`,
      ["x@y.com"],
    ],
    [
      "emails pr",
      `(CASE WHEN jsonb_typeof(u."emails") = 'array' THEN jsonb_array_length(u."emails") > 0 ELSE false END)`,
      [],
    ],
    [
      "emails.value pr",
      `EXISTS (SELECT 1 FROM ${elements('u."emails"')} WHERE ((e.v->>'value') IS NOT NULL AND (e.v->>'value') <> ''))`,
      [],
    ],
    [
      "emails eq null",
      `(NOT EXISTS (SELECT 1 FROM ${elements('u."emails"')} WHERE (e.v->>'value') IS NOT NULL))`,
      [],
    ],
    [
      "emails.display ne null",
      `EXISTS (SELECT 1 FROM ${elements('u."emails"')} WHERE (e.v->>'display') IS NOT NULL)`,
      [],
    ],
    [
      'addresses.postalCode eq "12345"',
      `EXISTS (SELECT 1 FROM ${elements('u."addresses"')} WHERE ((e.v->>'postalCode') IS NOT NULL AND lower((e.v->>'postalCode')) = lower($1)))`,
      ["12345"],
    ],
    // value paths: one EXISTS, so every condition applies to the same element
    [
      'emails[type eq "work" and value co "@x.com"]',
      `EXISTS (SELECT 1 FROM ${elements('u."emails"')} WHERE (((e.v->>'type') IS NOT NULL AND lower((e.v->>'type')) = lower($1)) AND ((e.v->>'value') IS NOT NULL AND (e.v->>'value') ILIKE $2 ESCAPE '\\')))`,
      ["work", "%@x.com%"],
    ],
    [
      // Entra ID
      'emails[type eq "work"].value eq "x@y.com"',
      `EXISTS (SELECT 1 FROM ${elements('u."emails"')} WHERE (((e.v->>'type') IS NOT NULL AND lower((e.v->>'type')) = lower($1)) AND ((e.v->>'value') IS NOT NULL AND lower((e.v->>'value')) = lower($2))))`,
      ["work", "x@y.com"],
    ],
    [
      // booleans inside jsonb compare as lower-case text: true and "True" both match
      'emails[primary eq "True"]',
      `EXISTS (SELECT 1 FROM ${elements('u."emails"')} WHERE ((e.v->>'primary') IS NOT NULL AND lower((e.v->>'primary')) = $1))`,
      ["true"],
    ],
    [
      'emails[not (type eq "work")]',
      `EXISTS (SELECT 1 FROM ${elements('u."emails"')} WHERE (NOT ((e.v->>'type') IS NOT NULL AND lower((e.v->>'type')) = lower($1))))`,
      ["work"],
    ],
    [
      "badges[level gt 2]",
      `EXISTS (SELECT 1 FROM ${elements('u."badges"')} WHERE ((CASE WHEN jsonb_typeof(e.v->'level') = 'number' THEN (e.v->>'level')::numeric END) IS NOT NULL AND (CASE WHEN jsonb_typeof(e.v->'level') = 'number' THEN (e.v->>'level')::numeric END) > $1::bigint))`,
      [2],
    ],
    [
      'badges[awarded lt "2024-06-01T00:00:00Z"]',
      `EXISTS (SELECT 1 FROM ${elements('u."badges"')} WHERE ((CASE WHEN (e.v->>'awarded') ~ '^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])[Tt ]([01][0-9]|2[0-3]):[0-5][0-9]' THEN (e.v->>'awarded')::timestamptz END) IS NOT NULL AND (CASE WHEN (e.v->>'awarded') ~ '^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])[Tt ]([01][0-9]|2[0-3]):[0-5][0-9]' THEN (e.v->>'awarded')::timestamptz END) < $1::timestamptz))`,
      ["2024-06-01T00:00:00Z"],
    ],
    [
      'badges[value eq "Gold"]',
      `EXISTS (SELECT 1 FROM ${elements('u."badges"')} WHERE ((e.v->>'value') IS NOT NULL AND (e.v->>'value') = $1))`,
      ["Gold"],
    ],
    // EXISTS mappings (join tables)
    [
      'groups eq "g1"',
      '(EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = u."id" AND m.group_id = $1))',
      ["g1"],
    ],
    [
      'groups.value eq "g1"',
      '(EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = u."id" AND m.group_id = $1))',
      ["g1"],
    ],
    ["groups pr", '(EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = u."id"))', []],
    [
      'groups[value eq "g1" or value eq "g2"]',
      '((EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = u."id" AND m.group_id = $1)) OR (EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = u."id" AND m.group_id = $2)))',
      ["g1", "g2"],
    ],
  ];

  it.each(cases)("%s", (filter, sql, params) => {
    expect(compile(filter)).toEqual({ sql, params });
  });

  it("numbers placeholders after paramOffset", () => {
    expect(compile('userName eq "a" or title co "b"', 3)).toEqual({
      sql: `((u."userNameLower" IS NOT NULL AND u."userNameLower" = $4) OR (u."title" IS NOT NULL AND u."title" ILIKE $5 ESCAPE '\\'))`,
      params: ["a", "%b%"],
    });
  });

  it("passes subAttr, op, value and param to EXISTS mappings", () => {
    const calls: unknown[] = [];
    const spy: ExistsMapping = {
      kind: "exists",
      compile: ({ op, subAttr, value, param }) => {
        calls.push({ op, subAttr, value });
        return `x = ${param(value)}`;
      },
    };
    const result = compileFilter(
      parseFilter('members[value eq "a"] or members.display co "b" or members pr'),
      () => spy,
      {
        paramOffset: 1,
      },
    );
    expect(result).toEqual({ sql: "(((x = $2) OR (x = $3)) OR (x = $4))", params: ["a", "b", null] });
    expect(calls).toEqual([
      { op: "eq", subAttr: "value", value: "a" },
      { op: "co", subAttr: "display", value: "b" },
      { op: "pr", subAttr: undefined, value: null },
    ]);
  });

  const invalid: Array<[string, RegExp]> = [
    ['foo eq "x"', /attribute 'foo' is unknown/],
    ['urn:other:schema:foo eq "x"', /attribute 'urn:other:schema:foo' is unknown/],
    ['urn:ietf:params:scim:schemas:core:2.0:User:employeeNumber eq "x"', /unknown/],
    ['name.middleName eq "x"', /attribute 'name.middleName' is unknown/],
    ['name[middleName eq "x"]', /attribute 'name.middleName' is unknown/],
    ["name[givenName eq true]", /'name.givenName' expects a string/],
    ['emails.foo eq "x"', /attribute 'emails.foo' is unknown/],
    ['emails[foo eq "x"]', /attribute 'emails.foo' is unknown/],
    ['emails[type.x eq "x"]', /attribute 'emails\[type.x\]' is unknown/],
    ['emails[type eq "work"].foo eq "x"', /attribute 'emails.foo' is unknown/],
    ['foo[type eq "work"]', /attribute 'foo.type' is unknown/],
    ['active co "t"', /'co' cannot be used on 'active', which is a boolean attribute/],
    ["active gt true", /'gt' cannot be used on 'active'/],
    ['emails[primary sw "t"]', /'sw' cannot be used on 'emails.primary'/],
    ['active eq "yes"', /'active' expects true or false; "yes" is not valid/],
    ["active eq 1", /expects true or false/],
    ['loginCount eq "abc"', /'loginCount' expects an integer/],
    ["loginCount eq 1.5", /expects an integer/],
    ["loginCount eq 1e20", /expects an integer/],
    ["loginCount co 1", /'co' cannot be used on 'loginCount', which is an integer attribute/],
    ["score eq true", /'score' expects a number/],
    ['score gt "1,5"', /expects a number/],
    ['badges[level eq "x"]', /'badges.level' expects an integer/],
    ['meta.lastModified gt "yesterday"', /'meta.lastModified' expects an ISO 8601 date-time/],
    ['meta.lastModified gt "2024-02-30T00:00:00Z"', /ISO 8601/],
    ['meta.lastModified gt "2024-01-01"', /ISO 8601/],
    ["meta.lastModified gt 5", /ISO 8601/],
    ['meta.lastModified co "2024"', /'co' cannot be used on 'meta.lastModified'/],
    ["title eq true", /'title' expects a string/],
    ["title gt null", /'gt' cannot be used with null/],
    ["emails co null", /'co' cannot be used with null/],
    [
      'groups[value eq "a" and value eq "b"]',
      /Only comparisons joined by 'or' are supported inside 'groups\[...\]'/,
    ],
    ['groups[not (value eq "a")]', /Only comparisons joined by 'or'/],
    ['groups.display eq "x"', /groups.display/],
  ];

  it.each(invalid)("rejects %s with invalidFilter", (filter, detail) => {
    const err = errorOf(() => compile(filter));
    expect(err.status).toBe(400);
    expect(err.scimType).toBe("invalidFilter");
    expect(err.message).toMatch(detail);
  });

  it("rejects ASTs the parser never produces", () => {
    const nested: Filter = {
      kind: "valuePath",
      path: { attr: "emails" },
      filter: { kind: "valuePath", path: { attr: "type" }, filter: { kind: "present", path: { attr: "x" } } },
    };
    expect(errorOf(() => compileFilter(nested, resolve)).message).toMatch(/cannot be nested/);
    const onSubAttr: Filter = {
      kind: "valuePath",
      path: { attr: "emails", subAttr: "value" },
      filter: { kind: "present", path: { attr: "x" } },
    };
    expect(errorOf(() => compileFilter(onSubAttr, resolve)).message).toMatch(/is a sub-attribute/);
  });
});

function errorOf(run: () => unknown): ScimError {
  try {
    run();
  } catch (err) {
    if (err instanceof ScimError) return err;
    throw new Error(`expected a ScimError, got ${String(err)}`);
  }
  throw new Error("expected an error");
}

// --- the same SQL executed by PostgreSQL (PGlite in-process; real server when DATABASE_URL is set) ---

interface Db {
  query(sql: string, params?: unknown[]): Promise<{ rows: Array<Record<string, unknown>> }>;
  close(): Promise<void>;
}

async function openDb(): Promise<Db> {
  const url = process.env.DATABASE_URL;
  if (url !== undefined && url.startsWith("postgres")) {
    const { Client } = await import("pg");
    const client = new Client({ connectionString: url });
    await client.connect();
    return { query: (sql, params) => client.query(sql, params), close: () => client.end() };
  }
  const pglite = new PGlite();
  return { query: (sql, params) => pglite.query(sql, params), close: () => pglite.close() };
}

const SCHEMA = `
  CREATE TEMP TABLE users (
    "id" text PRIMARY KEY,
    "userNameLower" text,
    "externalId" text,
    "title" text,
    "active" boolean,
    "updatedAt" timestamptz,
    "givenName" text,
    "loginCount" integer,
    "score" numeric,
    "employeeNumber" text,
    "managerId" text,
    "emails" jsonb,
    "addresses" jsonb,
    "badges" jsonb
  );
  CREATE TEMP TABLE memberships (user_id text, group_id text);
  INSERT INTO memberships VALUES ('u1', 'g1'), ('u1', 'g2'), ('u2', 'g2');
`;

const USERS = [
  {
    id: "u1",
    userNameLower: "bjensen",
    externalId: "EXT-1",
    title: "Boss",
    active: true,
    updatedAt: "2024-01-10T00:00:00Z",
    givenName: "Barbara",
    loginCount: 5,
    score: "1.5",
    employeeNumber: "701984",
    emails: [
      { type: "work", value: "babs@example.com", primary: true },
      { type: "home", value: "babs@home.org" },
    ],
    addresses: [{ postalCode: "12345", formatted: "1 Main St" }],
    badges: [{ value: "gold", level: 3, weight: 0.5, awarded: "2024-01-01T00:00:00Z" }],
  },
  {
    id: "u2",
    userNameLower: "jsmith",
    externalId: "EXT-2",
    title: "50%_off\\sale",
    active: false,
    updatedAt: "2024-02-01T00:00:00Z",
    givenName: "John",
    loginCount: 0,
    score: "10",
    // Entra ID stores booleans as strings
    emails: [{ type: "work", value: "john@x.com", primary: "True" }],
    badges: "null", // a JSON null, as an ORM may write it
  },
  {
    id: "u3",
    userNameLower: "nobody",
    emails: [],
    addresses: {},
    badges: [
      { level: "not a number", awarded: "garbage" },
      { awarded: "2024-13-45T99:00:00Z" },
      "just a string",
      7,
    ],
  },
  {
    id: "u4",
    userNameLower: "ann",
    title: "",
    active: true,
    emails: [{ type: "home", value: "ann@example.com" }],
    badges: [{ level: 10, awarded: "2025-06-01T10:00:00+02:00" }],
  },
];

describe("compileFilter: executed by PostgreSQL", () => {
  let db: Db;

  beforeAll(async () => {
    db = await openDb();
    await db.query("SET TIME ZONE 'UTC'");
    for (const statement of SCHEMA.split(";").filter((s) => s.trim() !== "")) await db.query(statement);
    for (const user of USERS) {
      const entries = Object.entries(user);
      const values = entries.map(([key, value]) =>
        ["emails", "addresses", "badges"].includes(key) && typeof value !== "string"
          ? JSON.stringify(value)
          : value,
      );
      await db.query(
        `INSERT INTO users (${entries.map(([key]) => `"${key}"`).join(", ")}) VALUES (${entries.map((_, i) => `$${i + 1}`).join(", ")})`,
        values,
      );
    }
  }, 60_000);

  afterAll(async () => {
    await db?.close();
  });

  const cases: Array<[string, string[]]> = [
    ['userName eq "BJENSEN"', ["u1"]],
    ['userName ne "bjensen"', ["u2", "u3", "u4"]],
    ['not (userName eq "bjensen")', ["u2", "u3", "u4"]],
    ['externalId eq "ext-1"', []],
    ['externalId eq "EXT-1"', ["u1"]],
    ['externalId ne "EXT-1"', ["u2", "u3", "u4"]],
    ['not (externalId eq "EXT-1")', ["u2", "u3", "u4"]],
    ['title co "%"', ["u2"]],
    ['title co "_"', ["u2"]],
    ['title co "\\\\"', ["u2"]],
    ['title sw "50%_"', ["u2"]],
    ['title co "OSS"', ["u1"]],
    ['title ew "SALE"', ["u2"]],
    ['title gt "4"', ["u1", "u2"]],
    ["title pr", ["u1", "u2"]],
    ["not (title pr)", ["u3", "u4"]],
    ["title eq null", ["u3"]],
    ["title ne null", ["u1", "u2", "u4"]],
    ["active eq true", ["u1", "u4"]],
    ['active eq "False"', ["u2"]],
    ["active ne true", ["u2", "u3"]],
    ["not (active eq true)", ["u2", "u3"]],
    ["active pr", ["u1", "u2", "u4"]],
    ['meta.lastModified gt "2024-01-15T00:00:00Z"', ["u2"]],
    ['not (meta.lastModified gt "2024-01-15T00:00:00Z")', ["u1", "u3", "u4"]],
    ['meta.lastModified eq "2024-01-10T01:00:00+01:00"', ["u1"]],
    ["loginCount ge 5", ["u1"]],
    ["loginCount lt 5", ["u2"]],
    ['loginCount eq "0"', ["u2"]],
    ["loginCount ne 0", ["u1", "u3", "u4"]],
    ["score gt 1.4", ["u1", "u2"]],
    ["score le 1.5", ["u1"]],
    ['score eq "10.000"', ["u2"]],
    ["employeeNumber eq 701984", ["u1"]],
    [`${ENTERPRISE}:employeeNumber pr`, ["u1"]],
    ['urn:ietf:params:scim:schemas:core:2.0:User:name.givenName sw "j"', ["u2"]],
    ['name[givenName sw "J"]', ["u2"]],
    ['name[not (givenName pr) or givenName eq "barbara"]', ["u1", "u3", "u4"]],
    ['emails eq "JOHN@x.com"', ["u2"]],
    ['emails co "example.com"', ["u1", "u4"]],
    ['emails ne "john@x.com"', ["u1", "u3", "u4"]],
    ["emails pr", ["u1", "u2", "u4"]],
    ["not (emails pr)", ["u3"]],
    ["emails eq null", ["u3"]],
    ['emails.type eq "home" and emails.value co "example.com"', ["u1", "u4"]],
    ['emails[type eq "home" and value co "example.com"]', ["u4"]],
    ['emails[type eq "work" and value co "example.com"]', ["u1"]],
    ['emails[type eq "work"].value eq "babs@example.com"', ["u1"]],
    ['emails[type eq "work"].value eq "ann@example.com"', []],
    ["emails[primary eq true]", ["u1", "u2"]],
    ['emails[primary eq "TRUE"].value co "john"', ["u2"]],
    ["emails[not (primary eq true)]", ["u1", "u4"]],
    ["emails.primary eq false", []],
    ['not (emails[type eq "work"])', ["u3", "u4"]],
    ["badges[level gt 2]", ["u1", "u4"]],
    ['badges[level eq "3"]', ["u1"]],
    ['badges[awarded gt "2024-06-01T00:00:00Z"]', ["u4"]],
    ['badges[awarded eq "2025-06-01T08:00:00Z"]', ["u4"]],
    ["badges[weight lt 1]", ["u1"]],
    ['badges[value eq "GOLD"]', []],
    ['badges[value eq "gold"]', ["u1"]],
    ["badges pr", ["u1", "u3", "u4"]],
    ["badges.level pr", ["u1", "u4"]],
    ['addresses.postalCode eq "12345"', ["u1"]],
    ['addresses co "main"', ["u1"]],
    ["addresses pr", ["u1"]],
    ['groups eq "g2"', ["u1", "u2"]],
    ['groups[value eq "g1" or value eq "g9"]', ["u1"]],
    ["groups pr", ["u1", "u2"]],
    ['not (groups eq "g1")', ["u2", "u3", "u4"]],
    ['userName eq "bjensen" or (active eq false and not (emails co "example"))', ["u1", "u2"]],
    ['(userName sw "b" or userName sw "j") and not (title co "sale")', ["u1"]],
  ];

  it.each(cases)("%s → %j", async (filter, ids) => {
    const { sql, params } = compileFilter(parseFilter(filter), resolve, { paramOffset: 1 });
    const result = await db.query(`SELECT "id" FROM users u WHERE u."id" <> $1 AND ${sql} ORDER BY "id"`, [
      "none",
      ...params,
    ]);
    expect(result.rows.map((row) => row.id)).toEqual(ids);
  });

  it("never yields NULL, so NOT is the exact complement", async () => {
    for (const [filter] of cases) {
      const { sql, params } = compileFilter(parseFilter(filter), resolve);
      const result = await db.query(`SELECT count(*)::int AS n FROM users u WHERE (${sql}) IS NULL`, params);
      expect(result.rows[0]?.n, filter).toBe(0);
    }
  });
});
