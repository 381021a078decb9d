"use client";

import Link from "next/link";
import { useDeferredValue, useState } from "react";
import { AtSelector } from "@/components/access/at-selector";
import { ConfidentialityBadge, LevelBadge } from "@/components/access/badges";
import { ReasonsDisclosure, type ReasonJson } from "@/components/access/reasons";
import { Timeline } from "@/components/access/timeline";
import { Badge } from "@/components/ui/badge";
import { Card, DescriptionList } from "@/components/ui/card";
import { DataTable, type Column } from "@/components/ui/data-table";
import { PageHeader } from "@/components/ui/page-header";
import { EraseUser } from "./erase-user";
import { ErrorMessage, Loading } from "@/components/ui/query-state";
import type { UserDetail, UserGroups } from "@/lib/users/detail-queries";
import { useUser } from "@/components/data-hooks/users";
import { Time } from "@/components/ui/time";

type AccessRow = {
  contract: { id: string; title: string | null; externalRef: string | null; repositoryId: string; repositoryName: string | null; confidentiality: string; contractType: string };
  level: string;
  reasons: ReasonJson[];
};

const accessColumns: Column<AccessRow>[] = [
  {
    key: "contract",
    header: "Contract",
    className: "min-w-48",
    render: (r) => (
      <Link href={`/dashboard/contracts/${r.contract.id}`} className="font-medium text-brand-700 hover:underline">
        {r.contract.title ?? r.contract.id}
        {r.contract.externalRef && <span className="block text-xs font-normal text-slate-500">{r.contract.externalRef}</span>}
      </Link>
    ),
  },
  {
    key: "repository",
    header: "Repository",
    render: (r) => <Link className="text-brand-700 underline underline-offset-2 hover:text-brand-900" href={`/dashboard/repositories/${r.contract.repositoryId}`}>{r.contract.repositoryName ?? "—"}</Link>,
  },
  { key: "type", header: "Type", minor: true, render: (r) => r.contract.contractType },
  { key: "confidentiality", header: "Confidentiality", render: (r) => <ConfidentialityBadge value={r.contract.confidentiality} /> },
  { key: "level", header: "Level", render: (r) => <LevelBadge level={r.level} /> },
  { key: "why", header: "Why", className: "min-w-64", render: (r) => <ReasonsDisclosure reasons={r.reasons} /> },
];

function Attributes({ user }: { user: UserDetail }) {
  const c = user.core;
  const e = user.enterprise;
  const name = [c.name.honorificPrefix, c.name.givenName, c.name.middleName, c.name.familyName, c.name.honorificSuffix].filter(Boolean).join(" ") || c.name.formatted;
  return (
    <div className="grid gap-6 lg:grid-cols-2">
      <Card title="Core attributes">
        <DescriptionList
          items={[
            { term: "userName", value: c.userName },
            { term: "externalId", value: c.externalId },
            { term: "Display name", value: c.displayName },
            { term: "Name", value: name },
            { term: "Nickname", value: c.nickName },
            { term: "Title", value: c.title },
            { term: "User type", value: c.userType },
            { term: "E-mails", value: c.emails.length ? c.emails.map((m) => `${m.value}${m.type ? ` (${m.type})` : ""}${m.primary ? " · primary" : ""}`).join(", ") : null },
            { term: "Phone numbers", value: c.phoneNumbers.length ? c.phoneNumbers.map((p) => `${p.value}${p.type ? ` (${p.type})` : ""}`).join(", ") : null },
            { term: "Locale", value: [c.preferredLanguage, c.locale, c.timezone].filter(Boolean).join(" · ") || null },
            { term: "Addresses", value: c.addresses.length ? c.addresses.map((a) => [a.formatted ?? a.streetAddress, a.locality, a.country].filter(Boolean).join(", ")).join(" / ") : null },
            { term: "Entitlements", value: c.entitlements.join(", ") || null },
            { term: "Roles (IdP)", value: c.roles.join(", ") || null },
          ]}
        />
      </Card>
      <Card title="Enterprise attributes">
        <DescriptionList
          items={[
            { term: "Employee number", value: e.employeeNumber },
            { term: "Department", value: e.department },
            { term: "Division", value: e.division },
            { term: "Organization", value: e.organization },
            { term: "Cost center", value: e.costCenter },
            {
              term: "Manager",
              value: e.manager ? (
                e.manager.user ? (
                  <Link className="text-brand-700 underline underline-offset-2 hover:text-brand-900" href={`/dashboard/users/${e.manager.user.id}`}>{e.manager.user.displayName ?? e.manager.user.userName}</Link>
                ) : (
                  <span>{e.manager.id} <span className="text-slate-500">(not provisioned here)</span></span>
                )
              ) : null,
            },
            { term: "Directory", value: user.directory.name },
            { term: "Created", value: <Time value={user.createdAt} /> },
            { term: "Last change", value: <><Time value={user.updatedAt} /> (version {user.version})</> },
          ]}
        />
      </Card>
    </div>
  );
}

