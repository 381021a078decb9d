"use client";

import { useState } from "react";
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { colorAt } from "@/components/charts/palette";
import { useEvidence } from "@/components/data-hooks/evidence";
import { LevelBadge } from "@/components/access/badges";
import { SubjectKindToggle, SubjectPicker } from "@/components/access/subject-picker";
import { Card } from "@/components/ui/card";
import type { PickerOption } from "@/components/ui/entity-picker";
import { formatNumber } from "@/components/ui/format";
import { Empty, ErrorMessage, Loading } from "@/components/ui/query-state";
import { Stat } from "@/components/ui/stat";
import { Time } from "@/components/ui/time";

type Kind = "contract" | "repository" | "person";

interface IntervalJson {
  userId: string;
  userName: string | null;
  displayName: string | null;
  contractId: string;
  contractTitle: string | null;
  repositoryName: string | null;
  from: string;
  to: string;
  openAtStart: boolean;
  openAtEnd: boolean;
  level: string;
  reasons: { chain: string }[];
}

interface EventJson {
  id: string;
  at: string;
  action: string;
  userLabel: string | null;
  repositoryName: string | null;
  before: { contracts: number | null };
  after: { contracts: number | null };
  cause: { kind: string | null; event: { action: string; actor: { label: string | null }; requestId: string | null } | null };
}

interface PackJson {
  kind: Kind;
  subject: { label: string };
  window: { from: string; to: string };
  people?: number;
  intervals?: IntervalJson[];
  events?: EventJson[];
  access?: IntervalJson[];
  accessEvents?: EventJson[];
  auditEvents?: unknown[];
  requests?: unknown[];
  attributes?: { directory: { name: string } } | null;
  totals: Record<string, number>;
}

interface LeaverJson {
  userId: string;
  label: string | null;
  action: string;
  requestedAt: string;
  requestReceivedAt: string | null;
  grants: { repositoryName: string | null; endedAt: string | null }[];
  timeToRevokeMs: number | null;
  unrevoked: boolean;
}

interface LeaversJson {
  leavers: LeaverJson[];
  totals: { leavers: number };
  distribution: {
    count: number;
    medianMs: number | null;
    p95Ms: number | null;
    maxMs: number | null;
    buckets: { label: string; people: number }[];
    withoutGrants: number;
    unrevoked: number;
  };
}

const KINDS: [Kind, string][] = [
  ["contract", "A contract"],
  ["repository", "A repository"],
  ["person", "A person (subject access)"],
];

const PARTS: Record<Kind, [string, string][]> = {
  contract: [["intervals", "Access intervals"], ["events", "Grants & revocations"]],
  repository: [["intervals", "Access intervals"], ["events", "Grants & revocations"]],
  person: [["access", "Access history"], ["events", "Grants & revocations"], ["audit", "Audit events"], ["requests", "SCIM requests"]],
};

const DAY = 86_400_000;
const dateOnly = (d: Date) => d.toISOString().slice(0, 10);
/** The window [from 00:00 UTC, day after `until` 00:00 UTC): both dates are included. */
const windowOf = (from: string, until: string) => ({ from, to: until ? dateOnly(new Date(Date.parse(until) + DAY)) : "" });

function duration(ms: number | null): string {
  if (ms === null) return "—";
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 3_600_000) return `${(ms / 60_000).toFixed(1)} min`;
  if (ms < DAY) return `${(ms / 3_600_000).toFixed(1)} h`;
  return `${(ms / DAY).toFixed(1)} days`;
}

function DateField({ label, value, onChange }: { label: string; value: string; onChange: (v: string) => void }) {
  const id = `evidence-${label.toLowerCase().replace(/\W+/g, "-")}`;
  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium text-slate-700">{label}</label>
      <input id={id} type="date" value={value} onChange={(e) => onChange(e.target.value)}
        className="mt-1 block rounded-md border border-slate-300 px-2 py-1.5 text-sm focus:border-brand-600 focus:outline-none focus:ring-1 focus:ring-brand-600" />
    </div>
  );
}

const linkClass = "inline-flex items-center rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-800 hover:bg-slate-50";

function Downloads({ params, parts }: { params: Record<string, string>; parts: [string, string][] }) {
  const href = (extra: Record<string, string>) => `/api/admin/evidence/export?${new URLSearchParams({ ...params, ...extra })}`;
  return (
    <div className="flex flex-wrap gap-2" aria-label="Downloads">
      {parts.map(([part, label]) => (
        <a key={part} className={linkClass} href={href({ format: "csv", part })} download>{`CSV: ${label}`}</a>
      ))}
      <a className={linkClass} href={href({ format: "json" })} download>JSON (whole pack)</a>
      <a className={linkClass} href={href({ format: "html" })} target="_blank" rel="noopener">Printable summary (HTML / PDF)</a>
    </div>
  );
}

