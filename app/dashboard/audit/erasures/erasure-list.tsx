"use client";

import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { formatNumber } from "@/components/ui/format";
import { Empty, ErrorMessage, Loading } from "@/components/ui/query-state";
import { useErasures } from "@/components/data-hooks/audit";
import { Time } from "@/components/ui/time";

const linkClass = "text-brand-700 underline underline-offset-2 hover:text-brand-900";

export function ErasureList() {
  const query = useErasures();
  if (query.isPending) return <Loading />;
  if (query.error) return <ErrorMessage error={query.error} retry={() => void query.refetch()} />;
  const items = query.data.pages.flatMap((p) => p.items);
  if (items.length === 0) return <Empty>No erasures yet.</Empty>;
  return (
    <Card>
      <table className="w-full text-sm">
        <caption className="sr-only">Erasures</caption>
        <thead className="text-left text-slate-600">
          <tr><th className="py-2 pr-3 font-medium">Erased</th><th className="py-2 pr-3 font-medium">User (pseudonymous id)</th><th className="py-2 pr-3 font-medium">By</th><th className="py-2 pr-3 font-medium">Audit events cleared</th><th className="py-2 pr-3 font-medium">Certificate</th></tr>
        </thead>
        <tbody>
          {items.map((e) => (
            <tr key={e.id} className="border-t border-slate-100">
              <td className="py-2 pr-3 whitespace-nowrap"><Time value={e.erasedAt} /></td>
              <td className="py-2 pr-3"><code className="text-xs" data-id>{e.subjectId}</code></td>
              <td className="py-2 pr-3">{e.actorLabel ?? e.actorType}</td>
              <td className="py-2 pr-3">{formatNumber(e.erased.auditEventsCleared)}</td>
              <td className="py-2 pr-3 whitespace-nowrap">
                <a className={linkClass} href={`/api/admin/erasures/${e.id}/certificate?format=html`} target="_blank" rel="noreferrer">View</a>{" · "}
                <a className={linkClass} href={`/api/admin/erasures/${e.id}/certificate`}>Signed JSON</a>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {query.hasNextPage && (
        <div className="mt-3"><Button variant="secondary" onClick={() => void query.fetchNextPage()} disabled={query.isFetchingNextPage}>Load more</Button></div>
      )}
    </Card>
  );
}
