"use client";

// "Who can open this and why": everyone who can open a contract at an instant (now or a chosen
// past date-time), grouped by reason with counts (./readers-by-reason.tsx), exportable as CSV or
// JSON one row per person.
import { useState } from "react";
import { Card } from "@/components/ui/card";
import { AtSelector } from "./at-selector";
import { ReadersByReason } from "./readers-by-reason";

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
      <ReadersByReason contractId={contractId} at={at} emptyMessage={at ? "Nobody could open this contract at that time." : "Nobody can open this contract now."} />
    </Card>
  );
}