function Table({ header, rows, empty }: { header: string[]; rows: React.ReactNode[][]; empty: string }) {
  if (rows.length === 0) return <Empty>{empty}</Empty>;
  return (
    <div className="overflow-x-auto">
      <table className="min-w-full divide-y divide-slate-200 text-sm">
        <thead className="bg-slate-50">
          <tr>{header.map((h) => <th key={h} scope="col" className="px-3 py-2 text-left font-medium text-slate-700">{h}</th>)}</tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {rows.map((r, i) => <tr key={i}>{r.map((c, j) => <td key={j} className="px-3 py-2 align-top text-slate-800">{c}</td>)}</tr>)}
        </tbody>
      </table>
    </div>
  );
}

function shown(count: number, total: number | undefined) {
  return total !== undefined && total > count ? ` (first ${formatNumber(count)} of ${formatNumber(total)}; downloads have all)` : "";
}

function PackPreview({ pack, kind }: { pack: PackJson; kind: Kind }) {
  const intervals = (kind === "person" ? pack.access : pack.intervals) ?? [];
  const events = (kind === "person" ? pack.accessEvents : pack.events) ?? [];
  const intervalTotal = kind === "person" ? pack.totals.access : pack.totals.intervals;
  const eventTotal = kind === "person" ? pack.totals.accessEvents : pack.totals.events;
  return (
    <div className="space-y-4">
      <dl className="grid gap-3 sm:grid-cols-3">
        {kind !== "person" && <Stat label="People with access" value={formatNumber(pack.people ?? 0)} />}
        {kind === "person" && <Stat label="Directory" value={pack.attributes?.directory.name ?? "deleted"} />}
        <Stat label="Access intervals" value={formatNumber(intervalTotal ?? 0)} />
        <Stat label="Grants & revocations" value={formatNumber(eventTotal ?? 0)} />
      </dl>
      <h3 className="text-sm font-semibold text-slate-900">Who had access, when and why{shown(intervals.length, intervalTotal)}</h3>
      <Table
        header={[...(kind === "person" ? [] : ["Person"]), "Contract", "From", "To", "Level", "Why"]}
        empty="Nobody had access in this window."
        rows={intervals.map((i) => [
          ...(kind === "person" ? [] : [i.displayName ?? i.userName ?? `deleted user ${i.userId.slice(0, 8)}`]),
          <span key="c">{i.contractTitle ?? i.contractId}<span className="block text-xs text-slate-500">{i.repositoryName}</span></span>,
          <span key="f"><Time value={i.from} />{i.openAtStart ? " (before)" : ""}</span>,
          i.openAtEnd ? "continues" : <Time key="t" value={i.to} />,
          <LevelBadge key="l" level={i.level} />,
          <span key="w" className="text-xs">{i.reasons.map((r) => r.chain).join(" | ")}</span>,
        ])}
      />
      <h3 className="text-sm font-semibold text-slate-900">Grants and revocations{shown(events.length, eventTotal)}</h3>
      <Table
        header={["Time", "Action", "Person", "Repository", "Contracts", "Cause", "By", "Request id"]}
        empty="No grant or revocation in this window."
        rows={events.map((e) => [
          <Time key="at" value={e.at} />,
          e.action,
          e.userLabel ?? "—",
          e.repositoryName ?? "—",
          `${e.before.contracts ?? "?"} → ${e.after.contracts ?? "?"}`,
          e.cause.event?.action ?? e.cause.kind ?? "—",
          e.cause.event?.actor.label ?? "—",
          <code key="r" className="text-xs">{e.cause.event?.requestId ?? "—"}</code>,
        ])}
      />
    </div>
  );
}

interface Defaults {
  defaultFrom: string;
  defaultUntil: string;
}

