// Canonical text for filters and PATCH paths: lower-case operators, JSON literals, and only the
// parentheses that precedence requires (RFC 7644 §3.4.2.2: not > and > or), so that
// parseFilter(printFilter(f)) rebuilds exactly f. Used for logs, audit details and error texts.

import type { AttrPath, Filter, FilterValue, PatchPath } from "./ast";

const PRECEDENCE = { or: 1, and: 2 } as const;

export function printFilter(filter: Filter): string {
  return print(filter, 0);
}

export function printPatchPath(patchPath: PatchPath): string {
  let text = printAttrPath(patchPath.path);
  if (patchPath.valueFilter !== undefined) text += `[${printFilter(patchPath.valueFilter)}]`;
  if (patchPath.subAttr !== undefined) text += `.${patchPath.subAttr}`;
  return text;
}

/** `urn:…:User:name.givenName`, `emails`, `name.familyName`. */
export function printAttrPath(path: AttrPath): string {
  const name = path.subAttr === undefined ? path.attr : `${path.attr}.${path.subAttr}`;
  return path.schema === undefined ? name : `${path.schema}:${name}`;
}

export function printFilterValue(value: FilterValue): string {
  if (typeof value === "string") return JSON.stringify(value);
  // String(-0) is "0", which would parse back as +0.
  if (typeof value === "number") return Object.is(value, -0) ? "-0" : String(value);
  return String(value);
}

/**
 * `minPrecedence` is the binding strength the context needs; a looser operator gets parentheses.
 * and/or are left-associative, so a right operand of the same operator needs them too.
 */
function print(filter: Filter, minPrecedence: number): string {
  switch (filter.kind) {
    case "compare":
      return `${printAttrPath(filter.path)} ${filter.op} ${printFilterValue(filter.value)}`;
    case "present":
      return `${printAttrPath(filter.path)} pr`;
    case "not":
      return `not (${print(filter.filter, 0)})`;
    case "valuePath":
      return `${printAttrPath(filter.path)}[${print(filter.filter, 0)}]`;
    case "and":
    case "or": {
      const precedence = PRECEDENCE[filter.kind];
      const text = `${print(filter.left, precedence)} ${filter.kind} ${print(filter.right, precedence + 1)}`;
      return precedence < minPrecedence ? `(${text})` : text;
    }
  }
}
