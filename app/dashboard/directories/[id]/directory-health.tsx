"use client";

import { useQuery } from "@tanstack/react-query";
import { getJson } from "@/components/ui/api";
import { formatDateTime } from "@/components/ui/format";
import { ErrorMessage, Loading } from "@/components/ui/query-state";
import { formatRelative } from "@/components/ui/relative-time";
import { Stat } from "@/components/ui/stat";
import type { DirectoryDetail } from "@/lib/admin/directories";
import { ERROR_RATE_WARNING, formatPercent } from "../kinds";

export function DirectoryHealth({ directoryId }: { directoryId: string }) {
  const query = useQuery({
    queryKey: ["/api/admin/directories", directoryId],
    queryFn: () => getJson<DirectoryDetail>(`/api/admin/directories/${directoryId}`),
    refetchInterval: 30_000,
  });
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
        <Stat label="Last successful request" value={<span title={d.lastSuccessAt ? formatDateTime(d.lastSuccessAt) : undefined}>{formatRelative(d.lastSuccessAt)}</span>} />
        <Stat label="Requests (24 h)" value={d.requests24h.toLocaleString("en")} hint={`${d.errors24h.toLocaleString("en")} failed`} />
        <Stat label="Error rate (24 h)" value={formatPercent(d.errorRate24h)}
          tone={d.errorRate24h !== null && d.errorRate24h > ERROR_RATE_WARNING ? "bad" : d.errorRate24h === null ? "default" : "good"}
          hint="status 400 and above" />
      </dl>
    </section>
  );
}
