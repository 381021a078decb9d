import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import { ButtonLink } from "@/components/ui/button";
import { Card, DescriptionList } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { Time } from "@/components/ui/time";
import { AddToWall } from "@/components/walls/add-to-wall";
import { CertificateLinks } from "@/components/walls/certificate-links";
import { AcknowledgmentProgress, KIND_LABEL, WallKindBadge, WallStateBadge } from "@/components/walls/labels";
import { PostButton, ReasonButton } from "@/components/walls/wall-actions";
import { WallPreview } from "@/components/walls/wall-preview";
import { can } from "@/lib/auth/permissions";
import { requirePagePermission } from "@/lib/auth/principal";
import { wallOrNull, wallPagesData } from "@/lib/walls/page-data";
import { wallsForPages } from "@/lib/walls/queries";

export const metadata = { title: "Ethical wall" };

const link = "text-brand-700 underline underline-offset-2 hover:text-brand-900";

export default async function WallPage({ params }: { params: Promise<{ id: string }> }) {
  const principal = await requirePagePermission("walls:read");
  const { id } = await params;
  const wall = await wallOrNull(id);
  const breadcrumb = <nav aria-label="Breadcrumb" className="mb-2 text-sm"><Link className={link} href="/dashboard/walls">Ethical walls</Link></nav>;
  if (!wall) return <>{breadcrumb}<PageHeader title="Wall not found" /></>;
  const write = can(principal.roles, "walls:write");
  const changeable = write && wall.state !== "lifted";
  const [people, acknowledgments, attempts, summary, certificates, pending] = await Promise.all([
    wallsForPages.people({ wallId: wall.id, page: { pageSize: 200 } }),
    wallsForPages.acknowledgments({ wallId: wall.id, page: { pageSize: 100 } }),
    wallsForPages.attempts({ wallId: wall.id, page: { pageSize: 50 } }),
    wallsForPages.attemptSummary({ wallId: wall.id, limit: 100 }),
    wallPagesData.certificates({ wallId: wall.id }),
    wall.state === "lifted" ? Promise.resolve([]) : wallPagesData.pending({ wallId: wall.id }),
  ]);
  const sideName = new Map(wall.sides.map((s) => [s.id, s.name]));
  const asksAcknowledgment = wall.kind !== "exclusionary" || wall.screenedAcknowledge;
  const rosterWord = wall.kind === "inclusionary" ? "Insiders" : wall.kind === "exclusionary" ? "Screened people" : "People by side";
  const pendingIds = new Set(pending.map((p) => p.userId));
  const personName = (p: { displayName: string | null; userName: string | null }) => p.displayName ?? p.userName ?? "(erased person)";

  return (
    <>
      {breadcrumb}
      <PageHeader
        title={wall.name}
        description={`${KIND_LABEL[wall.kind] ?? wall.kind}${wall.matterRef ? ` · ${wall.matterRef}` : ""}`}
        actions={
          changeable ? (
            <div className="flex flex-wrap gap-2">
              <ButtonLink href={`/dashboard/walls/${wall.id}/edit`}>Edit</ButtonLink>
              {wall.state === "draft" && (
                <ReasonButton label="Activate" title={`Activate ${wall.name}?`} variant="danger" confirmLabel="Activate wall" url={`/api/admin/walls/${wall.id}/activate`}
                  description="From the moment it is activated, every answer (checks, the decision API, reports, reviews) denies what the wall denies. The preview below shows who loses access." />
              )}
              {wall.state === "active" && (
                <ReasonButton label="Lift" title={`Lift ${wall.name}?`} variant="danger" confirmLabel="Lift wall" url={`/api/admin/walls/${wall.id}/lift`}
                  description="From now on the wall denies nothing; answers about earlier instants keep it. Its lift certificate is issued and stored." />
              )}
            </div>
          ) : undefined
        }
      />
      <div className="space-y-6">
        <Card title="Wall">
          <DescriptionList
            items={[
              { term: "State", value: <WallStateBadge state={wall.state} /> },
              { term: "Kind", value: <WallKindBadge kind={wall.kind} /> },
              { term: "Matter", value: wall.matterRef },
              { term: "Acknowledgment", value: wall.requiresAcknowledgment ? "Access withheld until the memo is acknowledged" : asksAcknowledgment ? "Asked for (access not withheld)" : "Not asked of screened people" },
              { term: "Created", value: <><Time value={wall.createdAt} /> by {wall.createdBy.label ?? wall.createdBy.type}</> },
              { term: "Activated", value: wall.activated ? <><Time value={wall.activated.at} /> by {wall.activated.by.label ?? wall.activated.by.type}: {wall.activated.reason}</> : "—" },
              { term: "Lifted", value: wall.lifted ? <><Time value={wall.lifted.at} /> by {wall.lifted.by.label ?? wall.lifted.by.type}: {wall.lifted.reason}</> : "—" },
              ...(asksAcknowledgment ? [{ term: "Progress", value: <AcknowledgmentProgress acknowledged={wall.counts.acknowledged} people={wall.counts.people} label="Acknowledgments" /> }] : []),
            ]}
          />
        </Card>

        <Card title="Memo" description="What the people on the wall acknowledge.">
          <p className="whitespace-pre-wrap text-sm text-slate-800">{wall.description || "No memo."}</p>
        </Card>

        {wall.state === "draft" && (
          <Card title="Preview: who would lose access if activated now" description="Against today's access (other walls and exclusions applied), with the wall's current kind, scope and roster.">
            <WallPreview wallId={wall.id} />
          </Card>
        )}

        <Card title="Scope" description={wall.state === "lifted" ? "As it stood when the wall was lifted." : "Counterparties and tags also cover contracts created later."}>
          {wall.scope.length === 0 ? <p className="text-sm text-slate-600">No scope yet: the wall protects nothing.</p> : (
            <table className="w-full text-left text-sm">
              <thead className="text-slate-600"><tr>{wall.sides.length > 0 && <th className="py-1">Side</th>}<th className="py-1">Kind</th><th>What</th><th>Since</th><th /></tr></thead>
              <tbody>
                {wall.scope.map((s) => (
                  <tr key={s.id} className="border-t border-slate-100">
                    {wall.sides.length > 0 && <td className="py-1.5">{s.sideId ? sideName.get(s.sideId) : "—"}</td>}
                    <td className="py-1.5">{s.kind}</td>
                    <td>{s.kind === "contract" ? <Link className={link} href={`/dashboard/contracts/${s.value}`}>{s.label ?? "(deleted contract)"}</Link> : s.kind === "repository" ? <Link className={link} href={`/dashboard/repositories/${s.value}`}>{s.label ?? "(deleted repository)"}</Link> : s.label}</td>
                    <td><Time value={s.validFrom} /></td>
                    <td className="text-right">
                      {changeable && (
                        <ReasonButton label="Remove" accessibleName={`Remove ${s.kind} ${s.label ?? ""} from the scope`} title="Remove from the scope?" field="justification" fieldLabel="Justification" method="DELETE"
                          url={`/api/admin/walls/${wall.id}/scope/${s.id}`} confirmLabel="Remove" description={wall.state === "active" ? "The barrier shrinks at once: people it denied may regain access." : undefined} />
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {changeable && <div className="mt-4"><AddToWall wallId={wall.id} what="scope" sides={wall.sides} rosterLabel={rosterWord} /></div>}
        </Card>

        <Card
          title={rosterWord}
          description="Everyone on the roster, named or through a group. Once on the wall, a person stays on it until removed with a justification — leaving the group does not end it."
          actions={changeable && asksAcknowledgment && pending.length > 0 ? (
            <PostButton label={`Remind ${pending.length} to acknowledge`} url={`/api/admin/walls/${wall.id}/reminders`} message="{reminded} reminded (webhook wall.acknowledgment_requested)." />
          ) : undefined}
        >
          {people.items.length === 0 ? <p className="text-sm text-slate-600">Nobody is on the roster.</p> : (
            <table className="w-full text-left text-sm">
              <caption className="sr-only">{people.total} people on the roster</caption>
              <thead className="text-slate-600"><tr><th className="py-1">Person</th>{wall.sides.length > 0 && <th>Side</th>}<th>Through</th><th>Since</th>{asksAcknowledgment && <th>Acknowledged</th>}<th /></tr></thead>
              <tbody>
                {people.items.map((p) => (
                  <tr key={p.id} className="border-t border-slate-100 align-top">
                    <td className="py-1.5"><Link className={link} href={`/dashboard/users/${p.userId}`}>{personName(p)}</Link>{p.displayName && <div className="text-xs text-slate-500">{p.userName}</div>}</td>
                    {wall.sides.length > 0 && <td>{p.sideId ? sideName.get(p.sideId) : "—"}</td>}
                    <td>{p.viaGroup ? `group ${p.viaGroup.name ?? "(deleted group)"}` : "named"}</td>
                    <td><Time value={p.validFrom} /></td>
                    {asksAcknowledgment && <td>{p.acknowledgedAt ? <Time value={p.acknowledgedAt} /> : <Badge tone="amber">pending</Badge>}</td>}
                    <td className="space-x-2 whitespace-nowrap text-right">
                      {changeable && asksAcknowledgment && pendingIds.has(p.userId) && (
                        <ReasonButton label="Acknowledge for them" accessibleName={`Acknowledge on behalf of ${personName(p)}`} title={`Acknowledge on behalf of ${personName(p)}?`} url={`/api/admin/walls/${wall.id}/acknowledgments`}
                          extra={{ userId: p.userId }} confirmLabel="Record acknowledgment" description="Recorded as acknowledged on their behalf, with your reason, in the audit trail." />
                      )}
                      {changeable && (
                        <ReasonButton label="Remove" accessibleName={`Remove ${personName(p)} from the wall`} title={`Remove ${personName(p)} from the wall?`} field="justification" fieldLabel="Justification" method="DELETE"
                          url={`/api/admin/walls/${wall.id}/people/${p.userId}${p.sideId ? `?sideId=${p.sideId}` : ""}`} confirmLabel="Remove from the wall"
                          description={wall.state === "active" ? "Takes effect at once: the wall stops applying to them." : undefined} />
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {wall.roster.some((e) => e.kind === "group") && (
            <div className="mt-4">
              <h3 className="text-sm font-semibold text-slate-800">Groups on the roster</h3>
              <ul className="mt-1 space-y-1 text-sm">
                {wall.roster.filter((e) => e.kind === "group").map((e) => (
                  <li key={e.id} className="flex flex-wrap items-center gap-2">
                    <Link className={link} href={`/dashboard/groups/${e.groupId}`}>{e.label ?? "(deleted group)"}</Link>
                    {e.sideId && <span className="text-slate-500">side {sideName.get(e.sideId)}</span>}
                    <span className="text-slate-500">since <Time value={e.validFrom} /></span>
                    {changeable && (
                      <ReasonButton label="Remove group" accessibleName={`Remove group ${e.label ?? ""} and its people from the wall`} title="Remove the group and the people it brought?" field="justification" fieldLabel="Justification" method="DELETE"
                        url={`/api/admin/walls/${wall.id}/roster/${e.id}`} confirmLabel="Remove group" />
                    )}
                  </li>
                ))}
              </ul>
            </div>
          )}
          {changeable && <div className="mt-4"><AddToWall wallId={wall.id} what="roster" sides={wall.sides} rosterLabel={rosterWord} /></div>}
        </Card>

        <section id="attempts" aria-labelledby="attempts-title" className="scroll-mt-4">
          <Card title={<span id="attempts-title">Denied attempts ({attempts.total})</span>} description="Decision-API requests (AuthZEN, /api/v1 checks) the wall refused. The contract system only learned “denied”.">
            {summary.length === 0 ? <p className="text-sm text-slate-600">No attempt was denied.</p> : (
              <>
                <table className="w-full text-left text-sm">
                  <caption className="py-1 text-left text-sm font-medium text-slate-700">Per person</caption>
                  <thead className="text-slate-600"><tr><th className="py-1">Person</th><th>Attempts</th><th>Contracts</th><th>First</th><th>Last</th></tr></thead>
                  <tbody>
                    {summary.map((s) => (
                      <tr key={s.userId} className="border-t border-slate-100">
                        <td className="py-1.5"><Link className={link} href={`/dashboard/users/${s.userId}`}>{s.userName ?? "(erased person)"}</Link></td>
                        <td>{s.attempts >= 3 ? <Badge tone="red">{s.attempts} repeated</Badge> : s.attempts}</td>
                        <td>{s.contracts}</td>
                        <td><Time value={s.first} /></td>
                        <td><Time value={s.last} /></td>
                      </tr>
                    ))}
                  </tbody>
                </table>
                <details className="mt-3 text-sm">
                  <summary className="cursor-pointer text-slate-700">The {Math.min(attempts.items.length, attempts.total)} most recent attempts</summary>
                  <table className="mt-2 w-full text-left text-sm">
                    <thead className="text-slate-600"><tr><th className="py-1">When</th><th>Person</th><th>Contract</th>{wall.sides.length > 0 && <th>Side</th>}<th>Through</th></tr></thead>
                    <tbody>
                      {attempts.items.map((a) => (
                        <tr key={a.id} className="border-t border-slate-100">
                          <td className="py-1.5"><Time value={a.at} /></td>
                          <td>{a.userName ?? "(erased person)"}</td>
                          <td>{a.contractTitle ?? "(deleted contract)"}</td>
                          {wall.sides.length > 0 && <td>{a.sideName ?? "—"}</td>}
                          <td>{a.source === "authzen" ? "AuthZEN" : "/api/v1"}{a.action ? ` (${a.action})` : ""}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </details>
              </>
            )}
          </Card>
        </section>

        {asksAcknowledgment && (
          <Card title={`Acknowledgments (${acknowledgments.total})`}>
            {acknowledgments.items.length === 0 ? <p className="text-sm text-slate-600">Nobody has acknowledged the memo yet.</p> : (
              <table className="w-full text-left text-sm">
                <thead className="text-slate-600"><tr><th className="py-1">Person</th><th>When</th><th>How</th></tr></thead>
                <tbody>
                  {acknowledgments.items.map((a) => (
                    <tr key={a.id} className="border-t border-slate-100">
                      <td className="py-1.5">{a.displayName ?? a.userName ?? "(erased person)"}</td>
                      <td><Time value={a.at} /></td>
                      <td>{a.onBehalf ? <>on their behalf by {a.by.label ?? a.by.type}: {a.reason}</> : "themselves"}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </Card>
        )}

        <Card title="Screen certificate" description="Signed with the installation's audit key (the one that signs chain exports): the wall, its scope, the roster over the period, acknowledgments, denied attempts and the audit chain positions it was built from. Verify offline with npm run audit:verify -- --wall-certificate <file>.">
          {wall.state === "draft" ? <p className="text-sm text-slate-600">A draft has not been in force; its certificate would state that.</p> : null}
          <CertificateLinks wallId={wall.id} canIssue={write} />
          {certificates.length > 0 && (
            <table className="mt-4 w-full text-left text-sm">
              <caption className="py-1 text-left text-sm font-medium text-slate-700">Stored certificates</caption>
              <thead className="text-slate-600"><tr><th className="py-1">Issued</th><th>Why</th><th>Period</th><th>SHA-256</th><th /></tr></thead>
              <tbody>
                {certificates.map((c) => (
                  <tr key={c.id} className="border-t border-slate-100">
                    <td className="py-1.5"><Time value={c.issuedAt} /></td>
                    <td>{c.trigger === "lift" ? "wall lifted" : "on request"}</td>
                    <td><Time value={c.periodFrom} /> – <Time value={c.periodTo} /></td>
                    <td><code className="text-xs">{c.sha256.slice(0, 16)}…</code></td>
                    <td className="space-x-3 whitespace-nowrap">
                      <a className={link} href={`/api/admin/walls/${wall.id}/certificates/${c.id}?format=html`} target="_blank" rel="noopener">Printable{c.trigger === "lift" ? " lift certificate" : ""}</a>
                      <a className={link} href={`/api/admin/walls/${wall.id}/certificates/${c.id}`} download>JSON</a>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Card>
      </div>
    </>
  );
}
