import { ContractsTable } from "@/components/contracts/contracts-table";
import { ButtonLink } from "@/components/ui/button";
import { PageHeader } from "@/components/ui/page-header";
import { requirePagePermission } from "@/lib/auth/principal";
import { can } from "@/lib/auth/permissions";
import { contractsForPages } from "@/lib/contracts/queries";

export const metadata = { title: "Contracts" };

export default async function ContractsPage() {
  const principal = await requirePagePermission("contracts:read");
  const repositories = await contractsForPages.repositoryOptions();
  const canWrite = can(principal.roles, "contracts:write");
  return (
    <>
      <PageHeader
        title="Contracts"
        description="Contract metadata from your contract system, the CSV import and this dashboard."
        actions={canWrite ? (
          <div className="flex gap-2">
            <ButtonLink href="/dashboard/contracts/import">Import CSV</ButtonLink>
            <ButtonLink variant="primary" href="/dashboard/contracts/new">New contract</ButtonLink>
          </div>
        ) : undefined}
      />
      <ContractsTable repositories={repositories} />
    </>
  );
}
