"use client";

// The audit chain's integrity on the audit page: the latest verification ("verified N events up to
// position P at T" or "broken at position P: reason"), a button to verify now, the public key, and
// a signed export of a range of positions.
import Link from "next/link";
import { useState } from "react";
import { errorMessage } from "@/components/ui/api";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { formatNumber } from "@/components/ui/format";
import type { ChainStatus } from "@/lib/audit/status";
import { useAuditChain } from "@/components/data-hooks/audit";
import { Time } from "@/components/ui/time";

/** lib/audit/export.ts CHAIN_EXPORT_CAP (not imported: that module is server-only). */
const CHAIN_EXPORT_CAP = 100_000;
const PUBLIC_KEY_URL = "/api/admin/audit/public-key";

const inputClass = "mt-1 block w-32 rounded-md border border-slate-300 px-2.5 py-1.5 text-sm focus:border-brand-600 focus:outline-none focus:ring-1 focus:ring-brand-600";
const linkClass = "text-sm text-brand-700 underline underline-offset-2 hover:text-brand-900";

function Summary({ status }: { status: ChainStatus }) {
  const v = status.latest;
  if (!v) return <p className="text-sm text-slate-600">Not verified yet. The maintenance job verifies the chain every few minutes.</p>;
  const full = status.lastFull;
  return v.ok ? (
    <div className="space-y-1 text-sm text-slate-800" role="status">
      <p>
        <Badge tone="green">intact</Badge>{" "}
        Last check <Time value={v.finishedAt} />: {formatNumber(v.checked)} event{v.checked === 1 ? "" : "s"} up to position {v.toPosition} ({v.kind === "full" ? "the whole chain" : "new events since the previous check"}).
      </p>
      {v.kind !== "full" && (
        <p>
          {full ? (
            <>Whole chain last verified <Time value={full.finishedAt} />: {formatNumber(full.checked)} events up to position {full.toPosition}{full.ok ? ", intact." : <span className="text-red-800">, broken at position {full.brokenPosition}.</span>}</>
          ) : (
            "The whole chain has not been verified yet (the maintenance job does it once a day; “Verify now” does it at once)."
          )}
        </p>
      )}
    </div>
  ) : (
    <p className="text-sm text-red-800" role="alert">
      <Badge tone="red">broken</Badge>{" "}
      Broken at position {v.brokenPosition}: {v.reason}{" "}
      {v.brokenEventId && <Link className={linkClass} href={`/dashboard/audit/${v.brokenEventId}`}>Show event</Link>} (checked <Time value={v.finishedAt} />)
    </p>
  );
}

export function ChainStatusCard({ canExport }: { canExport: boolean }) {
  const { status: query, verify } = useAuditChain();
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("");
  const head = query.data?.head?.position;
  const checkpoint = query.data?.checkpoint?.position;
  const firstPosition = checkpoint ? String(BigInt(checkpoint) + BigInt(1)) : "1";
  const rangeQuery = `from=${from || firstPosition}&to=${to || head || "1"}`;
  return (
    <Card
      title="Integrity"
      description="Every event is hash-chained to the one before; the database refuses changes. Verification recomputes every hash."
      actions={
        <div className="flex flex-wrap items-center gap-3">
          <Link className={linkClass} href="/dashboard/audit/erasures">Erasures</Link>
          <a className={linkClass} href={PUBLIC_KEY_URL} download>Public key</a>
          <Button variant="secondary" onClick={() => verify.mutate()} disabled={verify.isPending}>{verify.isPending ? "Verifying…" : "Verify now"}</Button>
        </div>
      }
      className="mb-6"
    >
      {query.isPending ? <p className="text-sm text-slate-600">Loading…</p> : query.error ? <p className="text-sm text-red-800">{errorMessage(query.error)}</p> : <Summary status={query.data} />}
      {verify.error && <p className="mt-2 text-sm text-red-800" role="alert">{errorMessage(verify.error)}</p>}
      {query.data?.checkpoint && (
        <p className="mt-1 text-xs text-slate-500">Retention removed positions up to {query.data.checkpoint.position} (<Time value={query.data.checkpoint.createdAt} />); verification starts from that checkpoint.</p>
      )}
      {canExport && head && (
        <form className="mt-4 flex flex-wrap items-end gap-3" onSubmit={(e) => e.preventDefault()} aria-label="Signed chain export">
          <div>
            <label htmlFor="chain-from" className="block text-sm font-medium text-slate-700">From position</label>
            <input id="chain-from" inputMode="numeric" className={inputClass} value={from} onChange={(e) => setFrom(e.target.value.replace(/\D/g, ""))} placeholder={firstPosition} />
          </div>
          <div>
            <label htmlFor="chain-to" className="block text-sm font-medium text-slate-700">To position</label>
            <input id="chain-to" inputMode="numeric" className={inputClass} value={to} onChange={(e) => setTo(e.target.value.replace(/\D/g, ""))} placeholder={head} />
          </div>
          <a className={linkClass} href={`/api/admin/audit/chain-export?${rangeQuery}&part=events`}>Export events (JSON Lines)</a>
          <a className={linkClass} href={`/api/admin/audit/chain-export?${rangeQuery}&part=manifest`}>Signed manifest</a>
          <p className="w-full text-xs text-slate-500">At most {formatNumber(CHAIN_EXPORT_CAP)} events per export. Download both together; verify later without the database: <code>npm run audit:verify -- --export &lt;file&gt; --manifest &lt;file&gt; --public-key &lt;key&gt;</code></p>
        </form>
      )}
    </Card>
  );
}
