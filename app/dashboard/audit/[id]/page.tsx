import Link from "next/link";
import { notFound } from "next/navigation";
import { Badge } from "@/components/ui/badge";
import { Card, DescriptionList } from "@/components/ui/card";
import { JsonDiff } from "@/components/ui/json-diff";
import { PageHeader } from "@/components/ui/page-header";
import { auditForPages } from "@/lib/audit/queries";
import { requirePagePermission } from "@/lib/auth/principal";
import { isId, linkableTypes, NamedRef, NamedText, nameLookup } from "@/components/audit/named";
import { labelIsName } from "@/lib/audit/names";
import { AppError } from "@/lib/errors";
import { actorTone } from "../actor-tone";
import { LocalTime } from "./local-time";

export const metadata = { title: "Audit event" };

type Props = { params: Promise<{ id: string }> };

const linkClass = "font-medium text-brand-700 hover:underline";

export default async function AuditEventPage({ params }: Props) {
  const principal = await requirePagePermission("audit:read");
  const links = linkableTypes(principal.roles);
  const { id } = await params;
  const event = await auditForPages.event(id).catch((err) => {
    if (err instanceof AppError && err.code === "not_found") notFound();
    throw err;
  });
  const lookup = nameLookup(event.names, event.currentNames);
  const idCode = (value: string) => <code data-id="" className="font-mono text-xs text-slate-500">{value}</code>;
  // Ids in the recorded documents, shown as the names of what they identify (the id beside).
  const describe = (value: unknown) => {
    const ids = isId(value) ? [value] : Array.isArray(value) && value.length > 0 && value.every((v) => isId(v) || v === "…") ? (value as string[]) : null;
    if (!ids) return undefined;
    return (
      <ul className="space-y-0.5 font-sans">
        {ids.map((v, i) => <li key={`${v}-${i}`}>{v === "…" ? "…" : <NamedRef id={v} lookup={lookup} links={links} />}</li>)}
      </ul>
    );
  };
  const recorded = Object.entries(event.names ?? {}).flatMap(([type, byId]) => Object.entries(byId).map(([refId, name]) => ({ type, refId, name })));
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
                  {event.actorLabel ? <NamedText text={event.actorLabel} lookup={lookup} links={links} /> : "—"}
                  {event.actorId && idCode(event.actorId)}
                </span>
              ),
            },
            { term: "Action", value: <code className="font-mono text-sm">{event.action}</code> },
            {
              term: "Target",
              value: event.targetType ? (
                <span>
                  <span className="text-slate-500">{event.targetType}</span>{" "}
                  {event.targetId && event.targetLabel && !labelIsName(event.targetType) ? (
                    <NamedText text={event.targetLabel} lookup={lookup} links={links} />
                  ) : event.targetId ? (
                    <NamedRef id={event.targetId} type={event.targetType} lookup={lookup} links={links} fallback={event.targetLabel} showId={false} />
                  ) : null}{" "}
                  {event.targetId && idCode(event.targetId)}
                </span>
              ) : (
                "—"
              ),
            },
            { term: "Directory", value: event.directoryId ? <NamedRef id={event.directoryId} type="Directory" lookup={lookup} links={links} /> : "—" },
            { term: "Request id", value: event.requestId ? <code data-id="" className="font-mono text-xs">{event.requestId}</code> : "—" },
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

      <Card title="Names" description={event.names ? "The names of what this event touches, as they were when it was recorded." : "This event was recorded before names were stored with events: the names shown are today's, or “(unknown)” for records that no longer exist."}>
        {recorded.length > 0 ? (
          <table className="min-w-full text-sm" aria-label="Names recorded with this event">
            <thead>
              <tr>
                <th scope="col" className="py-1 pr-4 text-left font-medium text-slate-600">Kind</th>
                <th scope="col" className="py-1 pr-4 text-left font-medium text-slate-600">Name then</th>
                <th scope="col" className="py-1 text-left font-medium text-slate-600">Id</th>
              </tr>
            </thead>
            <tbody>
              {recorded.map((r) => (
                <tr key={`${r.type}-${r.refId}`}>
                  <td className="py-1 pr-4 text-slate-600">{r.type}</td>
                  <td className="py-1 pr-4"><NamedRef id={r.refId} type={r.type} lookup={lookup} links={links} showId={false} /></td>
                  <td className="py-1">{idCode(r.refId)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p className="text-sm text-slate-600">No names recorded.</p>
        )}
      </Card>

      <Card title="Changes" description="What the event recorded before and after the change (creations have only “after”, deletions only “before”).">
        <JsonDiff before={event.before} after={event.after} describe={describe} />
        <details className="mt-4 text-sm">
          <summary className="cursor-pointer font-medium text-slate-700">Raw JSON</summary>
          <div className="mt-2 grid gap-3 lg:grid-cols-2">
            <div>
              <h3 className="text-xs font-semibold uppercase text-slate-500">Before</h3>
              <pre data-id="" className="mt-1 max-h-96 overflow-auto rounded bg-slate-50 p-3 text-xs">{JSON.stringify(event.before, null, 2) ?? "null"}</pre>
            </div>
            <div>
              <h3 className="text-xs font-semibold uppercase text-slate-500">After</h3>
              <pre data-id="" className="mt-1 max-h-96 overflow-auto rounded bg-slate-50 p-3 text-xs">{JSON.stringify(event.after, null, 2) ?? "null"}</pre>
            </div>
          </div>
        </details>
      </Card>
    </div>
  );
}
