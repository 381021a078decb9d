"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useId, useState } from "react";
import { ApiError, errorMessage } from "@/components/ui/api";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { formatNumber } from "@/components/ui/format";
import type { CsvImportResult, CsvProblem } from "@/lib/contracts/csv-import";
import { affected, invalidatePrefixes } from "@/components/data-hooks/keys";

type Result = CsvImportResult | { ok: true; rows: number; dryRun: true };

async function upload(csv: string, dryRun: boolean): Promise<Result> {
  const res = await fetch(`/api/admin/contracts/import${dryRun ? "?dryRun=true" : ""}`, { method: "POST", headers: { "content-type": "text/csv" }, body: csv });
  const body = await res.json().catch(() => undefined);
  // 422 carries the validation report; other failures are errors.
  if (!res.ok && res.status !== 422) throw new ApiError(res.status, body?.error?.code ?? "error", body?.error?.message ?? `Request failed (${res.status})`);
  return body as Result;
}

function Report({ problems, total }: { problems: CsvProblem[]; total: number }) {
  return (
    <div role="alert" className="space-y-2">
      <p className="text-sm font-medium text-red-800">
        Nothing was imported: {formatNumber(total)} problem{total === 1 ? "" : "s"} found{total > problems.length ? ` (the first ${formatNumber(problems.length)} are listed)` : ""}. Fix the file and try again.
      </p>
      <div className="max-h-[28rem] overflow-auto rounded-md border border-red-200">
        <table className="min-w-full divide-y divide-red-100 text-sm" aria-label="Validation report">
          <thead className="sticky top-0 bg-red-50">
            <tr>
              <th scope="col" className="px-3 py-2 text-left font-medium text-red-900">Row</th>
              <th scope="col" className="px-3 py-2 text-left font-medium text-red-900">Column</th>
              <th scope="col" className="px-3 py-2 text-left font-medium text-red-900">Problem</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-red-50 bg-white">
            {problems.map((p, i) => (
              <tr key={i}>
                <td className="px-3 py-1.5 tabular-nums">{p.row ?? "—"}</td>
                <td className="px-3 py-1.5 font-mono text-xs">{p.column ?? "—"}</td>
                <td className="px-3 py-1.5">{p.problem}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

export function CsvImport({ columns, maxBytes, maxRows }: { columns: string[]; maxBytes: number; maxRows: number }) {
  const id = useId();
  const client = useQueryClient();
  const [csv, setCsv] = useState("");
  const [fileName, setFileName] = useState<string | null>(null);
  const [readError, setReadError] = useState<string | null>(null);
  const run = useMutation({ mutationFn: ({ dryRun }: { dryRun: boolean }) => upload(csv, dryRun), onSuccess: (_, { dryRun }) => (dryRun ? undefined : invalidatePrefixes(client, affected.contract)) });
  const result = run.data;
  const template = `${columns.join(",")}\r\nCT-1001,Master services agreement with Acme,Acme Ltd,MSA,confidential,active,2026-01-01,2027-12-31,legal@example.com,Sales,renewal;priority\r\n`;
  return (
    <div className="space-y-6">
      <Card title="File" description={`UTF-8 CSV with a header row. Up to ${formatNumber(maxRows)} rows and ${formatNumber(maxBytes / 1024 / 1024)} MB.`}>
        <div className="space-y-3">
          <div>
            <label htmlFor={`${id}-file`} className="block text-sm font-medium text-slate-700">Choose a CSV file</label>
            <input id={`${id}-file`} type="file" accept=".csv,text/csv" className="mt-1 block text-sm"
              onChange={async (e) => {
                const file = e.target.files?.[0];
                run.reset();
                setReadError(null);
                if (!file) return;
                if (file.size > maxBytes) { setReadError(`The file is ${formatNumber(file.size)} bytes; at most ${formatNumber(maxBytes)} can be imported at once.`); return; }
                setFileName(file.name);
                setCsv(await file.text());
              }} />
          </div>
          <div>
            <label htmlFor={`${id}-text`} className="block text-sm font-medium text-slate-700">…or paste it here</label>
            <textarea id={`${id}-text`} rows={8} value={csv} onChange={(e) => { setCsv(e.target.value); setFileName(null); run.reset(); }}
              className="mt-1 block w-full rounded-md border border-slate-300 px-3 py-2 font-mono text-xs focus:border-brand-600 focus:outline-none focus:ring-1 focus:ring-brand-600"
              placeholder={columns.join(",")} />
          </div>
          {readError && <p role="alert" className="text-sm text-red-700">{readError}</p>}
          <p className="text-xs text-slate-600">
            Columns: <code>{columns.join(", ")}</code>. Required: externalRef, title, contractType, repository (name or id). Confidentiality: public, internal,
            confidential, strictly confidential. Dates: YYYY-MM-DD. Tags separated by “;”.{" "}
            <a className="text-brand-700 underline" href={`data:text/csv;charset=utf-8,${encodeURIComponent(template)}`} download="contracts-template.csv">Download a template</a>
          </p>
          <div className="flex flex-wrap items-center gap-2">
            <Button variant="secondary" disabled={!csv.trim() || run.isPending} onClick={() => run.mutate({ dryRun: true })}>Check only</Button>
            <Button disabled={!csv.trim() || run.isPending} onClick={() => run.mutate({ dryRun: false })}>Import{fileName ? ` ${fileName}` : ""}</Button>
            {run.isPending && (
              <span role="status" className="flex items-center gap-2 text-sm text-slate-600">
                <span className="h-4 w-4 animate-spin rounded-full border-2 border-slate-300 border-t-brand-600" aria-hidden="true" />
                {run.variables?.dryRun ? "Checking every row…" : "Checking and importing every row in one transaction…"}
              </span>
            )}
          </div>
        </div>
      </Card>
      {run.error && <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">{errorMessage(run.error)}</p>}
      {result && (
        <Card title="Result">
          {!result.ok ? (
            <Report problems={result.problems} total={result.totalProblems} />
          ) : "dryRun" in result ? (
            <p role="status" className="text-sm text-green-800">All {formatNumber(result.rows)} rows are valid. Nothing was imported yet — press Import.</p>
          ) : (
            <p role="status" className="text-sm text-green-800">
              Imported {formatNumber(result.rows)} rows: {formatNumber(result.created)} created, {formatNumber(result.updated)} updated, {formatNumber(result.unchanged)} unchanged.{" "}
              <Link className="text-brand-700 underline" href="/dashboard/contracts">See the contracts</Link>
            </p>
          )}
        </Card>
      )}
    </div>
  );
}
