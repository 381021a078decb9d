"use client";

// The contract list: filters (repository, type, confidentiality, status, search), sortable,
// server-paginated. With `repositoryId` it lists one repository's contracts.
import Link from "next/link";
import { useState } from "react";
import { CONFIDENTIALITY_LABELS, ConfidentialityBadge } from "@/components/access/badges";
import { Badge } from "@/components/ui/badge";
import { DataTable, type Column } from "@/components/ui/data-table";
import type { ContractView } from "@/lib/contracts/queries";
import { useContractTypes } from "@/components/data-hooks/contracts";
import { isDay, Time } from "@/components/ui/time";

export const CONTRACT_STATUSES = ["draft", "active", "suspended", "expired", "terminated", "archived"] as const;

function ended(c: ContractView) {
  return c.accessEndsAt !== null && new Date(c.accessEndsAt).getTime() <= Date.now();
}

const allColumns: Column<ContractView>[] = [
  {
    key: "title",
    header: "Contract",
    sortable: true,
    render: (c) => (
      <Link href={`/dashboard/contracts/${c.id}`} className="font-medium text-brand-700 hover:underline">
        {c.title}
        {c.externalRef && <span className="block text-xs font-normal text-slate-500">{c.externalRef}</span>}
      </Link>
    ),
  },
  { key: "counterparty", header: "Counterparty", sortable: true, minor: true, render: (c) => c.counterparty ?? "—" },
  { key: "repository", header: "Repository", render: (c) => <Link className="text-brand-700 underline underline-offset-2 hover:text-brand-900" href={`/dashboard/repositories/${c.repository.id}`}>{c.repository.name}</Link> },
  { key: "contractType", header: "Type", sortable: true, minor: true, render: (c) => c.contractType },
  { key: "confidentiality", header: "Confidentiality", sortable: true, render: (c) => <ConfidentialityBadge value={c.confidentiality} /> },
  { key: "status", header: "Status", sortable: true, render: (c) => <Badge tone={c.status === "active" ? "green" : "gray"}>{c.status}</Badge> },
  {
    key: "endDate",
    header: "End date",
    sortable: true,
    className: "whitespace-nowrap",
    render: (c) => (
      <span className={ended(c) ? "text-slate-500" : ""}>
        <Time value={c.endDate} date={isDay(c.endDate)} />
        {ended(c) && <span className="block text-xs">ended</span>}
      </span>
    ),
  },
];

const select = "mt-1 block rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm";

export function ContractsTable({ repositoryId, repositories }: { repositoryId?: string; repositories?: { id: string; name: string }[] }) {
  const [q, setQ] = useState("");
  const [repo, setRepo] = useState("");
  const [contractType, setContractType] = useState("");
  const [confidentiality, setConfidentiality] = useState("");
  const [status, setStatus] = useState("");
  const effectiveRepo = repositoryId ?? repo;
  const types = useContractTypes({ repositoryId: effectiveRepo || undefined });
  const columns = repositoryId ? allColumns.filter((c) => c.key !== "repository") : allColumns;
  return (
    <div className="space-y-4">
      <form className="flex flex-wrap items-end gap-3" role="search" onSubmit={(e) => e.preventDefault()}>
        <label className="text-sm text-slate-700">
          Search
          <input type="search" value={q} onChange={(e) => setQ(e.target.value)} placeholder="Title, counterparty or external ref"
            className="mt-1 block w-64 rounded-md border border-slate-300 px-3 py-1.5 text-sm" />
        </label>
        {!repositoryId && repositories && (
          <label className="text-sm text-slate-700">
            Repository
            <select value={repo} onChange={(e) => { setRepo(e.target.value); setContractType(""); }} className={select}>
              <option value="">All</option>
              {repositories.map((r) => <option key={r.id} value={r.id}>{r.name}</option>)}
            </select>
          </label>
        )}
        <label className="text-sm text-slate-700">
          Type
          <select value={contractType} onChange={(e) => setContractType(e.target.value)} className={select}>
            <option value="">All</option>
            {(types.data?.items ?? []).map((t) => <option key={t} value={t}>{t}</option>)}
          </select>
        </label>
        <label className="text-sm text-slate-700">
          Confidentiality
          <select value={confidentiality} onChange={(e) => setConfidentiality(e.target.value)} className={select}>
            <option value="">All</option>
            {Object.entries(CONFIDENTIALITY_LABELS).map(([v, l]) => <option key={v} value={v}>{l}</option>)}
          </select>
        </label>
        <label className="text-sm text-slate-700">
          Status
          <select value={status} onChange={(e) => setStatus(e.target.value)} className={select}>
            <option value="">All</option>
            {CONTRACT_STATUSES.map((s) => <option key={s} value={s}>{s}</option>)}
          </select>
        </label>
      </form>
      <DataTable<ContractView>
        endpoint="/api/admin/contracts"
        label="Contracts"
        params={{ q, repositoryId: effectiveRepo, contractType, confidentiality, status }}
        columns={columns}
        rowKey={(c) => c.id}
        emptyMessage={q || contractType || confidentiality || status ? "No contracts match these filters." : "No contracts yet."}
        defaultSort={{ key: "title", order: "asc" }}
      />
    </div>
  );
}
