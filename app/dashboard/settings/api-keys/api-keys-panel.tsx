"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { sendJson } from "@/components/ui/api";
import { useFormSubmit } from "@/components/ui/use-form-submit";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { DataTable, type Column } from "@/components/ui/data-table";
import { Dialog, FormActions } from "@/components/ui/dialog";
import { FormError, SelectField, TextField } from "@/components/ui/field";
import { SecretDialog } from "@/components/ui/secret-dialog";
import { useConfirmedMutation } from "@/components/ui/use-confirmed-mutation";
import { adminKey } from "@/components/data-hooks/keys";
import { RelativeTime, Time } from "@/components/ui/time";

interface ApiKeyItem {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  createdAt: string;
  createdBy: string | null;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

const SCOPE_HINTS: Record<string, string> = {
  "access:read": "Check and list who can access what",
  "access:decide": "Ask for decisions through the AuthZEN API only (for gateways and the contract system)",
  "contracts:read": "Read repositories and contracts",
  "contracts:write": "Create and update repositories and contracts",
  "rules:read": "Read access rules",
  "rules:write": "Create, change and delete access rules",
  admin: "Everything above",
};

const EXPIRY_CHOICES = [
  { days: "", label: "Never" },
  { days: "30", label: "In 30 days" },
  { days: "90", label: "In 90 days" },
  { days: "365", label: "In 1 year" },
  { days: "730", label: "In 2 years" },
];

function statusOf(k: ApiKeyItem) {
  if (k.revokedAt) return <Badge tone="red">revoked</Badge>;
  if (k.expiresAt && new Date(k.expiresAt).getTime() <= Date.now()) return <Badge tone="amber">expired</Badge>;
  return <Badge tone="green">active</Badge>;
}

export function ApiKeysPanel({ scopes }: { scopes: string[] }) {
  const queryClient = useQueryClient();
  const [statusFilter, setStatusFilter] = useState("");
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<{ key: string; record: ApiKeyItem } | null>(null);

  const refresh = () =>
    queryClient.invalidateQueries({ queryKey: adminKey("/api/admin/api-keys") });

  const revoke = useConfirmedMutation((k: ApiKeyItem) => sendJson("DELETE", `/api/admin/api-keys/${k.id}`), refresh);

  const columns: Column<ApiKeyItem>[] = [
    { key: "name", header: "Name", render: (k) => <span className="font-medium">{k.name}</span> },
    { key: "prefix", header: "Key", render: (k) => <code className="font-mono text-xs">{k.prefix}</code> },
    {
      key: "scopes",
      header: "Scopes",
      render: (k) => (
        <span className="flex flex-wrap gap-1">
          {k.scopes.map((s) => <Badge key={s} tone={s === "admin" ? "amber" : "gray"}>{s}</Badge>)}
        </span>
      ),
    },
    { key: "status", header: "Status", render: statusOf },
    {
      key: "createdAt",
      header: "Created",
      render: (k) => (
        <span>
          <Time value={k.createdAt} />
          {k.createdBy && <span className="block text-xs text-slate-500">by {k.createdBy}</span>}
        </span>
      ),
    },
    { key: "lastUsedAt", header: "Last used", render: (k) => <RelativeTime value={k.lastUsedAt} /> },
    { key: "expiresAt", header: "Expires", render: (k) => (k.expiresAt ? <Time value={k.expiresAt} date /> : "never") },
    {
      key: "actions",
      header: "Actions",
      render: (k) =>
        k.revokedAt ? null : (
          <Button variant="secondary" className="px-2 py-1 text-xs text-red-800" onClick={() => revoke.ask(k)}
            aria-label={`Revoke ${k.name} (${k.prefix})`}>
            Revoke
          </Button>
        ),
    },
  ];

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div className="max-w-3xl text-sm text-slate-600">
          Keys for the contract system and automation calling <code>/api/v1</code> with <code>Authorization: Bearer cak_…</code>.
          Each key carries only the scopes it needs; the secret is shown once.
        </div>
        <div className="flex items-end gap-3">
          <label className="text-sm text-slate-700">
            Show
            <select value={statusFilter} onChange={(e) => setStatusFilter(e.target.value)} className="mt-1 block rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm">
              <option value="">All keys</option>
              <option value="active">Not revoked</option>
            </select>
          </label>
          <Button onClick={() => setCreating(true)}>New API key</Button>
        </div>
      </div>
      <DataTable<ApiKeyItem>
        endpoint="/api/admin/api-keys"
        label="API keys"
        params={{ status: statusFilter }}
        columns={columns}
        rowKey={(k) => k.id}
        emptyMessage="No API keys yet. Create one for the contract system."
      />

      {creating && (
        <CreateApiKeyDialog
          scopes={scopes}
          onClose={() => setCreating(false)}
          onCreated={async (result) => {
            setCreating(false);
            setCreated(result);
            await refresh();
          }}
        />
      )}

      <SecretDialog open={created !== null} title="API key created" values={created ? [{ label: "API key", value: created.key }] : []} onClose={() => setCreated(null)}>
        <p className="text-sm text-slate-700">
          Scopes: {created?.record.scopes.join(", ")}. Store it in the contract system’s secret store; it is recognisable later by
          its prefix <code className="font-mono">{created?.record.prefix}</code>.
        </p>
      </SecretDialog>

      <ConfirmDialog {...revoke.dialog} title="Revoke this API key?" confirmLabel="Revoke key">
        <p>
          <strong>{revoke.target?.name}</strong> (<code className="font-mono">{revoke.target?.prefix}</code>) stops working immediately: every
          request with it is refused. This cannot be undone.
        </p>
      </ConfirmDialog>
    </div>
  );
}

