import Link from "next/link";
import { PageHeader } from "@/components/ui/page-header";
import { can } from "@/lib/auth/permissions";
import { requirePagePermission } from "@/lib/auth/principal";
import { webhooksForPages } from "@/lib/webhooks/service";
import { AttemptAlert } from "@/components/walls/attempt-alert";
import { ALERT_WINDOW_DAYS } from "@/lib/walls/alerts";
import { wallPagesData } from "@/lib/walls/page-data";
import { OverviewDashboard } from "./overview-dashboard";

export const metadata = { title: "Overview" };

export default async function OverviewPage() {
  const principal = await requirePagePermission("overview:read");
  // Those who can fix it are told when an endpoint was switched off after repeated failures.
  const disabled = can(principal.roles, "webhooks:manage") ? await webhooksForPages.autoDisabledEndpoints() : [];
  // Decision-API attempts ethical walls denied recently, per person × wall.
  const wallAttempts = can(principal.roles, "walls:read") ? await wallPagesData.attemptAlert({}) : null;
  return (
    <>
      <PageHeader title="Overview" description="Provisioning activity, users, access by repository, the health of each directory, access ending soon and recent revocations." />
      {disabled.length > 0 && (
        <div role="alert" className="mb-6 rounded-lg border border-red-300 bg-red-50 px-4 py-3 text-sm text-red-900">
          <p className="font-semibold">
            {disabled.length === 1 ? "A webhook endpoint was disabled" : `${disabled.length} webhook endpoints were disabled`} after repeated delivery failures.
          </p>
          <ul className="mt-1 list-disc pl-5">
            {disabled.map((e) => (
              <li key={e.id} className="break-all">{e.url}</li>
            ))}
          </ul>
          <p className="mt-1">
            Events that happen while an endpoint is disabled are not sent to it; deliveries queued before wait until it is enabled.{" "}
            <Link href="/dashboard/webhooks" className="font-medium underline">Review webhooks</Link>
          </p>
        </div>
      )}
      {wallAttempts && wallAttempts.attempts > 0 && <div className="mb-6"><AttemptAlert alert={wallAttempts} days={ALERT_WINDOW_DAYS} /></div>}
      <OverviewDashboard canReviewAccess={can(principal.roles, "access:review")} canReadRules={can(principal.roles, "rules:read")} canCreateDirectory={can(principal.roles, "directories:write")} />
    </>
  );
}
