import Link from "next/link";
import { CloseCampaignButton, ExtendCampaignButton, ReassignItemsButton, WallLiftAnswerButton } from "@/components/reviews/campaign-actions";
import { Badge } from "@/components/ui/badge";
import { Card, DescriptionList } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { Time } from "@/components/ui/time";
import { can } from "@/lib/auth/permissions";
import { requirePagePermission } from "@/lib/auth/principal";
import { campaignOrNull } from "@/lib/reviews/page-data";
import { wallReviewsForPages } from "@/lib/reviews/wall-review-queries";
import { wallsInScopeText } from "@/components/reviews/wording";

export const metadata = { title: "Access review campaign" };

const link = "text-brand-700 underline underline-offset-2 hover:text-brand-900";

export default async function CampaignPage({ params }: { params: Promise<{ id: string }> }) {
  const principal = await requirePagePermission("campaigns:read");
  const { id } = await params;
  const c = await campaignOrNull(id);
  const breadcrumb = <nav aria-label="Breadcrumb" className="mb-2 text-sm"><Link className={link} href="/dashboard/campaigns">Campaigns</Link></nav>;
  if (!c) return <>{breadcrumb}<PageHeader title="Campaign not found" /></>;
  const percent = c.populationSize ? Math.round((100 * c.decided) / c.populationSize) : 100;
  // Undecided items per reviewer over all stages: who can be reassigned, and who is late.
  const open = new Map<string, { id: string; label: string; open: number }>();
  for (const r of c.reviewers) {
    if (!r.reviewerId || r.total === r.decided) continue;
    const o = open.get(r.reviewerId) ?? { id: r.reviewerId, label: r.displayName ?? r.userName ?? r.reviewerId, open: 0 };
    o.open += r.total - r.decided;
    open.set(r.reviewerId, o);
  }
  const undecidedBy = [...open.values()].sort((a, b) => b.open - a.open || a.label.localeCompare(b.label));
  const manage = c.status === "active" && can(principal.roles, "campaigns:manage");
  // A wall review: its items (the first 200) and the lifts waiting for an answer (walls:write).
  const wallItems = c.kind === "walls" ? await wallReviewsForPages.items({ id: c.id, filter: { state: "all" }, page: { page: 1, pageSize: 200 } }) : null;
  const answerLifts = can(principal.roles, "walls:write");
  const schedule = [
    c.config.reminderEveryDays ? `reminders every ${c.config.reminderEveryDays} days` : "no reminders",
    c.config.escalateAfterDays ? `escalation to the fallback after ${c.config.escalateAfterDays} days` : "no escalation",
    c.config.recurrence ? `repeats ${c.config.recurrence.every}` : "started once",
  ].join("; ");
  return (
    <>
      {breadcrumb}
      <PageHeader
        title={c.name}
        description={`${c.decided} of ${c.populationSize} items decided (${percent}%)`}
        actions={
          manage ? (
            <div className="flex flex-wrap items-start gap-2">
              <ExtendCampaignButton campaignId={c.id} dueAt={c.dueAt.toISOString()} />
              <ReassignItemsButton campaignId={c.id} reviewers={undecidedBy} />
              <CloseCampaignButton campaignId={c.id} />
            </div>
          ) : undefined
        }
      />
      <div className="space-y-6">
        <Card title="Campaign">
          <DescriptionList
            items={[
              {
                term: "Status",
                value: (
                  <>
                    {c.status === "starting"
                      ? c.progress.of
                        ? `starting: ${c.progress.people.toLocaleString("en")} of ${c.progress.of.toLocaleString("en")} people`
                        : "starting: computing the population"
                      : c.status}{" "}
                    {c.status === "failed" && <Badge tone="red">{c.failure ?? "failed"}</Badge>} {c.overdue && <Badge tone="red">overdue</Badge>}{" "}
                    {c.kind === "mover" && <Badge tone="amber">mover review</Badge>} {c.kind === "walls" && <Badge tone="blue">wall review</Badge>}
                  </>
                ),
              },
              { term: "Started", value: <Time value={c.startedAt} /> },
              { term: "Due", value: <Time value={c.dueAt} /> },
              { term: "Closed", value: c.closedAt ? <Time value={c.closedAt} /> : "—" },
              { term: "Population", value: `${c.populationSize} items${c.carriedForward ? `, ${c.carriedForward} carried forward (kept, unchanged since the previous campaign)` : ""}` },
              { term: "Population hash (SHA-256)", value: <code className="break-all text-xs">{c.populationHash}</code> },
              c.kind === "walls"
                ? { term: "Walls in scope", value: wallsInScopeText(c.config.walls?.wallIds) }
                : {
                term: "Contracts in scope",
                value:
                  [
                    c.config.scope.contractTypes.length ? `types ${c.config.scope.contractTypes.join(", ")}` : null,
                    c.config.scope.confidentialityFloor ? `${c.config.scope.confidentialityFloor.replace("_", " ")} and above` : null,
                    c.config.scope.counterparties.length ? `counterparties ${c.config.scope.counterparties.join("; ")}` : null,
                  ]
                    .filter(Boolean)
                    .join(" · ") || "all",
              },
              { term: "Carry forward", value: c.config.carryForward ? "on: items a reviewer kept last time, unchanged, are kept without asking" : "off" },
              { term: "Stages", value: c.config.stages.map((s) => s.reviewers.replace("_", " ")).join(" → ") },
              { term: "Undecided items", value: c.config.undecided },
              { term: "Schedule", value: schedule },
              { term: "Report", value: <span className="flex gap-3"><Link className={link} href={`/dashboard/campaigns/${c.id}/report`}>Printable</Link><a className={link} href={`/api/admin/campaigns/${c.id}/report?format=csv`}>CSV</a><a className={link} href={`/api/admin/campaigns/${c.id}/report`}>JSON</a><a className={link} href={`/api/admin/campaigns/${c.id}/report/signed`} download>Signed</a></span> },
            ]}
          />
          <div className="mt-4 h-2 w-full rounded bg-slate-100" role="progressbar" aria-label="Decided" aria-valuenow={percent} aria-valuemin={0} aria-valuemax={100}>
            <div className="h-2 rounded bg-brand-600" style={{ width: `${percent}%` }} />
          </div>
        </Card>
        {c.overdue && undecidedBy.length > 0 && (
          <Card title="Overdue reviewers">
            <p className="mb-2 text-sm text-slate-600">Past the due date with undecided items.</p>
            <ul className="text-sm" aria-label="Overdue reviewers">
              {undecidedBy.map((r) => (
                <li key={r.id} className="flex justify-between border-t border-slate-100 py-1.5">
                  <span>{r.label}</span>
                  <span><Badge tone="red">{r.open} undecided</Badge></span>
                </li>
              ))}
            </ul>
          </Card>
        )}
        <Card title="Progress by reviewer and stage">
          <table className="w-full text-left text-sm">
            <thead className="text-slate-600"><tr><th className="py-1">Stage</th><th>Reviewer</th><th>Decided</th><th /></tr></thead>
            <tbody>
              {c.reviewers.map((r) => (
                <tr key={`${r.stage}-${r.reviewerId}`} className="border-t border-slate-100">
                  <td className="py-1.5">{r.stage}</td>
                  <td>{r.reviewerId ? (r.displayName ?? r.userName ?? r.reviewerId) : <Badge tone="amber">no reviewer</Badge>}</td>
                  <td>{r.decided} of {r.total}</td>
                  <td>{r.overdue && <Badge tone="red">overdue</Badge>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Card>
        {wallItems && (
          <Card title="Walls reviewed">
            <p className="mb-2 text-sm text-slate-600">
              Per wall, is it still needed; per person on its roster, should they still be on it. At close, removals are applied with the campaign as justification; nothing is removed or lifted by default, and a lift waits for an answer here.
            </p>
            <table className="w-full text-left text-sm" aria-label="Wall items">
              <thead className="text-slate-600"><tr><th className="py-1">Wall</th><th>Item</th><th>Since</th><th>Decision</th><th>Applied</th></tr></thead>
              <tbody>
                {wallItems.items.map((i) => (
                  <tr key={i.id} className="border-t border-slate-100 align-top">
                    <td className="py-1.5"><Link className={link} href={`/dashboard/walls/${i.wall.id}`}>{i.wall.name ?? i.wall.id}</Link>{i.wall.matterRef && <div className="text-xs text-slate-500">{i.wall.matterRef}</div>}</td>
                    <td>{i.person ? <>{i.person.displayName ?? i.person.userName ?? i.person.id} <span className="text-xs text-slate-500">({i.role}{i.side ? `, side ${i.side.name}` : ""}{i.viaGroup ? `, through ${i.viaGroup.name ?? i.viaGroup.id}` : ""})</span></> : "Is this wall still needed?"}</td>
                    <td className="text-xs">{i.onRosterSince ? <Time value={i.onRosterSince} date /> : "—"}</td>
                    <td>{i.decision ? <>{i.decision.replace("_", " ")}{i.justification && <div className="text-xs text-slate-500">{i.justification}</div>}</> : c.status === "closed" ? "kept (undecided)" : "—"}</td>
                    <td>
                      {i.applyResult === "removed" && <Badge tone="green">removed</Badge>}
                      {i.applyResult === "not_on_roster" && <Badge tone="gray">already off the roster</Badge>}
                      {i.applyResult === "wall_lifted" && <Badge tone="gray">wall lifted</Badge>}
                      {i.lift?.resolution === "pending" && (
                        answerLifts ? <WallLiftAnswerButton campaignId={c.id} itemId={i.id} wallName={i.wall.name ?? i.wall.id} /> : <Badge tone="amber">lift waiting for an answer</Badge>
                      )}
                      {i.lift && i.lift.resolution !== "pending" && <>{i.lift.resolution === "lifted" ? <Badge tone="green">lifted</Badge> : <Badge tone="gray">kept</Badge>}{i.lift.reason && <div className="text-xs text-slate-500">{i.lift.reason}</div>}</>}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </Card>
        )}
        {c.outcomes.some((o) => o.outcome) && (
          <Card title="Outcomes">
            <ul className="text-sm">
              {c.outcomes.filter((o) => o.outcome).map((o) => (
                <li key={`${o.decision}-${o.outcome}`}>{o.items} × {o.outcome} {o.decision === o.outcome ? "(decided)" : "(default for undecided)"}</li>
              ))}
            </ul>
          </Card>
        )}
      </div>
    </>
  );
}