function CreateApiKeyDialog({
  scopes,
  onClose,
  onCreated,
}: {
  scopes: string[];
  onClose: () => void;
  onCreated: (result: { key: string; record: ApiKeyItem }) => void;
}) {
  const { onSubmit, pending, errors, formError } = useFormSubmit({
    fields: ["name", "scopes", "expiresAt"],
    submit: async (form) => {
      const days = String(form.get("expiresIn") ?? "");
      onCreated(
        await sendJson<{ key: string; record: ApiKeyItem }>("POST", "/api/admin/api-keys", {
          name: String(form.get("name") ?? ""),
          scopes: form.getAll("scopes").map(String),
          expiresAt: days ? new Date(Date.now() + Number(days) * 86_400_000).toISOString() : null,
        }),
      );
    },
  });

  return (
    <Dialog open onClose={() => !pending && onClose()} title="New API key" size="lg">
      <form onSubmit={onSubmit} className="space-y-4" noValidate>
        <TextField label="Name" name="name" required maxLength={100} autoComplete="off" error={errors.name} hint="Who uses it, e.g. “Contract system (production)”." />
        <fieldset aria-describedby={errors.scopes ? "api-key-scopes-error" : undefined}>
          <legend className="text-sm font-medium text-slate-700">Scopes</legend>
          <div className="mt-1 grid gap-1.5 sm:grid-cols-2">
            {scopes.map((s) => (
              <label key={s} className="flex items-start gap-2 text-sm text-slate-800">
                <input type="checkbox" name="scopes" value={s} className="mt-0.5" defaultChecked={s === "access:read"} />
                <span>
                  <code className="font-mono text-xs">{s}</code>
                  {SCOPE_HINTS[s] && <span className="block text-xs text-slate-500">{SCOPE_HINTS[s]}</span>}
                </span>
              </label>
            ))}
          </div>
          {errors.scopes && <p id="api-key-scopes-error" className="mt-1 text-xs font-medium text-red-700">{errors.scopes}</p>}
        </fieldset>
        <SelectField label="Expires" name="expiresIn" defaultValue="365" error={errors.expiresAt}>
          {EXPIRY_CHOICES.map((c) => <option key={c.days} value={c.days}>{c.label}</option>)}
        </SelectField>
        <FormError message={formError} />
        <FormActions pending={pending} onCancel={onClose} submitLabel="Create key" />
      </form>
    </Dialog>
  );
}
