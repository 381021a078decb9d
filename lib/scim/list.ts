// List and search (RFC 7644 §3.4.2, §3.4.3): filtering, sorting and paging run in the database;
// totals come from count(), never from loading rows.
import type { PrismaClient } from "@/lib/generated/prisma/client";
import type { Filter } from "./filter/ast";
import { compileFilter } from "./filter/compile-sql";
import { parseAttrName, USER_SCHEMA, type ResourceTypeName } from "./schema";
import { parseFilter } from "./filter/parse-filter";
import { invalidValue, invalidFilter } from "./errors";
import { filterResolver, sortColumn } from "./mapping";

export const MAX_RESULTS = 1000;
export const MAX_START_INDEX = 2_147_483_647;
export const DEFAULT_COUNT = 100;

export interface ListQuery {
  filter?: Filter;
  startIndex: number;
  count: number;
  sortBy?: string;
  sortOrder: "ascending" | "descending";
  attributes?: string[];
  excludedAttributes?: string[];
}

function intParam(name: string, raw: unknown): number | undefined {
  if (raw === undefined || raw === null || raw === "") return undefined;
  const n = typeof raw === "number" ? raw : Number(String(raw).trim());
  if (!Number.isFinite(n) || !Number.isInteger(n)) throw invalidValue(`${name} must be an integer`);
  return n;
}

function listParam(raw: unknown): string[] | undefined {
  if (raw === undefined || raw === null) return undefined;
  const items = (Array.isArray(raw) ? raw : String(raw).split(",")).map((s) => String(s).trim()).filter(Boolean);
  return items.length > 0 ? items : undefined;
}

/** From query parameters (GET) or a SearchRequest body (POST .search); names case-insensitive. */
export function parseListQuery(params: Record<string, unknown>): ListQuery {
  const get = (name: string) => {
    const key = Object.keys(params).find((k) => k.toLowerCase() === name.toLowerCase());
    return key === undefined ? undefined : params[key];
  };
  const filterText = get("filter");
  if (filterText !== undefined && typeof filterText !== "string") throw invalidFilter("filter must be a string");
  const sortOrderRaw = get("sortOrder");
  const sortOrder = sortOrderRaw === undefined || sortOrderRaw === "" ? "ascending" : String(sortOrderRaw).toLowerCase();
  if (sortOrder !== "ascending" && sortOrder !== "descending") throw invalidValue('sortOrder must be "ascending" or "descending"');
  // RFC 7644 §3.4.2.4: startIndex < 1 is interpreted as 1; a negative count as 0.
  // Past the last page is simply empty; the cap keeps the offset within PostgreSQL's bigint.
  const startIndex = Math.min(MAX_START_INDEX, Math.max(1, intParam("startIndex", get("startIndex")) ?? 1));
  const count = Math.min(MAX_RESULTS, Math.max(0, intParam("count", get("count")) ?? DEFAULT_COUNT));
  const sortBy = get("sortBy");
  return {
    filter: filterText && filterText.trim() !== "" ? parseFilter(filterText) : undefined,
    startIndex,
    count,
    sortBy: typeof sortBy === "string" && sortBy.trim() !== "" ? sortBy.trim() : undefined,
    sortOrder,
    attributes: listParam(get("attributes")),
    excludedAttributes: listParam(get("excludedAttributes")),
  };
}

export function parseListQueryFromUrl(url: URL): ListQuery {
  return parseListQuery(Object.fromEntries(url.searchParams.entries()));
}

const TABLES: Record<ResourceTypeName, string> = { User: '"User"', Group: '"Group"' };

function parseSortPath(s: string) {
  const path = parseAttrName(s);
  if (!path) throw invalidValue(`sortBy "${s}" is not an attribute name`);
  return path;
}

export interface Page<Row> {
  total: number;
  rows: Row[];
}

/**
 * One page of rows (in order) plus the total matching, for one resource type of a directory. The
 * rows are whole table rows read by the page query itself (the same shape Prisma returns for the
 * model), not ids loaded again by a second query. `columns` adds computed columns (SQL over the
 * row alias `t`), e.g. a user's groups, so a page is one statement; the total comes in the same
 * statement, and from a separate count only for a page past the end.
 */
