// Compiles a SCIM filter (RFC 7644 §3.4.2.2) to a parameterised PostgreSQL boolean expression, so
// that list queries filter, count and paginate in the database instead of loading rows.
//
// Invariants:
// - Literals only ever travel as parameters ($1, $2, …); SQL text comes from the mappings.
// - Every leaf yields TRUE or FALSE, never NULL, so `not (…)` is the exact complement. Leaves are
//   written `(col IS NOT NULL AND col = $1)` rather than `COALESCE(col = $1, false)`: same truth
//   table, but the planner still sees `col = $1` (or `lower(col) = lower($1)`) and can use an
//   index, which matters for the hot `userName eq` / `externalId eq` lookups of Entra and Okta.
// - Anything the mappings cannot express is a 400 invalidFilter, never a silently wider query
//   (Entra creates duplicate users when a lookup filter "matches everyone").

import { type ScimError, invalidFilter } from "../errors";
import { unstorableText } from "../text";
import type { AttrPath, CompareOp, Filter, FilterValue } from "./ast";
import { isIsoDateTime } from "./date-time";
import { printAttrPath, printFilterValue } from "./print-filter";

export type ColumnType = "string" | "boolean" | "dateTime" | "integer" | "decimal";

export interface ColumnMapping {
  kind: "column";
  /** SQL expression of the column, e.g. `u."title"`. */
  sql: string;
  type: ColumnType;
  caseExact: boolean;
  /** The column already stores lower(value): compare with lower($n) so its index is used. */
  lowercased?: boolean;
}

export interface JsonArraySubAttr {
  type: ColumnType;
  caseExact: boolean;
  /** Key in the stored JSON objects when it is not the lower-case map key (e.g. "postalCode"). */
  jsonKey?: string;
}

export interface JsonArrayMapping {
  kind: "jsonArray";
  /** SQL expression of a jsonb array of objects, e.g. `u."emails"`. */
  sql: string;
  /** Keyed by lower-case sub-attribute name. */
  subAttrs: Record<string, JsonArraySubAttr>;
  /** Sub-attribute used for `emails eq "x"` / `emails co "x"` without a sub-attribute. */
  defaultSubAttr: string;
}

export interface ExistsMapping {
  kind: "exists";
  /**
   * Builds a boolean SQL expression (never NULL) for one comparison on this attribute, e.g.
   * Group.members as an EXISTS over a join table. `value` is null for "pr"; literals must go
   * through `param`. `subAttr` is as written in the filter (compare it case-insensitively);
   * inside `members[...]` it is the inner attribute, e.g. "value".
   */
  compile(args: {
    op: CompareOp | "pr";
    subAttr: string | undefined;
    value: FilterValue;
    param: (v: unknown) => string;
  }): string;
}

export type AttrMapping = ColumnMapping | JsonArrayMapping | ExistsMapping;

/**
 * Resolves names case-insensitively, URN-qualified names and sub-attributes included
 * (name.givenName → a column). For a jsonArray, return the array mapping both for
 * {attr:"emails"} and {attr:"emails", subAttr:"value"}: the compiler handles the sub-attribute.
 * Return undefined for anything that cannot be filtered on.
 */
export type ResolveAttr = (path: AttrPath) => AttrMapping | undefined;

export interface CompiledFilter {
  sql: string;
  params: unknown[];
}

type Param = (value: unknown) => string;

interface Context {
  resolve: ResolveAttr;
  param: Param;
}

/** A scalar SQL expression to compare against. `sql` may evaluate to NULL. */
interface Operand {
  sql: string;
  type: ColumnType;
  caseExact: boolean;
  lowercased: boolean;
  /** jsonb booleans are compared as lower-case text, so "True" (Entra) and true both match. */
  booleanAsText: boolean;
  /** Attribute name for error messages. */
  label: string;
}

const SQL_OPERATORS = { eq: "=", ne: "<>", gt: ">", ge: ">=", lt: "<", le: "<=" } as const;

