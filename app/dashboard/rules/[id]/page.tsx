import Link from "next/link";
import { requirePagePermission } from "@/lib/auth/principal";
import { can } from "@/lib/auth/permissions";
import { RuleDetailView } from "./rule-detail-view";

export const metadata = { title: "Access rule" };

export default async function RulePage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<{ saved?: string }> }) {
  const principal = await requirePagePermission("rules:read");
  const { id } = await params;
  const { saved } = await searchParams;
  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm"><Link className="text-brand-700 underline underline-offset-2 hover:text-brand-900" href="/dashboard/rules">Access rules</Link></nav>
      <RuleDetailView id={id} canWrite={can(principal.roles, "rules:write")} justSaved={saved === "1"} />
    </>
  );
}
