"use client";

// "Who can open this and why", grouped: one row per reason (rule version, level, group chain) with
// how many people it reaches, expandable to those people a page at a time — thousands of people
// through one group read as one line. A search shows people again, each with all their reasons.
import Link from "next/link";
import { useDeferredValue, useState } from "react";
import { useReaderGroups } from "@/components/data-hooks/access";
import { DataTable, type Column } from "@/components/ui/data-table";
import { QueryState } from "@/components/ui/query-state";
import type { ReaderReasonGroup } from "@/lib/access/effective-access";
import type { Jsonified } from "@/lib/access-review/queries";
import { Badge } from "@/components/ui/badge";
import { formatNumber } from "@/components/ui/format";
import { Time } from "@/components/ui/time";
import { LevelBadge } from "./badges";
import { hopLabel, ReasonList, type ReasonJson } from "./reasons";

type GroupJson = Jsonified<ReaderReasonGroup>;

export interface PersonRow {
  user: { id: string; userName: string | null; displayName: string | null; active: boolean | null };
  level: string;
  /** From when they have had access at this level or higher without a break (ISO). */
  since?: string | null;
  /** Present when the row comes from a search (a reason's own list says why already). */
  reasons?: ReasonJson[];
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
  { key: "since", header: "Since", render: (r) => (r.since ? <Time value={r.since} /> : "—") },
  { key: "why", header: "Why", className: "w-2/3", render: (r) => <ReasonList reasons={r.reasons ?? []} /> },
];


const readerColumns: Column<PersonRow>[] = personColumns.filter((c) => c.key !== "why");
const searchColumns: Column<PersonRow>[] = personColumns;

function scopeText(rule: GroupJson["rule"]) {
  const scope = rule.scope;
  if (scope.kind === "contract") return "this contract only";
  const narrowing = [
    scope.contractTypes.length ? `types ${scope.contractTypes.join(", ")}` : null,
    scope.confidentialityCeiling ? `up to ${scope.confidentialityCeiling.replace("_", " ")}` : null,
  ].filter(Boolean);
  return `${scope.repositoryName ?? scope.repositoryId}${narrowing.length ? ` (${narrowing.join("; ")})` : ""}`;
}

function ReasonGroupRow({ group, contractId, at }: { group: GroupJson; contractId: string; at: string | undefined }) {
  const [open, setOpen] = useState(false);
  const panelId = `readers-${group.key.replace(/[^A-Za-z0-9-]/g, "-")}`;
  const people = `${formatNumber(group.people)} ${group.people === 1 ? "person" : "people"}`;
  return (
    <li className="rounded-md border border-slate-200 bg-white">
      <div className="flex flex-wrap items-center gap-x-3 gap-y-1 px-3 py-2 text-sm">
        <LevelBadge level={group.level} />
        <span className="text-slate-700">
          <Link className="text-brand-700 underline underline-offset-2 hover:text-brand-900" href={`/dashboard/rules/${group.rule.ruleId}`}>
            {group.rule.name}
          </Link>{" "}
          <span className="text-xs text-slate-500">(version {group.rule.version})</span> on {scopeText(group.rule)}
        </span>
        <span className="text-slate-600">
          {group.via.kind === "direct" ? (
            "direct user grant"
          ) : (
            <>
              via{" "}
              {group.via.path.map((hop, i) => (
                <span key={`${hop.groupId}-${i}`}>
                  {i > 0 && <span aria-hidden="true" className="text-slate-400"> → </span>}
                  {i > 0 && <span className="sr-only"> inside </span>}
                  {hop.deleted || !hop.displayName ? (
                    <span className="italic text-slate-500">{hopLabel(hop)}</span>
                  ) : (
                    <Link className="font-medium text-brand-700 hover:underline" href={`/dashboard/groups/${hop.groupId}`}>{hop.displayName}</Link>
                  )}
                </span>
              ))}
            </>
          )}
        </span>
        <button
          type="button"
          aria-expanded={open}
          aria-controls={panelId}
          onClick={() => setOpen((v) => !v)}
          className="ml-auto rounded-md border border-slate-300 px-2.5 py-1 text-sm font-medium text-slate-800 hover:bg-slate-50"
        >
          {open ? `Hide ${people}` : `Show ${people}`}
        </button>
      </div>
      <p className="-mt-1 px-3 pb-2 text-xs text-slate-600">“{group.rule.justification}”</p>
      {open && (
        <div id={panelId} className="border-t border-slate-200 px-3 py-2">
          <DataTable<PersonRow>
            endpoint="/api/admin/access/readers"
            label={`People through rule ${group.rule.name}${group.via.kind === "group" ? ` via ${group.via.path.map(hopLabel).join(" → ")}` : " (direct grant)"}`}
            params={{ contractId, at, reason: group.key }}
            columns={readerColumns}
            rowKey={(r) => r.user.id}
            emptyMessage="Nobody any more."
            pageSize={25}
          />
        </div>
      )}
    </li>
  );
}

export function ReadersByReason({ contractId, at, emptyMessage }: { contractId: string; at: string | undefined; emptyMessage: string }) {
  const [search, setSearch] = useState("");
  const q = useDeferredValue(search.trim());
  const groups = useReaderGroups(contractId, at);
  return (
    <div className="space-y-3">
      <form className="flex flex-wrap items-end gap-3" role="search" onSubmit={(e) => e.preventDefault()}>
        <label className="text-sm text-slate-700">
          Find a person
          <input type="search" value={search} onChange={(e) => setSearch(e.target.value)} placeholder="Name or userName"
            className="mt-1 block w-64 rounded-md border border-slate-300 px-3 py-1.5 text-sm" />
        </label>
        {groups.data && (
          <p className="pb-1.5 text-sm text-slate-600">
            {formatNumber(groups.data.total)} {groups.data.total === 1 ? "person" : "people"} through {groups.data.groups.length}{" "}
            {groups.data.groups.length === 1 ? "reason" : "reasons"}
          </p>
        )}
      </form>
      {q ? (
        <DataTable<PersonRow>
          endpoint="/api/admin/access/readers"
          label="People who can open this contract"
          params={{ contractId, at, q }}
          columns={searchColumns}
          rowKey={(r) => r.user.id}
          emptyMessage="Nobody of that name can open this contract."
          pageSize={25}
        />
      ) : (
        <QueryState query={groups} isEmpty={(d) => d.groups.length === 0} empty={emptyMessage}>
          {(d) => (
            <ul className="space-y-2" aria-label="Reasons people can open this contract">
              {d.groups.map((g) => <ReasonGroupRow key={g.key} group={g} contractId={contractId} at={at} />)}
            </ul>
          )}
        </QueryState>
      )}
    </div>
  );
}
