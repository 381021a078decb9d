import { PageHeader } from "@/components/ui/page-header";
import { requirePagePermission } from "@/lib/auth/principal";
import { contractsForPages } from "@/lib/contracts/queries";
import { wallsForPages } from "@/lib/walls/queries";
import { DefinitionForm } from "./definition-form";

export const metadata = { title: "New review definition" };

export default async function NewDefinitionPage() {
  await requirePagePermission("campaigns:manage");
  const repositories = await contractsForPages.repositoryOptions();
  // Walls a wall review can cover now, with their roster size: the form previews its item count.
  const active = await wallsForPages.list({ filter: { state: "active" }, page: { page: 1, pageSize: 200 } });
  const walls = active.items.map((w) => ({ id: w.id, name: w.name, matterRef: w.matterRef, kind: w.kind, people: w.counts.people }));
  return (
    <>
      <PageHeader title="New review definition" description="Save it, preview the item and reviewer counts, then start a campaign from the campaigns page." />
      <DefinitionForm repositories={repositories} walls={walls} />
    </>
  );
}
