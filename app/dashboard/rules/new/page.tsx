import Link from "next/link";
import { PageHeader } from "@/components/ui/page-header";
import { requirePagePermission } from "@/lib/auth/principal";
import { getPrisma } from "@/lib/db/client";
import { RuleForm } from "../rule-form";

export const metadata = { title: "New access rule" };

const one = (v: string | string[] | undefined) => (typeof v === "string" && v.length <= 100 ? v : undefined);

export default async function NewRulePage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requirePagePermission("rules:write");
  const params = await searchParams;
  const prisma = await getPrisma();
  const [repositories, group, contract] = await Promise.all([
    prisma.repository.findMany({ select: { id: true, name: true }, orderBy: { name: "asc" }, take: 1000 }),
    one(params.groupId) ? prisma.group.findUnique({ where: { id: one(params.groupId) }, include: { directory: { select: { name: true } } } }) : null,
    one(params.contractId) ? prisma.contract.findUnique({ where: { id: one(params.contractId) }, include: { repository: { select: { name: true } } } }) : null,
  ]);
  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm"><Link className="text-brand-700 underline underline-offset-2 hover:text-brand-900" href="/dashboard/rules">Access rules</Link></nav>
      <PageHeader title="New access rule" description="You will see who gains access, to how many contracts, before the rule is saved." />
      <RuleForm
        repositories={repositories}
        initial={{
          group: group ? { id: group.id, label: group.displayName, secondary: group.directory.name } : null,
          contract: contract ? { id: contract.id, label: contract.title, secondary: contract.repository.name } : null,
          repositoryId: one(params.repositoryId),
        }}
      />
    </>
  );
}
