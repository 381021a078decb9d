"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { sendJson } from "@/components/ui/api";
import { useFormSubmit } from "@/components/ui/use-form-submit";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import type { Column } from "@/components/ui/data-table";
import { Dialog, FormActions } from "@/components/ui/dialog";
import { FormError, SelectField, TextField } from "@/components/ui/field";
import { ListTable } from "@/components/ui/list-table";
import { SecretDialog } from "@/components/ui/secret-dialog";
import { useConfirmedMutation } from "@/components/ui/use-confirmed-mutation";
import type { ScimTokenItem } from "@/lib/directories/queries";
import { adminKey } from "@/components/data-hooks/keys";
import { useDirectoryTokens } from "@/components/data-hooks/directories";
import { RelativeTime, Time } from "@/components/ui/time";

const EXPIRY_CHOICES = [
  { days: "", label: "Never" },
  { days: "30", label: "In 30 days" },
  { days: "90", label: "In 90 days" },
  { days: "180", label: "In 180 days" },
  { days: "365", label: "In 1 year" },
  { days: "730", label: "In 2 years" },
];

const statusBadge = (t: ScimTokenItem) =>
  t.status === "active" ? <Badge tone="green">active</Badge> : t.status === "expired" ? <Badge tone="amber">expired</Badge> : <Badge tone="red">revoked</Badge>;

export function TokensPanel({ directoryId, canWrite, scimBaseUrl }: { directoryId: string; canWrite: boolean; scimBaseUrl: string }) {
  const queryClient = useQueryClient();
  const query = useDirectoryTokens(directoryId);
  const [createFor, setCreateFor] = useState<{ rotating?: ScimTokenItem } | null>(null);
  const [created, setCreated] = useState<{ token: string; record: ScimTokenItem; rotated?: ScimTokenItem } | null>(null);

  const refresh = () => queryClient.invalidateQueries({ queryKey: adminKey(`/api/admin/directories/${directoryId}`) });

  const revoke = useConfirmedMutation((token: ScimTokenItem) => sendJson("DELETE", `/api/admin/directories/${directoryId}/tokens/${token.id}`), refresh);

  const columns: Column<ScimTokenItem>[] = [
    { key: "name", header: "Name", render: (t) => <span className="font-medium">{t.name}</span> },
    { key: "prefix", header: "Token", render: (t) => <code className="font-mono text-xs">{t.prefix}…</code> },
    { key: "status", header: "Status", render: statusBadge },
    { key: "createdAt", header: "Created", render: (t) => <Time value={t.createdAt} /> },
    {
      key: "lastUsedAt",
      header: "Last used",
      render: (t) => <RelativeTime value={t.lastUsedAt} />,
    },
    { key: "expiresAt", header: "Expires", render: (t) => (t.expiresAt ? <Time value={t.expiresAt} date /> : "never") },
    { key: "revokedAt", header: "Revoked", render: (t) => <Time value={t.revokedAt} /> },
    ...(canWrite
      ? [
          {
            key: "actions",
            header: "Actions",
            render: (t: ScimTokenItem) =>
              t.status === "active" ? (
                <div className="flex gap-2">
                  <Button variant="secondary" className="px-2 py-1 text-xs" onClick={() => setCreateFor({ rotating: t })} aria-label={`Rotate ${t.name} (${t.prefix}…)`}>
                    Rotate
                  </Button>
                  <Button variant="secondary" className="px-2 py-1 text-xs text-red-800" onClick={() => revoke.ask(t)} aria-label={`Revoke ${t.name} (${t.prefix}…)`}>
                    Revoke
                  </Button>
                </div>
              ) : null,
          },
        ]
      : []),
  ];

  return (
    <Card
      title="Bearer tokens"
      description={
        <>
          Tokens are stored as hashes: the secret is shown once, when it is created. To <strong>rotate</strong>, create a new
          token (several can be live at once), put it into the identity provider, check that the old token’s “Last used”
          stops advancing, then revoke the old one — provisioning never stops.
        </>
      }
      actions={canWrite ? <Button onClick={() => setCreateFor({})}>New token</Button> : undefined}
    >
      <ListTable<ScimTokenItem>
        label="Bearer tokens"
        columns={columns}
        rows={query.data?.items}
        rowKey={(t) => t.id}
        isPending={query.isPending}
        error={query.error}
        emptyMessage={canWrite ? "No tokens yet. Create one to connect the identity provider." : "No tokens yet."}
        rowClassName={(t) => (t.status === "active" ? "" : "text-slate-500")}
      />

      {createFor && (
        <CreateTokenDialog
          directoryId={directoryId}
          rotating={createFor.rotating}
          onClose={() => setCreateFor(null)}
          onCreated={async (result) => {
            setCreated({ ...result, rotated: createFor.rotating });
            setCreateFor(null);
            await refresh();
          }}
        />
      )}

      <SecretDialog
        open={created !== null}
        title={created?.rotated ? "New token for the rotation" : "Token created"}
        values={created ? [{ label: "Token", value: created.token }, { label: "SCIM base URL", value: scimBaseUrl, secret: false }] : []}
        onClose={() => setCreated(null)}
      >
        {created?.rotated ? (
          <p className="text-sm text-slate-700">
            The old token <code className="font-mono">{created.rotated.prefix}…</code> keeps working. Put the new token into the
            identity provider, confirm its requests succeed in the request log, then revoke the old token.
          </p>
        ) : (
          <p className="text-sm text-slate-700">
            Paste it as the Secret Token (Entra ID) or the Bearer token (Okta). It is recognisable later by its prefix{" "}
            <code className="font-mono">{created?.record.prefix}…</code>.
          </p>
        )}
      </SecretDialog>

      <ConfirmDialog {...revoke.dialog} title="Revoke this token?" confirmLabel="Revoke token">
        <p>
          <strong>{revoke.target?.name}</strong> (<code className="font-mono">{revoke.target?.prefix}…</code>) stops working immediately: the
          identity provider’s next request with it is refused and provisioning through it stops until it has a live token.
          This cannot be undone.
        </p>
      </ConfirmDialog>
    </Card>
  );
}

