// Access review for the dashboard: pick a contract, a repository or a person and an instant, see
// who could open what at which level and why, and export it (CSV, JSON). Every answer comes from
// the access engine (lib/access/effective-access.ts); this module only pages, names and formats.
import { z } from "zod";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { recordAuditEvent, type Actor } from "@/lib/audit/record";
import { contractsOfUser, whoCanAccessContract, type Reason } from "@/lib/access/effective-access";
import { confidentialityFromRank, type Confidentiality, type Level } from "@/lib/access/levels";
import { toInt, ts, validAt } from "@/lib/access/sql";
import { AppError } from "@/lib/errors";
import { MAX_PAGE_SIZE, pageWindow, type Page } from "@/lib/pagination";

export const SUBJECT_KINDS = ["contract", "repository", "user"] as const;
export type SubjectKind = (typeof SUBJECT_KINDS)[number];

/** An instant: an ISO 8601 date-time with offset, or a calendar date (00:00 UTC). Absent = now. */
export const atInput = z
  .union([z.iso.datetime({ offset: true }), z.iso.date()], { error: "must be an ISO 8601 date-time (or YYYY-MM-DD)" })
  .transform((v) => new Date(v))
  .optional();

export const reviewQuery = z.object({
  subject: z.enum(SUBJECT_KINDS),
  id: z.string().trim().min(1, "is required").max(200),
  at: atInput,
  page: z.coerce.number().optional(),
  pageSize: z.coerce.number().optional(),
});

export const exportQuery = z.object({
  subject: z.enum(SUBJECT_KINDS),
  id: z.string().trim().min(1, "is required").max(200),
  at: atInput,
  format: z.enum(["csv", "json"]).default("csv"),
});

/** JSON form of the engine's answers (Dates as ISO strings), as routes send them. */
export type Jsonified<T> = T extends Date
  ? string
  : T extends (infer U)[]
    ? Jsonified<U>[]
    : T extends object
      ? { [K in keyof T]: Jsonified<T[K]> }
      : T;

export interface SubjectSummary {
  kind: SubjectKind;
  id: string;
  label: string;
  secondary: string | null;
}

export interface PersonAccess {
  user: { id: string; userName: string | null; displayName: string | null; directoryId: string | null; active: boolean | null };
  level: Level;
  reasons: Reason[];
}

export interface ContractAccess {
  contract: {
    id: string;
    title: string | null;
    externalRef: string | null;
    repositoryId: string;
    repositoryName: string | null;
    confidentiality: Confidentiality;
    contractType: string;
  };
  level: Level;
  reasons: Reason[];
}

export interface RepositoryContractRow {
  contract: { id: string; title: string | null; externalRef: string | null; confidentiality: Confidentiality; contractType: string; endDate: Date | null };
  /** People who could open the contract at T. */
  people: number;
}

export type ReviewPage =
  | ({ subject: SubjectSummary; at: Date; kind: "contract" } & Page<PersonAccess>)
  | ({ subject: SubjectSummary; at: Date; kind: "user" } & Page<ContractAccess>)
  | ({ subject: SubjectSummary; at: Date; kind: "repository" } & Page<RepositoryContractRow>);

const isUuid = (v: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v);

/**
 * The subject by id (or a contract's external reference). A person deleted since may still be
 * reviewed in the past: their status history keeps the id, without a name.
 */
export async function findSubject(prisma: PrismaClient, options: { kind: SubjectKind; id: string }): Promise<SubjectSummary> {
  const { kind, id } = options;
  if (kind === "contract") {
    const c =
      (isUuid(id) ? await prisma.contract.findUnique({ where: { id }, include: { repository: { select: { name: true } } } }) : null) ??
      (await prisma.contract.findUnique({ where: { externalRef: id }, include: { repository: { select: { name: true } } } }));
    if (!c) throw new AppError("not_found", `No contract with id or externalRef "${id}"`);
    return { kind, id: c.id, label: c.title, secondary: [c.externalRef, c.repository.name].filter(Boolean).join(" · ") || null };
  }
  if (kind === "repository") {
    const r = (isUuid(id) ? await prisma.repository.findUnique({ where: { id } }) : null) ?? (await prisma.repository.findUnique({ where: { name: id } }));
    if (!r) throw new AppError("not_found", `No repository with id or name "${id}"`);
    return { kind, id: r.id, label: r.name, secondary: r.owner };
  }
  const u = await prisma.user.findUnique({ where: { id }, include: { directory: { select: { name: true } } } });
  if (u) return { kind, id: u.id, label: u.displayName ?? u.userName, secondary: `${u.userName} · ${u.directory.name}` };
  const history = await prisma.userStatusInterval.findFirst({ where: { userId: id }, select: { userId: true } });
  if (!history) throw new AppError("not_found", `No user with id "${id}"`);
  return { kind, id, label: `Deleted user ${id.slice(0, 8)}…`, secondary: "deleted; history kept by id" };
}

