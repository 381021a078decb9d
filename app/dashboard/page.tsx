import { requirePagePermission } from "@/lib/auth/principal";

export const metadata = { title: "Overview" };

export default async function OverviewPage() {
  await requirePagePermission("overview:read");
  return (
    <div>
      <h1 className="text-2xl font-semibold text-brand-900">Overview</h1>
      <p className="mt-2 text-slate-600">Provisioning activity, access by repository and recent revocations appear here.</p>
    </div>
  );
}
