import { PageHeader } from "@/components/ui/page-header";
import { requirePagePermission } from "@/lib/auth/principal";
import { can } from "@/lib/auth/permissions";
import { RepositoriesView } from "./repositories-view";

export const metadata = { title: "Repositories" };

export default async function RepositoriesPage() {
  const principal = await requirePagePermission("contracts:read");
  return (
    <>
      <PageHeader title="Repositories" description="Workspaces of contracts. Access rules grant on a repository, optionally narrowed by contract type and confidentiality." />
      <RepositoriesView canWrite={can(principal.roles, "contracts:write")} />
    </>
  );
}
