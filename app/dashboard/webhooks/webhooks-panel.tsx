"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { errorMessage, sendJson } from "@/components/ui/api";
import { useFormSubmit } from "@/components/ui/use-form-submit";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { DataTable, type Column } from "@/components/ui/data-table";
import { Dialog, FormActions } from "@/components/ui/dialog";
import { FormError, TextField } from "@/components/ui/field";
import { QueryState } from "@/components/ui/query-state";
import { SecretDialog } from "@/components/ui/secret-dialog";
import { useConfirmedMutation } from "@/components/ui/use-confirmed-mutation";
import type { DeliveryView, EndpointView } from "@/lib/webhooks/service";
import { adminKey } from "@/components/data-hooks/keys";
import { useWebhookEndpoints } from "@/components/data-hooks/webhooks";
import { Time } from "@/components/ui/time";

type EventTypeOption = { type: string; label: string };

const SECRET_STORAGE =
  "Custodian keeps it encrypted to sign deliveries and never shows it again. If it is lost, rotate the secret (the old one keeps signing for 24 hours).";

function endpointStatus(e: EndpointView) {
  if (e.enabled) return <Badge tone="green">enabled</Badge>;
  if (e.disabledReason === "auto") return <Badge tone="red">disabled after failures</Badge>;
  return <Badge tone="gray">disabled</Badge>;
}

function deliveryStatus(d: DeliveryView) {
  if (d.status === "succeeded") return <Badge tone="green">succeeded</Badge>;
  if (d.status === "failed") return <Badge tone="red">failed</Badge>;
  return <Badge tone={d.attempts > 0 ? "amber" : "blue"}>{d.attempts > 0 ? "retrying" : "pending"}</Badge>;
}

