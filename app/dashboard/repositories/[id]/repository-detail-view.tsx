"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { CONFIDENTIALITY_LABELS } from "@/components/access/badges";
import { RulesTable } from "@/components/access/rules-table";
import { ContractsTable } from "@/components/contracts/contracts-table";
import { ApiError } from "@/components/ui/api";
import { Button, ButtonLink } from "@/components/ui/button";
import { Card, DescriptionList } from "@/components/ui/card";
import { formatNumber } from "@/components/ui/format";
import { PageHeader } from "@/components/ui/page-header";
import { Empty, ErrorMessage, Loading } from "@/components/ui/query-state";
import { RepositoryForm } from "../repository-form";
import { affected, invalidatePrefixes } from "@/components/data-hooks/keys";
import { useRepository } from "@/components/data-hooks/contracts";
import { Time } from "@/components/ui/time";

export function RepositoryDetailView({ id, canWrite, canReadRules, canWriteRules, canReview }: { id: string; canWrite: boolean; canReadRules: boolean; canWriteRules: boolean; canReview: boolean }) {
  const [editing, setEditing] = useState(false);
  const client = useQueryClient();
  const query = useRepository(id);
  if (query.isPending) return <Loading />;
  if (query.error) {
    if (query.error instanceof ApiError && query.error.status === 404) return <Empty>This repository does not exist.</Empty>;
    return <ErrorMessage error={query.error} retry={() => void query.refetch()} />;
  }
  const { repository: r, byConfidentiality, byStatus, ended, contractTypes } = query.data;
  return (
    <div className="space-y-6">
      <PageHeader
        title={r.name}
        description={r.description ?? undefined}
        actions={
          <div className="flex gap-2">
            {canReview && <ButtonLink href={`/dashboard/access-review?subject=repository&id=${r.id}`}>Review access</ButtonLink>}
            {canWriteRules && <ButtonLink href={`/dashboard/rules/new?repositoryId=${r.id}`}>New rule</ButtonLink>}
            {canWrite && !editing && <Button variant="secondary" onClick={() => setEditing(true)}>Edit</Button>}
          </div>
        }
      />
      {editing && (
        <Card title="Edit repository">
          <RepositoryForm initial={r} onCancel={() => setEditing(false)} onSaved={async () => { setEditing(false); await invalidatePrefixes(client, affected.repository); }} />
        </Card>
      )}
      <div className="grid gap-6 lg:grid-cols-2">
        <Card title="Summary">
          <DescriptionList
            items={[
              { term: "Owner", value: r.owner },
              { term: "Contracts", value: `${formatNumber(r.contracts ?? 0)} (${formatNumber(ended)} ended)` },
              { term: "Contract types", value: contractTypes.join(", ") || null },
              { term: "Created", value: <Time value={r.createdAt} /> },
              { term: "Last change", value: <Time value={r.updatedAt} /> },
            ]}
          />
        </Card>
        <Card title="Contracts by confidentiality and status">
          <DescriptionList
            items={[
              ...Object.entries(byConfidentiality).map(([k, v]) => ({ term: CONFIDENTIALITY_LABELS[k] ?? k, value: formatNumber(v) })),
              { term: "By status", value: Object.entries(byStatus).map(([s, n]) => `${s}: ${formatNumber(n)}`).join(" · ") || null },
            ]}
          />
        </Card>
      </div>
      {canReadRules && (
        <Card title="Access rules on this repository" description="Rules scoped to the whole repository (optionally narrowed).">
          <RulesTable filter={{ repositoryId: r.id }} emptyMessage="No rule grants on this repository." />
        </Card>
      )}
      <Card title="Contracts" actions={canWrite ? <ButtonLink href={`/dashboard/contracts/new?repositoryId=${r.id}`}>New contract</ButtonLink> : undefined}>
        <ContractsTable repositoryId={r.id} />
      </Card>
    </div>
  );
}
