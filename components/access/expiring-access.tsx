"use client";

// "Access ending in the next N days": contracts reaching their end date, rules and direct grants
// reaching their validUntil, with the people concerned (lib/access/expiring.ts).
import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { formatNumber } from "@/components/ui/format";
import { Empty, ErrorMessage, Loading } from "@/components/ui/query-state";
import { useExpiringAccess } from "@/components/data-hooks/overview";
import { Time } from "@/components/ui/time";

const KIND = { contract: { label: "contract ends", tone: "amber" }, rule: { label: "rule expires", tone: "blue" }, grant: { label: "direct grant expires", tone: "gray" } } as const;

export function ExpiringAccess({ canReadRules }: { canReadRules: boolean }) {
  const query = useExpiringAccess();
  const days = query.data?.days ?? 30;
  return (
    <Card title={`Access ending in the next ${days} days`} description="Contracts reaching their end date, rules and time-boxed grants reaching their end — and how many people lose access.">
      {query.isPending ? (
        <Loading label="Loading expiring access…" />
      ) : query.error ? (
        <ErrorMessage error={query.error} retry={() => void query.refetch()} />
      ) : query.data.items.length === 0 ? (
        <Empty>Nothing ends in the next {days} days.</Empty>
      ) : (
        <table className="w-full text-sm" data-testid="expiring-access">
          <caption className="sr-only">Access ending soon</caption>
          <thead>
            <tr className="text-left text-xs text-slate-600">
              <th scope="col" className="py-1 font-medium">Ends</th>
              <th scope="col" className="py-1 font-medium">What</th>
              <th scope="col" className="py-1 text-right font-medium">People</th>
              <th scope="col" className="py-1 text-right font-medium"><span className="sr-only">Links</span></th>
            </tr>
          </thead>
          <tbody>
            {query.data.items.map((i) => (
              <tr key={`${i.kind}-${i.id}`} className="border-t border-slate-100 align-top">
                <td className="py-1.5 pr-3 whitespace-nowrap">
                  {/* A date-only contract end is its last day, as the contract page shows it, not the next day's midnight. */}
                  {i.endDay ? <Time value={i.endDay} date /> : <Time value={i.endsAt} />}
                </td>
                <td className="py-1.5 pr-3">
                  <Badge tone={KIND[i.kind].tone}>{KIND[i.kind].label}</Badge> <span className="font-medium">{i.label}</span>
                  {i.detail && <span className="block text-xs text-slate-600">{i.detail}</span>}
                </td>
                <td className="py-1.5 text-right">{formatNumber(i.people)}</td>
                <td className="py-1.5 pl-3 text-right whitespace-nowrap">
                  {i.reviewHref && <Link className="text-brand-700 underline underline-offset-2 hover:text-brand-900" href={i.reviewHref}>Review</Link>}
                  {canReadRules && i.ruleId && (
                    <> · <Link className="text-brand-700 underline underline-offset-2 hover:text-brand-900" href={`/dashboard/rules/${i.ruleId}`}>Rule</Link></>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Card>
  );
}
