import Link from "next/link";
import { requirePagePermission } from "@/lib/auth/principal";
import { can } from "@/lib/auth/permissions";
import { GroupDetailView } from "./group-detail-view";

export const metadata = { title: "Group" };

export default async function GroupPage({ params }: { params: Promise<{ id: string }> }) {
  const principal = await requirePagePermission("groups:read");
  const { id } = await params;
  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm">
        <Link className="text-brand-700 underline underline-offset-2 hover:text-brand-900" href="/dashboard/groups">Groups</Link>
      </nav>
      <GroupDetailView id={id} canManageRoles={can(principal.roles, "accounts:manage")} canWriteRules={can(principal.roles, "rules:write")} />
    </>
  );
}
