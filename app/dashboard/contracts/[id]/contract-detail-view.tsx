"use client";

import Link from "next/link";
import { ConfidentialityBadge } from "@/components/access/badges";
import { RulesTable } from "@/components/access/rules-table";
import { WhoCanAccess } from "@/components/access/who-can-access";
import { ApiError } from "@/components/ui/api";
import { Badge } from "@/components/ui/badge";
import { ButtonLink } from "@/components/ui/button";
import { Card, DescriptionList } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { Empty, ErrorMessage, Loading } from "@/components/ui/query-state";
import { useContract } from "@/components/data-hooks/contracts";
import { isDay, Time } from "@/components/ui/time";

export function ContractDetailView(props: { id: string; canWrite: boolean; canReadRules: boolean; canWriteRules: boolean; canReview: boolean; canExport: boolean }) {
  const query = useContract(props.id);
  if (query.isPending) return <Loading />;
  if (query.error) {
    if (query.error instanceof ApiError && query.error.status === 404) return <Empty>This contract does not exist.</Empty>;
    return <ErrorMessage error={query.error} retry={() => void query.refetch()} />;
  }
  const { contract: c, revisions, ended } = query.data;
  return (
    <div className="space-y-6">
      <PageHeader
        title={c.title}
        description={[c.counterparty, c.externalRef].filter(Boolean).join(" · ") || undefined}
        actions={
          <div className="flex gap-2">
            {props.canWriteRules && <ButtonLink href={`/dashboard/rules/new?contractId=${c.id}`}>New rule for this contract</ButtonLink>}
            {props.canWrite && <ButtonLink variant="primary" href={`/dashboard/contracts/${c.id}/edit`}>Edit</ButtonLink>}
          </div>
        }
      />
      <div className="grid gap-6 lg:grid-cols-2">
        <Card title="Contract">
          <DescriptionList
            items={[
              { term: "Repository", value: <Link className="text-brand-700 underline underline-offset-2 hover:text-brand-900" href={`/dashboard/repositories/${c.repository.id}`}>{c.repository.name}</Link> },
              { term: "Type", value: c.contractType },
              { term: "Confidentiality", value: <ConfidentialityBadge value={c.confidentiality} /> },
              { term: "Status", value: <Badge tone={c.status === "active" ? "green" : "gray"}>{c.status}</Badge> },
              { term: "Effective", value: <Time value={c.effectiveDate} date={isDay(c.effectiveDate)} /> },
              { term: "Ends", value: <><Time value={c.endDate} date={isDay(c.endDate)} />{ended && <span className="text-slate-500"> (ended — rules grant only within their grace days)</span>}</> },
              { term: "Owner", value: c.owner },
              { term: "Tags", value: c.tags.length ? c.tags.join(", ") : null },
              { term: "External ref", value: c.externalRef },
              { term: "Version", value: <>{c.version} · last change <Time value={c.updatedAt} /></> },
            ]}
          />
        </Card>
        <Card title="Access-relevant history" description="Repository, type, confidentiality and end date over time; point-in-time answers read the contract as it was.">
          <ol className="space-y-2 text-sm">
            {[...revisions].reverse().map((r) => (
              <li key={r.id} className="rounded-md border border-slate-200 px-3 py-2">
                <div className="text-xs text-slate-500">
                  <Time value={r.validFrom} /> → {r.validTo ? <Time value={r.validTo} /> : "now"}
                </div>
                <div>
                  {r.contractType} · <ConfidentialityBadge value={r.confidentiality} /> · ends <Time value={r.endDate} date={isDay(r.endDate)} />
                  {r.repositoryId !== c.repository.id && <span className="text-slate-500"> · in another repository</span>}
                </div>
              </li>
            ))}
          </ol>
        </Card>
      </div>
      {props.canReview && <WhoCanAccess contractId={c.id} canExport={props.canExport} />}
      {props.canReadRules && (
        <Card title="Rules naming this contract" description="Rules scoped to this one contract. Repository-wide rules are listed on the repository.">
          <RulesTable filter={{ contractId: c.id }} emptyMessage="No rule names this contract directly." />
        </Card>
      )}
    </div>
  );
}
