import { PageHeader } from "@/components/ui/page-header";
import { requirePagePermission } from "@/lib/auth/principal";
import { read } from "@/lib/db/read";
import { listDirectoryOptions } from "@/lib/directories/queries";
import { GroupsTable } from "./groups-table";

export const metadata = { title: "Groups" };

export default async function GroupsPage() {
  await requirePagePermission("groups:read");
  const directories = await read(listDirectoryOptions);
  return (
    <>
      <PageHeader title="Groups" description="Groups your identity providers provisioned, with their members, nesting and the access rules that use them." />
      <GroupsTable directories={directories} />
    </>
  );
}
