import { PageHeader } from "@/components/ui/page-header";
import { requirePagePermission } from "@/lib/auth/principal";
import { getPrisma } from "@/lib/db/client";
import { GroupsTable } from "./groups-table";

export const metadata = { title: "Groups" };

export default async function GroupsPage() {
  await requirePagePermission("groups:read");
  const directories = await (await getPrisma()).directory.findMany({ select: { id: true, name: true }, orderBy: { name: "asc" } });
  return (
    <>
      <PageHeader title="Groups" description="Groups your identity providers provisioned, with their members, nesting and the access rules that use them." />
      <GroupsTable directories={directories} />
    </>
  );
}
