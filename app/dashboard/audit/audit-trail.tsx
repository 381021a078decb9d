"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { useState } from "react";
import { errorMessage, fieldErrors } from "@/components/ui/api";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { formatDateTime } from "@/components/ui/format";
import { actorTone } from "./actor-tone";
import { apiQuery, EMPTY_FILTERS, urlQuery, type AuditFilterKey, type AuditFilters } from "./filters";
import { useAuditEvents, useAuditFilterOptions } from "@/components/data-hooks/audit";
import { Time } from "@/components/ui/time";
import { HorizontalScroll } from "@/components/ui/horizontal-scroll";
import { NamedRef, NamedText, nameLookup } from "@/components/audit/named";
import { labelIsName } from "@/lib/audit/names";

const inputClass = "mt-1 block w-full rounded-md border px-2.5 py-1.5 text-sm focus:border-brand-600 focus:outline-none focus:ring-1 focus:ring-brand-600";

function FilterInput({
  name,
  label,
  filters,
  onChange,
  error,
  hint,
  ...props
}: {
  name: AuditFilterKey;
  label: string;
  filters: AuditFilters;
  onChange: (key: AuditFilterKey, value: string) => void;
  error?: string;
  hint?: string;
} & Omit<React.InputHTMLAttributes<HTMLInputElement>, "name" | "onChange" | "value">) {
  const id = `audit-filter-${name}`;
  const describedBy = error ? `${id}-error` : hint ? `${id}-hint` : undefined;
  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium text-slate-700">{label}</label>
      <input id={id} name={name} value={filters[name]} onChange={(e) => onChange(name, e.target.value)}
        aria-invalid={error ? true : undefined} aria-describedby={describedBy}
        className={`${inputClass} ${error ? "border-red-600" : "border-slate-300"}`} {...props} />
      {error ? (
        <p id={`${id}-error`} className="mt-1 text-xs font-medium text-red-700">{error}</p>
      ) : hint ? (
        <p id={`${id}-hint`} className="mt-1 text-xs text-slate-500">{hint}</p>
      ) : null}
    </div>
  );
}

