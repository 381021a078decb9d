// Property-based tests of the filter and PATCH-path parsers (fast-check): whatever arrives in a
// query string or a PATCH body, the parser answers with a parsed AST or a ScimError of the
// caller's type (invalidFilter / invalidPath) — never another exception, which the router would
// turn into a 500. And the printer's canonical text parses back to the very same AST.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { propertyOptions } from "@/lib/testing/property";
import { ScimError } from "../errors";
import type { AttrPath, CompareOp, Filter, FilterValue, PatchPath } from "./ast";
import { matchesFilter } from "./evaluate-filter";
import { MAX_FILTER_LENGTH, parseFilter, parsePatchPath } from "./parse-filter";
import { printFilter, printPatchPath } from "./print-filter";

/** Runs `parse`; a thrown error must be a ScimError of `scimType` (status 400). */
function parsesOrRejects<T>(parse: () => T, scimType: "invalidFilter" | "invalidPath"): T | undefined {
  try {
    return parse();
  } catch (err) {
    if (!(err instanceof ScimError)) throw new Error(`not a ScimError: ${String(err)}`, { cause: err });
    expect(err.scimType).toBe(scimType);
    expect(err.status).toBe(400);
    return undefined;
  }
}

// --- arbitraries for the ASTs the parser produces ---

const KEYWORD_NAMES = ["pr", "not", "and", "or", "eq", "EQ", "true", "null", "$ref", "x-y_1"];
const attrName = fc.oneof(
  { weight: 4, arbitrary: fc.stringMatching(/^[A-Za-z][A-Za-z0-9_-]{0,7}$/) },
  { weight: 1, arbitrary: fc.constantFrom(...KEYWORD_NAMES) },
);
const schemaUri = fc.oneof(
  fc.constantFrom(
    "urn:ietf:params:scim:schemas:core:2.0:User",
    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User",
  ),
  fc.stringMatching(/^[a-z][a-z0-9.-]{0,4}(:[a-z0-9._-]{0,4}[a-z0-9]){1,3}$/),
);
const attrPathArb = (options: { sub: boolean }): fc.Arbitrary<AttrPath> =>
  fc
    .record(
      { schema: schemaUri, attr: attrName, subAttr: attrName },
      { requiredKeys: options.sub ? ["attr"] : ["attr"] },
    )
    .map((p) => {
      const path: AttrPath = { attr: p.attr };
      if (p.schema !== undefined) path.schema = p.schema;
      if (options.sub && p.subAttr !== undefined) path.subAttr = p.subAttr;
      return path;
    });
