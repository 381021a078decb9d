import Link from "next/link";
import { notFound } from "next/navigation";
import { PageHeader } from "@/components/ui/page-header";
import { requirePagePermission } from "@/lib/auth/principal";
import { contractView, contractsForPages } from "@/lib/contracts/queries";
import { ContractForm } from "../../contract-form";

export const metadata = { title: "Edit contract" };

export default async function EditContractPage({ params }: { params: Promise<{ id: string }> }) {
  await requirePagePermission("contracts:write");
  const { id } = await params;
  const [contract, repositories] = await Promise.all([contractsForPages.contract(id), contractsForPages.repositoryOptions()]);
  if (!contract) notFound();
  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm">
        <Link className="text-brand-700 underline underline-offset-2 hover:text-brand-900" href={`/dashboard/contracts/${contract.id}`}>{contract.title}</Link>
      </nav>
      <PageHeader title="Edit contract" description="Changes to repository, type, confidentiality or end date change who can open it; the history keeps the previous values." />
      <ContractForm initial={contractView(contract)} repositories={repositories} />
    </>
  );
}
