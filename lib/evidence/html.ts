// The printable summary of an evidence pack: one self-contained HTML document with print CSS.
// There is no server-side PDF engine: the page's "Print / save as PDF" button opens the browser's
// print dialog, which saves a PDF. Everything interpolated is escaped.
import { createHash } from "node:crypto";
import type { EvidenceEvent } from "./events";
import type { LeaversReport } from "./leavers";
import type { AccessPack, IntervalRow } from "./packs";
import type { PersonPack } from "./person";

/** Every kind of evidence pack (export.ts builds them, this file prints them). */
export type Pack = AccessPack | PersonPack | LeaversReport;

/** Rows per table in the printed summary; the CSV and JSON downloads carry every row. */
export const HTML_MAX_ROWS = 2000;

const esc = (v: unknown) =>
  v === null || v === undefined || v === ""
    ? "—"
    : String(v).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
const when = (d: Date | string | null | undefined) => (d ? new Date(d).toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC") : "—");

function duration(ms: number | null): string {
  if (ms === null) return "—";
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 3_600_000) return `${(ms / 60_000).toFixed(1)} min`;
  if (ms < 86_400_000) return `${(ms / 3_600_000).toFixed(1)} h`;
  return `${(ms / 86_400_000).toFixed(1)} days`;
}

function table(title: string, header: string[], rows: unknown[][], total = rows.length): string {
  const shown = rows.slice(0, HTML_MAX_ROWS);
  const note = total > shown.length ? `<p class="note">First ${shown.length} of ${total} rows; the CSV and JSON downloads contain all.</p>` : "";
  const body = shown.length
    ? shown.map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join("")}</tr>`).join("\n")
    : `<tr><td colspan="${header.length}">None.</td></tr>`;
  return `<section><h2>${esc(title)}</h2>${note}<table><thead><tr>${header.map((h) => `<th>${esc(h)}</th>`).join("")}</tr></thead><tbody>${body}</tbody></table></section>`;
}

const intervalTable = (title: string, rows: IntervalRow[], person: boolean) =>
  table(
    title,
    [...(person ? [] : ["Person"]), "Contract", "Repository", "From", "To", "Level", "Why"],
    rows.map((r) => [
      ...(person ? [] : [r.displayName ?? r.userName ?? `deleted user ${r.userId}`]),
      r.contractTitle ?? r.contractId,
      r.repositoryName,
      r.openAtStart ? `${when(r.from)} (before window)` : when(r.from),
      r.openAtEnd ? `${when(r.to)} (continues)` : when(r.to),
      r.level,
      r.reasons.map((x) => x.chain).join(" | "),
    ]),
  );

const eventTable = (events: EvidenceEvent[]) =>
  table(
    "Grants and revocations",
    ["Time", "Action", "Person", "Repository", "Contracts", "Cause", "Underlying event", "Actor", "Request id", "Request received"],
    events.map((e) => [
      when(e.at),
      e.action,
      e.userLabel,
      e.repositoryName,
      `${e.before.contracts ?? "?"} → ${e.after.contracts ?? "?"}`,
      e.cause.description ?? e.cause.kind,
      e.cause.event ? `${e.cause.event.action} at ${when(e.cause.event.at)}` : e.cause.eventId,
      e.cause.event?.actor.label ?? e.actor.label,
      e.cause.event?.requestId,
      e.cause.request ? when(e.cause.request.receivedAt) : null,
    ]),
  );

function body(pack: Pack): string {
  const meta = (items: [string, unknown][]) => `<dl>${items.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join("")}</dl>`;
  const windowText = `${when(pack.window.from)} to ${when(pack.window.to)}`;
  if (pack.kind === "leavers") {
    const d = pack.distribution;
    return [
      `<h1>Leavers: time to revoke</h1>`,
      meta([["Window", windowText], ["Generated", when(pack.generatedAt)], ["People who left", pack.leavers.length], ["With grants, all ended", d.count],
        ["Median", duration(d.medianMs)], ["95th percentile", duration(d.p95Ms)], ["Maximum", duration(d.maxMs)], ["Held no grant", d.withoutGrants],
        ["A grant without a recorded end", d.unrevoked]]),
      table("Distribution", ["Time to revoke", "People"], d.buckets.map((b) => [b.label, b.people])),
      table("People", ["Person", "Action", "Request received", "Grants", "Time to revoke"], pack.leavers.map((l) => [
        l.label ?? l.userId, l.action, l.requestReceivedAt ? when(l.requestReceivedAt) : `${when(l.eventAt)} (audit event; request log expired)`,
        l.grants.map((g) => `${g.repositoryName ?? g.repositoryId}: ${g.endedAt ? when(g.endedAt) : "no recorded end"}`).join("; "),
        l.unrevoked ? "not revoked" : duration(l.timeToRevokeMs),
      ])),
    ].join("\n");
  }
  if (pack.kind === "person") {
    const attrs = pack.attributes;
    return [
      `<h1>Subject access report: ${esc(pack.subject.label)}</h1>`,
      meta([["Person id", pack.subject.id], ["Window (access and events)", windowText], ["Generated", when(pack.generatedAt)],
        ["Directory", attrs?.directory.name ?? "deleted — attributes no longer held"], ["Dashboard account", pack.dashboardAccount ? `${pack.dashboardAccount.email} (${pack.dashboardAccount.role})` : "none"]]),
      attrs ? `<section><h2>Attributes held (SCIM, incl. enterprise extension)</h2><pre>${esc(JSON.stringify(attrs.scim, null, 2))}</pre></section>` : "",
      table("Group memberships", ["Group", "From", "To"], pack.memberships.map((m) => [m.displayName ?? m.groupId, when(m.from), m.to ? when(m.to) : "current"])),
      table("Status", ["Active", "From", "To"], pack.status.map((s) => [s.active ? "active" : "inactive", when(s.from), s.to ? when(s.to) : "current"])),
      intervalTable("Access history", pack.access, true),
      eventTable(pack.accessEvents),
      table("Audit events about this person", ["Time", "Action", "Actor", "Request id"], pack.auditEvents.map((e) => [when(e.at), e.action, e.actor.label, e.requestId])),
      table("SCIM requests", ["Time", "Method", "Path", "Status", "Request id"], pack.requests.map((r) => [when(r.at), r.method, r.path, r.status, r.requestId])),
    ].join("\n");
  }
  return [
    `<h1>Access evidence: ${esc(pack.subject.label)}</h1>`,
    meta([[pack.kind === "contract" ? "Contract" : "Repository", `${pack.subject.label} (${pack.subject.id})`], ["Details", pack.subject.secondary],
      ["Window", windowText], ["Generated", when(pack.generatedAt)], ["People with access in the window", pack.people],
      ["Access intervals", pack.intervals.length], ["Grants and revocations", pack.events.length]]),
    intervalTable("Who had access, when and why", pack.intervals, false),
    eventTable(pack.events),
  ].join("\n");
}

const STYLE = `
  body { font: 12px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #0f172a; margin: 24px; }
  h1 { font-size: 20px; margin: 0 0 12px; } h2 { font-size: 14px; margin: 20px 0 6px; }
  dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; } dt { font-weight: 600; color: #475569; } dd { margin: 0; }
  table { border-collapse: collapse; width: 100%; } th, td { border: 1px solid #cbd5e1; padding: 3px 6px; text-align: left; vertical-align: top; }
  th { background: #f1f5f9; } pre { background: #f8fafc; border: 1px solid #e2e8f0; padding: 8px; white-space: pre-wrap; }
  .note { color: #92400e; } .toolbar { margin-bottom: 16px; }
  button { font: inherit; padding: 6px 12px; border-radius: 6px; border: 1px solid #1d4ed8; background: #1d4ed8; color: white; cursor: pointer; }
  @media print { .toolbar { display: none; } body { margin: 0; } thead { display: table-header-group; } tr { break-inside: avoid; } @page { margin: 14mm; } }
`;
// No inline handler (onclick): a hash policy admits a script block, never an attribute.
const SCRIPT = `document.getElementById("print").addEventListener("click", () => window.print());`;
const sha256 = (text: string) => `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`;

/**
 * The summary's own Content-Security-Policy: its one style block and its one script by hash, nothing
 * else (no network, no forms, never framed). The API's `default-src 'none'` would block both; the
 * blocks are constant, so everything interpolated stays outside what the hashes admit.
 */
export const HTML_SUMMARY_CSP = [
  "default-src 'none'",
  `style-src ${sha256(STYLE)}`,
  `script-src ${sha256(SCRIPT)}`,
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

export function renderHtmlSummary(pack: Pack): string {
  const truncated = pack.kind === "leavers" ? pack.truncated : Object.values(pack.truncated).some(Boolean);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Custodian evidence — ${esc(pack.kind)}</title>
<style>${STYLE}</style></head>
<body>
<div class="toolbar"><button type="button" id="print">Print / save as PDF</button></div>
${truncated ? `<p class="note">This pack reached a size limit and is truncated; narrow the window for the full record.</p>` : ""}
${body(pack)}
<p class="note">Generated by Custodian. Times are UTC; intervals are [from, to).</p>
<script>${SCRIPT}</script>
</body></html>
`;
}
