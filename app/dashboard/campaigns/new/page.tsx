import { PageHeader } from "@/components/ui/page-header";
import { requirePagePermission } from "@/lib/auth/principal";
import { contractsForPages } from "@/lib/contracts/queries";
import { DefinitionForm } from "./definition-form";

export const metadata = { title: "New review definition" };

export default async function NewDefinitionPage() {
  await requirePagePermission("campaigns:manage");
  const repositories = await contractsForPages.repositoryOptions();
  return (
    <>
      <PageHeader title="New review definition" description="Save it, preview the item and reviewer counts, then start a campaign from the campaigns page." />
      <DefinitionForm repositories={repositories} />
    </>
  );
}