/** Up to 20 candidates for the subject picker. */
export async function searchSubjects(prisma: PrismaClient, options: { kind: SubjectKind; q: string }): Promise<SubjectSummary[]> {
  const q = options.q.trim();
  const take = 20;
  if (options.kind === "contract") {
    const rows = await prisma.contract.findMany({
      where: q
        ? { OR: [{ title: { contains: q, mode: "insensitive" } }, { externalRef: q }, { counterparty: { contains: q, mode: "insensitive" } }, ...(isUuid(q) ? [{ id: q }] : [])] }
        : {},
      orderBy: [{ title: "asc" }, { id: "asc" }],
      take,
      include: { repository: { select: { name: true } } },
    });
    return rows.map((c) => ({ kind: "contract", id: c.id, label: c.title, secondary: [c.externalRef, c.repository.name].filter(Boolean).join(" · ") }));
  }
  if (options.kind === "repository") {
    const rows = await prisma.repository.findMany({ where: q ? { name: { contains: q, mode: "insensitive" } } : {}, orderBy: { name: "asc" }, take });
    return rows.map((r) => ({ kind: "repository", id: r.id, label: r.name, secondary: r.owner }));
  }
  const rows = await prisma.user.findMany({
    where: q
      ? { OR: [{ userNameKey: { contains: q.toLowerCase() } }, { displayName: { contains: q, mode: "insensitive" } }, { primaryEmail: { contains: q.toLowerCase() } }, ...(isUuid(q) ? [{ id: q }] : [])] }
      : {},
    orderBy: [{ userNameKey: "asc" }, { id: "asc" }],
    take,
    include: { directory: { select: { name: true } } },
  });
  return rows.map((u) => ({ kind: "user", id: u.id, label: u.displayName ?? u.userName, secondary: `${u.userName} · ${u.directory.name}${u.active ? "" : " · deactivated"}` }));
}

/** Everyone who could open the contract at `at`, with level and reasons (one page). */
export async function contractAccessPage(
  prisma: PrismaClient,
  options: { contractId: string; at?: Date; page?: number; pageSize?: number },
): Promise<Page<PersonAccess>> {
  const { page, pageSize, skip, take } = pageWindow({ page: options.page, pageSize: options.pageSize });
  const result = await whoCanAccessContract(prisma, { contractId: options.contractId, at: options.at, offset: skip, limit: take });
  const ids = result.items.map((i) => i.user.id);
  const active = new Map((await prisma.user.findMany({ where: { id: { in: ids } }, select: { id: true, active: true } })).map((u) => [u.id, u.active]));
  return {
    page,
    pageSize,
    total: result.total,
    items: result.items.map((i) => ({ user: { ...i.user, active: active.get(i.user.id) ?? null }, level: i.level, reasons: i.reasons })),
  };
}

/** Every contract the person could open at `at`, with level and reasons (one page). */
export async function userAccessPage(
  prisma: PrismaClient,
  options: { userId: string; at?: Date; page?: number; pageSize?: number },
): Promise<Page<ContractAccess>> {
  const { page, pageSize, skip, take } = pageWindow({ page: options.page, pageSize: options.pageSize });
  const result = await contractsOfUser(prisma, { userId: options.userId, at: options.at, offset: skip, limit: take });
  const repoIds = [...new Set(result.items.map((i) => i.contract.repositoryId))];
  const names = new Map((await prisma.repository.findMany({ where: { id: { in: repoIds } }, select: { id: true, name: true } })).map((r) => [r.id, r.name]));
  return {
    page,
    pageSize,
    total: result.total,
    items: result.items.map((i) => ({ contract: { ...i.contract, repositoryName: names.get(i.contract.repositoryId) ?? null }, level: i.level, reasons: i.reasons })),
  };
}

/**
 * The contracts that belonged to the repository at `at` (as their revisions then say), each with
 * how many people could open it then; the reasons are one click away (contract review).
 */
