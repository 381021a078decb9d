import Link from "next/link";
import { PageHeader } from "@/components/ui/page-header";
import { requirePagePermission } from "@/lib/auth/principal";
import { directoriesForPages } from "@/lib/directories/queries";
import { RequestLogPanel } from "../request-log-panel";

export const metadata = { title: "SCIM requests" };

export default async function AllRequestsPage() {
  await requirePagePermission("directories:read");
  const directories = await directoriesForPages.options();
  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm">
        <Link href="/dashboard/directories" className="text-brand-700 underline underline-offset-2 hover:text-brand-900">Directories</Link>
        <span aria-hidden="true" className="text-slate-400"> / </span>
        <span className="text-slate-600">SCIM requests</span>
      </nav>
      <PageHeader title="SCIM requests" description="The request log of every directory, including requests refused before a directory was known (missing or wrong token)." />
      <RequestLogPanel directories={directories} />
    </>
  );
}
