import { describe, expect, it } from "vitest";
import { ScimError } from "../errors";
import type { AttrPath, CompareOp, Filter, FilterValue, PatchPath } from "./ast";
import { parseFilter, parsePatchPath } from "./parse-filter";

const CORE = "urn:ietf:params:scim:schemas:core:2.0:User";
const ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

const path = (attr: string, subAttr?: string, schema?: string): AttrPath => ({
  attr,
  ...(subAttr !== undefined && { subAttr }),
  ...(schema !== undefined && { schema }),
});
const cmp = (p: AttrPath | string, op: CompareOp, value: FilterValue): Filter => ({
  kind: "compare",
  path: typeof p === "string" ? path(p) : p,
  op,
  value,
});
const pr = (p: AttrPath | string): Filter => ({ kind: "present", path: typeof p === "string" ? path(p) : p });
const and = (left: Filter, right: Filter): Filter => ({ kind: "and", left, right });
const or = (left: Filter, right: Filter): Filter => ({ kind: "or", left, right });
const not = (filter: Filter): Filter => ({ kind: "not", filter });
const vp = (p: AttrPath | string, filter: Filter): Filter => ({
  kind: "valuePath",
  path: typeof p === "string" ? path(p) : p,
  filter,
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

describe("parseFilter", () => {
  const cases: Array<[string, Filter]> = [
    // RFC 7644 §3.4.2.2 examples
    ['userName eq "bjensen"', cmp("userName", "eq", "bjensen")],
    ['name.familyName co "O\'Malley"', cmp(path("name", "familyName"), "co", "O'Malley")],
    ['userName sw "J"', cmp("userName", "sw", "J")],
    [`${CORE}:userName sw "J"`, cmp(path("userName", undefined, CORE), "sw", "J")],
    ["title pr", pr("title")],
    [
      'meta.lastModified gt "2011-05-13T04:42:34Z"',
      cmp(path("meta", "lastModified"), "gt", "2011-05-13T04:42:34Z"),
    ],
    [
      'meta.lastModified ge "2011-05-13T04:42:34Z"',
      cmp(path("meta", "lastModified"), "ge", "2011-05-13T04:42:34Z"),
    ],
    [
      'meta.lastModified lt "2011-05-13T04:42:34Z"',
      cmp(path("meta", "lastModified"), "lt", "2011-05-13T04:42:34Z"),
    ],
    [
      'meta.lastModified le "2011-05-13T04:42:34Z"',
      cmp(path("meta", "lastModified"), "le", "2011-05-13T04:42:34Z"),
    ],
    ['title pr and userType eq "Employee"', and(pr("title"), cmp("userType", "eq", "Employee"))],
    ['title pr or userType eq "Intern"', or(pr("title"), cmp("userType", "eq", "Intern"))],
    [`schemas eq "${ENTERPRISE}"`, cmp("schemas", "eq", ENTERPRISE)],
    [
      'userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")',
      and(
        cmp("userType", "eq", "Employee"),
        or(cmp("emails", "co", "example.com"), cmp(path("emails", "value"), "co", "example.org")),
      ),
    ],
    [
      'userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")',
      and(
        cmp("userType", "ne", "Employee"),
        not(or(cmp("emails", "co", "example.com"), cmp(path("emails", "value"), "co", "example.org"))),
      ),
    ],
    [
      'userType eq "Employee" and (emails.type eq "work")',
      and(cmp("userType", "eq", "Employee"), cmp(path("emails", "type"), "eq", "work")),
    ],
    [
      'userType eq "Employee" and emails[type eq "work" and value co "@example.com"]',
      and(
        cmp("userType", "eq", "Employee"),
        vp("emails", and(cmp("type", "eq", "work"), cmp("value", "co", "@example.com"))),
      ),
    ],
    [
      'emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]',
      or(
        vp("emails", and(cmp("type", "eq", "work"), cmp("value", "co", "@example.com"))),
        vp("ims", and(cmp("type", "eq", "xmpp"), cmp("value", "co", "@foo.com"))),
      ),
    ],
    // every operator, case-insensitive
    ['a EQ "x"', cmp("a", "eq", "x")],
    ['a Ne "x"', cmp("a", "ne", "x")],
    ['a CO "x"', cmp("a", "co", "x")],
    ['a sW "x"', cmp("a", "sw", "x")],
    ['a EW "x"', cmp("a", "ew", "x")],
    ["a GT 1", cmp("a", "gt", 1)],
    ["a Ge 1", cmp("a", "ge", 1)],
    ["a LT 1", cmp("a", "lt", 1)],
    ["a lE 1", cmp("a", "le", 1)],
    ["a PR", pr("a")],
    ['USERNAME eq "x"', cmp("USERNAME", "eq", "x")],
    // precedence: not > and > or; and/or are left-associative
    ["a pr or b pr and c pr", or(pr("a"), and(pr("b"), pr("c")))],
    ["a pr and b pr or c pr", or(and(pr("a"), pr("b")), pr("c"))],
    ["a pr AND b pr OR c pr AND d pr", or(and(pr("a"), pr("b")), and(pr("c"), pr("d")))],
    ["a pr or b pr or c pr", or(or(pr("a"), pr("b")), pr("c"))],
    ["a pr and b pr and c pr", and(and(pr("a"), pr("b")), pr("c"))],
    ["a pr and (b pr and c pr)", and(pr("a"), and(pr("b"), pr("c")))],
    ["(a pr or b pr) and c pr", and(or(pr("a"), pr("b")), pr("c"))],
    ["not (a pr) and b pr", and(not(pr("a")), pr("b"))],
    ["b pr and not (a pr)", and(pr("b"), not(pr("a")))],
    ["NOT (a pr or b pr)", not(or(pr("a"), pr("b")))],
    ["not(a pr)", not(pr("a"))],
    ["not (not (a pr))", not(not(pr("a")))],
    ["((a pr))", pr("a")],
    // numbers (JSON)
    ["x eq 42", cmp("x", "eq", 42)],
    ["x eq 0", cmp("x", "eq", 0)],
    ["x eq -1.5", cmp("x", "eq", -1.5)],
    ["x eq 1e3", cmp("x", "eq", 1000)],
    ["x eq 2.5E-2", cmp("x", "eq", 0.025)],
    ["x eq -3E+2", cmp("x", "eq", -300)],
    ["x eq -0", cmp("x", "eq", -0)],
    ["x gt 9007199254740993", cmp("x", "gt", 9007199254740992)],
    // true / false / null, case-insensitive
    ["active eq true", cmp("active", "eq", true)],
    ["active eq FALSE", cmp("active", "eq", false)],
    ["active eq True", cmp("active", "eq", true)],
    ["manager eq Null", cmp("manager", "eq", null)],
    ["manager ne null", cmp("manager", "ne", null)],
    // strings are JSON strings
    ['displayName eq ""', cmp("displayName", "eq", "")],
    ['displayName eq "a\\"b"', cmp("displayName", "eq", 'a"b')],
    ['displayName eq "back\\\\slash"', cmp("displayName", "eq", "back\\slash")],
    ['displayName eq "caf\\u00e9"', cmp("displayName", "eq", "café")],
    ['displayName eq "caf\\u00E9"', cmp("displayName", "eq", "café")],
    ['displayName eq "\\ud83d\\ude00"', cmp("displayName", "eq", "😀")],
    ['displayName eq "a\\/b\\b\\f\\n\\r\\t"', cmp("displayName", "eq", "a/b\b\f\n\r\t")],
    ['displayName eq "Zoë 😀 (and) [or] not"', cmp("displayName", "eq", "Zoë 😀 (and) [or] not")],
    ['displayName eq "true"', cmp("displayName", "eq", "true")],
    // schema-qualified names: the URN contains '.' and ':'
    [
      `${ENTERPRISE}:employeeNumber eq "701984"`,
      cmp(path("employeeNumber", undefined, ENTERPRISE), "eq", "701984"),
    ],
    [`${CORE}:name.givenName eq "Barbara"`, cmp(path("name", "givenName", CORE), "eq", "Barbara")],
    [
      `${ENTERPRISE}:manager.value eq "26118915"`,
      cmp(path("manager", "value", ENTERPRISE), "eq", "26118915"),
    ],
    [`${ENTERPRISE}:manager pr`, pr(path("manager", undefined, ENTERPRISE))],
    [`${CORE}:emails[type eq "work"]`, vp(path("emails", undefined, CORE), cmp("type", "eq", "work"))],
    // $ref and names with '-' / '_' / digits
    ['$ref eq "https://x/Users/1"', cmp("$ref", "eq", "https://x/Users/1")],
    ["members.$ref pr", pr(path("members", "$ref"))],
    ['members[$ref eq "x"]', vp("members", cmp("$ref", "eq", "x"))],
    ["x-custom_attr2 pr", pr("x-custom_attr2")],
    // value paths
    ['emails[type eq "work"]', vp("emails", cmp("type", "eq", "work"))],
    ['emails[ type eq "work" ]', vp("emails", cmp("type", "eq", "work"))],
    ['emails[not (type eq "work")]', vp("emails", not(cmp("type", "eq", "work")))],
    [
      'emails[(type eq "work" or type eq "home") and primary eq true]',
      vp("emails", and(or(cmp("type", "eq", "work"), cmp("type", "eq", "home")), cmp("primary", "eq", true))),
    ],
    ['members[value eq "2819c223"]', vp("members", cmp("value", "eq", "2819c223"))],
    ['not (emails[type eq "work"])', not(vp("emails", cmp("type", "eq", "work")))],
    // Entra ID: value path followed by .subAttr and a comparison
    [
      'emails[type eq "work"].value eq "x@y.com"',
      vp("emails", and(cmp("type", "eq", "work"), cmp("value", "eq", "x@y.com"))),
    ],
    ['emails[type eq "work"].value pr', vp("emails", and(cmp("type", "eq", "work"), pr("value")))],
    [
      'emails[type eq "work" or primary eq true].value EQ "x"',
      vp("emails", and(or(cmp("type", "eq", "work"), cmp("primary", "eq", true)), cmp("value", "eq", "x"))),
    ],
    [
      'userName eq "a" and emails[type eq "work"].value co "@x.com"',
      and(
        cmp("userName", "eq", "a"),
        vp("emails", and(cmp("type", "eq", "work"), cmp("value", "co", "@x.com"))),
      ),
    ],
    // whitespace tolerance
    ['  userName   eq\t"x"  ', cmp("userName", "eq", "x")],
    ['userName\neq\r\n"x"', cmp("userName", "eq", "x")],
    ['userName eq"x"and title pr', and(cmp("userName", "eq", "x"), pr("title"))],
    ['(userName eq "x")or(title pr)', or(cmp("userName", "eq", "x"), pr("title"))],
    // keywords are positional: attributes may be called like them
    ["pr pr", pr("pr")],
    ["not pr", pr("not")],
    ['and eq "x"', cmp("and", "eq", "x")],
    ['or eq "x" or eq eq "y"', or(cmp("or", "eq", "x"), cmp("eq", "eq", "y"))],
    // Unquoted values, as Microsoft's SCIM reference tests send them (issue 14, item 23): a string
    // unless it is true, false, null or a number; an operator-named attribute stays a name.
    ["userName eq john", cmp("userName", "eq", "john")],
    ["userName sw O", cmp("userName", "sw", "O")],
    ["x eq yes", cmp("x", "eq", "yes")],
    ["x eq eq", cmp("x", "eq", "eq")],
    ["x eq True", cmp("x", "eq", true)],
    ["x eq NULL", cmp("x", "eq", null)],
    ["x eq -12.5", cmp("x", "eq", -12.5)],
    ["x eq O'Brien", cmp("x", "eq", "O'Brien")],
    ["meta.created gt 2015-10-10T14:38:21.8617979-07:00", cmp(path("meta", "created"), "gt", "2015-10-10T14:38:21.8617979-07:00")],
    ["(name.familyName eq Employee)", cmp(path("name", "familyName"), "eq", "Employee")],
    ['emails[type eq work].value eq "a@b"', { kind: "valuePath", path: { attr: "emails" }, filter: and(cmp("type", "eq", "work"), cmp("value", "eq", "a@b")) }],
    ["pr eq pr and eq eq eq", and(cmp("pr", "eq", "pr"), cmp("eq", "eq", "eq"))],
    // what Entra and Okta actually send
    [
      'userName eq "7d1c8fb2-3c8a-4b5e-9a0f-2f1e6a5d4c3b"',
      cmp("userName", "eq", "7d1c8fb2-3c8a-4b5e-9a0f-2f1e6a5d4c3b"),
    ],
    [
      'externalId eq "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef"',
      cmp("externalId", "eq", "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef"),
    ],
    ['displayName eq "Sales Team"', cmp("displayName", "eq", "Sales Team")],
    [
      'userName eq "ann@example.com" and externalId eq "123"',
      and(cmp("userName", "eq", "ann@example.com"), cmp("externalId", "eq", "123")),
    ],
  ];

  it.each(cases)("parses %s", (input, expected) => {
    expect(parseFilter(input)).toEqual(expected);
  });

  const errors: Array<[string, RegExp]> = [
    ["", /empty/],
    ["   \t ", /empty/],
    ["userName", /position 9: expected an operator .* after 'userName', found the end/],
    ['userName xx "x"', /position 10: expected an operator/],
    ["userName eq", /expected a value after 'eq'/],
    ["userName eq john doe", /position 18: expected 'and', 'or' or the end of the filter, found 'doe'/],
    ['userName = "x"', /position 10: unexpected '='.*eq, ne/],
    ['userName != "x"', /unexpected '!'/],
    ["userName eq 'x'", /double quotes/],
    ['userName eq "x', /position 13: string is not terminated/],
    ['userName eq "\\x"', /invalid escape '\\x'/],
    ['userName eq "\\u12"', /invalid escape '\\u'/],
    ['userName eq "a\u0001b"', /control characters must be escaped/],
    [
      'userName eq "x" and',
      /expected an attribute name, '\(' or 'not', found the end of the input after 'and'/,
    ],
    ['userName eq "x" AND', /found the end of the input after 'AND'/],
    ['userName eq "x" or or', /expected an operator .* after 'or', found the end/],
    [
      'userName eq "x" userName eq "y"',
      /position 17: expected 'and', 'or' or the end of the filter, found 'userName'/,
    ],
    ['(userName eq "x"', /expected '\)' to close the '\(' at position 1, found the end/],
    ['userName eq "x")', /position 16: '\)' has no matching '\('/],
    ["()", /expected an attribute name, '\(' or 'not', found '\)'/],
    ['not userName eq "x"', /position 5: expected '\(' after 'not'/],
    ["not ()", /expected an attribute name/],
    ['emails[type eq "work"', /expected '\]' to close the '\[' at position 7/],
    ['emails[type eq "work")', /expected '\]'/],
    ['emails[type eq "work"]]', /'\]' has no matching '\['/],
    ['emails[type[value eq "x"] eq "y"]', /cannot be nested/],
    ['emails[type eq "work" and x[y pr]]', /cannot be nested/],
    ['emails[type eq "work"].value', /expected an operator .* after 'emails\[…\]\.value'/],
    ['emails[type eq "work"] eq "x"', /expected 'and', 'or' or the end of the filter, found 'eq'/],
    ['emails[type eq "work"].value.display eq "x"', /not a valid sub-attribute/],
    ['emails.value[type eq "work"]', /must follow a multi-valued attribute/],
    ['userName eq "x" .value', /found '\.value'/],
    ['name.givenName.x eq "y"', /more than one sub-attribute/],
    [`${CORE}: eq "x"`, /missing an attribute name/],
    [`${CORE}:name. eq "x"`, /missing an attribute name/],
    ['foo:userName eq "x"', /not a valid schema URI/],
    [':userName eq "x"', /unexpected character ':'/],
    ['1userName eq "x"', /expected an attribute name, '\(' or 'not', found '1'/],
    ['user$name eq "x"', /'user\$name' is not a valid attribute name/],
    ["x eq 01", /invalid number '01'/],
    ["x eq 1.", /invalid number '1\.'/],
    ["x eq .5", /unexpected character '\.'/],
    ["x eq 1e", /invalid number '1e'/],
    ["x eq -", /invalid number/],
    ["x eq 1e999", /out of range/],
    ['x eq "a" && y eq "b"', /use 'and' \/ 'or'/],
    ["x eq (", /expected a value after 'eq'/],
    ['x eq "a" @', /unexpected character '@'/],
    ["x eq\u0000", /unexpected character '\\u0000'/],
  ];

  it.each(errors)("rejects %j", (input, detail) => {
    const err = errorOf(() => parseFilter(input));
    expect(err.status).toBe(400);
    expect(err.scimType).toBe("invalidFilter");
    expect(err.message).toMatch(detail);
  });

  it("rejects non-string input with invalidFilter", () => {
    expect(errorOf(() => parseFilter(undefined as unknown as string)).scimType).toBe("invalidFilter");
    expect(errorOf(() => parseFilter(42 as unknown as string)).scimType).toBe("invalidFilter");
  });

  describe("limits against hostile input", () => {
    it("accepts 10,000 characters and rejects 10,001", () => {
      const max = `userName eq "${"x".repeat(10_000 - 14)}"`;
      expect(max).toHaveLength(10_000);
      expect(parseFilter(max)).toEqual(cmp("userName", "eq", "x".repeat(10_000 - 14)));
      expect(errorOf(() => parseFilter(`${max} `)).message).toMatch(/10001 characters .* maximum is 10000/);
    });

    it("accepts 50 levels of parentheses and rejects 51", () => {
      expect(parseFilter(`${"(".repeat(50)}a pr${")".repeat(50)}`)).toEqual(pr("a"));
      const err = errorOf(() => parseFilter(`${"(".repeat(51)}a pr${")".repeat(51)}`));
      expect(err.scimType).toBe("invalidFilter");
      expect(err.message).toMatch(/nested more than 50 levels/);
    });

    it("counts not and brackets towards the depth", () => {
      expect(errorOf(() => parseFilter(`${"not (".repeat(51)}a pr${")".repeat(51)}`)).message).toMatch(
        /nested more than 50/,
      );
      expect(errorOf(() => parseFilter(`${"(".repeat(50)}x[a pr]${")".repeat(50)}`)).message).toMatch(
        /nested more than 50/,
      );
    });

    it("never overflows the stack", () => {
      for (const input of ["(".repeat(9_999), "not (".repeat(2_000), "[".repeat(9_999), "a[".repeat(5_000)]) {
        expect(errorOf(() => parseFilter(input)).scimType).toBe("invalidFilter");
      }
    });

    it("accepts 200 nodes and rejects 201", () => {
      // n comparisons joined by `or` are 2n − 1 nodes.
      const terms = (n: number) => Array.from({ length: n }, (_, i) => `a${i} pr`).join(" or ");
      expect(() => parseFilter(terms(100))).not.toThrow();
      const err = errorOf(() => parseFilter(terms(101)));
      expect(err.scimType).toBe("invalidFilter");
      expect(err.message).toMatch(/too complex: more than 200/);
    });
    // Arbitrary and mutated input: filter.property.test.ts.
  });
});

describe("parsePatchPath", () => {
  const cases: Array<[string, PatchPath]> = [
    ["members", { path: path("members") }],
    ["MEMBERS", { path: path("MEMBERS") }],
    ["active", { path: path("active") }],
    ["name.givenName", { path: path("name", "givenName") }],
    [`${ENTERPRISE}:manager`, { path: path("manager", undefined, ENTERPRISE) }],
    [`${ENTERPRISE}:manager.value`, { path: path("manager", "value", ENTERPRISE) }],
    [`${ENTERPRISE}:employeeNumber`, { path: path("employeeNumber", undefined, ENTERPRISE) }],
    [`${CORE}:name.familyName`, { path: path("name", "familyName", CORE) }],
    [
      'emails[type eq "work"].value',
      { path: path("emails"), valueFilter: cmp("type", "eq", "work"), subAttr: "value" },
    ],
    ['members[value eq "abc"]', { path: path("members"), valueFilter: cmp("value", "eq", "abc") }],
    [
      // Entra sends the string "True": coercion is the evaluator's job.
      'roles[primary eq "True"].value',
      { path: path("roles"), valueFilter: cmp("primary", "eq", "True"), subAttr: "value" },
    ],
    [
      'addresses[type eq "work"].streetAddress',
      { path: path("addresses"), valueFilter: cmp("type", "eq", "work"), subAttr: "streetAddress" },
    ],
    [
      'Emails[Type EQ "work"].Value',
      { path: path("Emails"), valueFilter: cmp("Type", "eq", "work"), subAttr: "Value" },
    ],
    [
      `${CORE}:emails[type eq "work"].value`,
      { path: path("emails", undefined, CORE), valueFilter: cmp("type", "eq", "work"), subAttr: "value" },
    ],
    [
      'members[value eq "a" or value eq "b"]',
      { path: path("members"), valueFilter: or(cmp("value", "eq", "a"), cmp("value", "eq", "b")) },
    ],
    [
      'emails[type eq "work" and primary eq true]',
      { path: path("emails"), valueFilter: and(cmp("type", "eq", "work"), cmp("primary", "eq", true)) },
    ],
    ["members[value eq abc]", { path: path("members"), valueFilter: cmp("value", "eq", "abc") }],
    ["members[$ref pr].display", { path: path("members"), valueFilter: pr("$ref"), subAttr: "display" }],
    [" members ", { path: path("members") }],
    [
      'emails[ type eq "work" ].value',
      { path: path("emails"), valueFilter: cmp("type", "eq", "work"), subAttr: "value" },
    ],
  ];

  it.each(cases)("parses %s", (input, expected) => {
    expect(parsePatchPath(input)).toEqual(expected);
  });

  const errors: Array<[string, RegExp]> = [
    ["", /PATCH path is empty/],
    ["  ", /empty/],
    ['emails[type eq "work"', /Invalid PATCH path at position 22: expected '\]'/],
    ['emails[type eq "work"].value.display', /not a valid sub-attribute/],
    ['emails[type eq "work"]value', /expected the end of the path, found 'value'/],
    ['emails[type eq "work"] value', /expected the end of the path/],
    ["name.givenName.x", /more than one sub-attribute/],
    ["emails[type[x eq 1] eq 2]", /cannot be nested/],
    ['userName eq "x"', /expected the end of the path, found 'eq'/],
    ['"members"', /expected an attribute name, found '"members"'/],
    ["members[]", /expected an attribute name/],
    ['emails.value[type eq "work"]', /must follow a multi-valued attribute/],
    ["members]", /'\]' has no matching '\['/],
    ["members[value eq abc def]", /expected '\]'/],
    ['members[value eq "abc"', /expected '\]'/],
    [`${ENTERPRISE}:`, /missing an attribute name/],
    ["members.", /missing an attribute name/],
    ["members, groups", /unexpected character ','/],
    ["a".repeat(10_001), /maximum is 10000/],
  ];

  it.each(errors)("rejects %j with invalidPath", (input, detail) => {
    const err = errorOf(() => parsePatchPath(input));
    expect(err.status).toBe(400);
    expect(err.scimType).toBe("invalidPath");
    expect(err.message).toMatch(detail);
  });
});