export async function repositoryAccessPage(
  prisma: PrismaClient,
  options: { repositoryId: string; at?: Date; page?: number; pageSize?: number },
): Promise<Page<RepositoryContractRow>> {
  const { page, pageSize, skip, take } = pageWindow({ page: options.page, pageSize: options.pageSize });
  const at = options.at ?? new Date();
  const T = ts(2);
  const [rows, [{ n }]] = await Promise.all([
    prisma.$queryRawUnsafe<{ id: string; title: string; externalRef: string | null; confidentiality: number; contractType: string; endDate: Date | null }[]>(
      `SELECT c.id, c.title, c."externalRef", cr.confidentiality, cr."contractType", cr."endDate"
         FROM "ContractRevision" cr JOIN "Contract" c ON c.id = cr."contractId"
        WHERE cr."repositoryId" = $1 AND ${validAt("cr", T)}
        ORDER BY c.title, c.id OFFSET ${skip} LIMIT ${take}`,
      options.repositoryId,
      at,
    ),
    prisma.$queryRawUnsafe<{ n: unknown }[]>(
      `SELECT count(*) AS n FROM "ContractRevision" cr WHERE cr."repositoryId" = $1 AND ${validAt("cr", T)}`,
      options.repositoryId,
      at,
    ),
  ]);
  const people = await Promise.all(rows.map((r) => whoCanAccessContract(prisma, { contractId: r.id, at, offset: 0, limit: 1 })));
  return {
    page,
    pageSize,
    total: toInt(n),
    items: rows.map((r, i) => ({
      contract: { id: r.id, title: r.title, externalRef: r.externalRef, confidentiality: confidentialityFromRank(r.confidentiality), contractType: r.contractType, endDate: r.endDate },
      people: people[i].total,
    })),
  };
}

/** One page of a review, whatever the subject (`input`: the query string as an object). */
export async function reviewAccess(prisma: PrismaClient, input: Record<string, unknown>): Promise<ReviewPage> {
  const q = reviewQuery.parse(input);
  const subject = await findSubject(prisma, { kind: q.subject, id: q.id });
  const at = q.at ?? new Date();
  const window = { at, page: q.page, pageSize: q.pageSize };
  if (subject.kind === "contract") return { kind: "contract", subject, at, ...(await contractAccessPage(prisma, { contractId: subject.id, ...window })) };
  if (subject.kind === "user") return { kind: "user", subject, at, ...(await userAccessPage(prisma, { userId: subject.id, ...window })) };
  return { kind: "repository", subject, at, ...(await repositoryAccessPage(prisma, { repositoryId: subject.id, ...window })) };
}

// ---------------------------------------------------------------------------------------------
// Export

/** One line of an export: a (person, contract) pair and one reason for it. */
export interface ExportRow {
  at: string;
  userId: string;
  userName: string | null;
  displayName: string | null;
  contractId: string;
  contractTitle: string | null;
  contractExternalRef: string | null;
  repository: string | null;
  effectiveLevel: Level;
  reasonLevel: Level;
  winning: boolean;
  via: string;
  memberSince: string | null;
  ruleId: string;
  ruleVersion: number;
  ruleAuthor: string | null;
  justification: string;
  grantsUntil: string | null;
}

/** More rows than this is not a review, it is a data dump: the export says so instead. */
export const MAX_EXPORT_ROWS = 100_000;
const BATCH = 500;

function viaText(reason: Reason): string {
  if (reason.via.kind === "direct") return "direct grant";
  return reason.via.path.map((hop) => hop.displayName ?? `deleted group ${hop.groupId}`).join(" > ");
}

function rowsOf(
  at: Date,
  user: { id: string; userName: string | null; displayName: string | null },
  contract: { id: string; title: string | null; externalRef: string | null; repositoryName: string | null },
  level: Level,
  reasons: Reason[],
): ExportRow[] {
  return reasons.map((r) => ({
    at: at.toISOString(),
    userId: user.id,
    userName: user.userName,
    displayName: user.displayName,
    contractId: contract.id,
    contractTitle: contract.title,
    contractExternalRef: contract.externalRef,
    repository: contract.repositoryName ?? r.contract.repositoryName,
    effectiveLevel: level,
    reasonLevel: r.level,
    winning: r.winning,
    via: viaText(r),
    memberSince: r.via.kind === "group" ? (r.via.path[0]?.memberSince.toISOString() ?? null) : null,
    ruleId: r.rule.ruleId,
    ruleVersion: r.rule.version,
    ruleAuthor: r.rule.author.label ?? r.rule.author.id,
    justification: r.rule.justification,
    grantsUntil: r.contract.grantsUntil?.toISOString() ?? null,
  }));
}

