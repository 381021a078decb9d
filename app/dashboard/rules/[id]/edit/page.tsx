import Link from "next/link";
import { notFound } from "next/navigation";
import { PageHeader } from "@/components/ui/page-header";
import { requirePagePermission } from "@/lib/auth/principal";
import { contractsForPages } from "@/lib/contracts/queries";
import { AppError } from "@/lib/errors";
import { rulesForPages } from "@/lib/rules/queries";
import { RuleForm } from "../../rule-form";

export const metadata = { title: "Edit access rule" };

export default async function EditRulePage({ params }: { params: Promise<{ id: string }> }) {
  await requirePagePermission("rules:write");
  const { id } = await params;
  const rule = await rulesForPages.rule({ id }).catch((err) => {
    if (err instanceof AppError && err.code === "not_found") notFound();
    throw err;
  });
  if (rule.deleted) notFound();
  const repositories = await contractsForPages.repositoryOptions();
  const label = (name: string | null, id: string | null) => ({ id: id ?? "", label: name ?? id ?? "", secondary: null });
  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm"><Link className="text-brand-700 underline underline-offset-2 hover:text-brand-900" href={`/dashboard/rules/${rule.id}`}>{rule.name}</Link></nav>
      <PageHeader title="Edit access rule" description={`Saving writes version ${rule.version + 1}; the current version stays in the history. You will see the impact before saving.`} />
      <RuleForm
        repositories={repositories}
        initial={{
          rule,
          group: rule.groupId ? label(rule.principalName, rule.groupId) : null,
          user: rule.userId ? label(rule.principalName, rule.userId) : null,
          contract: rule.contractId ? label(rule.scopeName, rule.contractId) : null,
        }}
      />
    </>
  );
}