const filterValue: fc.Arbitrary<FilterValue> = fc.oneof(
  fc.string({ unit: "binary", maxLength: 12 }),
  fc.string({ maxLength: 12 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
);
const compareOp = fc.constantFrom<CompareOp>("eq", "ne", "co", "sw", "ew", "gt", "ge", "lt", "le");

/** Filters; inside `[...]` there are no further value filters (RFC 7644 §3.4.2.2). */
function filterArb(inBrackets: boolean): fc.Arbitrary<Filter> {
  const { tree } = fc.letrec<{ tree: Filter; leaf: Filter }>((tie) => ({
    leaf: fc.oneof(
      fc.record({ kind: fc.constant("compare" as const), path: attrPathArb({ sub: true }), op: compareOp, value: filterValue }),
      fc.record({ kind: fc.constant("present" as const), path: attrPathArb({ sub: true }) }),
      ...(inBrackets
        ? []
        : [
            fc.record({
              kind: fc.constant("valuePath" as const),
              path: attrPathArb({ sub: false }),
              filter: filterArb(true),
            }),
          ]),
    ),
    tree: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      tie("leaf"),
      fc.record({ kind: fc.constant("and" as const), left: tie("tree"), right: tie("tree") }),
      fc.record({ kind: fc.constant("or" as const), left: tie("tree"), right: tie("tree") }),
      fc.record({ kind: fc.constant("not" as const), filter: tie("tree") }),
    ),
  }));
  return tree as fc.Arbitrary<Filter>;
}
const filterAst = filterArb(false);

const patchPathArb: fc.Arbitrary<PatchPath> = fc.oneof(
  attrPathArb({ sub: true }).map((path) => ({ path })),
  fc
    .record({ path: attrPathArb({ sub: false }), valueFilter: filterArb(true), subAttr: fc.option(attrName, { nil: undefined }) })
    .map(({ path, valueFilter, subAttr }) => (subAttr === undefined ? { path, valueFilter } : { path, valueFilter, subAttr })),
);

/** Near-valid text: a canonical filter with a few characters inserted, deleted or replaced. */
const SYNTAX_PIECES = ['"', "\\", "(", ")", "[", "]", " ", ".", ":", "-", "0", "e", " and ", " or ", "not ", " eq ", " pr", "'", "=", "\u0000", "\ud800", "é", "\\u12", "1e999"];
const mutated = (source: fc.Arbitrary<string>) =>
  fc
    .tuple(
      source,
      fc.array(fc.tuple(fc.nat(), fc.constantFrom("insert", "delete", "replace"), fc.constantFrom(...SYNTAX_PIECES)), {
        minLength: 1,
        maxLength: 4,
      }),
    )
    .map(([text, edits]) =>
      edits.reduce((t, [at, kind, piece]) => {
        const i = t.length === 0 ? 0 : at % (t.length + 1);
        if (kind === "insert") return t.slice(0, i) + piece + t.slice(i);
        if (kind === "delete") return t.slice(0, i) + t.slice(i + 1);
        return t.slice(0, i) + piece + t.slice(i + 1);
      }, text),
    );

/** Whole tokens in random order: mostly wrong, sometimes accidentally right. */
const tokenSoup = fc
  .array(
    fc.constantFrom("a", "emails", "name.givenName", "urn:x:y:z", "[", "]", "(", ")", "eq", "pr", "and", "or", "not", '"x"', "1", "-1.5e3", "true", "null", ".value", "$ref", "'1'='1'", ";", "--", "%", "*"),
    { maxLength: 16 },
  )
  .map((tokens) => tokens.join(" "));

describe("parseFilter (properties)", () => {
  it("answers arbitrary strings with an AST or invalidFilter, never another error", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: "binary", maxLength: 300 }), fc.string({ unit: "grapheme-ascii", maxLength: 300 })), (input) => {
        parsesOrRejects(() => parseFilter(input), "invalidFilter");
      }),
      propertyOptions(2_000),
    );
  });

  it("answers near-valid filters and token soup the same way; what parses prints canonically", () => {
    fc.assert(
      fc.property(fc.oneof(mutated(filterAst.map(printFilter)), tokenSoup), (input) => {
        const ast = parsesOrRejects(() => parseFilter(input), "invalidFilter");
        if (ast === undefined) return;
        const canonical = printFilter(ast);
        expect(parseFilter(canonical)).toEqual(ast);
        expect(printFilter(parseFilter(canonical))).toBe(canonical);
      }),
      propertyOptions(2_000),
    );
  });

  it("round-trips generated ASTs: parse(print(ast)) = ast", () => {
    fc.assert(
      fc.property(filterAst, (ast) => {
        expect(parseFilter(printFilter(ast))).toEqual(ast);
      }),
      propertyOptions(1_000),
    );
  });

  it("rejects over-long and over-deep input with invalidFilter", () => {
    fc.assert(
      fc.property(fc.constantFrom("(", "not (", "a[", "[", '"', "a pr and "), fc.integer({ min: 1, max: 6_000 }), (piece, n) => {
        const input = piece.repeat(n).slice(0, MAX_FILTER_LENGTH + 10);
        parsesOrRejects(() => parseFilter(input), "invalidFilter");
      }),
      propertyOptions(200),
    );
  });

  it("evaluates any parsed filter against arbitrary JSON documents without throwing", () => {
    fc.assert(
      fc.property(filterAst, fc.jsonValue({ maxDepth: 3 }), (ast, doc) => {
        const element = typeof doc === "object" && doc !== null && !Array.isArray(doc) ? (doc as Record<string, unknown>) : { value: doc };
        try {
          expect(typeof matchesFilter(ast, element, { isCaseExact: () => false })).toBe("boolean");
        } catch (err) {
          // Comparing e.g. a boolean with gt is a client error, never a crash.
          expect(err).toBeInstanceOf(ScimError);
        }
      }),
      propertyOptions(1_000),
    );
  });
});

describe("parsePatchPath (properties)", () => {
  it("answers arbitrary and near-valid strings with a path or invalidPath", () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ unit: "binary", maxLength: 200 }), mutated(patchPathArb.map(printPatchPath)), tokenSoup),
        (input) => {
          const parsed = parsesOrRejects(() => parsePatchPath(input), "invalidPath");
          if (parsed !== undefined) expect(parsePatchPath(printPatchPath(parsed))).toEqual(parsed);
        },
      ),
      propertyOptions(2_000),
    );
  });

  it("round-trips generated paths: parse(print(path)) = path", () => {
    fc.assert(
      fc.property(patchPathArb, (patchPath) => {
        expect(parsePatchPath(printPatchPath(patchPath))).toEqual(patchPath);
      }),
      propertyOptions(1_000),
    );
  });
});
