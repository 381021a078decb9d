import Link from "next/link";
import { requirePagePermission } from "@/lib/auth/principal";
import { can } from "@/lib/auth/permissions";
import { ContractWalls } from "@/components/walls/wall-notes";
import { wallCoverageForPages } from "@/lib/walls/coverage";
import { ContractDetailView } from "./contract-detail-view";

export const metadata = { title: "Contract" };

export default async function ContractPage({ params }: { params: Promise<{ id: string }> }) {
  const principal = await requirePagePermission("contracts:read");
  const { id } = await params;
  const walls = can(principal.roles, "walls:read") ? await wallCoverageForPages.ofContract({ contractId: id }) : [];
  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm">
        <Link className="text-brand-700 underline underline-offset-2 hover:text-brand-900" href="/dashboard/contracts">Contracts</Link>
      </nav>
      <ContractDetailView
        id={id}
        canWrite={can(principal.roles, "contracts:write")}
        canReadRules={can(principal.roles, "rules:read")}
        canWriteRules={can(principal.roles, "rules:write")}
        canReview={can(principal.roles, "access:review")}
        canExport={can(principal.roles, "access:export")}
      />
      <ContractWalls walls={walls} />
    </>
  );
}
