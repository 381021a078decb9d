"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useDeferredValue, useState } from "react";
import { errorMessage, sendJson } from "@/components/ui/api";
import { useFormSubmit } from "@/components/ui/use-form-submit";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { CopyButton } from "@/components/ui/copy-button";
import { DataTable, type Column } from "@/components/ui/data-table";
import { Dialog, FormActions } from "@/components/ui/dialog";
import { FormError, SelectField, TextField } from "@/components/ui/field";
import { formatDateTime } from "@/components/ui/format";
import type { AccountListItem } from "@/lib/accounts/queries";
import { adminKey } from "@/components/data-hooks/keys";
import { RelativeTime, Time } from "@/components/ui/time";

const ROLE_HINTS: Record<string, string> = {
  admin: "Admin — everything, including directories, rules, accounts and API keys",
  compliance: "Compliance — reads everything, reviews and exports access; changes nothing",
  auditor: "Auditor — the audit trail and access reports, read-only",
};

const selectClass = "mt-1 block rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm";

function generatePassword(): string {
  const alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789-_";
  const bytes = crypto.getRandomValues(new Uint8Array(20));
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join("");
}

export function AccountsPanel({ roles, selfId }: { roles: string[]; selfId?: string }) {
  const queryClient = useQueryClient();
  const [search, setSearch] = useState("");
  const [role, setRole] = useState("");
  const [status, setStatus] = useState("");
  const deferredSearch = useDeferredValue(search);
  const [creating, setCreating] = useState(false);
  const [disabling, setDisabling] = useState<AccountListItem | null>(null);
  const [resetting, setResetting] = useState<AccountListItem | null>(null);
  const [notice, setNotice] = useState<string>();

  const refresh = () =>
    queryClient.invalidateQueries({ queryKey: adminKey("/api/admin/accounts") });

  const toggle = useMutation({
    mutationFn: ({ account, disabled }: { account: AccountListItem; disabled: boolean }) =>
      sendJson("PATCH", `/api/admin/accounts/${account.id}`, { disabled }),
    onSuccess: async (_, { account, disabled }) => {
      setDisabling(null);
      setNotice(`${account.email} is ${disabled ? "disabled; their session ends at their next request" : "enabled again"}.`);
      await refresh();
    },
  });

  const columns: Column<AccountListItem>[] = [
    {
      key: "email",
      header: "Account",
      sortable: true,
      render: (a) => (
        <span>
          <span className="font-medium text-slate-900">{a.name ?? a.email}</span>
          {a.id === selfId && <span className="ml-1 text-xs text-slate-500">(you)</span>}
          {a.name && <span className="block text-xs text-slate-500">{a.email}</span>}
        </span>
      ),
    },
    { key: "role", header: "Role", sortable: true, render: (a) => <Badge tone={a.role === "admin" ? "blue" : "gray"}>{a.role}</Badge> },
    {
      key: "status",
      header: "Status",
      render: (a) =>
        a.disabled ? (
          <Badge tone="red">disabled</Badge>
        ) : a.lockedUntil ? (
          <span title={`Locked after failed sign-ins until ${formatDateTime(a.lockedUntil)}`}><Badge tone="amber">locked</Badge></span>
        ) : (
          <Badge tone="green">enabled</Badge>
        ),
    },
    {
      key: "lastLoginAt",
      header: "Last sign-in",
      sortable: true,
      render: (a) => <RelativeTime value={a.lastLoginAt} />,
    },
    {
      key: "createdAt",
      header: "Created",
      sortable: true,
      render: (a) => (
        <span>
          <Time value={a.createdAt} />
          {a.createdBy && <span className="block text-xs text-slate-500">by {a.createdBy}</span>}
        </span>
      ),
    },
    {
      key: "actions",
      header: "Actions",
      render: (a) =>
        a.id === selfId ? null : (
          <span className="flex gap-2">
            {a.disabled ? (
              <Button variant="secondary" className="px-2 py-1 text-xs" disabled={toggle.isPending}
                onClick={() => toggle.mutate({ account: a, disabled: false })} aria-label={`Enable ${a.email}`}>
                Enable
              </Button>
            ) : (
              <Button variant="secondary" className="px-2 py-1 text-xs text-red-800"
                onClick={() => { toggle.reset(); setDisabling(a); }} aria-label={`Disable ${a.email}`}>
                Disable
              </Button>
            )}
            <Button variant="secondary" className="px-2 py-1 text-xs" onClick={() => setResetting(a)} aria-label={`Reset the password of ${a.email}`}>
              Reset password
            </Button>
          </span>
        ),
    },
  ];

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <form role="search" aria-label="Filter accounts" className="flex flex-wrap items-end gap-3" onSubmit={(e) => e.preventDefault()}>
          <label className="text-sm text-slate-700">
            Search
            <input type="search" value={search} onChange={(e) => setSearch(e.target.value)} placeholder="E-mail or name"
              className="mt-1 block w-56 rounded-md border border-slate-300 px-3 py-1.5 text-sm" />
          </label>
          <label className="text-sm text-slate-700">
            Role
            <select value={role} onChange={(e) => setRole(e.target.value)} className={selectClass}>
              <option value="">All</option>
              {roles.map((r) => <option key={r} value={r}>{r}</option>)}
            </select>
          </label>
          <label className="text-sm text-slate-700">
            Status
            <select value={status} onChange={(e) => setStatus(e.target.value)} className={selectClass}>
              <option value="">All</option>
              <option value="enabled">Enabled</option>
              <option value="disabled">Disabled</option>
            </select>
          </label>
        </form>
        <Button onClick={() => setCreating(true)}>New account</Button>
      </div>
      {notice && <p role="status" className="rounded-md border border-green-200 bg-green-50 px-3 py-2 text-sm text-green-900">{notice}</p>}
      {toggle.error && !disabling && <FormError message={errorMessage(toggle.error)} />}
      <DataTable<AccountListItem>
        endpoint="/api/admin/accounts"
        label="Local accounts"
        params={{ search: deferredSearch, role, status }}
        columns={columns}
        rowKey={(a) => a.id}
        defaultSort={{ key: "email", order: "asc" }}
        emptyMessage="No accounts match these filters."
      />
      <p className="text-sm text-slate-600">
        People who sign in with single sign-on do not need an account here: their role comes from their groups in the identity
        provider (group → role assignments).
      </p>

      {creating && (
        <CreateAccountDialog
          roles={roles}
          onClose={() => setCreating(false)}
          onCreated={async (email) => {
            setCreating(false);
            setNotice(`Account ${email} created. Give the person the initial password over a separate channel.`);
            await refresh();
          }}
        />
      )}

      {resetting && (
        <ResetPasswordDialog
          account={resetting}
          onClose={() => setResetting(null)}
          onReset={async (email) => {
            setResetting(null);
            setNotice(`The password of ${email} is reset and their sessions ended. Give them the new password over a separate channel.`);
            await refresh();
          }}
        />
      )}

      <ConfirmDialog
        open={disabling !== null}
        title={`Disable ${disabling?.email ?? "account"}?`}
        confirmLabel="Disable account"
        pending={toggle.isPending}
        error={toggle.error ? errorMessage(toggle.error) : undefined}
        onConfirm={() => disabling && toggle.mutate({ account: disabling, disabled: true })}
        onCancel={() => setDisabling(null)}
      >
        <p>They can no longer sign in, and a session they have open ends at its next request. You can enable the account again later.</p>
      </ConfirmDialog>
    </div>
  );
}

