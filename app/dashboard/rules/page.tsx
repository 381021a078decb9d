import { ButtonLink } from "@/components/ui/button";
import { PageHeader } from "@/components/ui/page-header";
import { requirePagePermission } from "@/lib/auth/principal";
import { can } from "@/lib/auth/permissions";
import { contractsForPages } from "@/lib/contracts/queries";
import { RulesList } from "./rules-list";

export const metadata = { title: "Access rules" };

export default async function RulesPage() {
  const principal = await requirePagePermission("rules:read");
  const repositories = await contractsForPages.repositoryOptions();
  return (
    <>
      <PageHeader
        title="Access rules"
        description="Which groups (or, as time-boxed exceptions, which people) get which level on which repositories and contracts. Every change is a new version; history is never rewritten."
        actions={can(principal.roles, "rules:write") ? <ButtonLink variant="primary" href="/dashboard/rules/new">New rule</ButtonLink> : undefined}
      />
      <RulesList repositories={repositories} />
    </>
  );
}
