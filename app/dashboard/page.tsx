import { PageHeader } from "@/components/ui/page-header";
import { requirePagePermission } from "@/lib/auth/principal";
import { OverviewDashboard } from "./overview-dashboard";

export const metadata = { title: "Overview" };

export default async function OverviewPage() {
  await requirePagePermission("overview:read");
  return (
    <>
      <PageHeader title="Overview" description="Provisioning activity, users, access by repository, recent revocations and the health of each directory." />
      <OverviewDashboard />
    </>
  );
}
