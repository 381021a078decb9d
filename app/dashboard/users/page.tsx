import { PageHeader } from "@/components/ui/page-header";
import { requirePagePermission } from "@/lib/auth/principal";
import { getPrisma } from "@/lib/db/client";
import { UsersTable } from "./users-table";

export const metadata = { title: "Users" };

export default async function UsersPage() {
  await requirePagePermission("users:read");
  const directories = await (await getPrisma()).directory.findMany({ select: { id: true, name: true }, orderBy: { name: "asc" } });
  return (
    <>
      <PageHeader title="Users" description="Everyone your identity providers provisioned, active or deactivated." />
      <UsersTable directories={directories} />
    </>
  );
}
