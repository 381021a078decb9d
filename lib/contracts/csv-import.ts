// CSV import of contracts (admin UI). Every row is validated first and the result is a report of
// every problem (row, column, problem); when any row is invalid nothing is imported. Otherwise all
// rows are written in one transaction through the contract service (saveContracts), so an import
// creates exactly the audit events and revisions that the same upserts through the API would.
import { CsvError, parse } from "csv-parse/sync";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import type { Actor } from "@/lib/audit/record";
import { parseConfidentiality } from "@/lib/access/levels";
import { contractItem } from "./schemas";
import { itemProblems, resolveRepositories, saveContracts, toContractData, type ContractData } from "./service";

export const MAX_CSV_BYTES = 5 * 1024 * 1024;
export const MAX_CSV_ROWS = 10_000;
/** A report longer than this helps nobody; the total is still given. */
export const MAX_REPORTED_PROBLEMS = 500;

export const CSV_COLUMNS = [
  "externalRef",
  "title",
  "counterparty",
  "contractType",
  "confidentiality",
  "status",
  "effectiveDate",
  "endDate",
  "owner",
  "repository",
  "tags",
] as const;
type Column = (typeof CSV_COLUMNS)[number];
const REQUIRED_COLUMNS: Column[] = ["externalRef", "title", "contractType", "repository"];

/**
 * One problem of the file. `row` is the 1-based record number as a spreadsheet shows it (the
 * header is row 1); `column` is the column name, or null when the problem is the whole row/file.
 */
export interface CsvProblem {
  row: number | null;
  column: string | null;
  problem: string;
}

export interface CsvReport {
  ok: false;
  problems: CsvProblem[];
  totalProblems: number;
}

export type CsvImportResult = { ok: true; rows: number; created: number; updated: number; unchanged: number } | CsvReport;

export class CsvSyntaxError extends Error {
  constructor(
    readonly row: number,
    message: string,
  ) {
    super(message);
    this.name = "CsvSyntaxError";
  }
}

/** Our wording of the parser's syntax errors (the report is read by people fixing a spreadsheet). */
const SYNTAX_PROBLEMS: Record<string, string> = {
  CSV_QUOTE_NOT_CLOSED: "a quoted field is not closed before the end of the file",
  INVALID_OPENING_QUOTE: 'a double quote inside an unquoted field (enclose the field in quotes and write "" for a quote)',
  CSV_INVALID_CLOSING_QUOTE: "a quoted field must end at a comma or line break after its closing quote",
};

/**
 * RFC 4180 records: fields separated by commas, records by CRLF (a bare LF or CR is accepted
 * too), fields optionally enclosed in double quotes, where a quote is written "" and commas and
 * line breaks are data. A leading UTF-8 BOM (Excel writes one) is skipped. A final line break does
 * not start an empty record; a blank line is a record of one empty field. Returns at most
 * `maxRecords` + 1 records, so callers can tell "too many" without parsing a huge file to the end.
 */
export function parseCsv(text: string, options: { maxRecords?: number } = {}): string[][] {
  try {
    return parse(text, {
      bom: true,
      record_delimiter: ["\r\n", "\n", "\r"],
      relax_column_count: true,
      skip_empty_lines: false,
      to: options.maxRecords === undefined ? undefined : options.maxRecords + 1,
    });
  } catch (err) {
    if (err instanceof CsvError) {
      // `records`: the records completed before the faulty one.
      const records = (err as CsvError & { records?: number }).records ?? 0;
      throw new CsvSyntaxError(records + 1, SYNTAX_PROBLEMS[err.code] ?? err.message);
    }
    throw err;
  }
}

const isBlank = (record: string[]) => record.length === 1 && record[0].trim() === "";

/** Spreadsheet spellings ("Strictly Confidential", "3"); an unknown value is left for zod to report. */
function normaliseConfidentiality(value: string): string {
  try {
    return parseConfidentiality(value);
  } catch {
    return value;
  }
}

/** A CSV row as the input object of one contract: empty cells are "not given". */
function rowToItem(header: (Column | null)[], record: string[]): Record<string, unknown> {
  const item: Record<string, unknown> = {};
  header.forEach((column, index) => {
    if (!column) return;
    const cell = record[index]?.trim() ?? "";
    if (cell === "") return;
    switch (column) {
      case "tags":
        item.tags = cell.split(/[;|]/).map((t) => t.trim()).filter(Boolean);
        break;
      case "confidentiality":
        item.confidentiality = normaliseConfidentiality(cell);
        break;
      case "status":
        item.status = cell.toLowerCase();
        break;
      default:
        item[column] = cell;
    }
  });
  return item;
}

