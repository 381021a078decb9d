// Schema drift check: replaces `prisma migrate diff`, which needs Prisma's native schema engine
// (see /work/shared/TOOLCHAIN.md). parsePrismaSchema() (schema-drift-parse.ts) derives what Prisma
// Migrate would create on PostgreSQL for the schema subset this project uses; introspectDatabase()
// (schema-drift-introspect.ts) reads what the SQL migrations actually created; both produce the
// schema model below, with defaults in one canonical form, and diffSchemas() lists every
// difference.

export type ReferentialAction = "Cascade" | "Restrict" | "NoAction" | "SetNull" | "SetDefault";

export interface ColumnSchema {
  name: string;
  /** As PostgreSQL's format_type() reports it, e.g. `timestamp(3) without time zone`. */
  type: string;
  nullable: boolean;
  /** Normalised default: `'text'`, `42`, `true`, `CURRENT_TIMESTAMP`, `nextval(<sequence>)`, or null. */
  default: string | null;
}

export interface KeySchema {
  name: string;
  columns: string[];
}

export interface IndexSchema {
  name: string;
  columns: string[];
  unique: boolean;
  /** Properties Prisma Migrate never creates for this schema subset (method, WHERE, DESC, INCLUDE...). */
  extras: string[];
}

export interface ForeignKeySchema {
  name: string;
  columns: string[];
  referencedTable: string;
  referencedColumns: string[];
  onDelete: ReferentialAction;
  onUpdate: ReferentialAction;
  /** Properties Prisma Migrate never creates (DEFERRABLE, MATCH FULL, ...). */
  extras: string[];
}

/** CHECK and EXCLUDE constraints: Prisma never creates them, so the expected side has none. */
export interface OtherConstraintSchema {
  name: string;
  definition: string;
}

export interface TableSchema {
  name: string;
  columns: ColumnSchema[];
  primaryKey: KeySchema | null;
  indexes: IndexSchema[];
  foreignKeys: ForeignKeySchema[];
  otherConstraints: OtherConstraintSchema[];
}

export interface ExpectedSchema {
  tables: TableSchema[];
}

/** What introspectDatabase() returns: the same shape as the expected schema. */
export type DatabaseSchema = ExpectedSchema;

// ---------------------------------------------------------------------------------------------
// Values and defaults

const NUMERIC_TYPES = /^(smallint|integer|bigint|real|double precision|numeric(\(\d+,\d+\))?|oid)$/;

export function canonicalNumber(raw: string): string {
  const s = raw.trim().replace(/^\+/, "");
  if (/^-?\d+$/.test(s)) return BigInt(s).toString();
  if (/^-?\d*\.\d+$|^-?\d+\.\d*$/.test(s)) {
    let [int, frac] = s.split(".");
    const negative = int.startsWith("-");
    int = (negative ? int.slice(1) : int).replace(/^0+(?=\d)/, "") || "0";
    frac = frac.replace(/0+$/, "");
    const out = frac ? `${int}.${frac}` : int;
    return negative && out !== "0" ? `-${out}` : out;
  }
  const n = Number(s);
  return Number.isFinite(n) ? String(n) : s;
}

export const quoteLiteral = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** JSON text with object keys sorted (jsonb re-serialises and reorders what it stores). */
export function canonicalJson(text: string): string | null {
  const sortKeys = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(sortKeys)
      : v !== null && typeof v === "object"
        ? Object.fromEntries(
            Object.entries(v as Record<string, unknown>)
              .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
              .map(([k, x]) => [k, sortKeys(x)]),
          )
        : v;
  try {
    return JSON.stringify(sortKeys(JSON.parse(text)));
  } catch {
    return null;
  }
}

/** Normalises a default expression as pg_get_expr() prints it, for comparison with the expected one. */
export function normaliseDefault(expr: string | null, type: string): string | null {
  if (expr === null) return null;
  let e = expr.trim();
  const seq = /^nextval\('(.+)'(?:::regclass)?\)$/.exec(e);
  if (seq) return `nextval(${seq[1].replace(/^"(.*)"$/, "$1").replace(/^public\./, "")})`;
  if (/^(CURRENT_TIMESTAMP|now\(\))$/i.test(e)) return "CURRENT_TIMESTAMP";
  // Strip one trailing cast to the column's own type, e.g. 'generic'::text, '-1'::integer.
  const cast =
    /^('(?:[^']|'')*')::[a-z][a-z0-9_ ]*(\([0-9, ]+\))?( without time zone| with time zone)?$/i.exec(e);
  if (cast) e = cast[1];
  if (type === "json" || type === "jsonb") {
    const literal = /^'((?:[^']|'')*)'$/.exec(e)?.[1];
    const json = literal === undefined ? null : canonicalJson(literal.replace(/''/g, "'"));
    if (json !== null) return quoteLiteral(json);
  }
  if (NUMERIC_TYPES.test(type)) {
    const unquoted = /^'(.*)'$/.exec(e)?.[1] ?? e;
    const unparen = /^\((.*)\)$/.exec(unquoted)?.[1] ?? unquoted;
    if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(unparen)) return canonicalNumber(unparen);
  }
  return e;
}