function Groups({ groups }: { groups: UserGroups }) {
  return (
    <Card title="Groups" description="Direct memberships, and the groups those are nested in.">
      {groups.direct.length === 0 ? (
        <p className="text-sm text-slate-500">Not a member of any group.</p>
      ) : (
        <div className="grid gap-4 md:grid-cols-2">
          <div>
            <h3 className="mb-1 text-sm font-medium text-slate-700">Direct ({groups.direct.length})</h3>
            <ul className="space-y-1 text-sm">
              {groups.direct.map((g) => (
                <li key={g.id}>
                  <Link className="text-brand-700 underline underline-offset-2 hover:text-brand-900" href={`/dashboard/groups/${g.id}`}>{g.displayName}</Link>
                  {g.since && <span className="text-xs text-slate-500"> · since <Time value={g.since} /></span>}
                </li>
              ))}
            </ul>
          </div>
          <div>
            <h3 className="mb-1 text-sm font-medium text-slate-700">Through nesting ({groups.inherited.length})</h3>
            {groups.inherited.length === 0 ? (
              <p className="text-sm text-slate-500">None.</p>
            ) : (
              <ul className="space-y-1 text-sm">
                {groups.inherited.map((g) => (
                  <li key={g.id}>
                    <Link className="text-brand-700 underline underline-offset-2 hover:text-brand-900" href={`/dashboard/groups/${g.id}`}>{g.displayName}</Link>
                    <span className="text-xs text-slate-500"> · via {g.via.map((v) => v.displayName).join(" → ")}</span>
                  </li>
                ))}
              </ul>
            )}
          </div>
        </div>
      )}
    </Card>
  );
}

const ENDING_SOON_DAYS = 30;
const LEVEL_OPTIONS = ["view", "comment", "edit", "sign", "manage"] as const;
const selectClass = "mt-1 block rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm";

/** Search and filters over a person's contracts (applied by the server, before paging). */
function ContractAccess({ id, at, repositories }: { id: string; at: string | undefined; repositories?: { id: string; name: string }[] }) {
  const [q, setQ] = useState("");
  const search = useDeferredValue(q.trim());
  const [repositoryId, setRepositoryId] = useState("");
  const [level, setLevel] = useState("");
  const [endingSoon, setEndingSoon] = useState(false);
  const filtered = Boolean(search || repositoryId || level || endingSoon);
  return (
    <>
      <form role="search" aria-label="Filter contract access" className="mb-3 flex flex-wrap items-end gap-3" onSubmit={(e) => e.preventDefault()}>
        <label className="text-sm text-slate-700">
          Search
          <input type="search" value={q} onChange={(e) => setQ(e.target.value)} placeholder="Title or external ref"
            className="mt-1 block w-64 rounded-md border border-slate-300 px-3 py-1.5 text-sm" />
        </label>
        {repositories && (
          <label className="text-sm text-slate-700">
            Repository
            <select value={repositoryId} onChange={(e) => setRepositoryId(e.target.value)} className={selectClass}>
              <option value="">All</option>
              {repositories.map((r) => <option key={r.id} value={r.id}>{r.name}</option>)}
            </select>
          </label>
        )}
        <label className="text-sm text-slate-700">
          Level at least
          <select value={level} onChange={(e) => setLevel(e.target.value)} className={selectClass}>
            <option value="">Any</option>
            {LEVEL_OPTIONS.map((l) => <option key={l} value={l}>{l}</option>)}
          </select>
        </label>
        <label className="flex items-center gap-2 pb-1.5 text-sm text-slate-700">
          <input type="checkbox" checked={endingSoon} onChange={(e) => setEndingSoon(e.target.checked)} className="h-4 w-4 rounded border-slate-300" />
          Ending within {ENDING_SOON_DAYS} days
        </label>
      </form>
      <DataTable<AccessRow>
        endpoint={`/api/admin/users/${id}/access`}
        label="Contract access"
        params={{ at, q: search, repositoryId, level, endingWithinDays: endingSoon ? String(ENDING_SOON_DAYS) : undefined }}
        columns={accessColumns}
        rowKey={(r) => r.contract.id}
        emptyMessage={filtered ? "No contract matches these filters." : at ? "No contract access at that time." : "No contract access."}
        pageSize={25}
      />
    </>
  );
}

export function UserDetailView({ id, canErase = false, repositories, links = [] }: {
  id: string;
  canErase?: boolean;
  repositories?: { id: string; name: string }[];
  /** The named types this viewer may follow from the timeline. */
  links?: string[];
}) {
  const [at, setAt] = useState<string | undefined>(undefined);
  const query = useUser(id);
  if (query.isPending) return <Loading />;
  if (query.error) return <ErrorMessage error={query.error} retry={() => void query.refetch()} />;
  const { user, groups } = query.data;
  return (
    <div className="space-y-6">
      <PageHeader
        title={user.core.displayName ?? user.core.userName}
        description={`${user.core.userName} · ${user.directory.name}`}
        actions={user.active ? <Badge tone="green">active</Badge> : <Badge tone="red">deactivated</Badge>}
      />
      <Attributes user={user} />
      <Groups groups={groups} />
      <Card title="Contract access" description="Every contract this person can open, at which level, and why.">
        <div className="mb-3">
          <AtSelector value={at} onChange={setAt} />
        </div>
        {!user.active && !at && <p className="mb-3 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900">Deactivated users can open nothing. Pick a past date to see what they could open then.</p>}
        <ContractAccess id={id} at={at} repositories={repositories} />
      </Card>
      <Card title="Timeline" description="Everything that happened to this person, newest first."
        actions={<Link className="text-sm text-brand-700 hover:underline" href={`/dashboard/audit?targetType=User&targetId=${id}`}>Events in the audit trail</Link>}>
        <Timeline userId={id} links={links} />
      </Card>
      {canErase && <EraseUser id={id} userName={user.core.userName} />}
    </div>
  );
}
