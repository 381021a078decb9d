import Link from "next/link";
import { DefinitionActions } from "@/components/reviews/campaign-actions";
import { Badge } from "@/components/ui/badge";
import { ButtonLink } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { Time } from "@/components/ui/time";
import { can } from "@/lib/auth/permissions";
import { requirePagePermission } from "@/lib/auth/principal";
import { now as clockNow } from "@/lib/clock";
import { reviewsForPages } from "@/lib/reviews/queries";
import { nextOccurrence } from "@/lib/reviews/recurrence";
import { campaignConfig } from "@/lib/reviews/schemas";

export const metadata = { title: "Access review campaigns" };

export default async function CampaignsPage() {
  const principal = await requirePagePermission("campaigns:read");
  const manage = can(principal.roles, "campaigns:manage");
  const [campaigns, definitions] = await Promise.all([reviewsForPages.campaigns({ page: { pageSize: 100 } }), reviewsForPages.definitions()]);
  return (
    <>
      <PageHeader
        title="Access review campaigns"
        description="Periodic certification: accountable people confirm or withdraw each person's access; withdrawals take effect at once as exclusions, with proof."
        actions={manage ? <ButtonLink variant="primary" href="/dashboard/campaigns/new">New definition</ButtonLink> : undefined}
      />
      <div className="space-y-6">
        <Card title="Campaigns">
          {campaigns.items.length === 0 ? (
            <p className="text-sm text-slate-600">No campaign has been started yet.</p>
          ) : (
            <table className="w-full text-left text-sm">
              <thead className="text-slate-600">
                <tr><th className="py-1">Name</th><th>Status</th><th>Progress</th><th>Started</th><th>Due</th></tr>
              </thead>
              <tbody>
                {campaigns.items.map((c) => (
                  <tr key={c.id} className="border-t border-slate-100">
                    <td className="py-1.5"><Link className="text-brand-700 underline" href={`/dashboard/campaigns/${c.id}`}>{c.name}</Link>{c.kind === "mover" && <> <Badge tone="amber">mover</Badge></>}</td>
                    <td><Badge tone={c.status === "active" ? "blue" : "gray"}>{c.status}</Badge></td>
                    <td>{c.decided} of {c.items} decided</td>
                    <td><Time value={c.startedAt} /></td>
                    <td><Time value={c.dueAt} /></td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Card>
        <Card title="Definitions" description="What to review and who reviews it; each start freezes the population from the access engine.">
          {definitions.length === 0 ? (
            <p className="text-sm text-slate-600">No definition yet.</p>
          ) : (
            <ul className="space-y-3">
              {definitions.map((d) => (
                <li key={d.id} className="flex flex-wrap items-center justify-between gap-3 border-t border-slate-100 pt-3">
                  <span>
                    <span className="font-medium text-slate-900">{d.name}</span>
                    <RecurrenceNote config={d.config} />
                  </span>
                  {manage && <DefinitionActions definitionId={d.id} name={d.name} />}
                </li>
              ))}
            </ul>
          )}
        </Card>
      </div>
    </>
  );
}

const EVERY = { monthly: "monthly", quarterly: "quarterly", semiannually: "every six months", annually: "yearly" } as const;

/** "Repeats quarterly, next start …" for a recurring definition (the scheduler starts it). */
function RecurrenceNote({ config }: { config: unknown }) {
  const recurrence = campaignConfig.safeParse(config).data?.recurrence;
  if (!recurrence) return null;
  return (
    <span className="ml-2 text-sm text-slate-600">
      Repeats {EVERY[recurrence.every]}, next start <Time value={nextOccurrence(recurrence, clockNow())} />
    </span>
  );
}