export function WebhooksPanel({ eventTypes }: { eventTypes: EventTypeOption[] }) {
  const queryClient = useQueryClient();
  const endpoints = useWebhookEndpoints();
  const [creating, setCreating] = useState(false);
  const [secret, setSecret] = useState<{ title: string; value: string; url: string } | null>(null);
  const [endpointFilter, setEndpointFilter] = useState("");
  const [statusFilter, setStatusFilter] = useState("");
  const [detail, setDetail] = useState<DeliveryView | null>(null);
  const [notice, setNotice] = useState<string>();
  const [actionError, setActionError] = useState<string>();

  const refresh = () =>
    queryClient.invalidateQueries({ queryKey: adminKey("/api/admin/webhooks") });

  async function act(run: () => Promise<unknown>, done: string) {
    setActionError(undefined);
    setNotice(undefined);
    try {
      await run();
      setNotice(done);
      await refresh();
    } catch (err) {
      setActionError(errorMessage(err));
    }
  }

  const remove = useConfirmedMutation((e: EndpointView) => sendJson("DELETE", `/api/admin/webhooks/${e.id}`), refresh);
  const rotate = useConfirmedMutation(async (e: EndpointView) => {
    const result = await sendJson<{ secret: string }>("POST", `/api/admin/webhooks/${e.id}/rotate-secret`);
    setSecret({ title: "New signing secret", value: result.secret, url: e.url });
  }, refresh);

  const urlOf = new Map((endpoints.data?.items ?? []).map((e) => [e.id, e.url]));

  const columns: Column<DeliveryView>[] = [
    { key: "createdAt", header: "Queued", render: (d) => <Time value={d.createdAt} /> },
    { key: "endpoint", header: "Endpoint", render: (d) => <span className="break-all text-xs">{urlOf.get(d.endpointId) ?? d.endpointId}</span> },
    {
      key: "eventType",
      header: "Event",
      render: (d) => (
        <span>
          <code className="font-mono text-xs">{d.eventType}</code>
          {d.replayOf && <span className="ml-1"><Badge tone="blue">replay</Badge></span>}
          <span className="block font-mono text-xs text-slate-500" title={d.eventId}>{d.eventId.slice(0, 8)}…</span>
        </span>
      ),
    },
    { key: "status", header: "Status", render: deliveryStatus },
    { key: "attempts", header: "Attempts", render: (d) => d.attempts },
    {
      key: "last",
      header: "Last response",
      render: (d) => (
        <span className="text-xs">
          {d.lastStatusCode ? `HTTP ${d.lastStatusCode}` : d.attempts > 0 ? "no response" : "—"}
          {d.lastError && <span className="block max-w-xs break-words text-red-800">{d.lastError}</span>}
          {d.nextAttemptAt && d.attempts > 0 && <span className="block text-slate-500">next try <Time value={d.nextAttemptAt} /></span>}
        </span>
      ),
    },
    {
      key: "actions",
      header: "Actions",
      render: (d) => (
        <span className="flex gap-1">
          <Button variant="secondary" className="px-2 py-1 text-xs" onClick={() => setDetail(d)} aria-label={`Details of delivery ${d.id}`}>
            Details
          </Button>
          <Button
            variant="secondary"
            className="px-2 py-1 text-xs"
            aria-label={`Replay delivery ${d.id}`}
            onClick={() => act(() => sendJson("POST", `/api/admin/webhooks/deliveries/${d.id}/replay`), "Replay queued: it appears at the top of the log.")}
          >
            Replay
          </Button>
        </span>
      ),
    },
  ];

  return (
    <div className="space-y-6">
      <Card
        title="Endpoints"
        description="Each delivery is a POST of JSON signed with the endpoint's secret (header Custodian-Signature). Failed deliveries are retried with growing delays; an endpoint that keeps failing is disabled."
        actions={<Button onClick={() => setCreating(true)}>New endpoint</Button>}
      >
        {notice && <p role="status" className="mb-3 rounded-md bg-green-50 px-3 py-2 text-sm text-green-900">{notice}</p>}
        {actionError && <p role="alert" className="mb-3 rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">{actionError}</p>}
        <QueryState query={endpoints} isEmpty={(d) => d.items.length === 0} empty="No endpoints yet. Add one to receive events.">
          {(data) => (
            <ul className="divide-y divide-slate-200">
              {data.items.map((e) => (
                <li key={e.id} className="flex flex-wrap items-start justify-between gap-3 py-3" aria-label={`Endpoint ${e.url}`}>
                  <div className="min-w-0 flex-1">
                    <p className="break-all font-mono text-sm text-slate-900">{e.url}</p>
                    {e.description && <p className="text-sm text-slate-600">{e.description}</p>}
                    <p className="mt-1 flex flex-wrap gap-1">
                      {endpointStatus(e)}
                      {e.events.map((t) => <Badge key={t}>{t}</Badge>)}
                    </p>
                    {e.disabledReason === "auto" && (
                      <p className="mt-1 text-xs text-red-800">
                        Disabled {e.disabledAt ? <Time value={e.disabledAt} /> : ""} after {e.consecutiveFailures} failed attempts in a row. Fix the
                        receiver, then enable it: deliveries queued before resume (events in between are not sent).
                      </p>
                    )}
                  </div>
                  <div className="flex flex-wrap gap-1">
                    <Button variant="secondary" className="px-2 py-1 text-xs" disabled={!e.enabled} aria-label={`Send test event to ${e.url}`}
                      onClick={() => act(() => sendJson("POST", `/api/admin/webhooks/${e.id}/test`), "Test event queued: watch the delivery log.")}>
                      Send test event
                    </Button>
                    <Button variant="secondary" className="px-2 py-1 text-xs" aria-label={`${e.enabled ? "Disable" : "Enable"} ${e.url}`}
                      onClick={() => act(() => sendJson("PATCH", `/api/admin/webhooks/${e.id}`, { enabled: !e.enabled }), e.enabled ? "Endpoint disabled." : "Endpoint enabled.")}>
                      {e.enabled ? "Disable" : "Enable"}
                    </Button>
                    <Button variant="secondary" className="px-2 py-1 text-xs" onClick={() => rotate.ask(e)} aria-label={`Rotate secret of ${e.url}`}>
                      Rotate secret
                    </Button>
                    <Button variant="secondary" className="px-2 py-1 text-xs text-red-800" onClick={() => remove.ask(e)} aria-label={`Delete ${e.url}`}>
                      Delete
                    </Button>
                  </div>
                </li>
              ))}
            </ul>
          )}
        </QueryState>
      </Card>

      <section aria-labelledby="delivery-log" className="space-y-3">
        <div className="flex flex-wrap items-end justify-between gap-3">
          <h2 id="delivery-log" className="text-base font-semibold text-slate-900">Delivery log</h2>
          <div className="flex flex-wrap items-end gap-3">
            <label className="text-sm text-slate-700">
              Endpoint
              <select value={endpointFilter} onChange={(ev) => setEndpointFilter(ev.target.value)} className="mt-1 block max-w-xs rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm">
                <option value="">All endpoints</option>
                {(endpoints.data?.items ?? []).map((e) => <option key={e.id} value={e.id}>{e.url}</option>)}
              </select>
            </label>
            <label className="text-sm text-slate-700">
              Status
              <select value={statusFilter} onChange={(ev) => setStatusFilter(ev.target.value)} className="mt-1 block rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm">
                <option value="">Any status</option>
                <option value="pending">Pending or retrying</option>
                <option value="succeeded">Succeeded</option>
                <option value="failed">Failed</option>
              </select>
            </label>
            <Button variant="secondary" onClick={() => refresh()}>Refresh</Button>
          </div>
        </div>
        <DataTable<DeliveryView>
          endpoint="/api/admin/webhooks/deliveries"
          label="Webhook deliveries"
          params={{ endpointId: endpointFilter, status: statusFilter }}
          columns={columns}
          rowKey={(d) => d.id}
          emptyMessage="No deliveries yet."
        />
      </section>

      {creating && (
        <CreateEndpointDialog
          eventTypes={eventTypes}
          onClose={() => setCreating(false)}
          onCreated={async (result) => {
            setCreating(false);
            setSecret({ title: "Endpoint created", value: result.secret, url: result.endpoint.url });
            await refresh();
          }}
        />
      )}

      <SecretDialog open={secret !== null} title={secret?.title ?? ""} storage={SECRET_STORAGE}
        values={secret ? [{ label: "Signing secret", value: secret.value }] : []} onClose={() => setSecret(null)}>
        <p className="text-sm text-slate-700">
          Verify each request to <code className="break-all font-mono text-xs">{secret?.url}</code> with it: the README shows how (HMAC-SHA256 of
          <code className="font-mono text-xs"> timestamp.body</code>, header <code className="font-mono text-xs">Custodian-Signature</code>).
        </p>
      </SecretDialog>

      <ConfirmDialog {...rotate.dialog} title="Rotate the signing secret?" confirmLabel="Rotate secret">
        <p>
          A new secret signs deliveries to <strong className="break-all">{rotate.target?.url}</strong> from now on. For 24 hours each delivery carries a
          second signature with the current secret, so the receiver can switch over.
        </p>
      </ConfirmDialog>

      <ConfirmDialog {...remove.dialog} title="Delete this endpoint?" confirmLabel="Delete endpoint">
        <p>
          <strong className="break-all">{remove.target?.url}</strong> receives nothing more, and its delivery log is deleted with it. To pause it, disable it
          instead.
        </p>
      </ConfirmDialog>

      <Dialog open={detail !== null} onClose={() => setDetail(null)} title="Delivery" size="lg" footer={<Button onClick={() => setDetail(null)}>Close</Button>}>
        {detail && (
          <div className="space-y-3 text-sm">
            <p>
              <code className="font-mono text-xs">{detail.eventType}</code> · event <code className="font-mono text-xs">{detail.eventId}</code>
            </p>
            <h3 className="font-medium text-slate-800">Attempts (latest first)</h3>
            {detail.attemptLog.length === 0 ? (
              <p className="text-slate-600">Not attempted yet.</p>
            ) : (
              <ul className="space-y-1">
                {detail.attemptLog.map((a) => (
                  <li key={a.attemptedAt} className="rounded border border-slate-200 px-2 py-1">
                    <Time value={a.attemptedAt} /> · {a.statusCode ? `HTTP ${a.statusCode}` : "no response"} · {a.latencyMs} ms
                    {a.error && <span className="block text-red-800">{a.error}</span>}
                    {a.responseSnippet && <pre className="mt-1 max-h-24 overflow-auto whitespace-pre-wrap bg-slate-50 p-1 text-xs">{a.responseSnippet}</pre>}
                  </li>
                ))}
              </ul>
            )}
            <h3 className="font-medium text-slate-800">Payload</h3>
            <pre className="max-h-72 overflow-auto whitespace-pre-wrap rounded bg-slate-50 p-2 text-xs">{JSON.stringify(JSON.parse(detail.payload), null, 2)}</pre>
          </div>
        )}
      </Dialog>
    </div>
  );
}

