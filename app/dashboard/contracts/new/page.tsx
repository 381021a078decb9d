import Link from "next/link";
import { PageHeader } from "@/components/ui/page-header";
import { requirePagePermission } from "@/lib/auth/principal";
import { contractsForPages } from "@/lib/contracts/queries";
import { ContractForm } from "../contract-form";

export const metadata = { title: "New contract" };

export default async function NewContractPage({ searchParams }: { searchParams: Promise<{ repositoryId?: string }> }) {
  await requirePagePermission("contracts:write");
  const { repositoryId } = await searchParams;
  const repositories = await contractsForPages.repositoryOptions();
  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm"><Link className="text-brand-700 underline underline-offset-2 hover:text-brand-900" href="/dashboard/contracts">Contracts</Link></nav>
      <PageHeader title="New contract" />
      {repositories.length === 0 ? (
        <p className="text-sm text-slate-600">Create a <Link className="text-brand-700 underline" href="/dashboard/repositories">repository</Link> first: every contract belongs to one.</p>
      ) : (
        <ContractForm repositories={repositories} defaultRepositoryId={typeof repositoryId === "string" ? repositoryId : undefined} />
      )}
    </>
  );
}
