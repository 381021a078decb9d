"use client";

import Link from "next/link";
import { useState } from "react";
import { Badge } from "@/components/ui/badge";
import { DataTable, type Column } from "@/components/ui/data-table";
import { EntityPicker, type PickerOption } from "@/components/ui/entity-picker";
import type { GroupListItem } from "@/lib/groups/queries";
import type { UserListItem } from "@/lib/users/queries";
import { Time } from "@/components/ui/time";

const columns: Column<UserListItem>[] = [
  {
    key: "userName",
    header: "User",
    sortable: true,
    render: (u) => (
      <Link href={`/dashboard/users/${u.id}`} className="font-medium text-brand-700 hover:underline">
        {u.displayName ?? u.userName}
        <span className="block text-xs font-normal text-slate-500">{u.userName}</span>
      </Link>
    ),
  },
  { key: "department", header: "Department", sortable: true, render: (u) => u.department ?? "—" },
  { key: "title", header: "Title", render: (u) => u.title ?? "—" },
  { key: "directory", header: "Directory", render: (u) => u.directory.name },
  {
    key: "status",
    header: "Status",
    render: (u) => (
      <span className="inline-flex flex-wrap gap-1">
        {u.active ? <Badge tone="green">active</Badge> : <Badge tone="red">deactivated</Badge>}
        {u.suspendedAt ? (
          <Badge tone="red">suspended</Badge>
        ) : (
          u.inactiveFlaggedAt && <Badge tone="amber">inactive</Badge>
        )}
      </span>
    ),
  },
  { key: "updatedAt", header: "Last change", sortable: true, render: (u) => <Time value={u.updatedAt} /> },
];

export function UsersTable({ directories, initial = {} }: { directories: { id: string; name: string }[]; initial?: { directoryId?: string; inactivity?: string } }) {
  const [search, setSearch] = useState("");
  const [directoryId, setDirectoryId] = useState(initial.directoryId ?? "");
  const [inactivity, setInactivity] = useState(initial.inactivity ?? "");
  const [status, setStatus] = useState("");
  const [department, setDepartment] = useState("");
  const [group, setGroup] = useState<PickerOption | null>(null);
  return (
    <div className="space-y-4">
      <form className="flex flex-wrap items-end gap-3" role="search" onSubmit={(e) => e.preventDefault()}>
        <label className="text-sm text-slate-700">
          Search
          <input type="search" value={search} onChange={(e) => setSearch(e.target.value)} placeholder="Name, userName or e-mail"
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
        <label className="text-sm text-slate-700">
          Status
          <select value={status} onChange={(e) => setStatus(e.target.value)} className="mt-1 block rounded-md border border-slate-300 px-2 py-1.5 text-sm">
            <option value="">All</option>
            <option value="active">Active</option>
            <option value="inactive">Deactivated</option>
          </select>
        </label>
        <label className="text-sm text-slate-700">
          Inactivity
          <select value={inactivity} onChange={(e) => setInactivity(e.target.value)} className="mt-1 block rounded-md border border-slate-300 px-2 py-1.5 text-sm">
            <option value="">Any</option>
            <option value="flagged">Flagged inactive</option>
            <option value="suspended">Suspended</option>
          </select>
        </label>
        <label className="text-sm text-slate-700">
          Department
          <input value={department} onChange={(e) => setDepartment(e.target.value)} className="mt-1 block w-40 rounded-md border border-slate-300 px-3 py-1.5 text-sm" />
        </label>
        <div className="w-72">
          <EntityPicker<GroupListItem>
            label="Group"
            value={group}
            onChange={setGroup}
            placeholder="Any group"
            searchUrl={(q) => `/api/admin/groups?pageSize=20&search=${encodeURIComponent(q)}`}
            toOption={(g) => ({ id: g.id, label: g.displayName, secondary: g.directory.name })}
          />
        </div>
      </form>
      <DataTable<UserListItem>
        endpoint="/api/admin/users"
        label="Users"
        params={{ search, directoryId, status, inactivity, department, groupId: group?.id }}
        columns={columns}
        rowKey={(u) => u.id}
        emptyMessage="No users match these filters."
        defaultSort={{ key: "userName", order: "asc" }}
      />
    </div>
  );
}
