"use client";

import Link from "next/link";
import { useState } from "react";
import { CONFIDENTIALITY_LABELS, LevelBadge } from "@/components/access/badges";
import { RuleScope, RuleValidity } from "@/components/access/rule-summary";
import { ApiError, errorMessage } from "@/components/ui/api";
import { Badge } from "@/components/ui/badge";
import { Button, ButtonLink } from "@/components/ui/button";
import { Card, DescriptionList } from "@/components/ui/card";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { DataTable, type Column } from "@/components/ui/data-table";
import { formatNumber, plural } from "@/components/ui/format";
import { PageHeader } from "@/components/ui/page-header";
import { Empty, ErrorMessage, Loading, QueryState } from "@/components/ui/query-state";
import type { GroupDetail, GroupMemberItem } from "@/lib/groups/queries";
import { useGroup, useGroupAccess, useGroupRoles } from "@/components/data-hooks/groups";
import { Time } from "@/components/ui/time";

const ROLES = ["admin", "compliance", "auditor"] as const;
const CONFS = ["public", "internal", "confidential", "strictly_confidential"] as const;

const memberColumns: Column<GroupMemberItem>[] = [
  {
    key: "member",
    header: "Member",
    render: (m) =>
      m.type === "User" ? (
        <Link className="font-medium text-brand-700 hover:underline" href={`/dashboard/users/${m.id}`}>
          {m.display}
          {m.secondary && m.secondary !== m.display && <span className="block text-xs font-normal text-slate-500">{m.secondary}</span>}
        </Link>
      ) : (
        <Link className="font-medium text-brand-700 hover:underline" href={`/dashboard/groups/${m.id}`}>{m.display}</Link>
      ),
  },
  { key: "type", header: "Type", render: (m) => (m.type === "User" ? "User" : <Badge tone="blue">nested group</Badge>) },
  { key: "status", header: "Status", render: (m) => (m.active === null ? "—" : m.active ? <Badge tone="green">active</Badge> : <Badge tone="red">deactivated</Badge>) },
  { key: "since", header: "Member since", render: (m) => <Time value={m.since} /> },
];

function Roles({ group, canManage }: { group: GroupDetail; canManage: boolean }) {
  const [role, setRole] = useState<string>("");
  const [removing, setRemoving] = useState<string | null>(null);
  const { assign, unassign } = useGroupRoles(group.id, { onAssigned: () => setRole(""), onUnassigned: () => setRemoving(null) });
  const held = new Set(group.roles.map((r) => r.role));
  return (
    <Card title="Dashboard roles" description="Members of this group (including nested groups) who sign in by SSO get these Custodian roles.">
      {group.roles.length === 0 ? (
        <p className="text-sm text-slate-500">This group grants no dashboard role.</p>
      ) : (
        <ul className="space-y-1 text-sm">
          {group.roles.map((r) => (
            <li key={r.id} className="flex items-center justify-between gap-2">
              <span><Badge tone="blue">{r.role}</Badge> <span className="text-xs text-slate-500">since <Time value={r.createdAt} />{r.createdBy ? ` by ${r.createdBy}` : ""}</span></span>
              {canManage && <Button variant="ghost" onClick={() => setRemoving(r.role)} aria-label={`Remove the ${r.role} role`}>Remove</Button>}
            </li>
          ))}
        </ul>
      )}
      {canManage && (
        <form className="mt-3 flex items-end gap-2" onSubmit={(e) => { e.preventDefault(); if (role) assign.mutate(role); }}>
          <label className="text-sm text-slate-700">
            Assign role
            <select value={role} onChange={(e) => setRole(e.target.value)} className="mt-1 block rounded-md border border-slate-300 px-2 py-1.5 text-sm">
              <option value="">Choose…</option>
              {ROLES.filter((r) => !held.has(r)).map((r) => <option key={r} value={r}>{r}</option>)}
            </select>
          </label>
          <Button type="submit" disabled={!role || assign.isPending}>{assign.isPending ? "Assigning…" : "Assign"}</Button>
        </form>
      )}
      {assign.error && <p role="alert" className="mt-2 text-sm text-red-700">{errorMessage(assign.error)}</p>}
      <ConfirmDialog
        open={removing !== null}
        title={`Remove the ${removing} role?`}
        confirmLabel="Remove role"
        pending={unassign.isPending}
        error={unassign.error ? errorMessage(unassign.error) : undefined}
        onCancel={() => { setRemoving(null); unassign.reset(); }}
        onConfirm={() => removing && unassign.mutate(removing)}
      >
        Members of <strong>{group.displayName}</strong> who hold {removing} only through this group lose it at their next request.
      </ConfirmDialog>
    </Card>
  );
}