const FIELDS = ["email", "name", "role", "password"];

function CreateAccountDialog({ roles, onClose, onCreated }: { roles: string[]; onClose: () => void; onCreated: (email: string) => void }) {
  const [password, setPassword] = useState("");
  const [showPassword, setShowPassword] = useState(false);
  const { onSubmit, pending, errors, formError } = useFormSubmit({
    fields: FIELDS,
    submit: async (form) => {
      const name = String(form.get("name") ?? "").trim();
      const created = await sendJson<{ email: string }>("POST", "/api/admin/accounts", {
        email: String(form.get("email") ?? "").trim(),
        name: name || undefined,
        role: String(form.get("role") ?? ""),
        password,
      });
      onCreated(created.email);
    },
    adjustErrors: (fields, err) => ((err as { code?: string }).code === "conflict" ? { ...fields, email: errorMessage(err) } : fields),
  });

  return (
    <Dialog open onClose={() => !pending && onClose()} title="New account"
      description="A local account signs in with e-mail and password. Custodian sends no e-mail: share the initial password yourself.">
      <form onSubmit={onSubmit} className="space-y-4" noValidate>
        <TextField label="E-mail" name="email" type="email" required autoComplete="off" error={errors.email} />
        <TextField label="Name" name="name" autoComplete="off" maxLength={100} error={errors.name} hint="Optional." />
        <SelectField label="Role" name="role" required defaultValue="compliance" error={errors.role}>
          {roles.map((r) => <option key={r} value={r}>{ROLE_HINTS[r] ?? r}</option>)}
        </SelectField>
        <div>
          <TextField label="Initial password" name="password" type={showPassword ? "text" : "password"} required autoComplete="new-password"
            value={password} onChange={(e) => setPassword(e.target.value)} error={errors.password} hint={errors.password ? undefined : "At least 12 characters."} />
          <div className="mt-2 flex flex-wrap items-center gap-2">
            <Button variant="secondary" className="px-2 py-1 text-xs" onClick={() => { setPassword(generatePassword()); setShowPassword(true); }}>
              Generate
            </Button>
            <Button variant="ghost" className="px-2 py-1 text-xs" onClick={() => setShowPassword((s) => !s)} aria-pressed={showPassword}>
              {showPassword ? "Hide" : "Show"} password
            </Button>
            {password && showPassword && <CopyButton value={password} label="Copy password" />}
          </div>
        </div>
        <FormError message={formError} />
        <FormActions pending={pending} onCancel={onClose} submitLabel="Create account" />
      </form>
    </Dialog>
  );
}