// Guards the ::timestamptz cast of JSON text: a malformed stored value must not fail the query.
const SQL_DATE_TIME_PATTERN =
  "^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])[Tt ]([01][0-9]|2[0-3]):[0-5][0-9]";

export function compileFilter(
  filter: Filter,
  resolve: ResolveAttr,
  options: { paramOffset?: number } = {},
): CompiledFilter {
  const params: unknown[] = [];
  const offset = options.paramOffset ?? 0;
  const param: Param = (value) => {
    const unstorable = typeof value === "string" ? unstorableText(value) : undefined;
    if (unstorable) throw invalidFilter(`The value ${JSON.stringify(value)} ${unstorable}.`);
    params.push(value);
    return `$${offset + params.length}`;
  };
  return { sql: compileNode(filter, { resolve, param }), params };
}

function compileNode(filter: Filter, ctx: Context): string {
  switch (filter.kind) {
    case "and":
      return `(${compileNode(filter.left, ctx)} AND ${compileNode(filter.right, ctx)})`;
    case "or":
      return `(${compileNode(filter.left, ctx)} OR ${compileNode(filter.right, ctx)})`;
    case "not":
      return `(NOT ${compileNode(filter.filter, ctx)})`;
    case "compare":
      return compileAttrTest(filter.path, filter.op, filter.value, ctx);
    case "present":
      return compileAttrTest(filter.path, "pr", null, ctx);
    case "valuePath":
      return compileValuePath(filter.path, filter.filter, ctx);
  }
}

function compileAttrTest(path: AttrPath, op: CompareOp | "pr", value: FilterValue, ctx: Context): string {
  const mapping = ctx.resolve(path);
  if (mapping === undefined) throw unknownAttribute(printAttrPath(path));
  switch (mapping.kind) {
    case "column":
      return compareOperand(columnOperand(mapping, printAttrPath(path)), op, value, ctx.param);
    case "jsonArray":
      return compileArrayTest(mapping, path, op, value, ctx.param);
    case "exists":
      return `(${mapping.compile({ op, subAttr: path.subAttr, value, param: ctx.param })})`;
  }
}

/**
 * `emails pr`, `emails eq "x"` (default sub-attribute), `emails.type eq "work"`: the attribute
 * matches when any element does (RFC 7644 §3.4.2.2). `ne` is the complement of `eq` ("no element
 * equals"), so `not (emails eq "x")` and `emails ne "x"` agree, and absent arrays match `ne`.
 */
function compileArrayTest(
  mapping: JsonArrayMapping,
  path: AttrPath,
  op: CompareOp | "pr",
  value: FilterValue,
  param: Param,
): string {
  if (op === "pr" && path.subAttr === undefined) {
    // CASE, not AND: PostgreSQL does not promise to evaluate AND operands left to right, and
    // jsonb_array_length raises an error on a non-array (e.g. a JSON null stored by the ORM).
    return `(CASE WHEN jsonb_typeof(${mapping.sql}) = 'array' THEN jsonb_array_length(${mapping.sql}) > 0 ELSE false END)`;
  }
  const subAttr = path.subAttr ?? mapping.defaultSubAttr;
  const label = printAttrPath({ ...path, subAttr });
  const operand = elementOperand(mapping, subAttr, label);
  if (value === null && (op === "eq" || op === "ne")) {
    const anyValue = existsElement(mapping.sql, `${operand.sql} IS NOT NULL`);
    return op === "eq" ? `(NOT ${anyValue})` : anyValue;
  }
  if (op === "ne") {
    return `(NOT ${existsElement(mapping.sql, compareOperand(operand, "eq", value, param))})`;
  }
  return existsElement(mapping.sql, compareOperand(operand, op, value, param));
}

