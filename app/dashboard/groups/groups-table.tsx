"use client";

import Link from "next/link";
import { useState } from "react";
import { Badge } from "@/components/ui/badge";
import { DataTable, type Column } from "@/components/ui/data-table";
import { formatNumber } from "@/components/ui/format";
import type { GroupListItem } from "@/lib/groups/queries";
import { Time } from "@/components/ui/time";

const columns: Column<GroupListItem>[] = [
  {
    key: "displayName",
    header: "Group",
    sortable: true,
    render: (g) => (
      <Link href={`/dashboard/groups/${g.id}`} className="font-medium text-brand-700 hover:underline">
        {g.displayName}
        {g.externalId && <span className="block text-xs font-normal text-slate-500">{g.externalId}</span>}
      </Link>
    ),
  },
  { key: "directory", header: "Directory", render: (g) => g.directory.name },
  {
    key: "members",
    header: "Direct members",
    sortable: true,
    render: (g) => (
      <span>
        {formatNumber(g.userMembers)} user{g.userMembers === 1 ? "" : "s"}
        {g.groupMembers > 0 && <span className="text-slate-500"> · {formatNumber(g.groupMembers)} group{g.groupMembers === 1 ? "" : "s"}</span>}
      </span>
    ),
  },
  { key: "roles", header: "Dashboard roles", render: (g) => (g.roles.length ? <span className="flex gap-1">{g.roles.map((r) => <Badge key={r} tone="blue">{r}</Badge>)}</span> : "—") },
  { key: "updatedAt", header: "Last change", sortable: true, render: (g) => <Time value={g.updatedAt} /> },
];

export function GroupsTable({ directories }: { directories: { id: string; name: string }[] }) {
  const [search, setSearch] = useState("");
  const [directoryId, setDirectoryId] = useState("");
  return (
    <div className="space-y-4">
      <form className="flex flex-wrap items-end gap-3" role="search" onSubmit={(e) => e.preventDefault()}>
        <label className="text-sm text-slate-700">
          Search
          <input type="search" value={search} onChange={(e) => setSearch(e.target.value)} placeholder="Name or externalId"
            className="mt-1 block w-64 rounded-md border border-slate-300 px-3 py-1.5 text-sm" />
        </label>
        <label className="text-sm text-slate-700">
          Directory
          <select value={directoryId} onChange={(e) => setDirectoryId(e.target.value)} className="mt-1 block rounded-md border border-slate-300 px-2 py-1.5 text-sm">
            <option value="">All</option>
            {directories.map((d) => (
              <option key={d.id} value={d.id}>{d.name}</option>
            ))}
          </select>
        </label>
      </form>
      <DataTable<GroupListItem>
        endpoint="/api/admin/groups"
        label="Groups"
        params={{ search, directoryId }}
        columns={columns}
        rowKey={(g) => g.id}
        emptyMessage="No groups match these filters."
        defaultSort={{ key: "displayName", order: "asc" }}
      />
    </div>
  );
}
