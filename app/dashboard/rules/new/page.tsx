import Link from "next/link";
import { PageHeader } from "@/components/ui/page-header";
import { requirePagePermission } from "@/lib/auth/principal";
import { contractsForPages } from "@/lib/contracts/queries";
import { rulesForPages } from "@/lib/rules/queries";
import { RuleForm } from "../rule-form";

export const metadata = { title: "New access rule" };

const one = (v: string | string[] | undefined) => (typeof v === "string" && v.length <= 100 ? v : undefined);

export default async function NewRulePage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requirePagePermission("rules:write");
  const params = await searchParams;
  const [repositories, start] = await Promise.all([
    contractsForPages.repositoryOptions(),
    rulesForPages.formStart({ groupId: one(params.groupId), contractId: one(params.contractId) }),
  ]);
  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm"><Link className="text-brand-700 underline underline-offset-2 hover:text-brand-900" href="/dashboard/rules">Access rules</Link></nav>
      <PageHeader title="New access rule" description="You will see who gains access, to how many contracts, before the rule is saved." />
      <RuleForm
        repositories={repositories}
        initial={{
          group: start.group,
          contract: start.contract,
          repositoryId: one(params.repositoryId),
        }}
      />
    </>
  );
}
