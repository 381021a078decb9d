import { LiftExclusionButton } from "@/components/reviews/campaign-actions";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { Time } from "@/components/ui/time";
import { can } from "@/lib/auth/permissions";
import { requirePagePermission } from "@/lib/auth/principal";
import { exclusionsForPages } from "@/lib/exclusions/queries";

export const metadata = { title: "Exclusions" };

export default async function ExclusionsPage() {
  const principal = await requirePagePermission("access:review");
  const canLift = can(principal.roles, "exclusions:write");
  const page = await exclusionsForPages.list({ filter: { state: "all" }, page: { pageSize: 200 } });
  return (
    <>
      <PageHeader title="Exclusions" description="Denies for one person on a repository or contract that beat every grant — from review campaigns or set by an admin. Lifting one ends it from now on; past answers keep it." />
      <Card>
        {page.items.length === 0 ? (
          <p className="text-sm text-slate-600">No exclusions.</p>
        ) : (
          <table className="w-full text-left text-sm">
            <thead className="text-slate-600"><tr><th className="py-1">Person</th><th>Scope</th><th>Why</th><th>Since</th><th>State</th><th /></tr></thead>
            <tbody>
              {page.items.map((x) => (
                <tr key={x.id} className="border-t border-slate-100 align-top">
                  <td className="py-1.5">{x.user.displayName ?? x.user.userName ?? x.user.id}</td>
                  <td>
                    {x.scope.kind} {x.scope.name ?? x.scope.id}
                    {x.scope.kind === "repository" && (x.scope.contractTypes.length > 0 || x.scope.confidentialityFloor) && (
                      <span className="block text-xs text-slate-600">
                        only {[x.scope.contractTypes.length > 0 ? x.scope.contractTypes.join(", ") : null, x.scope.confidentialityFloor ? `${x.scope.confidentialityFloor.replace("_", " ")} and above` : null].filter(Boolean).join("; ")}
                      </span>
                    )}
                  </td>
                  <td>{x.explanation}</td>
                  <td><Time value={x.validFrom} /></td>
                  <td>{x.active ? <Badge tone="red">active</Badge> : <Badge>{x.lifted ? "lifted" : "ended"}</Badge>}</td>
                  <td>{canLift && x.active && <LiftExclusionButton exclusionId={x.id} label={`${x.user.userName ?? x.user.id} on ${x.scope.name ?? x.scope.id}`} />}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
    </>
  );
}
