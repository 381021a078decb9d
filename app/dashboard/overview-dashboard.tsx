"use client";

import { causeLabel } from "@/components/access/cause-labels";
import Link from "next/link";
import { useState } from "react";
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { CONFIDENTIALITY_LABELS } from "@/components/access/badges";
import { CONFIDENTIALITY_COLORS, colorAt } from "@/components/charts/palette";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { formatNumber, plural } from "@/components/ui/format";
import { formatDayShort } from "@/lib/time-format";
import { Empty, ErrorMessage, Loading } from "@/components/ui/query-state";
import type { Overview } from "@/lib/overview/queries";
import { ExpiringAccess } from "@/components/access/expiring-access";
import { useOverview } from "@/components/data-hooks/overview";
import { Time } from "@/components/ui/time";

const RANGES = [7, 30, 90] as const;
const OPERATION_LABELS: Record<string, string> = {
  "user.created": "User created",
  "user.updated": "User updated",
  "user.activated": "User activated",
  "user.deactivated": "User deactivated",
  "user.deleted": "User deleted",
  "group.created": "Group created",
  "group.updated": "Group updated",
  "group.members_changed": "Members changed",
  "group.deleted": "Group deleted",
};

function ActivityChart({ data, by }: { data: Overview; by: "directory" | "operation" }) {
  const names = new Map(data.directories.map((d) => [d.id, d.name]));
  const keyOf = (row: Overview["activity"]["rows"][number]) =>
    by === "directory" ? (row.directoryId ? (names.get(row.directoryId) ?? "Deleted directory") : "No directory") : (OPERATION_LABELS[row.action] ?? row.action);
  const series = [...new Set(data.activity.rows.map(keyOf))].sort();
  const byDay = new Map(data.activity.days.map((d) => [d, Object.fromEntries(series.map((s) => [s, 0])) as Record<string, number>]));
  for (const row of data.activity.rows) {
    const bucket = byDay.get(row.day);
    if (bucket) bucket[keyOf(row)] += row.count;
  }
  const points = data.activity.days.map((day) => ({ day: formatDayShort(day), ...byDay.get(day) }));
  const total = data.activity.rows.reduce((a, r) => a + r.count, 0);
  if (total === 0) return <Empty>No provisioning activity in this period.</Empty>;
  return (
    <figure>
      <figcaption className="sr-only">
        {formatNumber(total)} provisioning events over {data.days} days, stacked by {by}.
      </figcaption>
      <div className="h-72">
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={points} margin={{ top: 8, right: 8, left: 0, bottom: 0 }}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey="day" tick={{ fontSize: 11 }} interval="preserveStartEnd" minTickGap={16} />
            <YAxis allowDecimals={false} tick={{ fontSize: 11 }} width={40} />
            <Tooltip />
            <Legend wrapperStyle={{ fontSize: 12 }} itemSorter={null} />
            {series.map((s, i) => (
              <Bar key={s} dataKey={s} stackId="a" fill={colorAt(i)} isAnimationActive={false} />
            ))}
          </BarChart>
        </ResponsiveContainer>
      </div>
    </figure>
  );
}

function UsersChart({ data }: { data: Overview }) {
  const points = data.users.map((u) => ({ directory: u.directory, Active: u.active, Deactivated: u.deactivated }));
  const active = data.users.reduce((a, u) => a + u.active, 0);
  const deactivated = data.users.reduce((a, u) => a + u.deactivated, 0);
  if (active + deactivated === 0) return <Empty>No users provisioned yet.</Empty>;
  return (
    <figure>
      <p className="mb-2 text-sm text-slate-600">
        <strong className="text-2xl font-semibold text-slate-900">{formatNumber(active)}</strong> active ·{" "}
        <strong className="text-slate-900">{formatNumber(deactivated)}</strong> deactivated
      </p>
      <figcaption className="sr-only">Active and deactivated users per directory.</figcaption>
      <div style={{ height: Math.max(120, points.length * 44 + 50) }}>
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={points} layout="vertical" margin={{ top: 0, right: 8, left: 8, bottom: 0 }}>
            <CartesianGrid strokeDasharray="3 3" horizontal={false} />
            <XAxis type="number" allowDecimals={false} tick={{ fontSize: 11 }} />
            <YAxis type="category" dataKey="directory" width={110} tick={{ fontSize: 11 }} />
            <Tooltip />
            <Legend wrapperStyle={{ fontSize: 12 }} itemSorter={null} />
            <Bar dataKey="Active" stackId="u" fill="#047857" isAnimationActive={false} />
            <Bar dataKey="Deactivated" stackId="u" fill="#94a3b8" isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      </div>
    </figure>
  );
}

