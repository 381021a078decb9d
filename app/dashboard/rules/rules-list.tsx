"use client";

import { useState } from "react";
import { RulesTable } from "@/components/access/rules-table";

const select = "mt-1 block rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm";

export function RulesList({ repositories }: { repositories: { id: string; name: string }[] }) {
  const [search, setSearch] = useState("");
  const [principalType, setPrincipalType] = useState("");
  const [repositoryId, setRepositoryId] = useState("");
  const [includeDeleted, setIncludeDeleted] = useState(false);
  return (
    <div className="space-y-4">
      <form className="flex flex-wrap items-end gap-3" role="search" onSubmit={(e) => e.preventDefault()}>
        <label className="text-sm text-slate-700">
          Search
          <input type="search" value={search} onChange={(e) => setSearch(e.target.value)} placeholder="Rule name"
            className="mt-1 block w-64 rounded-md border border-slate-300 px-3 py-1.5 text-sm" />
        </label>
        <label className="text-sm text-slate-700">
          Principal
          <select value={principalType} onChange={(e) => setPrincipalType(e.target.value)} className={select}>
            <option value="">Groups and people</option>
            <option value="group">Groups</option>
            <option value="user">Direct grants to people</option>
          </select>
        </label>
        <label className="text-sm text-slate-700">
          Repository
          <select value={repositoryId} onChange={(e) => setRepositoryId(e.target.value)} className={select}>
            <option value="">All</option>
            {repositories.map((r) => <option key={r.id} value={r.id}>{r.name}</option>)}
          </select>
        </label>
        <label className="flex items-center gap-2 pb-2 text-sm text-slate-700">
          <input type="checkbox" className="accent-brand-600" checked={includeDeleted} onChange={(e) => setIncludeDeleted(e.target.checked)} />
          Include deleted rules
        </label>
      </form>
      <RulesTable
        filter={{ search: search.trim(), principalType, repositoryId, includeDeleted: includeDeleted ? "true" : undefined }}
        emptyMessage={search.trim() || principalType || repositoryId ? "No rules match these filters." : "No access rules yet."}
      />
    </div>
  );
}
