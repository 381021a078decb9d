// Reads what the SQL migrations actually created in PostgreSQL, as the schema model of
// schema-drift.ts.
import type { SqlTx } from "./client";
import {
  normaliseDefault,
  type DatabaseSchema,
  type ReferentialAction,
  type TableSchema,
} from "./schema-drift";

// ---------------------------------------------------------------------------------------------
// Introspection

const ACTION_CODES: Record<string, ReferentialAction> = {
  a: "NoAction",
  r: "Restrict",
  c: "Cascade",
  n: "SetNull",
  d: "SetDefault",
};

const IGNORED_TABLES = new Set(["_prisma_migrations"]);

interface ColumnRow {
  table_name: string;
  name: string;
  type: string;
  not_null: boolean;
  default_expr: string | null;
  identity: string;
  generated: string;
}

interface IndexRow {
  table_name: string;
  name: string;
  is_unique: boolean;
  is_primary: boolean;
  method: string;
  predicate: string | null;
  key_count: number;
  nulls_not_distinct: string | null;
  cols: { attnum: number; col: string | null; expr: string | null; opt: number }[];
}

interface ConstraintRow {
  table_name: string;
  name: string;
  type: string;
  ref_table: string | null;
  columns: string[] | null;
  ref_columns: string[] | null;
  on_delete: string;
  on_update: string;
  deferrable: boolean;
  match_type: string;
  definition: string;
}