const CHART_REPOSITORIES = 12;
const sumOf = (x: Record<string, number>) => Object.values(x).reduce((a, b) => a + b, 0);

function AccessChart({ data }: { data: Overview }) {
  const [showAll, setShowAll] = useState(false);
  if (data.access.length === 0) return <Empty>No repositories yet.</Empty>;
  const levels = Object.keys(CONFIDENTIALITY_COLORS);
  const top = data.access.slice(0, CHART_REPOSITORIES);
  const rows = showAll ? data.access : top;
  const more = data.access.length - top.length;
  const points = top.map((r) => ({ repository: r.repository, rules: r.rules, ...Object.fromEntries(levels.map((l) => [CONFIDENTIALITY_LABELS[l], r.granted[l as keyof typeof r.granted]])) }));
  const grace = data.access.reduce((a, r) => a + sumOf(r.inGrace), 0);
  return (
    <figure>
      <figcaption className="mb-2 text-sm text-slate-600">
        Open contracts (not ended) that at least one rule in force grants on, by repository and confidentiality
        {more > 0 ? ` — the top ${top.length} of ${data.access.length} repositories.` : "."}
      </figcaption>
      <div style={{ height: Math.max(160, points.length * 36 + 60) }}>
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={points} layout="vertical" margin={{ top: 0, right: 8, left: 8, bottom: 0 }}>
            <CartesianGrid strokeDasharray="3 3" horizontal={false} />
            <XAxis type="number" allowDecimals={false} tick={{ fontSize: 11 }} />
            <YAxis type="category" dataKey="repository" width={140} tick={{ fontSize: 11 }} />
            <Tooltip />
            <Legend wrapperStyle={{ fontSize: 12 }} itemSorter={null} />
            {levels.map((l) => (
              <Bar key={l} dataKey={CONFIDENTIALITY_LABELS[l]} stackId="c" fill={CONFIDENTIALITY_COLORS[l]} isAnimationActive={false} />
            ))}
          </BarChart>
        </ResponsiveContainer>
      </div>
      <table className="mt-3 w-full text-xs text-slate-600">
        <caption className="sr-only">Coverage per repository</caption>
        <thead>
          <tr className="text-left">
            <th scope="col" className="py-1 font-medium">Repository</th>
            <th scope="col" className="py-1 text-right font-medium">Granted / open contracts</th>
            <th scope="col" className="py-1 text-right font-medium"><span title="Ended contracts a rule still grants on during its grace days after the end">Ended, in grace</span></th>
            <th scope="col" className="py-1 text-right font-medium">Rules in force</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.repositoryId} className="border-t border-slate-100">
              <td className="py-1">
                <Link className="text-brand-700 underline underline-offset-2 hover:text-brand-900" href={`/dashboard/repositories/${r.repositoryId}`}>{r.repository}</Link>
              </td>
              <td className="py-1 text-right tabular-nums">{formatNumber(sumOf(r.granted))} / {formatNumber(sumOf(r.contracts))}</td>
              <td className="py-1 text-right tabular-nums">{formatNumber(sumOf(r.inGrace))}</td>
              <td className="py-1 text-right tabular-nums">{formatNumber(r.rules)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="mt-2 flex flex-wrap items-center justify-between gap-2 text-xs text-slate-500">
        <span>{grace > 0 ? `${formatNumber(grace)} ended contract${grace === 1 ? " is" : "s are"} still granted in grace days; they are not counted as open.` : ""}</span>
        {more > 0 && (
          <button type="button" className="text-sm text-brand-700 underline underline-offset-2 hover:text-brand-900" aria-expanded={showAll} onClick={() => setShowAll((v) => !v)}>
            {showAll ? `Show the top ${top.length} only` : `Show all ${data.access.length} repositories`}
          </button>
        )}
      </div>
    </figure>
  );
}

type Revocation = Overview["revocations"][number];


const linkClass = "text-brand-700 underline underline-offset-2 hover:text-brand-900";