async function collectRows(prisma: PrismaClient, subject: SubjectSummary, at: Date): Promise<{ rows: ExportRow[]; truncated: boolean }> {
  const rows: ExportRow[] = [];
  const full = () => rows.length >= MAX_EXPORT_ROWS;
  const contractRows = async (contract: { id: string; title: string | null; externalRef: string | null; repositoryName: string | null }) => {
    for (let offset = 0; !full(); offset += BATCH) {
      const page = await whoCanAccessContract(prisma, { contractId: contract.id, at, offset, limit: BATCH });
      for (const item of page.items) rows.push(...rowsOf(at, item.user, contract, item.level, item.reasons));
      if (offset + BATCH >= page.total) break;
    }
  };
  if (subject.kind === "contract") {
    const c = await prisma.contract.findUniqueOrThrow({ where: { id: subject.id }, include: { repository: { select: { name: true } } } });
    await contractRows({ id: c.id, title: c.title, externalRef: c.externalRef, repositoryName: c.repository.name });
  } else if (subject.kind === "user") {
    const u = await prisma.user.findUnique({ where: { id: subject.id }, select: { id: true, userName: true, displayName: true } });
    const user = u ?? { id: subject.id, userName: null, displayName: null };
    for (let page = 1; !full(); page++) {
      const result = await userAccessPage(prisma, { userId: subject.id, at, page, pageSize: MAX_PAGE_SIZE });
      for (const item of result.items) rows.push(...rowsOf(at, user, item.contract, item.level, item.reasons));
      if (page * MAX_PAGE_SIZE >= result.total) break;
    }
  } else {
    const repositoryName = subject.label;
    for (let page = 1; !full(); page++) {
      const result = await repositoryAccessPage(prisma, { repositoryId: subject.id, at, page, pageSize: MAX_PAGE_SIZE });
      for (const item of result.items) {
        if (full()) break;
        if (item.people > 0) await contractRows({ ...item.contract, repositoryName });
      }
      if (page * MAX_PAGE_SIZE >= result.total) break;
    }
  }
  const truncated = rows.length >= MAX_EXPORT_ROWS;
  return { rows: rows.slice(0, MAX_EXPORT_ROWS), truncated };
}

export const EXPORT_COLUMNS: (keyof ExportRow)[] = [
  "at", "userId", "userName", "displayName", "contractId", "contractTitle", "contractExternalRef", "repository",
  "effectiveLevel", "reasonLevel", "winning", "via", "memberSince", "ruleId", "ruleVersion", "ruleAuthor", "justification", "grantsUntil",
];

/**
 * One CSV field (RFC 4180). Cells a spreadsheet would run as a formula (=, +, -, @, tab, CR) get a
 * leading apostrophe: an export must not execute what a directory or a rule author typed.
 */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return "";
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(rows: ExportRow[]): string {
  const lines = [EXPORT_COLUMNS.join(",")];
  for (const row of rows) lines.push(EXPORT_COLUMNS.map((c) => csvField(row[c])).join(","));
  return `${lines.join("\r\n")}\r\n`;
}

export interface AccessExport {
  filename: string;
  contentType: string;
  body: string;
  rows: number;
  truncated: boolean;
}

/**
 * The whole review as CSV (one line per person × contract × reason) or JSON. Exporting who can
 * see which contracts is itself recorded in the audit trail.
 */
export async function exportAccess(prisma: PrismaClient, options: { input: Record<string, unknown>; actor: Actor }): Promise<AccessExport> {
  const q = exportQuery.parse(options.input);
  const subject = await findSubject(prisma, { kind: q.subject, id: q.id });
  const at = q.at ?? new Date();
  const { rows, truncated } = await collectRows(prisma, subject, at);
  await prisma.$transaction((tx) =>
    recordAuditEvent(tx, {
      actor: options.actor,
      action: "access.exported",
      target: { type: subject.kind === "user" ? "User" : subject.kind === "contract" ? "Contract" : "Repository", id: subject.id, label: subject.label },
      after: { at: at.toISOString(), format: q.format, rows: rows.length, truncated },
    }),
  );
  const stamp = at.toISOString().replace(/[:.]/g, "-");
  const base = `access-${subject.kind}-${subject.id.slice(0, 8)}-${stamp}`;
  if (q.format === "json") {
    return {
      filename: `${base}.json`,
      contentType: "application/json; charset=utf-8",
      body: JSON.stringify({ subject, at: at.toISOString(), generatedAt: new Date().toISOString(), truncated, rows }, null, 2),
      rows: rows.length,
      truncated,
    };
  }
  return { filename: `${base}.csv`, contentType: "text/csv; charset=utf-8", body: toCsv(rows), rows: rows.length, truncated };
}
