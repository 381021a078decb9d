"use client";

import Link from "next/link";
import { useDeferredValue, useState } from "react";
import { Badge } from "@/components/ui/badge";
import { DataTable, type Column } from "@/components/ui/data-table";
import type { DirectoryListItem } from "@/lib/directories/queries";
import { ERROR_RATE_WARNING, formatPercent, kindLabel } from "./kinds";
import { RelativeTime } from "@/components/ui/time";

const columns: Column<DirectoryListItem>[] = [
  {
    key: "name",
    header: "Directory",
    render: (d) => (
      <Link href={`/dashboard/directories/${d.id}`} className="font-medium text-brand-700 hover:underline">
        {d.name}
        <span className="block text-xs font-normal text-slate-500">{kindLabel(d.kind)}</span>
      </Link>
    ),
  },
  { key: "users", header: "Users", className: "text-right tabular-nums", render: (d) => d.users.toLocaleString("en") },
  { key: "groups", header: "Groups", className: "text-right tabular-nums", render: (d) => d.groups.toLocaleString("en") },
  {
    key: "tokens",
    header: "Live tokens",
    className: "text-right tabular-nums",
    render: (d) => (d.activeTokens === 0 && d.oauthClients === 0 ? <Badge tone="amber">none</Badge> : d.activeTokens.toLocaleString("en")),
  },
  {
    key: "lastSuccessAt",
    header: "Last successful request",
    render: (d) => <RelativeTime value={d.lastSuccessAt} />,
  },
  { key: "requests24h", header: "Requests (24 h)", className: "text-right tabular-nums", render: (d) => d.requests24h.toLocaleString("en") },
  {
    key: "errorRate24h",
    header: "Error rate (24 h)",
    className: "text-right",
    render: (d) =>
      d.errorRate24h === null ? (
        "—"
      ) : d.errorRate24h > ERROR_RATE_WARNING ? (
        <Badge tone="red">{formatPercent(d.errorRate24h)}</Badge>
      ) : (
        <span className="tabular-nums">{formatPercent(d.errorRate24h)}</span>
      ),
  },
];

export function DirectoriesTable({ canCreate }: { canCreate: boolean }) {
  const [search, setSearch] = useState("");
  const deferred = useDeferredValue(search);
  return (
    <div className="space-y-4">
      <form role="search" className="flex flex-wrap items-end gap-3" onSubmit={(e) => e.preventDefault()}>
        <label className="text-sm text-slate-700">
          Search
          <input type="search" value={search} onChange={(e) => setSearch(e.target.value)} placeholder="Directory name"
            className="mt-1 block w-64 rounded-md border border-slate-300 px-3 py-1.5 text-sm" />
        </label>
      </form>
      <DataTable<DirectoryListItem>
        endpoint="/api/admin/directories"
        label="Directories"
        params={{ search: deferred }}
        columns={columns}
        rowKey={(d) => d.id}
        emptyMessage={search ? "No directory matches this name." : canCreate ? "No directories yet. Create one to connect an identity provider." : "No directories yet. An administrator connects identity providers."}
      />
    </div>
  );
}