function RevocationCause({ item }: { item: Revocation }) {
  const { cause } = item;
  if (cause.kind === "contract.end" && cause.contracts.length > 0) {
    const shown = cause.contracts.slice(0, 3);
    return (
      <span className="font-medium">
        {cause.contracts.length === 1 ? "Contract " : `${formatNumber(cause.contracts.length)} contracts ended: `}
        {shown.map((c, i) => (
          <span key={c.id}>{i > 0 && ", "}<Link className={linkClass} href={`/dashboard/contracts/${c.id}`}>{c.title ?? "deleted contract"}</Link></span>
        ))}
        {cause.contracts.length > shown.length && ` and ${formatNumber(cause.contracts.length - shown.length)} more`}
        {cause.contracts.length === 1 ? " ended (grace days over)" : ""}
      </span>
    );
  }
  if (cause.kind === "rule.expiry" && cause.rules.length > 0) {
    return (
      <span className="font-medium">
        {cause.rules.length === 1 ? <Link className={linkClass} href={`/dashboard/rules/${cause.rules[0].id}`}>A rule</Link> : `${formatNumber(cause.rules.length)} rules`} expired
      </span>
    );
  }
  const label = causeLabel(cause.kind);
  return <span className="font-medium">{cause.eventId ? <Link className={linkClass} href={`/dashboard/audit/${cause.eventId}`}>{label}</Link> : label}</span>;
}

function RevocationItem({ item }: { item: Revocation }) {
  const single = item.people === 1 ? item.examples[0] : undefined;
  const others = item.people - item.examples.length;
  return (
    <li className="py-2 text-sm">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <RevocationCause item={item} />
        <Time className="text-xs text-slate-500" value={item.at} />
      </div>
      <div className="text-slate-700">
        {single ? (
          single.id ? <Link className={linkClass} href={`/dashboard/users/${single.id}`}>{single.label ?? "deleted user"}</Link> : (single.label ?? "A deleted user")
        ) : (
          <>{item.partial ? "At least " : ""}{formatNumber(item.people)} people (
            {item.examples.map((p, i) => (
              <span key={p.id ?? i}>{i > 0 && ", "}{p.id ? <Link className={linkClass} href={`/dashboard/users/${p.id}`}>{p.label ?? "deleted user"}</Link> : (p.label ?? "deleted user")}</span>
            ))}
            {others > 0 && ` and ${formatNumber(others)} more`})</>
        )}{" "}
        lost access in{" "}
        {item.repositories.map((r, i) => (
          <span key={r.id}>{i > 0 && ", "}<Link className={linkClass} href={`/dashboard/repositories/${r.id}`}>{r.name ?? "a deleted repository"}</Link></span>
        ))}
        {item.repositories.length === 0 && "a repository"}
      </div>
      <div className="text-xs text-slate-600">
        {single && single.contracts !== null && (single.contracts > 0 ? <>still reaches {plural(single.contracts, "other contract")} there{single.level ? ` (at most ${single.level})` : ""}</> : <>no access left there</>)}
        {item.actorLabel && <>{single && single.contracts !== null ? " · " : ""}recorded by {item.actorLabel}</>}
      </div>
    </li>
  );
}

function HealthCard({ h }: { h: Overview["health"][number] }) {
  const rate = h.errorRate24h;
  const tone =
    h.tokensExpiredRecentlyUsed > 0 || h.suspendedUsers > 0 || (rate !== null && rate > 0.2)
      ? "red"
      : h.tokensExpired > 0 || h.tokensExpiringSoon > 0 || h.flaggedUsers > 0 || (rate !== null && rate > 0.05)
        ? "amber"
        : "green";
  const label = tone === "red" ? "attention" : tone === "amber" ? "warning" : "healthy";
  const idle = h.lastRequestAt === null;
  return (
    <Card
      title={<Link className="hover:underline" href={`/dashboard/directories/${h.id}`}>{h.name}</Link>}
      description={h.kind}
      actions={<Badge tone={idle ? "gray" : tone}>{idle ? "no requests yet" : label}</Badge>}
    >
      <dl className="grid grid-cols-[1fr_auto] gap-x-4 gap-y-1 text-sm">
        <dt className="text-slate-600">Last successful request</dt>
        <dd className="text-right"><Time value={h.lastSuccessAt} /></dd>
        <dt className="text-slate-600">Requests (24 h)</dt>
        <dd className="text-right">{formatNumber(h.requests24h)}</dd>
        <dt className="text-slate-600">Error rate (24 h)</dt>
        <dd className="text-right">
          {rate === null ? "—" : `${(rate * 100).toFixed(1)} %`}
          {h.serverErrors24h > 0 && <span className="text-red-700"> ({h.serverErrors24h} server errors)</span>}
          {h.throttled24h > 0 && <span className="text-amber-800"> ({h.throttled24h} rate-limited)</span>}
        </dd>
        <dt className="text-slate-600">Requests with ignored attributes (24 h)</dt>
        <dd className={`text-right ${h.ignored24h ? "font-medium text-amber-800" : ""}`}>{formatNumber(h.ignored24h)}</dd>
        <dt className="text-slate-600">Live tokens</dt>
        <dd className="text-right">{formatNumber(h.liveTokens)}</dd>
        <dt className="text-slate-600">Expiring within 14 days</dt>
        <dd className={`text-right ${h.tokensExpiringSoon ? "font-medium text-amber-800" : ""}`}>{formatNumber(h.tokensExpiringSoon)}</dd>
        <dt className="text-slate-600">Expired, not revoked</dt>
        <dd className={`text-right ${h.tokensExpired ? "font-medium text-red-700" : ""}`}>
          {formatNumber(h.tokensExpired)}
          {h.tokensExpiredRecentlyUsed > 0 && <span> ({h.tokensExpiredRecentlyUsed} used in the last 14 days)</span>}
        </dd>
        <dt className="text-slate-600">Inactive users flagged / suspended</dt>
        <dd className={`text-right ${h.suspendedUsers ? "font-medium text-red-700" : h.flaggedUsers ? "font-medium text-amber-800" : ""}`}>
          {formatNumber(h.flaggedUsers)} / {formatNumber(h.suspendedUsers)}
        </dd>
      </dl>
    </Card>
  );
}

