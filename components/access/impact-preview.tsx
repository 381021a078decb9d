"use client";

// The change impact preview (lib/rules/preview.ts previewRule → engine previewRuleChange): who
// gains and who loses access, to how many contracts, by confidentiality, and which contracts (a page
// at a time) — shown before saving. A rule that starts later is previewed at its start, and says so.
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { sendJson } from "@/components/ui/api";
import { formatNumber } from "@/components/ui/format";
import { Time } from "@/components/ui/time";
import { ConfidentialityBadge, CONFIDENTIALITY_LABELS } from "./badges";

export interface ImpactUser {
  user: { id: string; userName: string | null; displayName: string | null };
  contracts: number;
  byConfidentiality: Record<string, number>;
  changes: { from: string | null; to: string | null; contracts: number }[];
}

export interface ContractImpactJson {
  contract: { id: string; title: string; externalRef: string | null; repositoryName: string | null; confidentiality: string };
  people: number;
}

interface ContractImpactList {
  total: number;
  items: ContractImpactJson[];
}

export interface RuleImpact {
  at: string;
  atBasis: "now" | "rule_start";
  contracts: { page: number; pageSize: number; gained: ContractImpactList; lost: ContractImpactList };
  gained: ImpactUser[];
  lost: ImpactUser[];
  totals: { usersGaining: number; usersLosing: number; contractsGained: number; contractsLost: number; grantsGained: number; grantsLost: number };
  truncated: boolean;
}

const CONFS = ["public", "internal", "confidential", "strictly_confidential"];

function breakdown(b: Record<string, number>) {
  return CONFS.filter((c) => (b[c] ?? 0) > 0).map((c) => `${formatNumber(b[c])} ${CONFIDENTIALITY_LABELS[c].toLowerCase()}`).join(", ") || "—";
}

/** A titled, scrolling table of one side of the impact (people or contracts); `children` are the rows. */
function ImpactFrame({ title, tone, headers, children, footer }: {
  title: string;
  tone: "green" | "red";
  headers: [label: string, right?: boolean][];
  children: React.ReactNode;
  footer?: React.ReactNode;
}) {
  return (
    <div>
      <h4 className={`mb-1 text-sm font-semibold ${tone === "green" ? "text-green-800" : "text-red-800"}`}>{title}</h4>
      <div className="max-h-72 overflow-auto rounded-md border border-slate-200">
        <table className="min-w-full divide-y divide-slate-200 text-sm" aria-label={title}>
          <thead className="sticky top-0 bg-slate-50">
            <tr>
              {headers.map(([label, right]) => (
                <th key={label} scope="col" className={`px-3 py-1.5 font-medium text-slate-600 ${right ? "text-right" : "text-left"}`}>{label}</th>
              ))}
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100 bg-white">{children}</tbody>
        </table>
      </div>
      {footer}
    </div>
  );
}

function ImpactTable({ title, rows, tone }: { title: string; rows: ImpactUser[]; tone: "green" | "red" }) {
  return (
    <ImpactFrame title={title} tone={tone} headers={[["Person"], ["Contracts", true], ["By confidentiality"], ["Level change"]]}>
      {rows.map((r) => (
        <tr key={r.user.id}>
          <td className="px-3 py-1.5">
            {r.user.userName ? <Link className="text-brand-700 underline underline-offset-2 hover:text-brand-900" href={`/dashboard/users/${r.user.id}`}>{r.user.displayName ?? r.user.userName}</Link> : <span className="italic text-slate-500">deleted user</span>}
          </td>
          <td className="px-3 py-1.5 text-right tabular-nums">{formatNumber(r.contracts)}</td>
          <td className="px-3 py-1.5 text-xs">{breakdown(r.byConfidentiality)}</td>
          <td className="px-3 py-1.5 text-xs">{r.changes.map((c) => `${c.from ?? "none"} → ${c.to ?? "none"} (${formatNumber(c.contracts)})`).join("; ")}</td>
        </tr>
      ))}
    </ImpactFrame>
  );
}

