import Link from "next/link";
import { AcknowledgmentProgress, WallKindBadge, WallStateBadge } from "@/components/walls/labels";
import { AttemptAlert } from "@/components/walls/attempt-alert";
import { ButtonLink } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { Time } from "@/components/ui/time";
import { can } from "@/lib/auth/permissions";
import { requirePagePermission } from "@/lib/auth/principal";
import { ALERT_WINDOW_DAYS } from "@/lib/walls/alerts";
import { wallPagesData } from "@/lib/walls/page-data";
import { wallsForPages } from "@/lib/walls/queries";
import { WALL_STATES } from "@/lib/walls/schemas";

export const metadata = { title: "Ethical walls" };

const link = "text-brand-700 underline underline-offset-2 hover:text-brand-900";

export default async function WallsPage({ searchParams }: { searchParams: Promise<{ state?: string }> }) {
  const principal = await requirePagePermission("walls:read");
  const { state: asked } = await searchParams;
  const state = WALL_STATES.find((s) => s === asked);
  const [walls, alert] = await Promise.all([
    wallsForPages.list({ filter: state ? { state } : {}, page: { pageSize: 100 } }),
    wallPagesData.attemptAlert({}),
  ]);
  return (
    <>
      <PageHeader
        title="Ethical walls"
        description="Information barriers no grant can cross: inclusionary walls (only insiders), exclusionary screens, and opposing sides of a matter. A draft changes nothing until it is activated; its page previews who would lose access."
        actions={can(principal.roles, "walls:write") ? <ButtonLink variant="primary" href="/dashboard/walls/new">New wall</ButtonLink> : undefined}
      />
      <div className="space-y-6">
        <AttemptAlert alert={alert} days={ALERT_WINDOW_DAYS} />
        <nav aria-label="Filter by state" className="flex gap-3 text-sm">
          {[undefined, ...WALL_STATES].map((s) => (
            <Link key={s ?? "all"} href={s ? `/dashboard/walls?state=${s}` : "/dashboard/walls"} aria-current={s === state ? "page" : undefined}
              className={s === state ? "font-semibold text-brand-900" : link}>
              {s ?? "All"}
            </Link>
          ))}
        </nav>
        <Card>
          {walls.items.length === 0 ? (
            <p className="text-sm text-slate-600">No walls{state ? ` in state ${state}` : ""}.</p>
          ) : (
            <table className="w-full text-left text-sm">
              <caption className="sr-only">{walls.total} walls</caption>
              <thead className="text-slate-600"><tr><th className="py-1">Wall</th><th>Kind</th><th>State</th><th>People</th><th>Acknowledgments</th><th>Denied attempts</th><th>Since</th></tr></thead>
              <tbody>
                {walls.items.map((w) => (
                  <tr key={w.id} className="border-t border-slate-100 align-top">
                    <td className="py-1.5"><Link className={link} href={`/dashboard/walls/${w.id}`}>{w.name}</Link>{w.matterRef && <div className="text-xs text-slate-500">{w.matterRef}</div>}</td>
                    <td><WallKindBadge kind={w.kind} /></td>
                    <td><WallStateBadge state={w.state} /></td>
                    <td>{w.counts.people}</td>
                    <td>
                      {w.requiresAcknowledgment || w.kind !== "exclusionary" || w.screenedAcknowledge
                        ? <AcknowledgmentProgress acknowledged={w.counts.acknowledged} people={w.counts.people} label={`Acknowledgments of ${w.name}`} />
                        : <span className="text-slate-500">not asked</span>}
                    </td>
                    <td>{w.counts.attempts}</td>
                    <td>{w.lifted ? <>lifted <Time value={w.lifted.at} /></> : w.activated ? <Time value={w.activated.at} /> : <>draft since <Time value={w.createdAt} /></>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <p className="mt-3 text-xs text-slate-500">Denied attempts: decision-API requests (AuthZEN, /api/v1 checks) a wall refused. The alert above covers the last {ALERT_WINDOW_DAYS} days.</p>
        </Card>
      </div>
    </>
  );
}
