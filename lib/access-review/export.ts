// Export of an access review: the whole answer as CSV (one line per person × contract × reason)
// or JSON. Exporting who can see which contracts is itself recorded in the audit trail.
import { z } from "zod";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { recordAuditEvent, type Actor } from "@/lib/audit/record";
import { whoCanAccessContract, type Reason } from "@/lib/access/effective-access";
import type { Level } from "@/lib/access/levels";
import { csvField } from "@/lib/csv";
import { MAX_PAGE_SIZE } from "@/lib/pagination";
import { atInput, findSubject, repositoryAccessPage, SUBJECT_KINDS, userAccessPage, type SubjectSummary } from "./queries";
import { now as clockNow } from "@/lib/clock";

export const exportQuery = z.object({
  subject: z.enum(SUBJECT_KINDS),
  id: z.string().trim().min(1, "is required").max(200),
  at: atInput,
  format: z.enum(["csv", "json"]).default("csv"),
});


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
  ruleName: string;
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
  return reason.via.path
    .map((hop) => (hop.displayName === null ? `deleted group ${hop.groupId}` : hop.deleted ? `${hop.displayName} (deleted group)` : hop.displayName))
    .join(" > ");
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
    ruleName: r.rule.name,
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
  "effectiveLevel", "reasonLevel", "winning", "via", "memberSince", "ruleId", "ruleName", "ruleVersion", "ruleAuthor", "justification", "grantsUntil",
];

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
  const at = q.at ?? clockNow();
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
      body: JSON.stringify({ subject, at: at.toISOString(), generatedAt: clockNow().toISOString(), truncated, rows }, null, 2),
      rows: rows.length,
      truncated,
    };
  }
  return { filename: `${base}.csv`, contentType: "text/csv; charset=utf-8", body: toCsv(rows), rows: rows.length, truncated };
}
