import { describe, expect, it } from "vitest";
import type { AttrPath, CompareOp, Filter, FilterValue } from "./ast";
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

  it("round-trips randomly generated filters", () => {
    const random = seededRandom(7);
    for (let i = 0; i < 2_000; i++) {
      const ast = randomFilter(random, 4, false);
      const text = printFilter(ast);
      expect(parseFilter(text), text).toEqual(ast);
    }
  });
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

// --- random ASTs of the shapes the parser produces ---

type Random = () => number;

function seededRandom(seed: number): Random {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

function pick<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

const NAMES = ["userName", "name", "emails", "value", "type", "$ref", "pr", "not", "and", "x-y_1", "EQ"];
const SCHEMAS = [CORE, ENTERPRISE, "urn:example:custom:1.0"];
const OPS: CompareOp[] = ["eq", "ne", "co", "sw", "ew", "gt", "ge", "lt", "le"];
const STRINGS = [
  "",
  "x",
  'a"b',
  "back\\slash",
  "é😀",
  "\u0000\u001f\n\t",
  "\ud800",
  " and ",
  "]",
  "(or)",
  "urn:a:b",
];
const NUMBERS = [0, -0, 1, -1, 42, 0.1, -2.5, 1e21, 1e-7, 5e-324, 1.7976931348623157e308, 9007199254740991];

function randomPath(random: Random, allowSchema: boolean): AttrPath {
  const path: AttrPath = { attr: pick(random, NAMES) };
  if (allowSchema && random() < 0.2) path.schema = pick(random, SCHEMAS);
  if (random() < 0.3) path.subAttr = pick(random, NAMES);
  return path;
}

function randomValue(random: Random): FilterValue {
  const r = random();
  if (r < 0.45) return pick(random, STRINGS);
  if (r < 0.8) return pick(random, NUMBERS);
  if (r < 0.9) return random() < 0.5;
  return null;
}

function randomFilter(random: Random, depth: number, inBrackets: boolean): Filter {
  const r = random();
  if (depth === 0 || r < 0.3) {
    return random() < 0.2
      ? { kind: "present", path: randomPath(random, true) }
      : {
          kind: "compare",
          path: randomPath(random, true),
          op: pick(random, OPS),
          value: randomValue(random),
        };
  }
  if (r < 0.5)
    return {
      kind: "and",
      left: randomFilter(random, depth - 1, inBrackets),
      right: randomFilter(random, depth - 1, inBrackets),
    };
  if (r < 0.7)
    return {
      kind: "or",
      left: randomFilter(random, depth - 1, inBrackets),
      right: randomFilter(random, depth - 1, inBrackets),
    };
  if (r < 0.85 || inBrackets) return { kind: "not", filter: randomFilter(random, depth - 1, inBrackets) };
  const path: AttrPath = { attr: pick(random, NAMES) };
  if (random() < 0.2) path.schema = pick(random, SCHEMAS);
  return { kind: "valuePath", path, filter: randomFilter(random, depth - 1, true) };
}
