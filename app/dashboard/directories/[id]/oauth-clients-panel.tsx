"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { sendJson } from "@/components/ui/api";
import { useFormSubmit } from "@/components/ui/use-form-submit";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import type { Column } from "@/components/ui/data-table";
import { Dialog, FormActions } from "@/components/ui/dialog";
import { FormError, TextField } from "@/components/ui/field";
import { ListTable } from "@/components/ui/list-table";
import { SecretDialog } from "@/components/ui/secret-dialog";
import type { OAuthClientItem } from "@/lib/directories/queries";
import { adminKey } from "@/components/data-hooks/keys";
import { useDirectoryOAuthClients } from "@/components/data-hooks/directories";
import { RelativeTime, Time } from "@/components/ui/time";

const columns: Column<OAuthClientItem>[] = [
  { key: "name", header: "Name", render: (c) => <span className="font-medium">{c.name}</span> },
  { key: "clientId", header: "Client ID", render: (c) => <code className="font-mono text-xs">{c.clientId}</code> },
  { key: "status", header: "Status", render: (c) => (c.status === "active" ? <Badge tone="green">active</Badge> : <Badge tone="red">revoked</Badge>) },
  { key: "createdAt", header: "Created", render: (c) => <Time value={c.createdAt} /> },
  {
    key: "lastUsedAt",
    header: "Last token issued",
    render: (c) => <RelativeTime value={c.lastUsedAt} />,
  },
];

export function OAuthClientsPanel({ directoryId, canWrite, tokenEndpoint }: { directoryId: string; canWrite: boolean; tokenEndpoint: string }) {
  const queryClient = useQueryClient();
  const query = useDirectoryOAuthClients(directoryId);
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<{ clientId: string; clientSecret: string } | null>(null);
  const { onSubmit, pending, errors, formError, reset } = useFormSubmit({
    fields: ["name"],
    submit: async (form) => {
      const result = await sendJson<{ clientId: string; clientSecret: string }>("POST", `/api/admin/directories/${directoryId}/oauth-clients`, {
        name: String(form.get("name") ?? ""),
      });
      setCreating(false);
      setCreated(result);
      await queryClient.invalidateQueries({ queryKey: adminKey(`/api/admin/directories/${directoryId}`) });
    },
  });

  return (
    <Card
      title="OAuth 2.0 clients"
      description="For identity providers that fetch short-lived access tokens with client credentials instead of keeping a bearer token. The client secret is shown once."
      actions={canWrite ? <Button variant="secondary" onClick={() => { reset(); setCreating(true); }}>New OAuth client</Button> : undefined}
    >
      <ListTable<OAuthClientItem>
        label="OAuth clients"
        columns={columns}
        rows={query.data?.items}
        rowKey={(c) => c.id}
        isPending={query.isPending}
        error={query.error}
        emptyMessage="No OAuth clients. Most identity providers use a bearer token instead."
      />
      <Dialog open={creating} onClose={() => !pending && setCreating(false)} title="New OAuth client"
        description="Creates a client ID and secret for the client-credentials grant at this directory's token endpoint.">
        <form onSubmit={onSubmit} className="space-y-4" noValidate>
          <TextField label="Name" name="name" required maxLength={100} autoComplete="off" error={errors.name} hint="e.g. “Okta OAuth”." />
          <FormError message={formError} />
          <FormActions pending={pending} onCancel={() => setCreating(false)} submitLabel="Create client" />
        </form>
      </Dialog>
      <SecretDialog
        open={created !== null}
        title="OAuth client created"
        values={
          created
            ? [
                { label: "Client ID", value: created.clientId, secret: false },
                { label: "Client secret", value: created.clientSecret },
                { label: "Token endpoint", value: tokenEndpoint, secret: false },
              ]
            : []
        }
        onClose={() => setCreated(null)}
      />
    </Card>
  );
}
