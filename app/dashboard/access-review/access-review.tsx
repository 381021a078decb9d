"use client";

import Link from "next/link";
import { usePathname, useRouter } from "next/navigation";
import { useState } from "react";
import { AtSelector } from "@/components/access/at-selector";
import { SubjectKindToggle, SubjectPicker } from "@/components/access/subject-picker";
import { ConfidentialityBadge, LevelBadge } from "@/components/access/badges";
import { ReasonsDisclosure, type ReasonJson } from "@/components/access/reasons";
import { ReadersByReason } from "@/components/access/readers-by-reason";
import { SingleCheck } from "@/components/access/single-check";
import { ExportLinks } from "@/components/access/who-can-access";
import { Card } from "@/components/ui/card";
import { DataTable, type Column } from "@/components/ui/data-table";
import type { PickerOption } from "@/components/ui/entity-picker";
import { formatNumber } from "@/components/ui/format";
import type { SubjectKind, SubjectSummary } from "@/lib/access-review/queries";
import { isDay, Time } from "@/components/ui/time";

interface UserContractRow {
  contract: { id: string; title: string | null; externalRef: string | null; repositoryId: string; repositoryName: string | null; confidentiality: string; contractType: string };
  level: string;
  reasons: ReasonJson[];
}

interface RepositoryRow {
  contract: { id: string; title: string | null; externalRef: string | null; confidentiality: string; contractType: string; endDate: string | null };
  people: number;
}

const KINDS: [SubjectKind, string][] = [
  ["contract", "A contract"],
  ["repository", "A repository"],
  ["user", "A person"],
];

const userColumns: Column<UserContractRow>[] = [
  {
    key: "contract",
    header: "Contract",
    render: (r) => (
      <span className="font-medium">
        {r.contract.title}
        {r.contract.externalRef && <span className="block text-xs font-normal text-slate-500">{r.contract.externalRef}</span>}
      </span>
    ),
  },
  { key: "repository", header: "Repository", render: (r) => r.contract.repositoryName ?? "—" },
  { key: "confidentiality", header: "Confidentiality", render: (r) => <ConfidentialityBadge value={r.contract.confidentiality} /> },
  { key: "level", header: "Level", render: (r) => <LevelBadge level={r.level} /> },
  { key: "why", header: "Why", className: "min-w-80", render: (r) => <ReasonsDisclosure reasons={r.reasons} /> },
];

export function AccessReview({
  initialKind,
  initialSubject,
  initialAt,
  canExport,
}: {
  initialKind: SubjectKind;
  initialSubject: SubjectSummary | null;
  initialAt: string | undefined;
  canExport: boolean;
}) {
  const router = useRouter();
  const pathname = usePathname();
  const [kind, setKind] = useState<SubjectKind>(initialKind);
  const [subject, setSubject] = useState<PickerOption | null>(initialSubject ? { id: initialSubject.id, label: initialSubject.label, secondary: initialSubject.secondary } : null);
  const [at, setAt] = useState<string | undefined>(initialAt);

  // The URL carries the review, so it can be bookmarked and shared.
  const sync = (next: { kind: SubjectKind; subject: PickerOption | null; at: string | undefined }) => {
    const q = new URLSearchParams({ subject: next.kind });
    if (next.subject) q.set("id", next.subject.id);
    if (next.at) q.set("at", next.at);
    router.replace(`${pathname}?${q}`, { scroll: false });
  };
  const choose = (s: PickerOption | null) => { setSubject(s); sync({ kind, subject: s, at }); };
  const changeAt = (v: string | undefined) => { setAt(v); sync({ kind, subject, at: v }); };
  const switchTo = (k: SubjectKind, s: PickerOption | null = null) => { setKind(k); setSubject(s); sync({ kind: k, subject: s, at }); };

  const repositoryColumns: Column<RepositoryRow>[] = [
    {
      key: "contract",
      header: "Contract",
      render: (r) => (
        <button type="button" className="text-left font-medium text-brand-700 hover:underline"
          onClick={() => switchTo("contract", { id: r.contract.id, label: r.contract.title ?? r.contract.id, secondary: r.contract.externalRef })}>
          {r.contract.title}
          {r.contract.externalRef && <span className="block text-xs font-normal text-slate-500">{r.contract.externalRef}</span>}
        </button>
      ),
    },
    { key: "type", header: "Type", render: (r) => r.contract.contractType },
    { key: "confidentiality", header: "Confidentiality", render: (r) => <ConfidentialityBadge value={r.contract.confidentiality} /> },
    { key: "endDate", header: "End date", render: (r) => <Time value={r.contract.endDate} date={isDay(r.contract.endDate)} /> },
    { key: "people", header: "People who could open it", className: "text-right", render: (r) => formatNumber(r.people) },
  ];

  const params = subject ? { subject: kind, id: subject.id, at } : {};
  return (
    <div className="space-y-6">
      <Card title="What to review">
        <div className="grid gap-4 lg:grid-cols-[auto_minmax(0,1fr)]">
          <SubjectKindToggle legend="Review" name="subject-kind" kinds={KINDS} value={kind} onChange={switchTo} />
          <SubjectPicker kind={kind} value={subject} onChange={choose} at={at} />
          <div className="lg:col-span-2"><AtSelector value={at} onChange={changeAt} /></div>
        </div>
      </Card>

      {subject && (
        <Card
          title={kind === "contract" ? `Who could open “${subject.label}”` : kind === "repository" ? `Contracts in ${subject.label}` : `What ${subject.label} could open`}
          description={kind === "repository" ? "Each contract as it was then, and how many people could open it. Pick a contract for the reasons." : undefined}
          actions={canExport ? <ExportLinks subject={kind} id={subject.id} at={at} /> : undefined}
        >
          {kind === "contract" && (
            <>
              <p className="mb-3 text-sm"><Link className="text-brand-700 underline underline-offset-2 hover:text-brand-900" href={`/dashboard/contracts/${subject.id}`}>Open the contract</Link></p>
              <ReadersByReason contractId={subject.id} at={at}
                emptyMessage={at ? "Nobody could open this contract at that time." : "Nobody can open this contract now."} />
            </>
          )}
          {kind === "user" && (
            <DataTable<UserContractRow> endpoint="/api/admin/access" label="Contracts" params={params} columns={userColumns} rowKey={(r) => r.contract.id}
              emptyMessage={at ? "This person could open no contract at that time." : "This person can open no contract now."} pageSize={25} />
          )}
          {kind === "repository" && (
            <DataTable<RepositoryRow> endpoint="/api/admin/access" label="Contracts of the repository" params={params} columns={repositoryColumns} rowKey={(r) => r.contract.id}
              emptyMessage="The repository held no contracts at that time." pageSize={25} />
          )}
        </Card>
      )}

      {subject && kind === "user" && (
        <Card title={`Could ${subject.label} open one contract?`} description="Pick a contract: allowed shows the level and why; not allowed says why not.">
          <SingleCheck userId={subject.id} at={at} />
        </Card>
      )}
    </div>
  );
}
