import { PageHeader } from "@/components/ui/page-header";
import { requirePagePermission } from "@/lib/auth/principal";
import { directoriesForPages } from "@/lib/directories/queries";
import { UsersTable } from "./users-table";

export const metadata = { title: "Users" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function UsersPage({ searchParams }: Props) {
  const params = await searchParams;
  const text = (v: unknown) => (typeof v === "string" && v.length <= 64 ? v : undefined);
  const inactivity = params.inactivity === "flagged" || params.inactivity === "suspended" ? params.inactivity : undefined;
  await requirePagePermission("users:read");
  const directories = await directoriesForPages.options();
  return (
    <>
      <PageHeader title="Users" description="Everyone your identity providers provisioned, active or deactivated." />
      <UsersTable directories={directories} initial={{ directoryId: text(params.directoryId), inactivity }} />
    </>
  );
}
