"use client";

import Link from "next/link";
import { useDeferredValue, useId, useState } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { DataTable, type Column } from "@/components/ui/data-table";
import { fromLocalInputValue } from "@/components/ui/format";
import type { RequestLogItem } from "@/lib/directories/queries";
import { useDirectoryTokens } from "@/components/data-hooks/directories";
import { Time } from "@/components/ui/time";

const STATUS_CLASSES = [
  { value: "", label: "Any" },
  { value: "2xx", label: "2xx success" },
  { value: "3xx", label: "3xx not modified" },
  { value: "4xx", label: "4xx client error" },
  { value: "5xx", label: "5xx server error" },
  { value: "errors", label: "All errors (≥ 400)" },
];
const METHODS = ["", "GET", "POST", "PUT", "PATCH", "DELETE"];
/** The first page follows new requests (the log is written within a second of each request). */
const LIVE_REFRESH_MS = 5_000;

function statusBadge(r: RequestLogItem) {
  const tone = r.status >= 500 ? "red" : r.status >= 400 ? "amber" : r.status >= 300 ? "gray" : "green";
  return (
    <span className="inline-flex flex-col items-start gap-0.5">
      <Badge tone={tone}>{r.status}</Badge>
      {r.scimType && <span className="text-xs text-slate-500">{r.scimType}</span>}
    </span>
  );
}

const inputClass = "mt-1 block rounded-md border border-slate-300 px-2 py-1.5 text-sm";

function FilterField({ id, label, children }: { id: string; label: string; children: React.ReactNode }) {
  return (
    <div className="text-sm text-slate-700">
      <label htmlFor={id}>{label}</label>
      {children}
    </div>
  );
}

