import Link from "next/link";
import { PageHeader } from "@/components/ui/page-header";
import { requirePagePermission } from "@/lib/auth/principal";
import { ErasureList } from "./erasure-list";

export const metadata = { title: "Erasures" };

export default async function ErasuresPage() {
  await requirePagePermission("audit:read");
  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm">
        <Link className="text-brand-700 underline underline-offset-2 hover:text-brand-900" href="/dashboard/audit">Audit trail</Link>
      </nav>
      <PageHeader
        title="Erasures"
        description="GDPR erasures of users' personal data (SCIM deletions and the admin action), newest first. Each has a signed certificate: what was erased, what was retained and why, and the access the person had left (none)."
      />
      <ErasureList />
    </>
  );
}