/** `emails[type eq "work" and value co "@x"]`: all conditions hold for the SAME element. */
function compileValuePath(path: AttrPath, inner: Filter, ctx: Context): string {
  const label = printAttrPath(path);
  if (path.subAttr !== undefined) {
    throw invalidFilter(
      `'${label}' is a sub-attribute; a value filter '[...]' needs a multi-valued attribute.`,
    );
  }
  const mapping = ctx.resolve(path);
  if (mapping?.kind === "jsonArray") {
    return existsElement(mapping.sql, compileElementFilter(inner, mapping, label, ctx.param));
  }
  if (mapping?.kind === "exists") return compileExistsFilter(inner, mapping, label, ctx.param);
  // A complex single-valued attribute stored as columns, e.g. name[givenName eq "x"]: the inner
  // names are its sub-attributes, so this is the filter `name.givenName eq "x"`.
  return compileNode(qualifySubAttrs(inner, path, label), ctx);
}

function qualifySubAttrs(filter: Filter, parent: AttrPath, label: string): Filter {
  switch (filter.kind) {
    case "and":
    case "or":
      return {
        kind: filter.kind,
        left: qualifySubAttrs(filter.left, parent, label),
        right: qualifySubAttrs(filter.right, parent, label),
      };
    case "not":
      return { kind: "not", filter: qualifySubAttrs(filter.filter, parent, label) };
    case "valuePath":
      throw invalidFilter(`Value filters cannot be nested ('${label}[...]' contains '[...]').`);
    case "compare":
    case "present": {
      const path: AttrPath = { attr: parent.attr, subAttr: elementAttrName(filter.path, label) };
      if (parent.schema !== undefined) path.schema = parent.schema;
      return { ...filter, path };
    }
  }
}

/** The inner filter of a value path over a jsonb array, evaluated per element `e.v`. */
function compileElementFilter(
  filter: Filter,
  mapping: JsonArrayMapping,
  label: string,
  param: Param,
): string {
  switch (filter.kind) {
    case "and":
      return `(${compileElementFilter(filter.left, mapping, label, param)} AND ${compileElementFilter(filter.right, mapping, label, param)})`;
    case "or":
      return `(${compileElementFilter(filter.left, mapping, label, param)} OR ${compileElementFilter(filter.right, mapping, label, param)})`;
    case "not":
      return `(NOT ${compileElementFilter(filter.filter, mapping, label, param)})`;
    case "valuePath":
      throw invalidFilter(`Value filters cannot be nested ('${label}[...]' contains '[...]').`);
    case "compare":
    case "present": {
      const name = elementAttrName(filter.path, label);
      const operand = elementOperand(mapping, name, `${label}.${name}`);
      return filter.kind === "present"
        ? compareOperand(operand, "pr", null, param)
        : compareOperand(operand, filter.op, filter.value, param);
    }
  }
}

/**
 * The inner filter of a value path over an ExistsMapping (e.g. `members[value eq "id"]`). Each
 * comparison is its own EXISTS, so only `or` keeps the same-element meaning; `and` / `not` would
 * silently change it and are rejected.
 */
function compileExistsFilter(filter: Filter, mapping: ExistsMapping, label: string, param: Param): string {
  switch (filter.kind) {
    case "or":
      return `(${compileExistsFilter(filter.left, mapping, label, param)} OR ${compileExistsFilter(filter.right, mapping, label, param)})`;
    case "compare":
    case "present": {
      const subAttr = elementAttrName(filter.path, label);
      const op = filter.kind === "present" ? "pr" : filter.op;
      const value = filter.kind === "present" ? null : filter.value;
      return `(${mapping.compile({ op, subAttr, value, param })})`;
    }
    default:
      throw invalidFilter(
        `Only comparisons joined by 'or' are supported inside '${label}[...]'; found '${filter.kind}'.`,
      );
  }
}

/** Inside brackets, paths name a sub-attribute of the element: `type`, not `type.x` or a URN. */
function elementAttrName(path: AttrPath, label: string): string {
  if (path.schema !== undefined || path.subAttr !== undefined) {
    throw unknownAttribute(`${label}[${printAttrPath(path)}]`);
  }
  return path.attr;
}

