import Link from "next/link";
import { notFound } from "next/navigation";
import { Badge } from "@/components/ui/badge";
import { Card, DescriptionList } from "@/components/ui/card";
import { JsonDiff } from "@/components/ui/json-diff";
import { PageHeader } from "@/components/ui/page-header";
import { auditForPages } from "@/lib/audit/queries";
import { requirePagePermission } from "@/lib/auth/principal";
import { AppError } from "@/lib/errors";
import { actorTone } from "../actor-tone";
import { LocalTime } from "./local-time";

export const metadata = { title: "Audit event" };

type Props = { params: Promise<{ id: string }> };

const linkClass = "font-medium text-brand-700 hover:underline";

export default async function AuditEventPage({ params }: Props) {
  await requirePagePermission("audit:read");
  const { id } = await params;
  const event = await auditForPages.event(id).catch((err) => {
    if (err instanceof AppError && err.code === "not_found") notFound();
    throw err;
  });
  const related = (query: Record<string, string>) => `/dashboard/audit?${new URLSearchParams(query)}`;

  return (
    <div className="space-y-6">
      <nav aria-label="Breadcrumb" className="text-sm">
        <Link href="/dashboard/audit" className="text-brand-700 underline underline-offset-2 hover:text-brand-900">Audit trail</Link>
        <span aria-hidden="true" className="text-slate-400"> / </span>
        <span className="text-slate-600">Event #{event.seq}</span>
      </nav>
      <PageHeader title={event.action} description={`Audit event #${event.seq}`} />

      <Card title="Event">
        <DescriptionList
          items={[
            { term: "Time", value: <LocalTime iso={event.createdAt} /> },
            {
              term: "Actor",
              value: (
                <span className="inline-flex flex-wrap items-center gap-2">
                  <Badge tone={actorTone(event.actorType)}>{event.actorType}</Badge>
                  {event.actorLabel ?? "—"}
                  {event.actorId && <code className="font-mono text-xs text-slate-500">{event.actorId}</code>}
                </span>
              ),
            },
            { term: "Action", value: <code className="font-mono text-sm">{event.action}</code> },
            {
              term: "Target",
              value: event.targetType ? (
                <span>
                  <span className="text-slate-500">{event.targetType}</span> {event.targetLabel ?? ""}{" "}
                  {event.targetId && <code className="font-mono text-xs text-slate-500">{event.targetId}</code>}
                </span>
              ) : (
                "—"
              ),
            },
            { term: "Directory", value: event.directoryName ?? event.directoryId ?? "—" },
            { term: "Request id", value: event.requestId ? <code className="font-mono text-xs">{event.requestId}</code> : "—" },
            { term: "IP address", value: event.ip ?? "—" },
          ]}
        />
        <div className="mt-4 flex flex-wrap gap-4 text-sm">
          {event.targetType && event.targetId && (
            <Link className={linkClass} href={related({ targetType: event.targetType, targetId: event.targetId })}>
              All events for this {event.targetType}
            </Link>
          )}
          {event.requestId && (
            <Link className={linkClass} href={related({ requestId: event.requestId })}>
              Everything in the same request
            </Link>
          )}
          {event.actorId && (
            <Link className={linkClass} href={related({ actor: event.actorId })}>
              Everything by this actor
            </Link>
          )}
        </div>
      </Card>

      <Card title="Changes" description="What the event recorded before and after the change (creations have only “after”, deletions only “before”).">
        <JsonDiff before={event.before} after={event.after} />
        <details className="mt-4 text-sm">
          <summary className="cursor-pointer font-medium text-slate-700">Raw JSON</summary>
          <div className="mt-2 grid gap-3 lg:grid-cols-2">
            <div>
              <h3 className="text-xs font-semibold uppercase text-slate-500">Before</h3>
              <pre className="mt-1 max-h-96 overflow-auto rounded bg-slate-50 p-3 text-xs">{JSON.stringify(event.before, null, 2) ?? "null"}</pre>
            </div>
            <div>
              <h3 className="text-xs font-semibold uppercase text-slate-500">After</h3>
              <pre className="mt-1 max-h-96 overflow-auto rounded bg-slate-50 p-3 text-xs">{JSON.stringify(event.after, null, 2) ?? "null"}</pre>
            </div>
          </div>
        </details>
      </Card>
    </div>
  );
}
