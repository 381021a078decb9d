// Parses schema.prisma into what Prisma Migrate would create on PostgreSQL (the schema model of
// schema-drift.ts), for the schema subset this project uses. The parser is deliberately strict: a
// schema feature it does not understand throws, so the drift check can never silently pass.
import {
  canonicalJson,
  canonicalNumber,
  quoteLiteral,
  type ExpectedSchema,
  type KeySchema,
  type ReferentialAction,
  type TableSchema,
} from "./schema-drift";
import {
  PrismaSchemaParseError,
  parsePrismaModels,
  type Attribute,
  type FieldAst,
  type ModelAst,
  type Value,
} from "./schema-drift-prisma-syntax";

// ---------------------------------------------------------------------------------------------
// Naming rules (Prisma's ConstraintNames for PostgreSQL, identifiers at most 63 bytes)

const MAX_IDENTIFIER_BYTES = 63;

function truncateBytes(s: string, maxBytes: number): string {
  if (Buffer.byteLength(s) <= maxBytes) return s;
  let out = "";
  for (const ch of s) {
    if (Buffer.byteLength(out + ch) > maxBytes) break;
    out += ch;
  }
  return out;
}

/** `{table}_{columns}{suffix}`, the table+columns part truncated as Prisma does. */
function prismaName(table: string, columns: string[] | null, suffix: string): string {
  const base = columns ? `${table}_${columns.join("_")}` : table;
  const limit = MAX_IDENTIFIER_BYTES - suffix.length;
  return `${Buffer.byteLength(base) >= limit ? truncateBytes(base, limit) : base}${suffix}`;
}

export const primaryKeyName = (table: string) => prismaName(table, null, "_pkey");
export const uniqueIndexName = (table: string, columns: string[]) => prismaName(table, columns, "_key");
export const indexName = (table: string, columns: string[]) => prismaName(table, columns, "_idx");
export const foreignKeyName = (table: string, columns: string[]) => prismaName(table, columns, "_fkey");

/** PostgreSQL's makeObjectName(): the implicit sequence of a SERIAL column. */
function serialSequenceName(table: string, column: string): string {
  const label = "seq";
  const avail = MAX_IDENTIFIER_BYTES - (label.length + 1) - (column.length + 1);
  let n1 = table.length;
  let n2 = column.length;
  while (n1 + n2 > avail) {
    if (n1 > n2) n1--;
    else n2--;
  }
  return `${table.slice(0, n1)}_${column.slice(0, n2)}_${label}`;
}


// ---------------------------------------------------------------------------------------------
// Prisma → PostgreSQL

const SCALAR_TYPES: Record<string, string> = {
  String: "text",
  Int: "integer",
  BigInt: "bigint",
  Boolean: "boolean",
  DateTime: "timestamp(3) without time zone",
  Json: "jsonb",
  Float: "double precision",
  Decimal: "numeric(65,30)",
};

const CLIENT_SIDE_GENERATORS = new Set(["uuid", "cuid", "nanoid", "ulid"]);

const ACTIONS: ReferentialAction[] = ["Cascade", "Restrict", "NoAction", "SetNull", "SetDefault"];

function nativeType(attr: Attribute, scalar: string, where: string): string {
  const native = attr.name.slice(3);
  const nums = attr.args.map((a) => {
    if (a.name !== undefined || a.value.kind !== "number" || !/^\d+$/.test(a.value.value))
      throw new PrismaSchemaParseError(`${where}: @${attr.name} takes plain integer arguments`, attr.line);
    return Number(a.value.value);
  });
  const rule = (scalars: string[], arities: number[], render: (n: number[]) => string): string => {
    if (!scalars.includes(scalar))
      throw new PrismaSchemaParseError(`${where}: @${attr.name} is not valid on ${scalar}`, attr.line);
    if (!arities.includes(nums.length))
      throw new PrismaSchemaParseError(
        `${where}: @${attr.name} takes ${arities.join(" or ")} argument(s)`,
        attr.line,
      );
    return render(nums);
  };
  switch (native) {
    case "Text":
      return rule(["String"], [0], () => "text");
    case "VarChar":
      return rule(["String"], [0, 1], (n) => (n.length ? `character varying(${n[0]})` : "character varying"));
    case "Char":
      return rule(["String"], [0, 1], (n) => `character(${n[0] ?? 1})`);
    case "Uuid":
      return rule(["String"], [0], () => "uuid");
    case "Inet":
      return rule(["String"], [0], () => "inet");
    case "Citext":
      return rule(["String"], [0], () => "citext");
    case "SmallInt":
      return rule(["Int"], [0], () => "smallint");
    case "Integer":
      return rule(["Int"], [0], () => "integer");
    case "BigInt":
      return rule(["BigInt"], [0], () => "bigint");
    case "DoublePrecision":
      return rule(["Float"], [0], () => "double precision");
    case "Real":
      return rule(["Float"], [0], () => "real");
    case "Decimal":
      return rule(["Decimal"], [0, 2], (n) => (n.length ? `numeric(${n[0]},${n[1]})` : "numeric"));
    case "Boolean":
      return rule(["Boolean"], [0], () => "boolean");
    case "Json":
      return rule(["Json"], [0], () => "json");
    case "JsonB":
      return rule(["Json"], [0], () => "jsonb");
    case "Date":
      return rule(["DateTime"], [0], () => "date");
    // Precision is required here: what Prisma renders without one is not pinned down by this parser.
    case "Timestamp":
      return rule(["DateTime"], [1], (n) => `timestamp(${n[0]}) without time zone`);
    case "Timestamptz":
      return rule(["DateTime"], [1], (n) => `timestamp(${n[0]}) with time zone`);
    case "Time":
      return rule(["DateTime"], [1], (n) => `time(${n[0]}) without time zone`);
    case "Timetz":
      return rule(["DateTime"], [1], (n) => `time(${n[0]}) with time zone`);
    default:
      throw new PrismaSchemaParseError(`${where}: unsupported native type @${attr.name}`, attr.line);
  }
}