export function RequestLogPanel({ directoryId, directories }: { directoryId?: string; directories?: { id: string; name: string }[] }) {
  const [directory, setDirectory] = useState("");
  const [statusClass, setStatusClass] = useState("");
  const [exactStatus, setExactStatus] = useState("");
  const [method, setMethod] = useState("");
  const [path, setPath] = useState("");
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("");
  const deferredPath = useDeferredValue(path);
  const id = useId();
  const exactValid = /^[1-5]\d\d$/.test(exactStatus);

  // Token names for the credential column (the same cached query as the tokens panel).
  const tokens = useDirectoryTokens(directoryId);
  const tokenLabel = new Map(tokens.data?.items.map((t) => [t.id, `${t.name} (${t.prefix}…)`]) ?? []);
  const directoryName = new Map(directories?.map((d) => [d.id, d.name]) ?? []);

  const columns: Column<RequestLogItem>[] = [
    { key: "createdAt", header: "Time", className: "whitespace-nowrap", render: (r) => <Time value={r.createdAt} /> },
    ...(directories
      ? [
          {
            key: "directory",
            header: "Directory",
            render: (r: RequestLogItem) =>
              r.directoryId ? (
                <Link className="text-brand-700 underline underline-offset-2 hover:text-brand-900" href={`/dashboard/directories/${r.directoryId}`}>
                  {directoryName.get(r.directoryId) ?? r.directoryId}
                </Link>
              ) : (
                <span className="text-slate-500">none (not authenticated)</span>
              ),
          },
        ]
      : []),
    { key: "method", header: "Method", render: (r) => <span className="font-mono text-xs font-semibold">{r.method}</span> },
    {
      key: "path",
      header: "Path",
      render: (r) => (
        // The path as the identity provider sent it (resource ids included): a raw record, an id column.
        <span data-id="" className="block max-w-md truncate font-mono text-xs" title={r.path}>
          {r.path || "/"}
        </span>
      ),
    },
    { key: "status", header: "Status", render: statusBadge },
    { key: "latencyMs", header: "Latency", className: "text-right tabular-nums whitespace-nowrap", render: (r) => `${r.latencyMs} ms` },
    {
      key: "credential",
      header: "Credential",
      render: (r) =>
        r.credentialId ? (
          <span className="text-xs">{tokenLabel.get(r.credentialId) ?? <code className="font-mono">{r.credentialId.slice(0, 8)}</code>}</span>
        ) : (
          "—"
        ),
    },
    {
      key: "client",
      header: "Client",
      render: (r) => (
        <span className="block max-w-48 truncate text-xs text-slate-600" title={`${r.userAgent ?? ""}\nrequest id ${r.requestId ?? "—"}`}>
          {r.userAgent ?? "—"}
        </span>
      ),
    },
  ];

  const clear = () => {
    setDirectory("");
    setStatusClass("");
    setExactStatus("");
    setMethod("");
    setPath("");
    setFrom("");
    setTo("");
  };

  return (
    <Card
      title="Request log"
      description="Every SCIM request, successful or not, newest first (kept for the configured retention). Use it to see what the identity provider sent and what Custodian answered. The first page updates itself every few seconds."
    >
      <form role="search" aria-label="Filter the request log" className="mb-4 flex flex-wrap items-end gap-3" onSubmit={(e) => e.preventDefault()}>
        {directories && (
          <FilterField id={`${id}-directory`} label="Directory">
            <select id={`${id}-directory`} value={directory} onChange={(e) => setDirectory(e.target.value)} className={inputClass}>
              <option value="">All</option>
              {directories.map((d) => (
                <option key={d.id} value={d.id}>{d.name}</option>
              ))}
              <option value="none">None (failed authentication)</option>
            </select>
          </FilterField>
        )}
        <FilterField id={`${id}-status`} label="Status">
          <select id={`${id}-status`} value={statusClass} onChange={(e) => setStatusClass(e.target.value)} className={inputClass} disabled={exactValid}>
            {STATUS_CLASSES.map((s) => (
              <option key={s.value} value={s.value}>{s.label}</option>
            ))}
          </select>
        </FilterField>
        <FilterField id={`${id}-exact`} label="Exact status">
          <input id={`${id}-exact`} value={exactStatus} onChange={(e) => setExactStatus(e.target.value.trim())} inputMode="numeric" maxLength={3}
            placeholder="e.g. 409" className={`${inputClass} w-24`} aria-describedby={`${id}-exact-hint`} />
          <span id={`${id}-exact-hint`} className="sr-only">Three digits; overrides the status class</span>
        </FilterField>
        <FilterField id={`${id}-method`} label="Method">
          <select id={`${id}-method`} value={method} onChange={(e) => setMethod(e.target.value)} className={inputClass}>
            {METHODS.map((m) => (
              <option key={m} value={m}>{m || "Any"}</option>
            ))}
          </select>
        </FilterField>
        <FilterField id={`${id}-path`} label="Path contains">
          <input id={`${id}-path`} type="search" value={path} onChange={(e) => setPath(e.target.value)} placeholder="/Users" className={`${inputClass} w-48`} />
        </FilterField>
        <FilterField id={`${id}-from`} label="From">
          <input id={`${id}-from`} type="datetime-local" step="1" value={from} onChange={(e) => setFrom(e.target.value)} className={inputClass} />
        </FilterField>
        <FilterField id={`${id}-to`} label="To">
          <input id={`${id}-to`} type="datetime-local" step="1" value={to} onChange={(e) => setTo(e.target.value)} className={inputClass} />
        </FilterField>
        <Button variant="ghost" onClick={clear}>Clear filters</Button>
      </form>
      <DataTable<RequestLogItem>
        endpoint="/api/admin/request-log"
        label="SCIM request log"
        params={{
          directoryId: directoryId ?? directory,
          status: exactValid ? exactStatus : statusClass,
          method,
          path: deferredPath,
          from: fromLocalInputValue(from),
          to: fromLocalInputValue(to),
        }}
        columns={columns}
        rowKey={(r) => r.id}
        pageSize={25}
        liveRefreshMs={LIVE_REFRESH_MS}
        emptyMessage="No requests match these filters. New requests appear here within a few seconds of arriving."
      />
    </Card>
  );
}
