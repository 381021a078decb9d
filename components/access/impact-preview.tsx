"use client";

// The change impact preview (lib/rules/preview.ts previewRule → engine previewRuleChange): who
// gains and who loses access, to how many contracts, by confidentiality — shown before saving.
import Link from "next/link";
import { formatNumber } from "@/components/ui/format";
import { CONFIDENTIALITY_LABELS } from "./badges";

export interface ImpactUser {
  user: { id: string; userName: string | null; displayName: string | null };
  contracts: number;
  byConfidentiality: Record<string, number>;
  changes: { from: string | null; to: string | null; contracts: number }[];
}

export interface RuleImpact {
  at: string;
  gained: ImpactUser[];
  lost: ImpactUser[];
  totals: { usersGaining: number; usersLosing: number; contractsGained: number; contractsLost: number; grantsGained: number; grantsLost: number };
  truncated: boolean;
}

const CONFS = ["public", "internal", "confidential", "strictly_confidential"];

function breakdown(b: Record<string, number>) {
  return CONFS.filter((c) => (b[c] ?? 0) > 0).map((c) => `${formatNumber(b[c])} ${CONFIDENTIALITY_LABELS[c].toLowerCase()}`).join(", ") || "—";
}

function ImpactTable({ title, rows, tone }: { title: string; rows: ImpactUser[]; tone: "green" | "red" }) {
  return (
    <div>
      <h4 className={`mb-1 text-sm font-semibold ${tone === "green" ? "text-green-800" : "text-red-800"}`}>{title}</h4>
      <div className="max-h-72 overflow-auto rounded-md border border-slate-200">
        <table className="min-w-full divide-y divide-slate-200 text-sm" aria-label={title}>
          <thead className="sticky top-0 bg-slate-50">
            <tr>
              <th scope="col" className="px-3 py-1.5 text-left font-medium text-slate-600">Person</th>
              <th scope="col" className="px-3 py-1.5 text-right font-medium text-slate-600">Contracts</th>
              <th scope="col" className="px-3 py-1.5 text-left font-medium text-slate-600">By confidentiality</th>
              <th scope="col" className="px-3 py-1.5 text-left font-medium text-slate-600">Level change</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100 bg-white">
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
          </tbody>
        </table>
      </div>
    </div>
  );
}

export function ImpactPreview({ impact }: { impact: RuleImpact }) {
  const t = impact.totals;
  const nothing = t.usersGaining === 0 && t.usersLosing === 0;
  return (
    <section aria-labelledby="impact-heading" aria-live="polite" className="space-y-3 rounded-lg border border-brand-600/30 bg-brand-50/40 p-4">
      <h3 id="impact-heading" className="text-base font-semibold text-slate-900">Impact of this change</h3>
      {nothing ? (
        <p className="text-sm text-slate-700">Nobody&apos;s access changes now: the people this rule reaches already have this access through other rules, or it covers no open contract.</p>
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
    </section>
  );
}