function CreateTokenDialog({
  directoryId,
  rotating,
  onClose,
  onCreated,
}: {
  directoryId: string;
  rotating?: ScimTokenItem;
  onClose: () => void;
  onCreated: (result: { token: string; record: ScimTokenItem }) => void;
}) {
  const { onSubmit, pending, errors, formError } = useFormSubmit({
    fields: ["name", "expiresInDays"],
    submit: async (form) => {
      const days = String(form.get("expiresInDays") ?? "");
      onCreated(
        await sendJson<{ token: string; record: ScimTokenItem }>("POST", `/api/admin/directories/${directoryId}/tokens`, {
          name: String(form.get("name") ?? ""),
          expiresInDays: days ? Number(days) : null,
        }),
      );
    },
  });

  return (
    <Dialog
      open
      onClose={() => !pending && onClose()}
      title={rotating ? `Rotate “${rotating.name}”` : "New bearer token"}
      description={
        rotating
          ? "Step 1 of 2: create the replacement. The old token keeps working until you revoke it, after the identity provider uses the new one."
          : "The token is shown once after it is created."
      }
    >
      <form onSubmit={onSubmit} className="space-y-4" noValidate>
        <TextField label="Name" name="name" maxLength={100} autoComplete="off" error={errors.name}
          defaultValue={rotating ? `${rotating.name} (rotated ${new Date().toISOString().slice(0, 10)})` : ""}
          placeholder="SCIM token" hint="Optional. Helps you tell tokens apart, e.g. “Entra production”." />
        <SelectField label="Expires" name="expiresInDays" defaultValue="365" error={errors.expiresInDays}
          hint="An expired token is refused; rotate before it expires.">
          {EXPIRY_CHOICES.map((c) => (
            <option key={c.days} value={c.days}>{c.label}</option>
          ))}
        </SelectField>
        <FormError message={formError} />
        <FormActions pending={pending} onCancel={onClose} submitLabel="Create token" />
      </form>
    </Dialog>
  );
}
