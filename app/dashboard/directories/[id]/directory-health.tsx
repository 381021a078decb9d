"use client";

import { useState } from "react";
import { ErrorMessage, Loading } from "@/components/ui/query-state";
import { Stat } from "@/components/ui/stat";
import type { DirectoryMonitoring } from "@/lib/directories/health";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { formatNumber } from "@/components/ui/format";
import { InactivitySettings } from "./inactivity-settings";
import { MoverReviewSettings } from "./mover-review-settings";
import { ERROR_RATE_WARNING, formatPercent } from "../kinds";
import { useDirectory } from "@/components/data-hooks/directories";
import { RelativeTime, Time } from "@/components/ui/time";

export function DirectoryHealth({ directoryId, canWrite }: { directoryId: string; canWrite: boolean }) {
  const query = useDirectory(directoryId);
  // Kept here: a saved policy changes the settings' key (their fields start from the new values),
  // which would take a "Saved." held inside them away as soon as the refetch lands.
  const [policySaved, setPolicySaved] = useState(false);
  const [moverSaved, setMoverSaved] = useState(false);
  if (query.isPending) return <Loading label="Loading directory health…" />;
  if (query.error) return <ErrorMessage error={query.error} retry={() => void query.refetch()} />;
  const d = query.data;
  const noCredentials = d.activeTokens === 0 && d.oauthClients === 0;
  return (
    <section aria-label="Directory health">
      <dl className="grid grid-cols-2 gap-3 md:grid-cols-3 xl:grid-cols-6">
        <Stat label="Users" value={d.users.toLocaleString("en")} hint={`${d.activeUsers.toLocaleString("en")} active`} />
        <Stat label="Groups" value={d.groups.toLocaleString("en")} />
        <Stat label="Live tokens" value={d.activeTokens} tone={noCredentials ? "bad" : "default"}
          hint={d.oauthClients ? `${d.oauthClients} OAuth client${d.oauthClients === 1 ? "" : "s"}` : noCredentials ? "the IdP cannot connect" : undefined} />
        <Stat label="Last successful request" value={<RelativeTime value={d.lastSuccessAt} />} />
        <Stat label="Requests (24 h)" value={d.requests24h.toLocaleString("en")} hint={`${d.errors24h.toLocaleString("en")} failed`} />
        <Stat label="Error rate (24 h)" value={formatPercent(d.errorRate24h)}
          tone={d.errorRate24h !== null && d.errorRate24h > ERROR_RATE_WARNING ? "bad" : d.errorRate24h === null ? "default" : "good"}
          hint="status 400 and above" />
      </dl>
      <Monitoring m={d.monitoring} />
      <div className="mt-4">
        <InactivitySettings key={`${d.inactivityDays}-${d.inactivityAction}`} directory={d} canWrite={canWrite} saved={policySaved} onSaved={setPolicySaved} />
      </div>
      <div className="mt-4">
        <MoverReviewSettings
          key={`${d.moverReviews.enabled}-${d.moverReviews.fallbackReviewer?.id}-${d.moverReviews.durationDays}`}
          directory={d}
          canWrite={canWrite}
          saved={moverSaved}
          onSaved={setMoverSaved}
        />
      </div>
    </section>
  );
}

const percent = (r: number | null) => (r === null ? "—" : `${(r * 100).toFixed(1)} %`);

function Monitoring({ m }: { m: DirectoryMonitoring }) {
  return (
    <div className="mt-4 grid gap-4 lg:grid-cols-3">
      <Card title="Errors by class" description="Client errors by SCIM error type, rate limiting and server errors.">
        <table className="w-full text-sm" data-testid="error-classes">
          <caption className="sr-only">Errors by class over the last hour and day</caption>
          <thead>
            <tr className="text-left text-xs text-slate-600">
              <th scope="col" className="py-1 font-medium">Window</th>
              <th scope="col" className="py-1 text-right font-medium">Requests</th>
              <th scope="col" className="py-1 text-right font-medium">4xx</th>
              <th scope="col" className="py-1 text-right font-medium">429</th>
              <th scope="col" className="py-1 text-right font-medium">5xx</th>
              <th scope="col" className="py-1 text-right font-medium">Rate</th>
            </tr>
          </thead>
          <tbody>
            {m.windows.map((w) => (
              <tr key={w.window} className="border-t border-slate-100">
                <th scope="row" className="py-1 text-left font-medium">{w.window === "1h" ? "1 hour" : "24 hours"}</th>
                <td className="py-1 text-right">{formatNumber(w.requests)}</td>
                <td className="py-1 text-right">{formatNumber(w.clientErrors)}</td>
                <td className={`py-1 text-right ${w.throttled ? "text-amber-800" : ""}`}>{formatNumber(w.throttled)}</td>
                <td className={`py-1 text-right ${w.serverErrors ? "font-medium text-red-700" : ""}`}>{formatNumber(w.serverErrors)}</td>
                <td className="py-1 text-right">{percent(w.errorRate)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {m.windows[1].byScimType.length > 0 && (
          <ul className="mt-3 space-y-0.5 text-xs text-slate-700">
            {m.windows[1].byScimType.slice(0, 8).map((e) => (
              <li key={`${e.status}-${e.scimType}`}>
                <span className="font-mono">{e.status}</span> {e.scimType ?? "(no scimType)"} — {formatNumber(e.count)} in 24 h
              </li>
            ))}
          </ul>
        )}
      </Card>
      <Card title="Rejected and ignored" description="Writes refused with a client error, and attributes sent that Custodian does not know (dropped), last 24 hours.">
        {m.rejectedWrites24h.length === 0 ? (
          <p className="text-sm text-slate-600">No rejected writes.</p>
        ) : (
          <ul className="space-y-0.5 text-sm" data-testid="rejected-writes">
            {m.rejectedWrites24h.map((r) => (
              <li key={`${r.method}-${r.scimType}`}><span className="font-mono text-xs">{r.method}</span> {r.scimType ?? "(no scimType)"} — {formatNumber(r.count)}</li>
            ))}
          </ul>
        )}
        <p className="mt-3 text-sm text-slate-700">
          {formatNumber(m.ignored24h.requests)} request{m.ignored24h.requests === 1 ? "" : "s"} carried {formatNumber(m.ignored24h.attributes)} ignored attribute{m.ignored24h.attributes === 1 ? "" : "s"}
          {m.ignored24h.top.length > 0 && <>: {m.ignored24h.top.map((t) => <code key={t.name} className="mx-0.5 rounded bg-slate-100 px-1 text-xs">{t.name}</code>)}</>}
        </p>
      </Card>
      <Card title="Credential warnings" description="Tokens expiring within 14 days, and expired tokens used in the last 14 days.">
        {m.tokenWarnings.length === 0 ? (
          <p className="text-sm text-slate-600">None.</p>
        ) : (
          <ul className="space-y-1 text-sm" data-testid="token-warnings">
            {m.tokenWarnings.map((t) => (
              <li key={t.id}>
                <Badge tone={t.state === "expired" ? "red" : "amber"}>{t.state === "expired" ? "expired" : "expiring"}</Badge>{" "}
                {t.name} <span className="font-mono text-xs">{t.prefix}…</span> — <Time value={t.expiresAt} />
                {t.lastUsedAt && <span className="block text-xs text-slate-600">last used <Time value={t.lastUsedAt} /></span>}
              </li>
            ))}
          </ul>
        )}
      </Card>
    </div>
  );
}
