// Evidence packs at the boundary: input validation, the preview for the dashboard, and the
// downloads (CSV per table, JSON of the whole pack, a printable HTML summary). Every download is
// recorded in the audit trail as evidence.exported, like the access export.
import { z } from "zod";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { csvField } from "@/lib/csv";
import { recordAuditEvent, type Actor } from "@/lib/audit/record";
import { AppError } from "@/lib/errors";
import type { EvidenceEvent } from "./events";
import { HTML_SUMMARY_CSP, renderHtmlSummary, type Pack } from "./html";
import { leaversReport, type LeaversReport } from "./leavers";
import { contractPack, repositoryPack, type IntervalRow } from "./packs";
import { personPack, type PersonPack } from "./person";
import { windowInput } from "./window";

export const PACK_KINDS = ["contract", "repository", "person", "leavers"] as const;
export type PackKind = (typeof PACK_KINDS)[number];

export const PARTS: Record<PackKind, readonly string[]> = {
  contract: ["intervals", "events"],
  repository: ["intervals", "events"],
  person: ["access", "events", "audit", "requests"],
  leavers: ["leavers"],
};

const packQuery = z.object({
  kind: z.enum(PACK_KINDS),
  id: z.string().trim().max(200).optional(),
  from: z.string().max(40),
  to: z.string().max(40),
});

const exportQuery = packQuery.extend({
  format: z.enum(["csv", "json", "html"]).default("csv"),
  part: z.string().max(20).optional(),
});

function withWindow<Q extends z.infer<typeof packQuery>>(q: Q) {
  const window = windowInput.parse({ from: q.from, to: q.to });
  if (q.kind !== "leavers" && !q.id) throw new AppError("invalid_input", "The request is invalid", [{ path: "id", message: "is required" }]);
  return { ...q, window };
}

export const parsePackQuery = (input: Record<string, unknown>) => withWindow(packQuery.parse(input));

export function parseExportQuery(input: Record<string, unknown>) {
  const q = withWindow(exportQuery.parse(input));
  const parts = PARTS[q.kind];
  const part = q.part ?? parts[0];
  if (!parts.includes(part)) {
    throw new AppError("invalid_input", "The request is invalid", [{ path: "part", message: `must be one of ${parts.join(", ")} for a ${q.kind} pack` }]);
  }
  return { ...q, part };
}

export async function buildPack(prisma: PrismaClient, q: ReturnType<typeof parsePackQuery>): Promise<Pack> {
  if (q.kind === "contract") return contractPack(prisma, { id: q.id!, window: q.window });
  if (q.kind === "repository") return repositoryPack(prisma, { id: q.id!, window: q.window });
  if (q.kind === "person") return personPack(prisma, { id: q.id!, window: q.window });
  return leaversReport(prisma, { window: q.window });
}

/** Rows the dashboard preview shows per table; the downloads carry everything. */
export const PREVIEW_ROWS = 200;

/** The pack for the dashboard: every figure, the first rows of each table. */
export function previewOf(pack: Pack) {
  const head = <T>(list: T[]) => list.slice(0, PREVIEW_ROWS);
  if (pack.kind === "leavers") return { ...pack, leavers: head(pack.leavers), totals: { leavers: pack.leavers.length } };
  if (pack.kind === "person") {
    return {
      ...pack,
      access: head(pack.access),
      accessEvents: head(pack.accessEvents),
      auditEvents: head(pack.auditEvents),
      requests: head(pack.requests),
      totals: { access: pack.access.length, accessEvents: pack.accessEvents.length, auditEvents: pack.auditEvents.length, requests: pack.requests.length },
    };
  }
  return { ...pack, intervals: head(pack.intervals), events: head(pack.events), totals: { intervals: pack.intervals.length, events: pack.events.length } };
}

// ---------------------------------------------------------------------------------------------
// CSV

type Cell = string | number | boolean | Date | null | undefined;

function csv(header: string[], rows: Cell[][]): string {
  const cell = (v: Cell) => csvField(v instanceof Date ? v.toISOString() : v);
  return `${[header.join(","), ...rows.map((r) => r.map(cell).join(","))].join("\r\n")}\r\n`;
}

function intervalsCsv(rows: IntervalRow[]): string {
  return csv(
    ["userId", "userName", "displayName", "contractId", "contractTitle", "contractExternalRef", "repository", "from", "to", "accessBeganBeforeWindow", "accessContinuesAfterWindow", "level", "reasons", "ruleIds", "justifications"],
    rows.map((r) => [
      r.userId, r.userName, r.displayName, r.contractId, r.contractTitle, r.contractExternalRef, r.repositoryName, r.from, r.to,
      r.openAtStart, r.openAtEnd, r.level,
      r.reasons.map((x) => x.chain).join(" | "),
      [...new Set(r.reasons.map((x) => x.ruleId))].join(" "),
      [...new Set(r.reasons.map((x) => x.justification).filter(Boolean))].join(" | "),
    ]),
  );
}

function eventsCsv(events: EvidenceEvent[]): string {
  return csv(
    ["eventId", "time", "action", "userId", "user", "repositoryId", "repository", "contractsBefore", "levelBefore", "contractsAfter", "levelAfter",
      "actorType", "actor", "causeKind", "cause", "causeEventId", "causeAction", "causeTime", "causeActorType", "causeActor", "causeRequestId",
      "requestReceivedAt", "requestMethod", "requestPath", "requestStatus"],
    events.map((e) => [
      e.id, e.at, e.action, e.userId, e.userLabel, e.repositoryId, e.repositoryName, e.before.contracts, e.before.level, e.after.contracts, e.after.level,
      e.actor.type, e.actor.label, e.cause.kind, e.cause.description, e.cause.eventId, e.cause.event?.action, e.cause.event?.at, e.cause.event?.actor.type,
      e.cause.event?.actor.label, e.cause.event?.requestId, e.cause.request?.receivedAt, e.cause.request?.method, e.cause.request?.path, e.cause.request?.status,
    ]),
  );
}