function PackSection({ defaultFrom, defaultUntil }: Defaults) {
  const [kind, setKind] = useState<Kind>("contract");
  const [subject, setSubject] = useState<PickerOption | null>(null);
  const [from, setFrom] = useState(defaultFrom);
  const [until, setUntil] = useState(defaultUntil);
  const [submitted, setSubmitted] = useState<Record<string, string> | null>(null);
  const query = useEvidence<PackJson>(submitted);
  const pickerKind = kind === "person" ? "user" : kind;
  return (
    <Card title="Evidence pack" description="Pick a contract, a repository or a person and a period (dates in UTC, both included).">
      <form
        className="space-y-4"
        onSubmit={(e) => {
          e.preventDefault();
          if (subject) setSubmitted({ kind, id: subject.id, ...windowOf(from, until) });
        }}
      >
        <SubjectKindToggle legend="Evidence for" name="evidence-kind" kinds={KINDS} value={kind} onChange={(k) => { setKind(k); setSubject(null); setSubmitted(null); }} />
        <SubjectPicker kind={pickerKind} value={subject} onChange={setSubject} />
        <div className="flex flex-wrap items-end gap-3">
          <DateField label="From" value={from} onChange={setFrom} />
          <DateField label="Until" value={until} onChange={setUntil} />
          <button type="submit" disabled={!subject || !from || !until}
            className="rounded-md bg-brand-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-brand-700 disabled:opacity-50">
            Preview
          </button>
        </div>
      </form>
      {submitted && (
        <div className="mt-6 space-y-4">
          {query.isPending && <Loading label="Building the evidence pack…" />}
          {query.isError && <ErrorMessage error={query.error} retry={() => query.refetch()} />}
          {query.data && (
            <>
              <div className="flex flex-wrap items-center justify-between gap-3">
                <p className="text-sm text-slate-700">
                  <span className="font-medium">{query.data.subject.label}</span> · <Time value={query.data.window.from} /> – <Time value={query.data.window.to} />
                </p>
                <Downloads params={submitted} parts={PARTS[kind]} />
              </div>
              <PackPreview pack={query.data} kind={submitted.kind as Kind} />
            </>
          )}
        </div>
      )}
    </Card>
  );
}

function LeaversSection({ defaultFrom, defaultUntil }: Defaults) {
  const [from, setFrom] = useState(defaultFrom);
  const [until, setUntil] = useState(defaultUntil);
  const params = { kind: "leavers", ...windowOf(from, until) };
  const query = useEvidence<LeaversJson>(from && until ? params : null);
  const d = query.data?.distribution;
  return (
    <Card
      title="Leavers: time to revoke"
      description="People their directory deactivated or deleted: from the identity provider's request to the end of every grant they held."
      actions={query.data ? <Downloads params={params} parts={[["leavers", "Leavers"]]} /> : undefined}
    >
      <div className="mb-4 flex flex-wrap items-end gap-3">
        <DateField label="Leavers from" value={from} onChange={setFrom} />
        <DateField label="Leavers until" value={until} onChange={setUntil} />
      </div>
      {query.isPending && <Loading />}
      {query.isError && <ErrorMessage error={query.error} retry={() => query.refetch()} />}
      {query.data && d && (
        <div className="space-y-4">
          <dl className="grid gap-3 sm:grid-cols-4">
            <Stat label="Leavers" value={formatNumber(query.data.totals.leavers)} />
            <Stat label="Median time to revoke" value={duration(d.medianMs)} />
            <Stat label="95th percentile" value={duration(d.p95Ms)} />
            <Stat label="Slowest" value={duration(d.maxMs)} />
          </dl>
          {d.unrevoked > 0 && <p className="text-sm font-medium text-red-700">{d.unrevoked} leaver(s) kept a grant with no recorded end.</p>}
          <div className="h-56" role="img" aria-label={`Time to revoke: ${d.buckets.map((b) => `${b.label}: ${b.people}`).join(", ")}`}>
            <ResponsiveContainer width="100%" height="100%">
              <BarChart data={d.buckets} margin={{ top: 8, right: 8, left: 0, bottom: 0 }}>
                <CartesianGrid strokeDasharray="3 3" vertical={false} />
                <XAxis dataKey="label" tick={{ fontSize: 12 }} />
                <YAxis allowDecimals={false} tick={{ fontSize: 12 }} />
                <Tooltip />
                <Bar dataKey="people" name="People" fill={colorAt(0)} isAnimationActive={false} />
              </BarChart>
            </ResponsiveContainer>
          </div>
          <Table
            header={["Person", "Left by", "Request received", "Grants ended", "Time to revoke"]}
            empty="Nobody left in this period."
            rows={query.data.leavers.map((l) => [
              l.label ?? `deleted user ${l.userId.slice(0, 8)}`,
              l.action === "user.deleted" ? "deletion" : "deactivation",
              l.requestReceivedAt ? <Time key="r" value={l.requestReceivedAt} /> : <span key="r"><Time value={l.requestedAt} /> (audit event)</span>,
              l.grants.length === 0 ? "held none" : <span key="g">{l.grants.map((g, n) => <span key={n}>{n > 0 && "; "}{g.repositoryName ?? "?"}: {g.endedAt ? <Time value={g.endedAt} /> : "not ended"}</span>)}</span>,
              l.unrevoked ? <span key="u" className="font-medium text-red-700">not revoked</span> : duration(l.timeToRevokeMs),
            ])}
          />
        </div>
      )}
    </Card>
  );
}

/** Dates (YYYY-MM-DD, UTC) of the default period, chosen on the server so both renders agree. */
export function EvidenceView(defaults: Defaults) {
  return (
    <div className="space-y-6">
      <PackSection {...defaults} />
      <LeaversSection {...defaults} />
    </div>
  );
}
