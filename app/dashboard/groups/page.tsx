import { PageHeader } from "@/components/ui/page-header";
import { requirePagePermission } from "@/lib/auth/principal";
import { directoriesForPages } from "@/lib/directories/queries";
import { GroupsTable } from "./groups-table";

export const metadata = { title: "Groups" };

export default async function GroupsPage() {
  await requirePagePermission("groups:read");
  const directories = await directoriesForPages.options();
  return (
    <>
      <PageHeader title="Groups" description="Groups your identity providers provisioned, with their members, nesting and the access rules that use them." />
      <GroupsTable directories={directories} />
    </>
  );
}