function ResetPasswordDialog({ account, onClose, onReset }: { account: AccountListItem; onClose: () => void; onReset: (email: string) => void }) {
  const [password, setPassword] = useState("");
  const [showPassword, setShowPassword] = useState(false);
  const { onSubmit, pending, errors, formError } = useFormSubmit({
    fields: ["password"],
    submit: async () => {
      await sendJson("PATCH", `/api/admin/accounts/${account.id}`, { password });
      onReset(account.email);
    },
  });
  return (
    <Dialog open onClose={() => !pending && onClose()} title={`Reset the password of ${account.email}`}
      description="Sets a new password, lifts a lockout and ends every session of the account.">
      <form onSubmit={onSubmit} className="space-y-4" noValidate>
        <div>
          <TextField label="New password" name="password" type={showPassword ? "text" : "password"} required autoComplete="new-password"
            value={password} onChange={(e) => setPassword(e.target.value)} error={errors.password} hint={errors.password ? undefined : "At least 12 characters."} />
          <div className="mt-2 flex flex-wrap items-center gap-2">
            <Button variant="secondary" className="px-2 py-1 text-xs" onClick={() => { setPassword(generatePassword()); setShowPassword(true); }}>
              Generate
            </Button>
            {password && showPassword && <CopyButton value={password} label="Copy password" />}
          </div>
        </div>
        <FormError message={formError} />
        <FormActions pending={pending} onCancel={onClose} submitLabel="Reset password" />
      </form>
    </Dialog>
  );
}