interface ArgSpec {
  positional?: string[];
  named?: string[];
}

function readArgs(attr: Attribute, spec: ArgSpec, where: string): Map<string, Value> {
  const out = new Map<string, Value>();
  const positional = spec.positional ?? [];
  const allowed = new Set([...positional, ...(spec.named ?? [])]);
  let index = 0;
  for (const arg of attr.args) {
    let name = arg.name;
    if (name === undefined) {
      if (index >= positional.length)
        throw new PrismaSchemaParseError(`${where}: too many arguments to @${attr.name}`, attr.line);
      name = positional[index++];
    }
    if (!allowed.has(name))
      throw new PrismaSchemaParseError(
        `${where}: unsupported argument "${name}" of @${attr.name}`,
        attr.line,
      );
    if (out.has(name))
      throw new PrismaSchemaParseError(`${where}: argument "${name}" given twice`, attr.line);
    out.set(name, arg.value);
  }
  return out;
}

function stringArg(v: Value | undefined, what: string, line: number): string | undefined {
  if (v === undefined) return undefined;
  if (v.kind !== "string") throw new PrismaSchemaParseError(`${what} must be a string`, line);
  return v.value;
}

function fieldList(v: Value | undefined, what: string, line: number): string[] {
  if (!v || v.kind !== "array" || v.items.length === 0)
    throw new PrismaSchemaParseError(`${what} must be a non-empty list of field names`, line);
  return v.items.map((item) => {
    if (item.kind !== "ident")
      throw new PrismaSchemaParseError(
        `${what}: only plain field names are supported (no sort/length/ops)`,
        line,
      );
    return item.value;
  });
}

function checkAttributes(field: FieldAst, model: string, allowed: string[]): void {
  for (const a of field.attributes) {
    const key = a.name.startsWith("db.") ? "db.*" : a.name;
    if (!allowed.includes(key))
      throw new PrismaSchemaParseError(`unsupported attribute @${a.name} on ${model}.${field.name}`, a.line);
  }
  const names = field.attributes.map((a) => (a.name.startsWith("db.") ? "db.*" : a.name));
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup)
    throw new PrismaSchemaParseError(`attribute @${dup} repeated on ${model}.${field.name}`, field.line);
}

