import Link from "next/link";
import { can } from "@/lib/auth/permissions";
import { requirePagePermission } from "@/lib/auth/principal";
import { contractsForPages } from "@/lib/contracts/queries";
import { UserDetailView } from "./user-detail-view";
import { linkableTypes } from "@/components/audit/named";
import { PersonWalls } from "@/components/walls/wall-notes";
import { wallPagesData } from "@/lib/walls/page-data";

export const metadata = { title: "User" };

export default async function UserPage({ params }: { params: Promise<{ id: string }> }) {
  const principal = await requirePagePermission("users:read");
  const { id } = await params;
  // The repository filter of the person's contract access, for roles that may list repositories.
  const repositories = can(principal.roles, "contracts:read") ? await contractsForPages.repositoryOptions() : undefined;
  const walls = can(principal.roles, "walls:read") ? await wallPagesData.ofPerson({ userId: id }) : [];
  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm">
        <Link className="text-brand-700 underline underline-offset-2 hover:text-brand-900" href="/dashboard/users">Users</Link>
      </nav>
      <UserDetailView id={id} canErase={can(principal.roles, "users:erase")} repositories={repositories} links={linkableTypes(principal.roles)} />
      <PersonWalls walls={walls} />
    </>
  );
}
