"use client";

import { useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { DataTable, type Column } from "@/components/ui/data-table";
import { formatNumber } from "@/components/ui/format";
import { RepositoryForm } from "./repository-form";
import { affected, invalidatePrefixes } from "@/components/data-hooks/keys";
import { Time } from "@/components/ui/time";

interface RepositoryRow {
  id: string;
  name: string;
  description: string | null;
  owner: string | null;
  contracts?: number;
  updatedAt: string;
}

const columns: Column<RepositoryRow>[] = [
  {
    key: "name",
    header: "Repository",
    render: (r) => (
      <Link href={`/dashboard/repositories/${r.id}`} className="font-medium text-brand-700 hover:underline">
        {r.name}
        {r.description && <span className="block max-w-xl truncate text-xs font-normal text-slate-500">{r.description}</span>}
      </Link>
    ),
  },
  { key: "owner", header: "Owner", render: (r) => r.owner ?? "—" },
  { key: "contracts", header: "Contracts", className: "text-right", render: (r) => formatNumber(r.contracts ?? 0) },
  { key: "updatedAt", header: "Last change", render: (r) => <Time value={r.updatedAt} /> },
];

export function RepositoriesView({ canWrite }: { canWrite: boolean }) {
  const [q, setQ] = useState("");
  const [creating, setCreating] = useState(false);
  const router = useRouter();
  const client = useQueryClient();
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <form role="search" onSubmit={(e) => e.preventDefault()}>
          <label className="text-sm text-slate-700">
            Search
            <input type="search" value={q} onChange={(e) => setQ(e.target.value)} placeholder="Repository name"
              className="mt-1 block w-64 rounded-md border border-slate-300 px-3 py-1.5 text-sm" />
          </label>
        </form>
        {canWrite && !creating && <Button onClick={() => setCreating(true)}>New repository</Button>}
      </div>
      {creating && (
        <Card title="New repository">
          <RepositoryForm
            onCancel={() => setCreating(false)}
            onSaved={async (saved) => {
              await invalidatePrefixes(client, affected.repository);
              router.push(`/dashboard/repositories/${saved.id}`);
            }}
          />
        </Card>
      )}
      <DataTable<RepositoryRow>
        endpoint="/api/admin/repositories"
        label="Repositories"
        params={{ q }}
        columns={columns}
        rowKey={(r) => r.id}
        emptyMessage={q ? "No repository matches." : "No repositories yet."}
      />
    </div>
  );
}
