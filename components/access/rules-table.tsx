"use client";

// Access rules (their current versions) as a server-paginated table, optionally filtered
// (group, user, repository, contract, principal type).
import Link from "next/link";
import { DataTable, type Column } from "@/components/ui/data-table";
import { Badge } from "@/components/ui/badge";
import type { RuleView } from "@/lib/rules/queries";
import { LevelBadge } from "./badges";
import { RulePrincipal, RuleScope, RuleValidity } from "./rule-summary";
import { Time } from "@/components/ui/time";

const columns: Column<RuleView>[] = [
  {
    key: "rule",
    header: "Rule",
    render: (r) => (
      <>
        <Link className="font-medium text-brand-700 hover:underline" href={`/dashboard/rules/${r.id}`}>{r.name}</Link>
        <span className="block max-w-72 truncate text-xs text-slate-600" title={r.justification}>
          version {r.version} · {r.justification}
        </span>
      </>
    ),
  },
  { key: "level", header: "Level", render: (r) => <LevelBadge level={r.level} /> },
  { key: "principal", header: "Who", render: (r) => <RulePrincipal rule={r} /> },
  { key: "scope", header: "On", render: (r) => <RuleScope rule={r} /> },
  {
    key: "validity",
    header: "Validity",
    render: (r) => (
      <>
        <RuleValidity rule={r} />
        {r.deleted && <span className="block"><Badge tone="red">deleted</Badge></span>}
        {!r.deleted && r.validUntil && new Date(r.validUntil).getTime() <= Date.now() && <span className="block"><Badge tone="gray">expired</Badge></span>}
        {!r.deleted && r.validFrom && new Date(r.validFrom).getTime() > Date.now() && <span className="block"><Badge tone="amber">not yet valid</Badge></span>}
      </>
    ),
  },
  { key: "author", header: "Last changed", render: (r) => <span className="text-sm"><Time value={r.updatedAt} /><span className="block text-xs text-slate-500">{r.author.label ?? r.author.type}</span></span> },
];

export function RulesTable({ filter = {}, emptyMessage = "No access rules." }: { filter?: Record<string, string | undefined>; emptyMessage?: string }) {
  return (
    <DataTable<RuleView>
      endpoint="/api/admin/rules"
      label="Access rules"
      params={filter}
      columns={columns}
      rowKey={(r) => r.id}
      emptyMessage={emptyMessage}
      pageSize={25}
    />
  );
}