function CreateEndpointDialog({
  eventTypes,
  onClose,
  onCreated,
}: {
  eventTypes: EventTypeOption[];
  onClose: () => void;
  onCreated: (result: { secret: string; endpoint: EndpointView }) => void;
}) {
  const { onSubmit, pending, errors, formError } = useFormSubmit({
    fields: ["url", "events", "description"],
    submit: async (form) =>
      onCreated(
        await sendJson<{ secret: string; endpoint: EndpointView }>("POST", "/api/admin/webhooks", {
          url: String(form.get("url") ?? ""),
          description: String(form.get("description") ?? ""),
          events: form.getAll("events").map(String),
        }),
      ),
    adjustErrors: (fields) => (Object.keys(fields).some((k) => k.startsWith("events")) ? { ...fields, events: "Choose at least one event." } : fields),
  });

  return (
    <Dialog open onClose={() => !pending && onClose()} title="New webhook endpoint" size="lg">
      <form onSubmit={onSubmit} className="space-y-4" noValidate>
        <TextField label="URL" name="url" type="url" required maxLength={2000} autoComplete="off" error={errors.url}
          hint="https://… — private and internal addresses are refused unless WEBHOOK_ALLOW_PRIVATE_TARGETS allows them." />
        <TextField label="Description" name="description" maxLength={500} autoComplete="off" error={errors.description} hint="What receives these events, e.g. “HR system”." />
        <fieldset aria-describedby={errors.events ? "webhook-events-error" : undefined}>
          <legend className="text-sm font-medium text-slate-700">Events</legend>
          <div className="mt-1 grid gap-1.5 sm:grid-cols-2">
            {eventTypes.map((t) => (
              <label key={t.type} className="flex items-start gap-2 text-sm text-slate-800">
                <input type="checkbox" name="events" value={t.type} className="mt-0.5" />
                <span>
                  {t.label}
                  <code className="block font-mono text-xs text-slate-500">{t.type}</code>
                </span>
              </label>
            ))}
          </div>
          {errors.events && <p id="webhook-events-error" className="mt-1 text-xs font-medium text-red-700">{errors.events}</p>}
        </fieldset>
        <FormError message={formError} />
        <FormActions pending={pending} onCancel={onClose} submitLabel="Create endpoint" />
      </form>
    </Dialog>
  );
}
