"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { CONFIDENTIALITY_LABELS, LevelBadge } from "@/components/access/badges";
import { ImpactPreview } from "@/components/access/impact-preview";
import { RulePrincipal, RuleScope, RuleValidity } from "@/components/access/rule-summary";
import { ApiError, errorMessage, sendJson } from "@/components/ui/api";
import { Badge } from "@/components/ui/badge";
import { Button, ButtonLink } from "@/components/ui/button";
import { Card, DescriptionList } from "@/components/ui/card";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { TextAreaField } from "@/components/ui/field";
import { PageHeader } from "@/components/ui/page-header";
import { Empty, ErrorMessage, Loading, QueryState } from "@/components/ui/query-state";
import type { RuleView } from "@/lib/rules/queries";
import { affected, invalidatePrefixes } from "@/components/data-hooks/keys";
import { useRule, useRuleDeletePreview, useRuleVersions, type RuleVersion } from "@/components/data-hooks/rules";
import { Time } from "@/components/ui/time";


const FIELDS: [keyof RuleVersion, string][] = [
  ["name", "name"],
  ["level", "level"],
  ["groupId", "group"],
  ["userId", "person"],
  ["repositoryId", "repository"],
  ["contractId", "contract"],
  ["contractTypes", "contract types"],
  ["confidentialityCeiling", "confidentiality ceiling"],
  ["validFrom", "valid from"],
  ["validUntil", "valid until"],
  ["graceDaysAfterEnd", "days after contract end"],
  ["justification", "justification"],
];

function show(key: keyof RuleVersion, value: unknown): React.ReactNode {
  if (value === null || value === undefined || (Array.isArray(value) && value.length === 0)) return "none";
  if (key === "validFrom" || key === "validUntil") return <Time value={value as string} />;
  if (key === "confidentialityCeiling") return CONFIDENTIALITY_LABELS[value as string] ?? String(value);
  if (Array.isArray(value)) return value.join(", ");
  if (key === "groupId" || key === "userId" || key === "repositoryId" || key === "contractId") return `${String(value).slice(0, 8)}…`;
  return String(value);
}

function Versions({ ruleId }: { ruleId: string }) {
  const query = useRuleVersions(ruleId);
  return (
    <Card title="Version history" description="Every version is kept: when it was in force in Custodian, who wrote it and why.">
      <QueryState query={query} isEmpty={(d) => d.items.length === 0}>
        {(data) => (
          <ol className="space-y-3">
            {[...data.items].reverse().map((v) => {
              const previous = data.items.find((p) => p.version === v.version - 1);
              const changes = previous ? FIELDS.filter(([k]) => JSON.stringify(previous[k]) !== JSON.stringify(v[k])) : [];
              return (
                <li key={v.version} className="rounded-md border border-slate-200 px-4 py-3 text-sm">
                  <div className="flex flex-wrap items-center gap-2">
                    <span className="font-semibold">Version {v.version}</span>
                    <span className="text-slate-700">{v.name}</span>
                    <Badge tone={v.change === "deleted" ? "red" : v.change === "created" ? "green" : "blue"}>{v.change}</Badge>
                    {v.recordedTo === null && <Badge tone="gray">current</Badge>}
                    <span className="text-slate-600">
                      in force <Time value={v.recordedFrom} /> → {v.recordedTo ? <Time value={v.recordedTo} /> : "now"} · by {v.author.label ?? v.author.type}
                    </span>
                  </div>
                  {v.change === "created" && (
                    <p className="mt-1 text-slate-700">Grants <strong>{v.level}</strong>{v.validUntil ? <> until <Time value={v.validUntil} /></> : ""}.</p>
                  )}
                  {changes.length > 0 && (
                    <ul className="mt-1 list-disc pl-5 text-slate-700">
                      {changes.map(([k, label]) => (
                        <li key={k}>{label}: <span className="text-slate-500 line-through">{show(k, previous![k])}</span> → <strong>{show(k, v[k])}</strong></li>
                      ))}
                    </ul>
                  )}
                  <p className="mt-1 text-slate-600">“{v.justification}”</p>
                </li>
              );
            })}
          </ol>
        )}
      </QueryState>
    </Card>
  );
}