function ContractsTable({ title, list, page, pageSize, onPage, tone }: {
  title: string;
  list: ContractImpactList;
  page: number;
  pageSize: number;
  onPage?: (page: number) => void;
  tone: "green" | "red";
}) {
  const pages = Math.max(1, Math.ceil(list.total / pageSize));
  const footer = pages > 1 && (
    <nav aria-label={`${title} pages`} className="mt-1 flex items-center gap-2 text-xs text-slate-600">
      <button type="button" className="rounded border border-slate-300 bg-white px-2 py-0.5 disabled:opacity-50" disabled={!onPage || page <= 1} onClick={() => onPage?.(page - 1)}>Previous</button>
      <span>Page {formatNumber(page)} of {formatNumber(pages)} ({formatNumber(list.total)} contracts)</span>
      <button type="button" className="rounded border border-slate-300 bg-white px-2 py-0.5 disabled:opacity-50" disabled={!onPage || page >= pages} onClick={() => onPage?.(page + 1)}>Next</button>
    </nav>
  );
  return (
    <ImpactFrame title={title} tone={tone} headers={[["Contract"], ["Repository"], ["Confidentiality"], ["People", true]]} footer={footer}>
      {list.items.map((r) => (
        <tr key={r.contract.id}>
          <td className="px-3 py-1.5">
            <Link className="text-brand-700 underline underline-offset-2 hover:text-brand-900" href={`/dashboard/contracts/${r.contract.id}`}>{r.contract.title}</Link>
            {r.contract.externalRef && <span className="block text-xs text-slate-500">{r.contract.externalRef}</span>}
          </td>
          <td className="px-3 py-1.5 text-xs">{r.contract.repositoryName ?? "—"}</td>
          <td className="px-3 py-1.5"><ConfidentialityBadge value={r.contract.confidentiality} /></td>
          <td className="px-3 py-1.5 text-right tabular-nums">{formatNumber(r.people)}</td>
        </tr>
      ))}
    </ImpactFrame>
  );
}

/**
 * `request`: the preview's body; given, the contract lists page through it (the preview is asked
 * again for that page of contracts).
 */
export function ImpactPreview({ impact: first, request }: { impact: RuleImpact; request?: unknown }) {
  const [page, setPage] = useState(1);
  const paged = useQuery({
    queryKey: ["rules", "preview", JSON.stringify(request), page],
    queryFn: () => sendJson<RuleImpact>("POST", `/api/admin/rules/preview?page=${page}&pageSize=${first.contracts.pageSize}`, request),
    enabled: request !== undefined && page > 1,
  });
  const impact = page > 1 && paged.data ? paged.data : first;
  const onPage = request === undefined ? undefined : setPage;
  const t = impact.totals;
  const nothing = t.usersGaining === 0 && t.usersLosing === 0;
  return (
    <section aria-labelledby="impact-heading" aria-live="polite" className="space-y-3 rounded-lg border border-brand-600/30 bg-brand-50/40 p-4">
      <h3 id="impact-heading" className="text-base font-semibold text-slate-900">Impact of this change</h3>
      {impact.atBasis === "rule_start" && (
        <p className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900">
          This rule starts later: the preview shows who gains what when it starts, on <Time value={impact.at} />, as things stand now
          (memberships, other rules and contracts may change before then).
        </p>
      )}
      {nothing ? (
        <p className="text-sm text-slate-700">Nobody&apos;s access changes {impact.atBasis === "rule_start" ? "then" : "now"}: the people this rule reaches already have this access through other rules, or it covers no open contract.</p>
      ) : (
        <ul className="grid gap-2 text-sm sm:grid-cols-2">
          <li className="rounded-md bg-green-50 px-3 py-2 text-green-900">
            <strong className="text-lg">{formatNumber(t.usersGaining)}</strong> {t.usersGaining === 1 ? "person gains" : "people gain"} access to{" "}
            <strong>{formatNumber(t.contractsGained)}</strong> contract{t.contractsGained === 1 ? "" : "s"} ({formatNumber(t.grantsGained)} person × contract grants)
          </li>
          <li className="rounded-md bg-red-50 px-3 py-2 text-red-900">
            <strong className="text-lg">{formatNumber(t.usersLosing)}</strong> {t.usersLosing === 1 ? "person loses" : "people lose"} access to{" "}
            <strong>{formatNumber(t.contractsLost)}</strong> contract{t.contractsLost === 1 ? "" : "s"} ({formatNumber(t.grantsLost)} person × contract grants)
          </li>
        </ul>
      )}
      {impact.gained.length > 0 && <ImpactTable title="Gaining access" rows={impact.gained} tone="green" />}
      {impact.lost.length > 0 && <ImpactTable title="Losing access" rows={impact.lost} tone="red" />}
      {impact.truncated && <p className="text-xs text-slate-600">The lists show the first people only; the totals are exact.</p>}
      {impact.contracts.gained.total > 0 && (
        <ContractsTable title="Contracts gaining access" list={impact.contracts.gained} page={impact.contracts.page} pageSize={impact.contracts.pageSize} onPage={onPage} tone="green" />
      )}
      {impact.contracts.lost.total > 0 && (
        <ContractsTable title="Contracts losing access" list={impact.contracts.lost} page={impact.contracts.page} pageSize={impact.contracts.pageSize} onPage={onPage} tone="red" />
      )}
    </section>
  );
}