function existsElement(arraySql: string, condition: string): string {
  // A non-array (SQL NULL, JSON null, an object) has no elements instead of raising an error.
  return `EXISTS (SELECT 1 FROM jsonb_array_elements(CASE WHEN jsonb_typeof(${arraySql}) = 'array' THEN ${arraySql} END) AS e(v) WHERE ${condition})`;
}

function columnOperand(mapping: ColumnMapping, label: string): Operand {
  return {
    sql: mapping.sql,
    type: mapping.type,
    caseExact: mapping.caseExact,
    lowercased: mapping.lowercased ?? false,
    booleanAsText: false,
    label,
  };
}

/** A sub-attribute of the current element `e.v`, read so that malformed JSON gives NULL, not an error. */
function elementOperand(mapping: JsonArrayMapping, name: string, label: string): Operand {
  const lowerName = name.toLowerCase();
  // Own properties only: the name comes from the filter, and `constructor` is on every object.
  const subAttr = Object.hasOwn(mapping.subAttrs, lowerName) ? mapping.subAttrs[lowerName] : undefined;
  if (subAttr === undefined) throw unknownAttribute(label);
  const key = sqlStringLiteral(subAttr.jsonKey ?? lowerName);
  const text = `(e.v->>${key})`;
  const operand: Operand = {
    sql: text,
    type: subAttr.type,
    caseExact: subAttr.caseExact,
    lowercased: false,
    booleanAsText: subAttr.type === "boolean",
    label,
  };
  if (subAttr.type === "integer" || subAttr.type === "decimal") {
    operand.sql = `(CASE WHEN jsonb_typeof(e.v->${key}) = 'number' THEN ${text}::numeric END)`;
  } else if (subAttr.type === "dateTime") {
    operand.sql = `(CASE WHEN ${text} ~ '${SQL_DATE_TIME_PATTERN}' THEN ${text}::timestamptz END)`;
  }
  return operand;
}

/** One comparison on a scalar expression; the result is never NULL. */
function compareOperand(operand: Operand, op: CompareOp | "pr", value: FilterValue, param: Param): string {
  const col = operand.sql;
  if (op === "pr") {
    // RFC 7644 §3.4.2.2 "pr": has a non-empty value.
    return operand.type === "string" ? `(${col} IS NOT NULL AND ${col} <> '')` : `(${col} IS NOT NULL)`;
  }
  if (value === null) {
    if (op === "eq") return `(${col} IS NULL)`;
    if (op === "ne") return `(${col} IS NOT NULL)`;
    throw invalidFilter(`The operator '${op}' cannot be used with null (attribute '${operand.label}').`);
  }
  switch (operand.type) {
    case "string":
      return compareString(operand, op, value, param);
    case "boolean": {
      // RFC 7644 §3.4.2.2: only eq / ne make sense for booleans; others are invalidFilter.
      if (op !== "eq" && op !== "ne") throw unsupportedOperator(operand, op);
      const bool = toBoolean(value);
      if (bool === undefined) throw typeMismatch(operand, value, "true or false");
      return operand.booleanAsText
        ? relation(col, `lower(${col})`, op, param(String(bool)))
        : relation(col, col, op, `${param(bool)}::boolean`);
    }
    case "integer":
    case "decimal": {
      if (op === "co" || op === "sw" || op === "ew") throw unsupportedOperator(operand, op);
      const integer = operand.type === "integer";
      const number = toNumber(value, integer);
      if (number === undefined) throw typeMismatch(operand, value, integer ? "an integer" : "a number");
      return relation(col, col, op, `${param(number)}::${integer ? "bigint" : "numeric"}`);
    }
    case "dateTime": {
      if (op === "co" || op === "sw" || op === "ew") throw unsupportedOperator(operand, op);
      // A bad timestamp must be a 400 here, not a cast error (500) in the database.
      if (typeof value !== "string" || !isIsoDateTime(value)) {
        throw typeMismatch(operand, value, 'an ISO 8601 date-time such as "2024-01-31T12:00:00Z"');
      }
      return relation(col, col, op, `${param(value)}::timestamptz`);
    }
  }
}