function DeleteRule({ rule, onDeleted }: { rule: RuleView; onDeleted: () => void }) {
  const [open, setOpen] = useState(false);
  const [justification, setJustification] = useState("");
  const preview = useRuleDeletePreview(rule, { enabled: open });
  const remove = useMutation({
    mutationFn: () => sendJson("DELETE", `/api/admin/rules/${rule.id}`, justification.trim() ? { justification } : {}, { ifMatch: rule.version }),
    onSuccess: () => { setOpen(false); onDeleted(); },
  });
  return (
    <>
      <Button variant="danger" onClick={() => setOpen(true)}>Delete rule</Button>
      <ConfirmDialog
        open={open}
        title="Delete this access rule?"
        confirmLabel="Delete rule"
        size="lg"
        pending={remove.isPending}
        confirmDisabled={preview.isPending}
        error={remove.error ? errorMessage(remove.error) : undefined}
        onCancel={() => { setOpen(false); remove.reset(); }}
        onConfirm={() => remove.mutate()}
      >
        <p>The rule stops granting immediately. Its versions stay in the history.</p>
        <div className="mt-3">
          {preview.isPending ? <Loading label="Computing who loses access…" /> : preview.error ? <ErrorMessage error={preview.error} /> : preview.data && <ImpactPreview impact={preview.data} request={{ action: "delete", ruleId: rule.id }} />}
        </div>
        <TextAreaField className="mt-3" label="Why is it removed? (optional)" rows={2} value={justification} onChange={(e) => setJustification(e.target.value)} />
      </ConfirmDialog>
    </>
  );
}

export function RuleDetailView({ id, canWrite, justSaved }: { id: string; canWrite: boolean; justSaved: boolean }) {
  const client = useQueryClient();
  const router = useRouter();
  const query = useRule(id);
  if (query.isPending) return <Loading />;
  if (query.error) {
    if (query.error instanceof ApiError && query.error.status === 404) return <Empty>This rule does not exist.</Empty>;
    return <ErrorMessage error={query.error} retry={() => void query.refetch()} />;
  }
  const r = query.data;
  return (
    <div className="space-y-6">
      <PageHeader
        title={r.name}
        description={`Access rule, version ${r.version}: ${r.justification}`}
        actions={canWrite && !r.deleted ? (
          <div className="flex gap-2">
            <ButtonLink variant="primary" href={`/dashboard/rules/${r.id}/edit`}>Edit</ButtonLink>
            <DeleteRule rule={r} onDeleted={async () => { await invalidatePrefixes(client, affected.rule); router.refresh(); }} />
          </div>
        ) : undefined}
      />
      {justSaved && <p role="status" className="rounded-md bg-green-50 px-3 py-2 text-sm text-green-800">Saved as version {r.version}.</p>}
      {r.deleted && <p className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">This rule was deleted on <Time value={r.deletedAt} />. It grants nothing; its history remains.</p>}
      <Card title="Current version">
        <DescriptionList
          items={[
            { term: "Level", value: <LevelBadge level={r.level} /> },
            { term: "Who", value: <RulePrincipal rule={r} /> },
            { term: "On", value: <RuleScope rule={r} /> },
            { term: "Validity", value: <RuleValidity rule={r} /> },
            { term: "Justification", value: r.justification },
            { term: "Written by", value: <>{r.author.label ?? r.author.type} on <Time value={r.updatedAt} /></> },
            { term: "Rule created", value: <Time value={r.createdAt} /> },
          ]}
        />
      </Card>
      <Versions ruleId={r.id} />
    </div>
  );
}