function finish(problems: CsvProblem[]): CsvReport {
  problems.sort((a, b) => (a.row ?? 0) - (b.row ?? 0));
  return { ok: false, problems: problems.slice(0, MAX_REPORTED_PROBLEMS), totalProblems: problems.length };
}

/** Validates the whole file without writing: the rows as contracts, or the problems. */
export async function validateContractsCsv(
  prisma: PrismaClient,
  options: { csv: string },
): Promise<{ ok: true; items: ContractData[] } | CsvReport> {
  const bytes = Buffer.byteLength(options.csv, "utf8");
  if (bytes > MAX_CSV_BYTES) {
    return finish([{ row: null, column: null, problem: `the file is ${bytes} bytes; at most ${MAX_CSV_BYTES} bytes can be imported at once` }]);
  }
  let records: string[][];
  try {
    records = parseCsv(options.csv, { maxRecords: MAX_CSV_ROWS + 1 });
  } catch (err) {
    if (err instanceof CsvSyntaxError) return finish([{ row: err.row, column: null, problem: err.message }]);
    throw err;
  }
  if (records.length === 0 || isBlank(records[0])) {
    return finish([{ row: 1, column: null, problem: `the first row must name the columns: ${CSV_COLUMNS.join(", ")}` }]);
  }
  if (records.length - 1 > MAX_CSV_ROWS) {
    return finish([{ row: null, column: null, problem: `more than ${MAX_CSV_ROWS} rows; split the file` }]);
  }

  const problems: CsvProblem[] = [];
  const byLowerName = new Map(CSV_COLUMNS.map((c) => [c.toLowerCase(), c]));
  const header: (Column | null)[] = records[0].map((name) => {
    const column = byLowerName.get(name.trim().toLowerCase()) ?? null;
    if (!column) problems.push({ row: 1, column: name, problem: `unknown column; expected some of: ${CSV_COLUMNS.join(", ")}` });
    return column;
  });
  header.forEach((column, index) => {
    if (column && header.indexOf(column) !== index) problems.push({ row: 1, column, problem: "the column appears twice" });
  });
  for (const column of REQUIRED_COLUMNS) {
    if (!header.includes(column)) problems.push({ row: 1, column, problem: "required column is missing" });
  }
  if (problems.length > 0) return finish(problems);

  // Each data row: its spreadsheet row number and the parsed contract.
  const parsed: { index: number; row: number; value: ReturnType<typeof contractItem.parse> }[] = [];
  const firstRowOfRef = new Map<string, number>();
  records.slice(1).forEach((record, i) => {
    const row = i + 2;
    if (isBlank(record)) return;
    if (record.length !== header.length) {
      problems.push({ row, column: null, problem: `has ${record.length} fields; the header has ${header.length}` });
      return;
    }
    const result = contractItem.safeParse(rowToItem(header, record));
    if (!result.success) {
      for (const p of itemProblems(i, result.error)) problems.push({ row, column: p.path.split(".")[0] || null, problem: p.message });
      return;
    }
    const earlier = firstRowOfRef.get(result.data.externalRef);
    if (earlier !== undefined) {
      problems.push({ row, column: "externalRef", problem: `the same externalRef as row ${earlier}` });
      return;
    }
    firstRowOfRef.set(result.data.externalRef, row);
    parsed.push({ index: i, row, value: result.data });
  });
  if (parsed.length === 0 && problems.length === 0) {
    return finish([{ row: 2, column: null, problem: "the file has no data rows" }]);
  }

  const repos = await resolveRepositories(prisma, parsed);
  const rowOfIndex = new Map(parsed.map((p) => [p.index, p.row]));
  for (const p of repos.problems) problems.push({ row: rowOfIndex.get(p.index)!, column: "repository", problem: p.message });
  if (problems.length > 0) return finish(problems);

  return { ok: true, items: parsed.map(({ index, value }) => toContractData(value, repos.ids.get(index)!, value.externalRef)) };
}

/** Validates, then imports every row in one transaction — or nothing, with the report. */
export async function importContractsCsv(prisma: PrismaClient, options: { csv: string; actor: Actor }): Promise<CsvImportResult> {
  const validated = await validateContractsCsv(prisma, { csv: options.csv });
  if (!validated.ok) return validated;
  const summary = await saveContracts(prisma, { items: validated.items, actor: options.actor });
  return { ok: true, rows: validated.items.length, created: summary.created, updated: summary.updated, unchanged: summary.unchanged };
}