function Access({ groupId, canWriteRules }: { groupId: string; canWriteRules: boolean }) {
  const query = useGroupAccess(groupId);
  return (
    <Card
      title="Members' access"
      description="Access rules that reach this group's members — on this group or on a group it is nested in — and the contracts they grant on now."
      actions={canWriteRules ? <ButtonLink href={`/dashboard/rules/new?groupId=${groupId}`}>New rule for this group</ButtonLink> : undefined}
    >
      <QueryState query={query} isEmpty={(d) => d.rules.length === 0} empty="No access rule uses this group or its parent groups.">
        {(data) => (
          <>
            <p className="mb-3 text-sm text-slate-700">
              Together these rules let members open{" "}
              {CONFS.map((c, i) => (
                <span key={c}>
                  {i > 0 && (i === CONFS.length - 1 ? " and " : ", ")}
                  <strong>{formatNumber(data.reach[c])}</strong> {CONFIDENTIALITY_LABELS[c].toLowerCase()}
                </span>
              ))}{" "}
              contracts now.
            </p>
            <div className="overflow-x-auto">
              <table className="min-w-full divide-y divide-slate-200 text-sm" aria-label="Rules that reach this group's members">
                <thead className="bg-slate-50">
                  <tr>
                    {["Rule", "Level", "Scope", "Through", "Validity", "Contracts now"].map((h) => (
                      <th key={h} scope="col" className="px-3 py-2 text-left font-medium text-slate-600">{h}</th>
                    ))}
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {data.rules.map((r) => (
                    <tr key={r.id}>
                      <td className="px-3 py-2 align-top">
                        <Link className="font-medium text-brand-700 underline underline-offset-2 hover:text-brand-900" href={`/dashboard/rules/${r.id}`}>{r.name}</Link>
                        <span className="block max-w-64 truncate text-xs text-slate-500" title={r.justification}>version {r.version} · {r.justification}</span>
                      </td>
                      <td className="px-3 py-2 align-top"><LevelBadge level={r.level} /></td>
                      <td className="px-3 py-2 align-top"><RuleScope rule={r} /></td>
                      <td className="px-3 py-2 align-top">
                        {r.viaGroup.depth === 0 ? "this group" : <Link className="text-brand-700 underline underline-offset-2 hover:text-brand-900" href={`/dashboard/groups/${r.viaGroup.id}`}>{r.viaGroup.displayName}</Link>}
                      </td>
                      <td className="px-3 py-2 align-top">
                        <RuleValidity rule={r} />
                        {!r.grantsNow && <span className="block"><Badge tone="amber">not granting now</Badge></span>}
                      </td>
                      <td className="px-3 py-2 align-top text-xs">
                        {CONFS.filter((c) => r.contracts[c] > 0).map((c) => `${formatNumber(r.contracts[c])} ${CONFIDENTIALITY_LABELS[c].toLowerCase()}`).join(", ") || "none"}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            {data.truncated && <p className="mt-2 text-xs text-slate-500">Only the first rules are listed.</p>}
          </>
        )}
      </QueryState>
    </Card>
  );
}

function Members({ groupId }: { groupId: string }) {
  const [type, setType] = useState("");
  const [search, setSearch] = useState("");
  return (
    <Card title="Direct members">
      <form className="mb-3 flex flex-wrap items-end gap-3" role="search" onSubmit={(e) => e.preventDefault()}>
        <label className="text-sm text-slate-700">
          Search members
          <input type="search" value={search} onChange={(e) => setSearch(e.target.value)} className="mt-1 block w-56 rounded-md border border-slate-300 px-3 py-1.5 text-sm" />
        </label>
        <label className="text-sm text-slate-700">
          Type
          <select value={type} onChange={(e) => setType(e.target.value)} className="mt-1 block rounded-md border border-slate-300 px-2 py-1.5 text-sm">
            <option value="">Users and groups</option>
            <option value="User">Users</option>
            <option value="Group">Nested groups</option>
          </select>
        </label>
      </form>
      <DataTable<GroupMemberItem>
        endpoint={`/api/admin/groups/${groupId}/members`}
        label="Direct members"
        params={{ type, search }}
        columns={memberColumns}
        rowKey={(m) => `${m.type}:${m.id}`}
        emptyMessage={search || type ? "No members match." : "This group has no members."}
        pageSize={25}
      />
    </Card>
  );
}

export function GroupDetailView({ id, canManageRoles, canWriteRules }: { id: string; canManageRoles: boolean; canWriteRules: boolean }) {
  const query = useGroup(id);
  if (query.isPending) return <Loading />;
  if (query.error) {
    if (query.error instanceof ApiError && query.error.status === 404) return <Empty>This group does not exist (any more).</Empty>;
    return <ErrorMessage error={query.error} retry={() => void query.refetch()} />;
  }
  const g = query.data;
  return (
    <div className="space-y-6">
      <PageHeader title={g.displayName} description={`Group in ${g.directory.name}`} />
      <div className="grid gap-6 lg:grid-cols-2">
        <Card title="Summary">
          <DescriptionList
            items={[
              { term: "Directory", value: g.directory.name },
              { term: "externalId", value: g.externalId },
              { term: "Direct members", value: `${plural(g.userMembers, "user")}, ${plural(g.groupMembers, "nested group")}` },
              { term: "Everyone inside", value: `${plural(g.effectiveMembers, "person", "people")} (${formatNumber(g.effectiveActiveMembers)} active), nested groups included` },
              { term: "Created", value: <Time value={g.createdAt} /> },
              { term: "Last change", value: <><Time value={g.updatedAt} /> (version {g.version})</> },
            ]}
          />
        </Card>
        <Card title="Parent groups" description="Groups this group is nested in; their rules reach its members too.">
          {g.parents.length === 0 ? (
            <p className="text-sm text-slate-500">Not nested in any group.</p>
          ) : (
            <ul className="space-y-1 text-sm">
              {g.parents.map((p) => (
                <li key={p.id}>
                  <Link className="text-brand-700 underline underline-offset-2 hover:text-brand-900" href={`/dashboard/groups/${p.id}`}>{p.displayName}</Link>
                  {p.depth > 1 && <span className="text-xs text-slate-500"> · via {p.via.map((v) => v.displayName).join(" → ")}</span>}
                </li>
              ))}
            </ul>
          )}
        </Card>
      </div>
      <Access groupId={id} canWriteRules={canWriteRules} />
      <Roles group={g} canManage={canManageRoles} />
      <Members groupId={id} />
    </div>
  );
}
