import { PageHeader } from "@/components/ui/page-header";
import { requirePagePermission } from "@/lib/auth/principal";
import { can } from "@/lib/auth/permissions";
import { OverviewDashboard } from "./overview-dashboard";

export const metadata = { title: "Overview" };

export default async function OverviewPage() {
  const principal = await requirePagePermission("overview:read");
  return (
    <>
      <PageHeader title="Overview" description="Provisioning activity, users, access by repository, the health of each directory, access ending soon and recent revocations." />
      <OverviewDashboard canReviewAccess={can(principal.roles, "access:review")} canReadRules={can(principal.roles, "rules:read")} />
    </>
  );
}
