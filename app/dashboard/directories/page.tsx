import Link from "next/link";
import { PageHeader } from "@/components/ui/page-header";
import { can } from "@/lib/auth/permissions";
import { requirePagePermission } from "@/lib/auth/principal";
import { DIRECTORY_KINDS } from "@/lib/directories/service";
import { CreateDirectoryButton } from "./create-directory";
import { DirectoriesTable } from "./directories-table";

export const metadata = { title: "Directories" };

export default async function DirectoriesPage() {
  const principal = await requirePagePermission("directories:read");
  return (
    <>
      <PageHeader
        title="Directories"
        description="Each identity provider that provisions people and groups over SCIM is a directory with its own credentials. Health is measured over the last 24 hours of the request log."
        actions={
          <div className="flex flex-wrap items-center gap-3">
            <Link href="/dashboard/directories/requests" className="text-sm font-medium text-brand-700 hover:underline">
              All SCIM requests
            </Link>
            {can(principal.roles, "directories:write") && <CreateDirectoryButton kinds={[...DIRECTORY_KINDS]} />}
          </div>
        }
      />
      <DirectoriesTable canCreate={can(principal.roles, "directories:write")} />
    </>
  );
}