// ---------------------------------------------------------------------------------------------
// Diff

export interface DiffOptions {
  /**
   * Extra database objects added on purpose, reported otherwise: `"Table"` for a table,
   * `"Table.name"` for a column, index or constraint.
   */
  allowExtra?: string[];
}

/**
 * Objects the migrations create that schema.prisma cannot describe (GIN indexes of migrations
 * 20261207130000 and 20261208200000, a NULLS FIRST key of 20261208180000): expected in every
 * database, so never reported as extra.
 */
export const SQL_ONLY_OBJECTS = [
  "AuditEvent.AuditEvent_names_User_idx",
  "AuditEvent.AuditEvent_search_idx",
  "RequestLog.RequestLog_unkeyed_directoryId_idx",
  "ContractRevision.ContractRevision_tags_idx",
  "ReviewItem.ReviewItem_queue_idx",
];

const q = (s: string) => `"${s}"`;
const list = (cols: string[]) => `(${cols.join(", ")})`;
const same = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i]);
const describeIndex = (i: IndexSchema) =>
  `${i.unique ? "UNIQUE " : ""}${list(i.columns)}${i.extras.length ? ` [${i.extras.join("; ")}]` : ""}`;
const describeFk = (f: ForeignKeySchema) =>
  `${list(f.columns)} → ${q(f.referencedTable)}${list(f.referencedColumns)} ON DELETE ${f.onDelete} ON UPDATE ${f.onUpdate}` +
  (f.extras.length ? ` [${f.extras.join("; ")}]` : "");
const describeColumn = (c: ColumnSchema) =>
  `${c.type} ${c.nullable ? "NULL" : "NOT NULL"}${c.default !== null ? ` DEFAULT ${c.default}` : ""}`;