/** Reads tables, columns, keys, indexes and constraints of the `public` schema (not `_prisma_migrations`). */
export async function introspectDatabase(tx: SqlTx): Promise<DatabaseSchema> {
  const tableRows = await tx.query<{ name: string }>(
    `SELECT c.relname AS name
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
      ORDER BY c.relname`,
  );
  const columns = await tx.query<ColumnRow>(
    `SELECT c.relname AS table_name, a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type,
            a.attnotnull AS not_null, pg_get_expr(d.adbin, d.adrelid) AS default_expr,
            a.attidentity::text AS identity, a.attgenerated::text AS generated
       FROM pg_attribute a
       JOIN pg_class c ON c.oid = a.attrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
       LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY c.relname, a.attnum`,
  );
  const indexes = await tx.query<IndexRow>(
    `SELECT t.relname AS table_name, i.relname AS name, ix.indisunique AS is_unique, ix.indisprimary AS is_primary,
            am.amname AS method, pg_get_expr(ix.indpred, ix.indrelid) AS predicate, ix.indnkeyatts AS key_count,
            to_jsonb(ix) ->> 'indnullsnotdistinct' AS nulls_not_distinct,
            (SELECT json_agg(json_build_object(
                      'attnum', k.attnum,
                      'col', a.attname,
                      'expr', CASE WHEN k.attnum = 0 THEN pg_get_indexdef(ix.indexrelid, k.ord::int, true) END,
                      'opt', COALESCE(ix.indoption[k.ord - 1], 0)) ORDER BY k.ord)
               FROM unnest(ix.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
               LEFT JOIN pg_attribute a ON a.attrelid = ix.indrelid AND a.attnum = k.attnum) AS cols
       FROM pg_index ix
       JOIN pg_class i ON i.oid = ix.indexrelid
       JOIN pg_class t ON t.oid = ix.indrelid
       JOIN pg_namespace n ON n.oid = t.relnamespace
       JOIN pg_am am ON am.oid = i.relam
      WHERE n.nspname = 'public' AND t.relkind IN ('r', 'p')
      ORDER BY t.relname, i.relname`,
  );
  const constraints = await tx.query<ConstraintRow>(
    `SELECT t.relname AS table_name, con.conname AS name, con.contype::text AS type, rt.relname AS ref_table,
            (SELECT json_agg(a.attname ORDER BY k.ord)
               FROM unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord)
               JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum) AS columns,
            (SELECT json_agg(a.attname ORDER BY k.ord)
               FROM unnest(con.confkey) WITH ORDINALITY AS k(attnum, ord)
               JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum) AS ref_columns,
            con.confdeltype::text AS on_delete, con.confupdtype::text AS on_update,
            con.condeferrable AS deferrable, con.confmatchtype::text AS match_type,
            pg_get_constraintdef(con.oid, true) AS definition
       FROM pg_constraint con
       JOIN pg_class t ON t.oid = con.conrelid
       JOIN pg_namespace n ON n.oid = t.relnamespace
       LEFT JOIN pg_class rt ON rt.oid = con.confrelid
      WHERE n.nspname = 'public' AND t.relkind IN ('r', 'p') AND con.contype IN ('p', 'f', 'c', 'x')
      ORDER BY t.relname, con.conname`,
  );

  const tables = new Map<string, TableSchema>();
  for (const r of tableRows) {
    if (IGNORED_TABLES.has(r.name)) continue;
    tables.set(r.name, {
      name: r.name,
      columns: [],
      primaryKey: null,
      indexes: [],
      foreignKeys: [],
      otherConstraints: [],
    });
  }
  for (const c of columns) {
    const t = tables.get(c.table_name);
    if (!t) continue;
    let def = normaliseDefault(c.default_expr, c.type);
    if (c.identity) def = `GENERATED ${c.identity === "a" ? "ALWAYS" : "BY DEFAULT"} AS IDENTITY`;
    if (c.generated) def = `GENERATED ALWAYS AS (${c.default_expr ?? "?"}) STORED`;
    t.columns.push({ name: c.name, type: c.type, nullable: !c.not_null, default: def });
  }
  for (const ix of indexes) {
    const t = tables.get(ix.table_name);
    if (!t || ix.is_primary) continue;
    const extras: string[] = [];
    if (ix.method !== "btree") extras.push(`USING ${ix.method}`);
    if (ix.predicate) extras.push(`WHERE ${ix.predicate}`);
    if (ix.nulls_not_distinct === "true") extras.push("NULLS NOT DISTINCT");
    const cols = ix.cols ?? [];
    const keyCols = cols.slice(0, ix.key_count);
    const included = cols.slice(ix.key_count);
    const names = keyCols.map((k) => k.col ?? `(${k.expr})`);
    keyCols.forEach((k, i) => {
      if (k.attnum === 0) extras.push(`expression ${names[i]}`);
      if (k.opt & 1) extras.push(`${names[i]} DESC`);
      // NULLS FIRST is the default for DESC, NULLS LAST for ASC.
      if (Boolean(k.opt & 2) !== Boolean(k.opt & 1))
        extras.push(`${names[i]} NULLS ${k.opt & 2 ? "FIRST" : "LAST"}`);
    });
    if (included.length) extras.push(`INCLUDE (${included.map((k) => k.col ?? k.expr).join(", ")})`);
    t.indexes.push({ name: ix.name, columns: names, unique: ix.is_unique, extras });
  }
  for (const con of constraints) {
    const t = tables.get(con.table_name);
    if (!t) continue;
    if (con.type === "p") {
      t.primaryKey = { name: con.name, columns: con.columns ?? [] };
    } else if (con.type === "f") {
      const extras: string[] = [];
      if (con.deferrable) extras.push("DEFERRABLE");
      if (con.match_type === "f") extras.push("MATCH FULL");
      if (con.match_type === "p") extras.push("MATCH PARTIAL");
      if (/SET (NULL|DEFAULT) \(/.test(con.definition)) extras.push("column list on ON DELETE SET");
      t.foreignKeys.push({
        name: con.name,
        columns: con.columns ?? [],
        referencedTable: con.ref_table ?? "?",
        referencedColumns: con.ref_columns ?? [],
        onDelete: ACTION_CODES[con.on_delete] ?? (`?${con.on_delete}` as ReferentialAction),
        onUpdate: ACTION_CODES[con.on_update] ?? (`?${con.on_update}` as ReferentialAction),
        extras,
      });
    } else {
      t.otherConstraints.push({ name: con.name, definition: con.definition });
    }
  }
  return { tables: [...tables.values()] };
}