function compareString(
  operand: Operand,
  op: CompareOp,
  value: string | number | boolean,
  param: Param,
): string {
  if (typeof value === "boolean") throw typeMismatch(operand, value, "a string");
  // A number literal on a string attribute compares with its string form (employeeNumber eq 42).
  const text = typeof value === "number" ? printFilterValue(value) : value;
  const col = operand.sql;
  if (op === "co" || op === "sw" || op === "ew") {
    const escaped = text.replace(/[\\%_]/g, (ch) => `\\${ch}`);
    const pattern = op === "co" ? `%${escaped}%` : op === "sw" ? `${escaped}%` : `%${escaped}`;
    const p = param(operand.lowercased ? pattern.toLowerCase() : pattern);
    const match = operand.caseExact
      ? `${col} LIKE ${p}`
      : operand.lowercased
        ? `${col} LIKE ${p}`
        : `${col} ILIKE ${p}`;
    return `(${col} IS NOT NULL AND ${match} ESCAPE '\\')`;
  }
  // caseExact false (the RFC 7643 §2.2 default): compare case-insensitively (also gt/lt).
  // A lowercased column holds JavaScript's toLowerCase() of the value (userNameKey,
  // displayNameKey), so the literal is lowered the same way: PostgreSQL's lower() depends on the
  // database's ctype and differs for e.g. the Greek final sigma, and a lookup that misses makes
  // Entra create a duplicate (then loop on 409).
  if (operand.lowercased) return relation(col, col, op, param(text.toLowerCase()));
  const p = param(text);
  if (operand.caseExact) return relation(col, col, op, p);
  return relation(col, `lower(${col})`, op, `lower(${p})`);
}

/** `left op right` that is FALSE (not NULL) when `col` is NULL — except `ne`, which is TRUE then. */
function relation(col: string, left: string, op: keyof typeof SQL_OPERATORS, right: string): string {
  if (op === "ne") return `(${col} IS NULL OR ${left} <> ${right})`;
  return `(${col} IS NOT NULL AND ${left} ${SQL_OPERATORS[op]} ${right})`;
}

/** Entra ID sends booleans as strings ("True", "False"). */
function toBoolean(value: string | number | boolean): boolean | undefined {
  if (typeof value === "boolean") return value;
  if (typeof value !== "string") return undefined;
  const lower = value.toLowerCase();
  return lower === "true" ? true : lower === "false" ? false : undefined;
}

/** A number, or a numeric string; integers must fit a bigint without losing precision. */
function toNumber(value: string | number | boolean, integer: boolean): number | string | undefined {
  if (typeof value === "boolean") return undefined;
  if (typeof value === "string" && !/^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$/.test(value)) {
    return undefined;
  }
  const number = Number(value);
  if (!Number.isFinite(number)) return undefined;
  if (integer) return Number.isSafeInteger(number) ? number : undefined;
  // Keep a decimal string as written: Number() would round it.
  return value;
}

function sqlStringLiteral(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

function unknownAttribute(name: string): ScimError {
  return invalidFilter(`The attribute '${name}' is unknown or cannot be used in a filter.`);
}

function unsupportedOperator(operand: Operand, op: CompareOp): ScimError {
  const article = operand.type === "integer" ? "an" : "a";
  return invalidFilter(
    `The operator '${op}' cannot be used on '${operand.label}', which is ${article} ${operand.type} attribute (RFC 7644 §3.4.2.2).`,
  );
}

function typeMismatch(operand: Operand, value: string | number | boolean, expected: string): ScimError {
  return invalidFilter(
    `'${operand.label}' expects ${expected}; ${printFilterValue(value)} is not valid for it.`,
  );
}
