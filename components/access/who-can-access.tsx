"use client";

// "Who can open this and why": everyone who can open a contract at an instant (now or a chosen
// past date-time), with level and reason chain, paginated, exportable as CSV or JSON.
import Link from "next/link";
import { useState } from "react";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { DataTable, type Column } from "@/components/ui/data-table";
import { AtSelector } from "./at-selector";
import { LevelBadge } from "./badges";
import { ReasonList, type ReasonJson } from "./reasons";

export interface PersonRow {
  user: { id: string; userName: string | null; displayName: string | null; active: boolean | null };
  level: string;
  reasons: ReasonJson[];
}

export const personColumns: Column<PersonRow>[] = [
  {
    key: "user",
    header: "Person",
    render: (r) =>
      r.user.userName ? (
        <Link className="font-medium text-brand-700 hover:underline" href={`/dashboard/users/${r.user.id}`}>
          {r.user.displayName ?? r.user.userName}
          <span className="block text-xs font-normal text-slate-500">{r.user.userName}</span>
        </Link>
      ) : (
        <span className="italic text-slate-500">deleted user {r.user.id.slice(0, 8)}…</span>
      ),
  },
  {
    key: "level",
    header: "Level",
    render: (r) => (
      <span className="flex flex-col items-start gap-1">
        <LevelBadge level={r.level} />
        {r.user.active === false && <Badge tone="gray">deactivated now</Badge>}
      </span>
    ),
  },
  { key: "why", header: "Why", className: "w-2/3", render: (r) => <ReasonList reasons={r.reasons} /> },
];

export function exportHref(subject: string, id: string, at: string | undefined, format: "csv" | "json") {
  const q = new URLSearchParams({ subject, id, format });
  if (at) q.set("at", at);
  return `/api/admin/access/export?${q}`;
}

export function ExportLinks({ subject, id, at }: { subject: string; id: string; at: string | undefined }) {
  const cls = "inline-flex items-center rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-800 hover:bg-slate-50";
  return (
    <div className="flex gap-2">
      <a className={cls} href={exportHref(subject, id, at, "csv")} download>Export CSV</a>
      <a className={cls} href={exportHref(subject, id, at, "json")} download>Export JSON</a>
    </div>
  );
}

export function WhoCanAccess({ contractId, canExport }: { contractId: string; canExport: boolean }) {
  const [at, setAt] = useState<string | undefined>(undefined);
  return (
    <Card
      title="Who can open this and why"
      description="Everyone who can open this contract, at which level, through which groups and rules."
      actions={canExport ? <ExportLinks subject="contract" id={contractId} at={at} /> : undefined}
    >
      <div className="mb-3"><AtSelector value={at} onChange={setAt} /></div>
      <DataTable<PersonRow>
        endpoint="/api/admin/access"
        label="People who can open this contract"
        params={{ subject: "contract", id: contractId, at }}
        columns={personColumns}
        rowKey={(r) => r.user.id}
        emptyMessage={at ? "Nobody could open this contract at that time." : "Nobody can open this contract now."}
        pageSize={25}
      />
    </Card>
  );
}