export async function findPage<Row extends { id: string }>(
  prisma: PrismaClient,
  options: { resourceType: ResourceTypeName; directoryId: string; query: ListQuery; offset?: number; limit?: number; columns?: (alias: string) => string },
): Promise<Page<Row>> {
  const { resourceType, directoryId, query } = options;
  const alias = "t";
  const compiled = query.filter
    ? compileFilter(query.filter, filterResolver(resourceType, alias), { paramOffset: 1 })
    : { sql: "TRUE", params: [] };
  const where = `${alias}."directoryId" = $1 AND (${compiled.sql})`;
  const params = [directoryId, ...compiled.params];
  const offset = options.offset ?? query.startIndex - 1;
  const limit = options.limit ?? query.count;
  const direction = query.sortOrder === "descending" ? "DESC" : "ASC";
  const order = query.sortBy
    ? `${sortColumn(resourceType, alias, query.sortBy, parseSortPath)} ${direction} NULLS LAST, ${alias}."createdAt", ${alias}."id"`
    : `${alias}."createdAt" ${direction}, ${alias}."id" ${direction}`;
  const from = `FROM ${TABLES[resourceType]} ${alias} WHERE ${where}`;
  // The total comes with the page, in the same statement: a filter selects few rows (Entra's and
  // Okta's lookups), so a window count over them is cheap; an unfiltered page would read every row
  // for that window, so it stops at the page and takes the total from an index-only count in a
  // scalar subquery instead (issue 17: a separate count statement cost the list page a round trip
  // and a plan). Only a page past the end, which has no row to carry the total, counts separately.
  const totalSql = query.filter !== undefined ? `count(*) OVER ()` : `(SELECT count(*) FROM ${TABLES[resourceType]} c WHERE c."directoryId" = $1)`;
  const page = `SELECT ${alias}.*, ${totalSql} AS "__total" ${from} ORDER BY ${order} LIMIT ${limit} OFFSET ${offset}`;
  // Computed columns are evaluated for the page's rows only, outside its LIMIT.
  const rows =
    limit > 0
      ? await prisma.$queryRawUnsafe<(Row & { __total?: number | bigint })[]>(
          options.columns ? `SELECT ${alias}.*, ${options.columns(alias)} FROM (${page}) ${alias} ORDER BY ${order}` : page,
          ...params,
        )
      : [];
  if (rows.length > 0) {
    const total = Number(rows[0].__total);
    for (const row of rows) delete row.__total;
    return { total, rows };
  }
  // An empty first page: nothing matches (the existence check before every create).
  if (offset === 0 && limit > 0) return { total: 0, rows };
  const [{ n }] = await prisma.$queryRawUnsafe<{ n: number | bigint }[]>(`SELECT count(*) AS n ${from}`, ...params);
  return { total: Number(n), rows };
}

/** Whether every attribute a filter names exists for this resource type (root .search). */
export function filterAppliesTo(resourceType: ResourceTypeName, filter: Filter): boolean {
  const resolve = filterResolver(resourceType, "t");
  // Paths inside a value filter are relative to the element; the compiler checks those.
  const walk = (f: Filter): boolean => {
    switch (f.kind) {
      case "and":
      case "or":
        return walk(f.left) && walk(f.right);
      case "not":
        return walk(f.filter);
      default:
        return resolve(f.path) !== undefined;
    }
  };
  return walk(filter);
}

// The attributes that identify one user: id, userName (unique per directory) and externalId.
const IDENTIFYING_USER_ATTRIBUTES: ReadonlySet<string> = new Set(["id", "username", "externalid"]);

/**
 * Whether a User filter is a lookup of one person — `userName eq`, `externalId eq` or `id eq`,
 * possibly narrowed further with `and` — as opposed to a broad read (`pr`, `sw`, `or`, `not`, a
 * status filter). Only such a lookup tells the inactivity policy the directory still has that
 * person; a broad read that happens to return everyone says nothing about anyone.
 */
export function identifiesOneUser(filter: Filter): boolean {
  if (filter.kind === "and") return identifiesOneUser(filter.left) || identifiesOneUser(filter.right);
  if (filter.kind !== "compare" || filter.op !== "eq" || typeof filter.value !== "string") return false;
  const { schema, attr, subAttr } = filter.path;
  return (
    subAttr === undefined &&
    (schema === undefined || schema.toLowerCase() === USER_SCHEMA.toLowerCase()) &&
    IDENTIFYING_USER_ATTRIBUTES.has(attr.toLowerCase())
  );
}
