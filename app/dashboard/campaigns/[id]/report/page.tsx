import Link from "next/link";
import { PageHeader } from "@/components/ui/page-header";
import { Time } from "@/components/ui/time";
import { requirePagePermission } from "@/lib/auth/principal";
import { reportOrNull } from "@/lib/reviews/page-data";

export const metadata = { title: "Campaign report" };

/** The printable report: what an auditor files — population hash, every item, decisions, proof. */
export default async function CampaignReportPage({ params }: { params: Promise<{ id: string }> }) {
  await requirePagePermission("campaigns:read");
  const { id } = await params;
  const report = await reportOrNull(id);
  if (!report) return <PageHeader title="Campaign not found" />;
  const { campaign: c, indicators: x } = report;
  return (
    <article className="space-y-4 print:text-xs">
      <nav aria-label="Breadcrumb" className="text-sm print:hidden"><Link className="text-brand-700 underline" href={`/dashboard/campaigns/${c.id}`}>{c.name}</Link></nav>
      <PageHeader
        title={`Access review report: ${c.name}`}
        description={`Population ${c.populationSize} items, SHA-256 ${c.populationHash}`}
        actions={
          <a className="rounded-md border border-slate-300 px-3 py-1.5 text-sm font-medium text-slate-700 hover:bg-slate-50 print:hidden" href={`/api/admin/campaigns/${c.id}/report/signed`} download>
            Download signed report
          </a>
        }
      />
      <p className="text-sm">
        Started <Time value={c.startedAt} />, due <Time value={c.dueAt} />, {c.closedAt ? <>closed <Time value={c.closedAt} /></> : "not closed yet"}.
        {" "}{x.decisions} decisions; median {x.medianSecondsPerDecision ?? "—"} s per decision; {Math.round(x.bulkShare * 100)}% in bulk;
        {" "}{x.carriedForward} carried forward from the previous campaign;
        {" "}{x.revocations} revocations ({x.applied} applied); {x.defaulted} items took the default.
        {report.wallItems.length > 0 && <> Walls: {x.wallRemovals} people removed from a roster; {x.wallLiftsPending} lifts waiting for an answer.</>}
        {x.rubberStamps.length > 0 && <> Possible rubber stamps (kept everything in under {x.rubberStampSeconds} s each): {x.rubberStamps.map((r) => r.reviewerId).join(", ")}.</>}
      </p>
      <table className="w-full text-left text-sm">
        <caption className="sr-only">Every item of the campaign</caption>
        <thead className="text-slate-600">
          <tr><th>Person</th><th>Scope</th><th>Level</th><th>Reasons</th><th>Decisions</th><th>Outcome</th><th>Proof</th></tr>
        </thead>
        <tbody>
          {report.items.map((i) => (
            <tr key={i.id} className="border-t border-slate-100 align-top">
              <td className="py-1">{i.person.displayName ?? i.person.userName ?? i.person.id}</td>
              <td>{i.repository.name}{i.contract ? ` / ${i.contract.title}` : ` (${i.contracts} contracts)`}</td>
              <td>{i.level}</td>
              <td>{i.reasons.map((r) => (r.via.kind === "group" ? r.via.path.map((g) => g.name ?? g.id).join(" › ") : "direct grant")).join("; ")}</td>
              <td>{i.history.map((h) => (h.via === "carry_forward" ? "keep, carried forward (unchanged since kept in the previous campaign)" : `${h.decision}${h.bulk ? " (bulk)" : ""}${h.justification ? `: ${h.justification}` : ""}`)).join("; ") || "—"}</td>
              <td>{i.outcome ?? "open"}</td>
              <td>{i.appliedAt ? <>denied from <Time value={i.appliedAt} seconds /></> : "—"}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {report.wallItems.length > 0 && (
        <table className="w-full text-left text-sm">
          <caption className="text-left font-medium text-slate-700">Walls reviewed: each wall and each place on its roster</caption>
          <thead className="text-slate-600">
            <tr><th>Wall</th><th>Item</th><th>On the roster since</th><th>Memo acknowledged</th><th>Decisions</th><th>Outcome</th><th>Applied</th></tr>
          </thead>
          <tbody>
            {report.wallItems.map((i) => (
              <tr key={i.id} className="border-t border-slate-100 align-top">
                <td className="py-1">{i.wall.name ?? i.wall.id}{i.wall.matterRef ? ` (${i.wall.matterRef})` : ""}</td>
                <td>{i.person ? `${i.person.displayName ?? i.person.userName ?? i.person.id}, ${i.role}${i.side ? ` on side ${i.side.name}` : ""}${i.viaGroup ? ` through ${i.viaGroup.name ?? i.viaGroup.id}` : ""}` : "Is this wall still needed?"}</td>
                <td>{i.onRosterSince ? <Time value={i.onRosterSince} date /> : "—"}</td>
                <td>{i.person ? (i.acknowledgedAt ? <Time value={i.acknowledgedAt} date /> : "no") : "—"}</td>
                <td>{i.history.map((h) => `${h.decision.replace("_", " ")}${h.bulk ? " (bulk)" : ""}${h.justification ? `: ${h.justification}` : ""}`).join("; ") || "—"}</td>
                <td>{i.outcome ?? "open"}</td>
                <td>
                  {i.applyResult === "removed" && i.appliedAt ? <>removed from the roster <Time value={i.appliedAt} seconds /></> : i.applyResult ? i.applyResult.replace(/_/g, " ") : "—"}
                  {i.lift && i.lift.resolution !== "pending" && <>; {i.lift.resolution}{i.lift.reason ? `: ${i.lift.reason}` : ""}</>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </article>
  );
}