export function AuditTrail({
  initial,
  actorTypes,
  directories,
  canExport,
  exportCap,
  scanWindow,
  links,
}: {
  initial: AuditFilters;
  actorTypes: string[];
  directories: { id: string; name: string }[];
  canExport: boolean;
  exportCap: number;
  scanWindow: number;
  /** The named types this viewer may follow to their pages. */
  links: string[];
}) {
  const pathname = usePathname();
  const [draft, setDraft] = useState<AuditFilters>(initial);
  const [applied, setApplied] = useState<AuditFilters>(initial);
  const qs = apiQuery(applied);

  const events = useAuditEvents(qs);
  const options = useAuditFilterOptions();

  const errors = events.error ? fieldErrors(events.error) : {};
  const filterErrorShown = Object.keys(errors).some((k) => k in EMPTY_FILTERS);
  const items = events.data?.pages.flatMap((p) => p.items) ?? [];
  const lastPage = events.data?.pages.at(-1);
  const directoryName = new Map(directories.map((d) => [d.id, d.name]));
  // Today's names, for events written before names were stored with them (every page's).
  const currentNames = Object.assign({}, ...(events.data?.pages.map((p) => p.currentNames) ?? []));
  const change = (key: AuditFilterKey, value: string) => setDraft((d) => ({ ...d, [key]: value }));

  function apply(next: AuditFilters) {
    setDraft(next);
    setApplied(next);
    const query = urlQuery(next);
    // Only the address changes (a shareable link); the list refetches on the client. Next.js keeps
    // its router in sync with history.replaceState, without a server round trip.
    window.history.replaceState(null, "", query ? `${pathname}?${query}` : pathname);
  }

  const activeCount = Object.values(applied).filter((v) => v.trim()).length;

  return (
    <div className="space-y-4">
      <form
        role="search"
        aria-label="Filter the audit trail"
        onSubmit={(e) => {
          e.preventDefault();
          apply(draft);
        }}
        className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm"
        noValidate
      >
        <div className="grid grid-cols-1 gap-3 sm:grid-cols-2 lg:grid-cols-4">
          <div className="sm:col-span-2">
            <FilterInput name="q" label="Search" type="search" filters={draft} onChange={change} error={errors.q}
              placeholder="e-mail, user name, group, token, value…" hint="Whole words or their beginnings, over actor, target, names, action and the recorded values — the whole trail." />
          </div>
          <FilterInput name="from" label="From" type="datetime-local" step="1" filters={draft} onChange={change} error={errors.from} />
          <FilterInput name="to" label="To" type="datetime-local" step="1" filters={draft} onChange={change} error={errors.to} />
          <div>
            <label htmlFor="audit-filter-actorType" className="block text-sm font-medium text-slate-700">Actor type</label>
            <select id="audit-filter-actorType" value={draft.actorType} onChange={(e) => change("actorType", e.target.value)}
              className={`${inputClass} border-slate-300 bg-white`}>
              <option value="">Any</option>
              {actorTypes.map((t) => (
                <option key={t} value={t}>{t === "directory" ? "directory (SCIM)" : t === "api" ? "api (API key)" : t}</option>
              ))}
            </select>
          </div>
          <FilterInput name="actor" label="Actor" filters={draft} onChange={change} error={errors.actor} placeholder="admin@…, token name or id" />
          <FilterInput name="action" label="Action" filters={draft} onChange={change} error={errors.action} list="audit-actions"
            placeholder="user.created or user.*" hint="Exact, or a prefix ending in *." />
          <datalist id="audit-actions">
            {options.data?.actions.map((a) => <option key={a} value={a} />)}
          </datalist>
          {directories.length > 0 && (
            <div>
              <label htmlFor="audit-filter-directoryId" className="block text-sm font-medium text-slate-700">Directory</label>
              <select id="audit-filter-directoryId" value={draft.directoryId} onChange={(e) => change("directoryId", e.target.value)}
                className={`${inputClass} border-slate-300 bg-white`}>
                <option value="">Any</option>
                {directories.map((d) => (
                  <option key={d.id} value={d.id}>{d.name}</option>
                ))}
              </select>
            </div>
          )}
          <FilterInput name="targetType" label="Target type" filters={draft} onChange={change} error={errors.targetType} list="audit-target-types" placeholder="User, Group, AccessRule…" />
          <datalist id="audit-target-types">
            {options.data?.targetTypes.map((t) => <option key={t} value={t} />)}
          </datalist>
          <FilterInput name="target" label="Target" filters={draft} onChange={change} error={errors.target} placeholder="Part of its name" />
          <FilterInput name="targetId" label="Target id" filters={draft} onChange={change} error={errors.targetId} placeholder="Exact id" />
          <FilterInput name="requestId" label="Request id" filters={draft} onChange={change} error={errors.requestId} placeholder="Exact request id" />
        </div>
        <div className="mt-4 flex flex-wrap items-center gap-2">
          <Button type="submit">Apply filters</Button>
          <Button variant="secondary" onClick={() => apply(EMPTY_FILTERS)} disabled={activeCount === 0 && urlQuery(draft) === ""}>
            Reset
          </Button>
          {canExport && (
            <div className="ml-auto flex flex-wrap items-center gap-2 text-sm">
              <a href={`/api/admin/audit/export?format=csv${qs ? `&${qs}` : ""}`} download
                className="rounded-md border border-slate-300 bg-white px-3 py-1.5 font-medium text-slate-800 hover:bg-slate-50 focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-600">
                Export CSV
              </a>
              <a href={`/api/admin/audit/export?format=json${qs ? `&${qs}` : ""}`} download
                className="rounded-md border border-slate-300 bg-white px-3 py-1.5 font-medium text-slate-800 hover:bg-slate-50 focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-600">
                Export JSON
              </a>
              <span className="text-xs text-slate-500">The applied filters, newest first, at most {exportCap.toLocaleString("en")} events.</span>
            </div>
          )}
        </div>
      </form>

      <div className="overflow-hidden rounded-lg border border-slate-200 bg-white shadow-sm">
        {/* At 1,024 px the Target and Directory columns are off screen: scroll with a cue. */}
        <HorizontalScroll label="Audit events">
          <table className="min-w-full divide-y divide-slate-200 text-sm" aria-label="Audit events" aria-busy={events.isFetching}>
            <thead className="bg-slate-50">
              <tr>
                <th scope="col" className="px-4 py-2 text-left font-medium text-slate-600">Time</th>
                <th scope="col" className="px-4 py-2 text-left font-medium text-slate-600">Actor</th>
                <th scope="col" className="px-4 py-2 text-left font-medium text-slate-600">Action</th>
                <th scope="col" className="px-4 py-2 text-left font-medium text-slate-600">Target</th>
                <th scope="col" className="px-4 py-2 text-left font-medium text-slate-600">Directory</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {events.isPending && (
                <tr><td colSpan={5} className="px-4 py-8 text-center text-slate-500" role="status">Loading…</td></tr>
              )}
              {events.error && (
                <tr>
                  <td colSpan={5} className="px-4 py-8 text-center text-red-700" role="alert">
                    {filterErrorShown ? "Check the highlighted filters." : `Could not load: ${errorMessage(events.error)}`}
                  </td>
                </tr>
              )}
              {events.data && items.length === 0 && (
                <tr>
                  <td colSpan={5} className="px-4 py-8 text-center text-slate-500">
                    {events.hasNextPage
                      ? `No matches among the newest events searched so far (down to #${lastPage?.scannedDownTo}). Load more to search older events.`
                      : activeCount > 0
                        ? "No events match these filters."
                        : "The audit trail is empty."}
                  </td>
                </tr>
              )}
              {items.map((e) => {
                const lookup = nameLookup(e.names, currentNames);
                return (
                  <tr key={e.id} className="hover:bg-slate-50">
                    <td className="px-4 py-2 align-top whitespace-nowrap text-slate-800">
                      <Time value={e.createdAt} />
                      <span className="block text-xs text-slate-500">#{e.seq}</span>
                    </td>
                    <td className="px-4 py-2 align-top">
                      <Badge tone={actorTone(e.actorType)}>{e.actorType}</Badge>
                      <span className="mt-0.5 block max-w-56 truncate text-slate-800" title={e.actorLabel ?? undefined}>
                        {e.actorLabel ? <NamedText text={e.actorLabel} lookup={lookup} links={links} /> : e.actorId ? <code data-id="" className="font-mono text-xs">{e.actorId}</code> : "—"}
                      </span>
                    </td>
                    <td className="px-4 py-2 align-top">
                      <Link href={`/dashboard/audit/${e.id}`} className="font-mono text-xs font-medium text-brand-700 hover:underline"
                        aria-label={`Details of ${e.action} at ${formatDateTime(e.createdAt)}`}>
                        {e.action}
                      </Link>
                    </td>
                    <td className="px-4 py-2 align-top">
                      {e.targetType && e.targetId ? (
                        <>
                          <span className="text-xs text-slate-500">{e.targetType}</span>
                          <span className="block max-w-72 truncate text-slate-800">
                            {e.targetLabel && !labelIsName(e.targetType) ? (
                              <>
                                <NamedText text={e.targetLabel} lookup={lookup} links={links} />
                                <code data-id="" className="ml-1.5 font-mono text-xs text-slate-500" title={e.targetId}>{e.targetId.slice(0, 8)}</code>
                              </>
                            ) : (
                              <NamedRef id={e.targetId} type={e.targetType} lookup={lookup} links={links} fallback={e.targetLabel} />
                            )}
                          </span>
                        </>
                      ) : (
                        "—"
                      )}
                    </td>
                    <td className="px-4 py-2 align-top text-slate-700">
                      {e.directoryId ? <NamedRef id={e.directoryId} type="Directory" lookup={lookup} links={links} fallback={directoryName.get(e.directoryId)} showId={false} /> : "—"}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </HorizontalScroll>
        <div className="flex flex-wrap items-center justify-between gap-2 border-t border-slate-200 px-4 py-2 text-sm text-slate-600">
          <span role="status">
            {events.data ? `Showing ${items.length.toLocaleString("en")} event${items.length === 1 ? "" : "s"}` : " "}
            {applied.q.trim() && lastPage && (
              <span className="ml-2 text-xs text-slate-500">
                Searched the whole trail in {lastPage.tookMs.toLocaleString("en")} ms.
              </span>
            )}
            {lastPage?.scannedDownTo && events.hasNextPage && (
              <span className="ml-2 text-xs text-slate-500">
                Text and partial-name filters search {scanWindow.toLocaleString("en")} events per step; searched down to #{lastPage.scannedDownTo}.
              </span>
            )}
          </span>
          {events.hasNextPage && (
            <Button variant="secondary" onClick={() => void events.fetchNextPage()} disabled={events.isFetchingNextPage}>
              {events.isFetchingNextPage ? "Loading…" : items.length === 0 ? "Search older events" : "Load more"}
            </Button>
          )}
        </div>
      </div>
    </div>
  );
}
