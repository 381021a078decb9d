import Link from "next/link";
import { requirePagePermission } from "@/lib/auth/principal";
import { can } from "@/lib/auth/permissions";
import { RepositoryDetailView } from "./repository-detail-view";

export const metadata = { title: "Repository" };

export default async function RepositoryPage({ params }: { params: Promise<{ id: string }> }) {
  const principal = await requirePagePermission("contracts:read");
  const { id } = await params;
  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm">
        <Link className="text-brand-700 underline underline-offset-2 hover:text-brand-900" href="/dashboard/repositories">Repositories</Link>
      </nav>
      <RepositoryDetailView
        id={id}
        canWrite={can(principal.roles, "contracts:write")}
        canReadRules={can(principal.roles, "rules:read")}
        canWriteRules={can(principal.roles, "rules:write")}
        canReview={can(principal.roles, "access:review")}
      />
    </>
  );
}
