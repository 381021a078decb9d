"use client";

// A draft wall's preview: who would lose access to what if it were activated now — the totals, and
// the people (with how many contracts each) or the contracts (with how many people each), paged.
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { getJson } from "@/components/ui/api";
import { Button } from "@/components/ui/button";
import type { PreviewContract, PreviewPerson, WallPreview as Preview } from "@/lib/access/walls";

const PAGE = 25;

export function WallPreview({ wallId }: { wallId: string }) {
  const [by, setBy] = useState<"person" | "contract">("person");
  const [offset, setOffset] = useState(0);
  const url = `/api/admin/walls/${wallId}/preview?by=${by}&offset=${offset}&limit=${PAGE}`;
  const { data, error, isPending } = useQuery({ queryKey: ["admin", url], queryFn: () => getJson<Preview<PreviewPerson> | Preview<PreviewContract>>(url) });
  return (
    <div aria-busy={isPending}>
      <div className="mb-3 flex flex-wrap items-center gap-2" role="group" aria-label="Preview by">
        <Button variant={by === "person" ? "primary" : "secondary"} aria-pressed={by === "person"} onClick={() => { setBy("person"); setOffset(0); }}>By person</Button>
        <Button variant={by === "contract" ? "primary" : "secondary"} aria-pressed={by === "contract"} onClick={() => { setBy("contract"); setOffset(0); }}>By contract</Button>
      </div>
      {error && <p role="alert" className="text-sm text-red-700">{(error as Error).message}</p>}
      {data && (
        <>
          <p role="status" className="text-sm text-slate-800">
            {data.pairs === 0
              ? `Activating it now would cut nobody's access (the scope covers ${data.scopeContracts} contracts).`
              : `Activating it now would cut ${data.pairs} accesses: ${data.people} ${data.people === 1 ? "person" : "people"} would lose ${data.contracts} of the ${data.scopeContracts} contracts the scope covers.`}
          </p>
          {data.items.length > 0 && (
            <table className="mt-3 w-full text-left text-sm">
              <caption className="sr-only">{by === "person" ? "People who would lose access" : "Contracts people would lose"}</caption>
              <thead className="text-slate-600">
                {by === "person" ? <tr><th className="py-1">Person</th><th>Contracts lost</th></tr> : <tr><th className="py-1">Contract</th><th>People losing it</th></tr>}
              </thead>
              <tbody>
                {data.items.map((i) =>
                  "userId" in i ? (
                    <tr key={i.userId} className="border-t border-slate-100">
                      <td className="py-1.5"><Link className="text-brand-700 underline" href={`/dashboard/users/${i.userId}`}>{i.displayName ?? i.userName ?? "(unnamed person)"}</Link>{i.displayName && <span className="ml-2 text-xs text-slate-500">{i.userName}</span>}</td>
                      <td>{i.contracts}</td>
                    </tr>
                  ) : (
                    <tr key={i.contractId} className="border-t border-slate-100">
                      <td className="py-1.5"><Link className="text-brand-700 underline" href={`/dashboard/contracts/${i.contractId}`}>{i.title ?? "(untitled contract)"}</Link></td>
                      <td>{i.people}</td>
                    </tr>
                  ),
                )}
              </tbody>
            </table>
          )}
          {data.total > PAGE && (
            <div className="mt-3 flex items-center gap-3 text-sm">
              <Button variant="secondary" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>Previous</Button>
              <span>{offset + 1}–{Math.min(offset + PAGE, data.total)} of {data.total}</span>
              <Button variant="secondary" disabled={offset + PAGE >= data.total} onClick={() => setOffset(offset + PAGE)}>Next</Button>
            </div>
          )}
        </>
      )}
    </div>
  );
}