/** Parses schema.prisma and derives the PostgreSQL schema Prisma Migrate would create for it. */
export function parsePrismaSchema(text: string): ExpectedSchema {
  const models = parsePrismaModels(text);
  const byName = new Map(models.map((m) => [m.name, m]));

  const tableName = (m: ModelAst): string => {
    const map = m.attributes.find((a) => a.name === "@map");
    if (!map) return m.name;
    return stringArg(readArgs(map, { positional: ["name"] }, m.name).get("name"), "@@map", map.line)!;
  };
  const isRelation = (f: FieldAst) => byName.has(f.type);
  const columnName = (m: ModelAst, fieldName: string, line: number): string => {
    const f = m.fields.find((x) => x.name === fieldName);
    if (!f) throw new PrismaSchemaParseError(`${m.name} has no field "${fieldName}"`, line);
    if (isRelation(f))
      throw new PrismaSchemaParseError(`${m.name}.${fieldName} is a relation field, not a scalar`, line);
    const map = f.attributes.find((a) => a.name === "map");
    if (!map) return f.name;
    return stringArg(
      readArgs(map, { positional: ["name"] }, `${m.name}.${f.name}`).get("name"),
      "@map",
      map.line,
    )!;
  };
  const relationName = (f: FieldAst, where: string): string | undefined => {
    const rel = f.attributes.find((a) => a.name === "relation");
    if (!rel) return undefined;
    return stringArg(
      readArgs(
        rel,
        { positional: ["name"], named: ["fields", "references", "onDelete", "onUpdate", "map"] },
        where,
      ).get("name"),
      "relation name",
      rel.line,
    );
  };

  const tables: TableSchema[] = [];
  const tableNames = new Set<string>();
  for (const model of models) {
    const table = tableName(model);
    if (tableNames.has(table))
      throw new PrismaSchemaParseError(`two models map to table "${table}"`, model.line);
    tableNames.add(table);
    const out: TableSchema = {
      name: table,
      columns: [],
      primaryKey: null,
      indexes: [],
      foreignKeys: [],
      otherConstraints: [],
    };
    const setPrimaryKey = (pk: KeySchema, line: number) => {
      if (out.primaryKey)
        throw new PrismaSchemaParseError(`${model.name} has more than one primary key`, line);
      out.primaryKey = pk;
    };

    for (const field of model.fields) {
      const where = `${model.name}.${field.name}`;
      if (isRelation(field)) {
        checkAttributes(field, model.name, ["relation"]);
        continue; // foreign keys below, once every column is known
      }
      const baseType = SCALAR_TYPES[field.type];
      if (!baseType)
        throw new PrismaSchemaParseError(`unsupported type "${field.type}" of ${where}`, field.line);
      if (field.list)
        throw new PrismaSchemaParseError(
          `scalar lists (${field.type}[]) are not supported: ${where}`,
          field.line,
        );
      checkAttributes(field, model.name, ["id", "default", "unique", "updatedAt", "map", "db.*"]);
      const column = columnName(model, field.name, field.line);
      const attr = (name: string) => field.attributes.find((a) => a.name === name);

      const native = field.attributes.find((a) => a.name.startsWith("db."));
      const type = native ? nativeType(native, field.type, where) : baseType;

      let def: string | null = null;
      const defaultAttr = attr("default");
      if (defaultAttr) {
        const v = readArgs(defaultAttr, { positional: ["value"] }, where).get("value");
        if (!v) throw new PrismaSchemaParseError(`${where}: @default needs a value`, defaultAttr.line);
        const bad = (): never => {
          throw new PrismaSchemaParseError(
            `${where}: unsupported @default for ${field.type}`,
            defaultAttr.line,
          );
        };
        if (v.kind === "call") {
          if (
            v.args.length > 0 &&
            !(v.name === "uuid" && v.args.length === 1 && v.args[0].value.kind === "number")
          )
            bad();
          if (v.name === "now" && field.type === "DateTime") def = "CURRENT_TIMESTAMP";
          else if (v.name === "autoincrement" && (field.type === "Int" || field.type === "BigInt")) {
            if (!["integer", "bigint", "smallint"].includes(type)) bad();
            def = `nextval(${serialSequenceName(table, column)})`;
          } else if (CLIENT_SIDE_GENERATORS.has(v.name) && field.type === "String") def = null;
          else bad();
        } else if (v.kind === "string") {
          if (field.type === "String") def = quoteLiteral(v.value);
          else if (field.type === "Json") {
            const json = canonicalJson(v.value);
            if (json === null)
              throw new PrismaSchemaParseError(`${where}: @default is not valid JSON`, defaultAttr.line);
            def = quoteLiteral(json);
          } else bad();
        } else if (v.kind === "number") {
          if (!["Int", "BigInt", "Float", "Decimal"].includes(field.type)) bad();
          if ((field.type === "Int" || field.type === "BigInt") && !/^-?\d+$/.test(v.value)) bad();
          def = canonicalNumber(v.value);
        } else if (v.kind === "ident" && (v.value === "true" || v.value === "false")) {
          if (field.type !== "Boolean") bad();
          def = v.value;
        } else {
          bad();
        }
      }
      if (attr("updatedAt") && field.type !== "DateTime")
        throw new PrismaSchemaParseError(`${where}: @updatedAt needs DateTime`, field.line);

      const idAttr = attr("id");
      if (idAttr) {
        if (field.optional)
          throw new PrismaSchemaParseError(`${where}: an @id field cannot be optional`, idAttr.line);
        const map = stringArg(readArgs(idAttr, { named: ["map"] }, where).get("map"), "@id map", idAttr.line);
        setPrimaryKey({ name: map ?? primaryKeyName(table), columns: [column] }, idAttr.line);
      }
      const uniqueAttr = attr("unique");
      if (uniqueAttr) {
        const map = stringArg(
          readArgs(uniqueAttr, { named: ["map"] }, where).get("map"),
          "@unique map",
          uniqueAttr.line,
        );
        out.indexes.push({
          name: map ?? uniqueIndexName(table, [column]),
          columns: [column],
          unique: true,
          extras: [],
        });
      }
      out.columns.push({ name: column, type, nullable: field.optional, default: def });
    }

    for (const a of model.attributes) {
      const where = `${model.name} @${a.name}`;
      if (a.name === "@map") continue;
      if (a.name === "@id") {
        const args = readArgs(a, { positional: ["fields"], named: ["name", "map"] }, where);
        const cols = fieldList(args.get("fields"), where, a.line).map((f) => columnName(model, f, a.line));
        for (const f of fieldList(args.get("fields"), where, a.line))
          if (model.fields.find((x) => x.name === f)?.optional)
            throw new PrismaSchemaParseError(`${where}: field ${f} cannot be optional`, a.line);
        stringArg(args.get("name"), "@@id name", a.line);
        setPrimaryKey(
          { name: stringArg(args.get("map"), "@@id map", a.line) ?? primaryKeyName(table), columns: cols },
          a.line,
        );
      } else if (a.name === "@unique" || a.name === "@index") {
        const unique = a.name === "@unique";
        const args = readArgs(
          a,
          { positional: ["fields"], named: unique ? ["name", "map"] : ["map"] },
          where,
        );
        const cols = fieldList(args.get("fields"), where, a.line).map((f) => columnName(model, f, a.line));
        stringArg(args.get("name"), "name", a.line);
        const name =
          stringArg(args.get("map"), "map", a.line) ??
          (unique ? uniqueIndexName(table, cols) : indexName(table, cols));
        out.indexes.push({ name, columns: cols, unique, extras: [] });
      } else {
        throw new PrismaSchemaParseError(`unsupported attribute @${a.name} on model ${model.name}`, a.line);
      }
    }
    if (model.attributes.filter((a) => a.name === "@map").length > 1)
      throw new PrismaSchemaParseError(`${model.name}: @@map repeated`, model.line);

    // Relations: the side with `fields` owns the foreign key; the other side must exist and is virtual.
    for (const field of model.fields) {
      if (!isRelation(field)) continue;
      const where = `${model.name}.${field.name}`;
      const target = byName.get(field.type)!;
      const rel = field.attributes.find((a) => a.name === "relation");
      const args = rel
        ? readArgs(
            rel,
            { positional: ["name"], named: ["fields", "references", "onDelete", "onUpdate", "map"] },
            where,
          )
        : new Map<string, Value>();
      const name = relationName(field, where);
      if (!args.has("fields") && !args.has("references")) {
        if (args.has("onDelete") || args.has("onUpdate") || args.has("map"))
          throw new PrismaSchemaParseError(
            `${where}: referential actions belong on the side with fields/references`,
            field.line,
          );
        const owner = target.fields.find(
          (f) =>
            f !== field &&
            f.type === model.name &&
            relationName(f, `${target.name}.${f.name}`) === name &&
            f.attributes.some((a) => a.name === "relation" && a.args.some((x) => x.name === "fields")),
        );
        if (!owner) {
          throw new PrismaSchemaParseError(
            `${where}: relation without fields/references and no opposite side that has them ` +
              `(implicit many-to-many relations create join tables and are not supported)`,
            field.line,
          );
        }
        continue;
      }
      if (field.list)
        throw new PrismaSchemaParseError(
          `${where}: a list relation field cannot have fields/references`,
          field.line,
        );
      const fieldNames = fieldList(args.get("fields"), `${where} fields`, field.line);
      const refNames = fieldList(args.get("references"), `${where} references`, field.line);
      if (fieldNames.length !== refNames.length)
        throw new PrismaSchemaParseError(`${where}: fields and references differ in length`, field.line);
      const cols = fieldNames.map((f) => columnName(model, f, field.line));
      const refCols = refNames.map((f) => columnName(target, f, field.line));
      const action = (key: string): ReferentialAction | undefined => {
        const v = args.get(key);
        if (v === undefined) return undefined;
        if (v.kind !== "ident" || !ACTIONS.includes(v.value as ReferentialAction))
          throw new PrismaSchemaParseError(`${where}: unsupported ${key} action`, field.line);
        return v.value as ReferentialAction;
      };
      // Prisma: the relation counts as required if any referencing scalar field is required.
      const anyRequired = fieldNames.some((f) => !model.fields.find((x) => x.name === f)!.optional);
      const required = anyRequired || !field.optional;
      out.foreignKeys.push({
        name: stringArg(args.get("map"), "@relation map", field.line) ?? foreignKeyName(table, cols),
        columns: cols,
        referencedTable: tableName(target),
        referencedColumns: refCols,
        onDelete: action("onDelete") ?? (required ? "Restrict" : "SetNull"),
        onUpdate: action("onUpdate") ?? "Cascade",
        extras: [],
      });
    }
    tables.push(out);
  }
  return { tables };
}
