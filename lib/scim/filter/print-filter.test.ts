import { describe, expect, it } from "vitest";
import type { AttrPath, FilterValue } from "./ast";
import { parseFilter, parsePatchPath } from "./parse-filter";
import { printAttrPath, printFilter, printFilterValue, printPatchPath } from "./print-filter";

const CORE = "urn:ietf:params:scim:schemas:core:2.0:User";
const ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

describe("printFilter", () => {
  const canonical: Array<[string, string]> = [
    ['USERNAME EQ "bjensen"', 'USERNAME eq "bjensen"'],
    ["title PR", "title pr"],
    ['  userName   eq\t"x"  ', 'userName eq "x"'],
    ["a pr or b pr and c pr", "a pr or b pr and c pr"],
    ["(a pr or b pr) and c pr", "(a pr or b pr) and c pr"],
    ["a pr and (b pr or c pr)", "a pr and (b pr or c pr)"],
    ["((a pr and b pr)) and c pr", "a pr and b pr and c pr"],
    ["a pr and (b pr and c pr)", "a pr and (b pr and c pr)"],
    ["a pr or (b pr or c pr)", "a pr or (b pr or c pr)"],
    ["(a pr or b pr) or c pr", "a pr or b pr or c pr"],
    ["(a pr and b pr) or (c pr and d pr)", "a pr and b pr or c pr and d pr"],
    ["not(a pr)", "not (a pr)"],
    ["NOT ((a pr or b pr))", "not (a pr or b pr)"],
    ["not (a pr) and not (b pr)", "not (a pr) and not (b pr)"],
    ['emails[type eq "work"]', 'emails[type eq "work"]'],
    ['emails[type eq "work"].value eq "x"', 'emails[type eq "work" and value eq "x"]'],
    ['emails[type eq "a" or type eq "b"].value pr', 'emails[(type eq "a" or type eq "b") and value pr]'],
    ["x eq 1E3", "x eq 1000"],
    ["x eq 2.50", "x eq 2.5"],
    ["x eq -0", "x eq -0"],
    ["x eq 1e21", "x eq 1e+21"],
    ["x eq TRUE", "x eq true"],
    ["x eq False", "x eq false"],
    ["x eq NULL", "x eq null"],
    ['d eq "a\\"b\\\\c\\u00e9\\n\\/"', 'd eq "a\\"b\\\\cé\\n/"'],
    ['d eq "\\u0001"', 'd eq "\\u0001"'],
    [`${CORE}:name.givenName sw "B"`, `${CORE}:name.givenName sw "B"`],
    [`${ENTERPRISE}:employeeNumber eq "7"`, `${ENTERPRISE}:employeeNumber eq "7"`],
  ];

  it.each(canonical)("prints %s as %s", (input, expected) => {
    expect(printFilter(parseFilter(input))).toBe(expected);
  });

  const roundTrip = [
    ...canonical.map(([input]) => input),
    'userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")',
    'userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")',
    'emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]',
    'emails[not (type eq "work") and (primary eq true or display pr)]',
    "a pr or b pr and c pr or not (d pr and (e pr or f pr))",
    "not (not (not (a pr)))",
    "x gt 5e-324 and y lt -1.7976931348623157e308 and z eq 0.1",
    'members[$ref eq "https://example.com/v2/Users/1"]',
    'displayName eq "tab\\there \\"quoted\\" back\\\\slash \\ud83d\\ude00 \\ud800"',
    "pr pr and not pr",
  ];

  it.each(roundTrip)("round-trips %s", (input) => {
    const ast = parseFilter(input);
    expect(parseFilter(printFilter(ast))).toEqual(ast);
  });
  // Generated ASTs: filter.property.test.ts.
});

describe("printAttrPath / printFilterValue", () => {
  it.each<[AttrPath, string]>([
    [{ attr: "userName" }, "userName"],
    [{ attr: "name", subAttr: "givenName" }, "name.givenName"],
    [{ schema: ENTERPRISE, attr: "manager", subAttr: "value" }, `${ENTERPRISE}:manager.value`],
  ])("prints %j", (path, expected) => {
    expect(printAttrPath(path)).toBe(expected);
  });

  it.each<[FilterValue, string]>([
    ['a"b', '"a\\"b"'],
    [42, "42"],
    [-0, "-0"],
    [0.5, "0.5"],
    [true, "true"],
    [false, "false"],
    [null, "null"],
  ])("prints %j", (value, expected) => {
    expect(printFilterValue(value)).toBe(expected);
  });
});

describe("printPatchPath", () => {
  const cases: Array<[string, string]> = [
    ["members", "members"],
    ["name.givenName", "name.givenName"],
    [`${ENTERPRISE}:manager`, `${ENTERPRISE}:manager`],
    [`${ENTERPRISE}:manager.value`, `${ENTERPRISE}:manager.value`],
    ['emails[type eq "work"].value', 'emails[type eq "work"].value'],
    ['members[value eq "abc"]', 'members[value eq "abc"]'],
    ['roles[primary eq "True"].value', 'roles[primary eq "True"].value'],
    [
      'emails[ TYPE EQ "work" AND primary EQ TRUE ].value',
      'emails[TYPE eq "work" and primary eq true].value',
    ],
    ['members[value eq "a" or (value eq "b")]', 'members[value eq "a" or value eq "b"]'],
  ];

  it.each(cases)("prints %s as %s", (input, expected) => {
    const parsed = parsePatchPath(input);
    expect(printPatchPath(parsed)).toBe(expected);
    expect(parsePatchPath(printPatchPath(parsed))).toEqual(parsed);
  });
});