function leaversCsv(report: LeaversReport): string {
  const rows: Cell[][] = [];
  for (const l of report.leavers) {
    const person: Cell[] = [l.userId, l.label, l.directoryId, l.action, l.eventId, l.eventAt, l.requestId, l.requestReceivedAt, l.requestedAt, l.timeToRevokeMs, l.unrevoked];
    if (l.grants.length === 0) rows.push([...person, null, null, null, null, null, null]);
    for (const g of l.grants) rows.push([...person, g.repositoryId, g.repositoryName, g.contracts, g.level, g.endedAt, g.timeToRevokeMs]);
  }
  return csv(
    ["userId", "user", "directoryId", "action", "eventId", "eventTime", "requestId", "requestReceivedAt", "requestedAt", "personTimeToRevokeMs", "unrevoked",
      "repositoryId", "repository", "contracts", "level", "grantEndedAt", "grantTimeToRevokeMs"],
    rows,
  );
}

function personCsv(pack: PersonPack, part: string): string {
  if (part === "access") return intervalsCsv(pack.access);
  if (part === "events") return eventsCsv(pack.accessEvents);
  if (part === "audit") {
    return csv(
      ["eventId", "time", "action", "actorType", "actor", "targetType", "target", "requestId", "ip", "before", "after"],
      pack.auditEvents.map((e) => [e.id, e.at, e.action, e.actor.type, e.actor.label, e.target.type, e.target.label, e.requestId, e.ip,
        e.before === null ? null : JSON.stringify(e.before), e.after === null ? null : JSON.stringify(e.after)]),
    );
  }
  return csv(
    ["time", "requestId", "method", "path", "status", "userAgent", "directoryId"],
    pack.requests.map((r) => [r.at, r.requestId, r.method, r.path, r.status, r.userAgent, r.directoryId]),
  );
}

function csvOf(pack: Pack, part: string): string {
  if (pack.kind === "leavers") return leaversCsv(pack);
  if (pack.kind === "person") return personCsv(pack, part);
  return part === "events" ? eventsCsv(pack.events) : intervalsCsv(pack.intervals);
}

function rowCount(pack: Pack, part: string, format: string): number {
  if (pack.kind === "leavers") return pack.leavers.length;
  if (pack.kind === "person") {
    if (format !== "csv") return pack.access.length + pack.accessEvents.length + pack.auditEvents.length + pack.requests.length;
    return { access: pack.access, events: pack.accessEvents, audit: pack.auditEvents, requests: pack.requests }[part as "access"]?.length ?? 0;
  }
  if (format !== "csv") return pack.intervals.length + pack.events.length;
  return part === "events" ? pack.events.length : pack.intervals.length;
}

const truncatedOf = (pack: Pack) => (pack.kind === "leavers" ? pack.truncated : Object.values(pack.truncated).some(Boolean));

export interface EvidenceFile {
  filename: string;
  contentType: string;
  body: string;
  rows: number;
  truncated: boolean;
  /** The printable summary's own policy; the other formats keep the API's. */
  contentSecurityPolicy?: string;
}

const TARGET_TYPE = { contract: "Contract", repository: "Repository", person: "User" } as const;

/** Builds the pack, records evidence.exported, and renders the file. */
export async function exportEvidence(prisma: PrismaClient, options: { input: Record<string, unknown>; actor: Actor }): Promise<EvidenceFile> {
  const q = parseExportQuery(options.input);
  const pack = await buildPack(prisma, q);
  const rows = rowCount(pack, q.part, q.format);
  const truncated = truncatedOf(pack);
  await prisma.$transaction((tx) =>
    recordAuditEvent(tx, {
      actor: options.actor,
      action: "evidence.exported",
      target: pack.kind === "leavers" ? undefined : { type: TARGET_TYPE[pack.kind], id: pack.subject.id, label: pack.subject.label },
      after: {
        pack: pack.kind,
        format: q.format,
        ...(q.format === "csv" ? { part: q.part } : {}),
        from: pack.window.from.toISOString(),
        to: pack.window.to.toISOString(),
        rows,
        truncated,
      },
    }),
  );
  const stamp = (d: Date) => d.toISOString().slice(0, 10);
  const subject = pack.kind === "leavers" ? "" : `-${pack.subject.id.slice(0, 8)}`;
  const name = `evidence-${pack.kind}${subject}-${stamp(pack.window.from)}-to-${stamp(pack.window.to)}`;
  if (q.format === "json") {
    return { filename: `${name}.json`, contentType: "application/json; charset=utf-8", body: JSON.stringify(pack, null, 2), rows, truncated };
  }
  if (q.format === "html") {
    return { filename: `${name}.html`, contentType: "text/html; charset=utf-8", body: renderHtmlSummary(pack), rows, truncated, contentSecurityPolicy: HTML_SUMMARY_CSP };
  }
  return { filename: `${name}-${q.part}.csv`, contentType: "text/csv; charset=utf-8", body: csvOf(pack, q.part), rows, truncated };
}