export function OverviewDashboard({ canReviewAccess = false, canReadRules = false, canCreateDirectory = false }: { canReviewAccess?: boolean; canReadRules?: boolean; canCreateDirectory?: boolean }) {
  const [days, setDays] = useState<number>(30);
  const [by, setBy] = useState<"directory" | "operation">("directory");
  const query = useOverview(days);
  const data = query.data;
  return (
    <div className="space-y-6">
      <Card
        title="Provisioning activity"
        description="What your identity providers changed, per day (UTC)."
        actions={
          <div className="flex flex-wrap gap-3">
            <div role="group" aria-label="Period" className="inline-flex overflow-hidden rounded-md border border-slate-300">
              {RANGES.map((r) => (
                <button key={r} type="button" aria-pressed={days === r} onClick={() => setDays(r)}
                  className={`px-3 py-1 text-sm ${days === r ? "bg-brand-600 text-white" : "bg-white text-slate-700 hover:bg-slate-50"}`}>
                  {r} days
                </button>
              ))}
            </div>
            <div role="group" aria-label="Group by" className="inline-flex overflow-hidden rounded-md border border-slate-300">
              {(["directory", "operation"] as const).map((b) => (
                <button key={b} type="button" aria-pressed={by === b} onClick={() => setBy(b)}
                  className={`px-3 py-1 text-sm ${by === b ? "bg-brand-600 text-white" : "bg-white text-slate-700 hover:bg-slate-50"}`}>
                  by {b}
                </button>
              ))}
            </div>
          </div>
        }
      >
        {query.isPending ? <Loading /> : query.error ? <ErrorMessage error={query.error} retry={() => void query.refetch()} /> : data && <ActivityChart data={data} by={by} />}
      </Card>

      {query.isPending ? null : query.error ? null : data && (
        <>
          {/* Users and directory health share a column beside the (taller) access card. */}
          <div className="grid items-start gap-6 xl:grid-cols-2">
            <div className="space-y-6">
              <Card title="Users" description="Active and deactivated, per directory.">
                <UsersChart data={data} />
              </Card>
              <section aria-labelledby="health-heading">
                <h2 id="health-heading" className="mb-3 text-base font-semibold text-slate-900">Directory health</h2>
                {data.health.length === 0 ? (
                  <Empty>No directories yet.{canCreateDirectory ? <> <Link className="text-brand-700 underline" href="/dashboard/directories">Create one</Link>.</> : " An administrator connects identity providers."}</Empty>
                ) : (
                  <div className="grid gap-4 md:grid-cols-2 xl:grid-cols-1 2xl:grid-cols-2">{data.health.map((h) => <HealthCard key={h.id} h={h} />)}</div>
                )}
              </section>
            </div>
            <Card title="Access by repository and confidentiality">
              <AccessChart data={data} />
            </Card>
          </div>
          {canReviewAccess && <ExpiringAccess canReadRules={canReadRules} />}
          <Card title="Recent revocations" description="access.revoked events, one line per cause: what ended, who lost access and where."
            actions={<Link className="text-sm text-brand-700 hover:underline" href="/dashboard/audit?action=access.revoked">All in the audit trail</Link>}>
            {data.revocations.length === 0 ? (
              <Empty>No access has been revoked yet.</Empty>
            ) : (
              <ul className="divide-y divide-slate-100">{data.revocations.map((r) => <RevocationItem key={r.id} item={r} />)}</ul>
            )}
          </Card>
        </>
      )}
    </div>
  );
}
