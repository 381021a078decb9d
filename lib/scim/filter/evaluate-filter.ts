// In-memory evaluation of a value filter against ONE element of a multi-valued attribute, for
// PATCH paths such as `emails[type eq "work"]` or `members[value eq "id"]` (RFC 7644 §3.5.2).
// Queries never use this: list filters run in the database (see compile-sql.ts).

import { invalidFilter } from "../errors";
import type { AttrPath, CompareOp, Filter, FilterValue } from "./ast";
import { parseIsoDateTime } from "./date-time";

export interface MatchOptions {
  /**
   * Whether a sub-attribute is caseExact (RFC 7643 §2.2). Receives the name as written in the
   * filter (`value`, or `name.givenName` for a nested path); compare it case-insensitively.
   * Default: not caseExact, the RFC's default for strings.
   */
  isCaseExact?(subAttr: string): boolean;
}

type Element = Record<string, unknown>;

export function matchesFilter(
  filter: Filter,
  element: Record<string, unknown>,
  options: MatchOptions = {},
): boolean {
  switch (filter.kind) {
    case "and":
      return matchesFilter(filter.left, element, options) && matchesFilter(filter.right, element, options);
    case "or":
      return matchesFilter(filter.left, element, options) || matchesFilter(filter.right, element, options);
    case "not":
      return !matchesFilter(filter.filter, element, options);
    case "present":
      return isPresent(lookup(element, filter.path));
    case "valuePath": {
      // Not produced by the parser inside brackets, but the AST allows it: any element matches.
      const items = asArray(lookup(element, filter.path));
      return items.some((item) => isElement(item) && matchesFilter(filter.filter, item, options));
    }
    case "compare": {
      const name =
        filter.path.subAttr === undefined ? filter.path.attr : `${filter.path.attr}.${filter.path.subAttr}`;
      const caseExact = options.isCaseExact?.(name) ?? false;
      return compareAttribute(lookup(element, filter.path), filter.op, filter.value, caseExact);
    }
  }
}

/** RFC 7644 §3.4.2.2 "pr": has a non-empty value. */
function isPresent(value: unknown): boolean {
  if (value === undefined || value === null || value === "") return false;
  if (Array.isArray(value)) return value.some(isPresent);
  return true;
}

/**
 * A multi-valued attribute matches when any of its values does (RFC 7644 §3.4.2.2). `ne` is the
 * negation of `eq` ("no value equals"), matching compile-sql.ts.
 */
function compareAttribute(actual: unknown, op: CompareOp, literal: FilterValue, caseExact: boolean): boolean {
  checkOperand(op, literal);
  if (op === "ne") return !compareAttribute(actual, "eq", literal, caseExact);
  if (Array.isArray(actual)) {
    if (literal === null) return !actual.some((item) => scalarOf(item) != null);
    return actual.some((item) => compareScalar(scalarOf(item), op, literal, caseExact));
  }
  return compareScalar(actual, op, literal, caseExact);
}

// RFC 7644 §3.4.2.2: ordering and substring operators on booleans are a 400 invalidFilter.
function checkOperand(op: CompareOp, literal: FilterValue): void {
  if (op === "eq" || op === "ne") return;
  if (literal === null) throw invalidFilter(`The operator '${op}' cannot be used with null.`);
  if (typeof literal === "boolean") {
    throw invalidFilter(`The operator '${op}' cannot be used with a boolean value.`);
  }
}

function compareScalar(actual: unknown, op: CompareOp, literal: FilterValue, caseExact: boolean): boolean {
  if (literal === null) return actual === undefined || actual === null;
  if (actual === undefined || actual === null) return false;
  switch (op) {
    case "eq":
    case "ne":
      return equals(actual, literal, caseExact);
    case "co":
    case "sw":
    case "ew": {
      const text = textOf(actual);
      if (text === undefined) return false;
      const [a, b] = fold(text, String(literal), caseExact);
      return op === "co" ? a.includes(b) : op === "sw" ? a.startsWith(b) : a.endsWith(b);
    }
    case "gt":
    case "ge":
    case "lt":
    case "le": {
      const order = compareOrder(actual, literal as string | number, caseExact);
      if (order === undefined) return false;
      return op === "gt" ? order > 0 : op === "ge" ? order >= 0 : op === "lt" ? order < 0 : order <= 0;
    }
  }
}

function equals(actual: unknown, literal: string | number | boolean, caseExact: boolean): boolean {
  if (typeof literal === "boolean") {
    // Entra ID writes booleans as strings ("True"); either side may be the string form.
    if (typeof actual === "boolean") return actual === literal;
    return typeof actual === "string" && actual.toLowerCase() === String(literal);
  }
  if (typeof actual === "boolean") {
    return typeof literal === "string" && literal.toLowerCase() === String(actual);
  }
  if (typeof actual === "number") {
    if (typeof literal === "number") return actual === literal;
    return isNumeric(literal) && Number(literal) === actual;
  }
  if (typeof actual !== "string") return false;
  const text = String(literal);
  const [actualTime, literalTime] = [parseIsoDateTime(actual), parseIsoDateTime(text)];
  if (actualTime !== undefined && literalTime !== undefined) return actualTime === literalTime;
  const [a, b] = fold(actual, text, caseExact);
  return a === b;
}

/** Sign of actual − literal, or undefined when they are not comparable. */
function compareOrder(actual: unknown, literal: string | number, caseExact: boolean): number | undefined {
  if (typeof actual === "number") {
    const n = typeof literal === "number" ? literal : isNumeric(literal) ? Number(literal) : undefined;
    return n === undefined ? undefined : Math.sign(actual - n);
  }
  if (typeof actual !== "string") return undefined;
  // A number literal on a string compares with its string form, as compile-sql.ts does.
  const text = String(literal);
  const [actualTime, literalTime] = [parseIsoDateTime(actual), parseIsoDateTime(text)];
  if (actualTime !== undefined && literalTime !== undefined) return Math.sign(actualTime - literalTime);
  // Strings compare lexicographically (RFC 7644 §3.4.2.2), honouring caseExact.
  const [a, b] = fold(actual, text, caseExact);
  return a < b ? -1 : a > b ? 1 : 0;
}

function fold(a: string, b: string, caseExact: boolean): [string, string] {
  return caseExact ? [a, b] : [a.toLowerCase(), b.toLowerCase()];
}

function textOf(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "number") return String(value);
  return undefined;
}

function isNumeric(text: string): boolean {
  return /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$/.test(text.trim());
}

/** A complex value inside an element compares through its "value" sub-attribute (RFC 7643 §2.4). */
function scalarOf(item: unknown): unknown {
  return isElement(item) ? getCaseInsensitive(item, "value") : item;
}

/** Attribute names are case-insensitive (RFC 7643 §2.1); the schema URN is implied by the element. */
function lookup(element: Element, path: AttrPath): unknown {
  const value = getCaseInsensitive(element, path.attr);
  if (path.subAttr === undefined) return value;
  const subAttr = path.subAttr;
  if (Array.isArray(value)) {
    return value.filter(isElement).map((item) => getCaseInsensitive(item, subAttr));
  }
  return isElement(value) ? getCaseInsensitive(value, subAttr) : undefined;
}

function getCaseInsensitive(element: Element, name: string): unknown {
  if (Object.prototype.hasOwnProperty.call(element, name)) return element[name];
  const lower = name.toLowerCase();
  for (const key of Object.keys(element)) {
    if (key.toLowerCase() === lower) return element[key];
  }
  return undefined;
}

function isElement(value: unknown): value is Element {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function asArray(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  return value === undefined || value === null ? [] : [value];
}