/** Human-readable differences, expected (from schema.prisma) versus actual (the database). Empty = no drift. */
export function diffSchemas(
  expected: ExpectedSchema,
  actual: DatabaseSchema,
  options: DiffOptions = {},
): string[] {
  const allowed = new Set([...SQL_ONLY_OBJECTS, ...(options.allowExtra ?? [])]);
  const out: string[] = [];
  const actualTables = new Map(actual.tables.map((t) => [t.name, t]));
  const expectedNames = new Set(expected.tables.map((t) => t.name));

  for (const exp of [...expected.tables].sort((a, b) => a.name.localeCompare(b.name))) {
    const act = actualTables.get(exp.name);
    const T = q(exp.name);
    if (!act) {
      out.push(`missing table ${T}`);
      continue;
    }
    const extra = (kind: string, name: string, detail: string) => {
      if (!allowed.has(`${exp.name}.${name}`)) out.push(`${T}: extra ${kind} ${q(name)} ${detail}`);
    };

    // Columns
    const actCols = new Map(act.columns.map((c) => [c.name, c]));
    for (const c of exp.columns) {
      const a = actCols.get(c.name);
      const C = `${T}.${q(c.name)}`;
      if (!a) {
        out.push(`${T}: missing column ${q(c.name)} ${describeColumn(c)}`);
        continue;
      }
      if (a.type !== c.type) out.push(`${C}: type is ${a.type}, expected ${c.type}`);
      if (a.nullable !== c.nullable)
        out.push(
          `${C}: nullability is ${a.nullable ? "NULL" : "NOT NULL"}, expected ${c.nullable ? "NULL" : "NOT NULL"}`,
        );
      if (a.default !== c.default)
        out.push(`${C}: default is ${a.default ?? "(none)"}, expected ${c.default ?? "(none)"}`);
    }
    const expCols = new Set(exp.columns.map((c) => c.name));
    for (const a of act.columns) if (!expCols.has(a.name)) extra("column", a.name, describeColumn(a));

    // Primary key
    const pk = (k: KeySchema | null) => (k ? `${q(k.name)} ${list(k.columns)}` : "(none)");
    if (
      (exp.primaryKey === null) !== (act.primaryKey === null) ||
      (exp.primaryKey &&
        act.primaryKey &&
        (exp.primaryKey.name !== act.primaryKey.name ||
          !same(exp.primaryKey.columns, act.primaryKey.columns)))
    ) {
      out.push(`${T}: primary key is ${pk(act.primaryKey)}, expected ${pk(exp.primaryKey)}`);
    }

    // Indexes (by name; then columns, uniqueness and anything Prisma would not create)
    const actIdx = new Map(act.indexes.map((i) => [i.name, i]));
    for (const i of exp.indexes) {
      const a = actIdx.get(i.name);
      const I = `${T}: index ${q(i.name)}`;
      if (!a) {
        const renamed = act.indexes.find(
          (x) =>
            x.unique === i.unique &&
            same(x.columns, i.columns) &&
            !exp.indexes.some((e) => e.name === x.name),
        );
        out.push(
          `${T}: missing ${i.unique ? "unique " : ""}index ${q(i.name)} ${describeIndex(i)}` +
            (renamed ? ` (the database has the same index named ${q(renamed.name)})` : ""),
        );
        continue;
      }
      if (!same(a.columns, i.columns))
        out.push(`${I}: columns are ${list(a.columns)}, expected ${list(i.columns)}`);
      if (a.unique !== i.unique)
        out.push(
          `${I}: is ${a.unique ? "unique" : "not unique"}, expected ${i.unique ? "unique" : "not unique"}`,
        );
      if (!same(a.extras, i.extras))
        out.push(
          `${I}: has ${a.extras.length ? a.extras.join("; ") : "no extra properties"}, expected ${i.extras.length ? i.extras.join("; ") : "a plain btree index"}`,
        );
    }
    const expIdx = new Set(exp.indexes.map((i) => i.name));
    for (const a of act.indexes)
      if (!expIdx.has(a.name)) extra(a.unique ? "unique index" : "index", a.name, describeIndex(a));

    // Foreign keys
    const actFk = new Map(act.foreignKeys.map((f) => [f.name, f]));
    for (const f of exp.foreignKeys) {
      const a = actFk.get(f.name);
      const F = `${T}: foreign key ${q(f.name)}`;
      if (!a) {
        out.push(`${T}: missing foreign key ${q(f.name)} ${describeFk(f)}`);
        continue;
      }
      if (!same(a.columns, f.columns))
        out.push(`${F}: columns are ${list(a.columns)}, expected ${list(f.columns)}`);
      if (a.referencedTable !== f.referencedTable || !same(a.referencedColumns, f.referencedColumns))
        out.push(
          `${F}: references ${q(a.referencedTable)}${list(a.referencedColumns)}, expected ${q(f.referencedTable)}${list(f.referencedColumns)}`,
        );
      if (a.onDelete !== f.onDelete) out.push(`${F}: ON DELETE ${a.onDelete}, expected ${f.onDelete}`);
      if (a.onUpdate !== f.onUpdate) out.push(`${F}: ON UPDATE ${a.onUpdate}, expected ${f.onUpdate}`);
      if (!same(a.extras, f.extras))
        out.push(
          `${F}: has ${a.extras.join("; ") || "nothing extra"}, expected ${f.extras.join("; ") || "nothing extra"}`,
        );
    }
    const expFk = new Set(exp.foreignKeys.map((f) => f.name));
    for (const a of act.foreignKeys) if (!expFk.has(a.name)) extra("foreign key", a.name, describeFk(a));

    // CHECK / EXCLUDE constraints
    const expOther = new Map(exp.otherConstraints.map((c) => [c.name, c]));
    for (const c of exp.otherConstraints) {
      const a = act.otherConstraints.find((x) => x.name === c.name);
      if (!a) out.push(`${T}: missing constraint ${q(c.name)} ${c.definition}`);
      else if (a.definition !== c.definition)
        out.push(`${T}: constraint ${q(c.name)} is ${a.definition}, expected ${c.definition}`);
    }
    for (const a of act.otherConstraints)
      if (!expOther.has(a.name)) extra("constraint", a.name, a.definition);
  }

  for (const act of [...actual.tables].sort((a, b) => a.name.localeCompare(b.name))) {
    if (!expectedNames.has(act.name) && !allowed.has(act.name))
      out.push(`extra table ${q(act.name)} with columns ${list(act.columns.map((c) => c.name))}`);
  }
  return out;
}
