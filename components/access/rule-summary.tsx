// How a rule reads in lists: principal, scope and validity in words.
import Link from "next/link";
import type { RuleView } from "@/lib/rules/queries";
import { CONFIDENTIALITY_LABELS } from "./badges";
import { Time } from "@/components/ui/time";

type RuleLike = Pick<
  RuleView,
  "principalType" | "groupId" | "userId" | "principalName" | "repositoryId" | "contractId" | "scopeName" | "contractTypes" | "confidentialityCeiling" | "validFrom" | "validUntil" | "graceDaysAfterEnd"
> & { principalDeleted?: boolean };

export function RulePrincipal({ rule }: { rule: RuleLike }) {
  if (rule.principalType === "user") {
    return (
      <span>
        <span className="text-slate-500">user </span>
        <Link className="font-medium text-brand-700 hover:underline" href={`/dashboard/users/${rule.userId}`}>{rule.principalName ?? rule.userId}</Link>
      </span>
    );
  }
  return (
    <span>
      <span className="text-slate-500">group </span>
      {rule.principalDeleted ? (
        // A deleted group keeps its name (it is not personal data); there is no page to link to.
        <span>
          <span className="font-medium">{rule.principalName ?? "unknown group"}</span> <span className="text-xs italic text-slate-500">(deleted)</span>
        </span>
      ) : rule.principalName ? (
        <Link className="font-medium text-brand-700 hover:underline" href={`/dashboard/groups/${rule.groupId}`}>{rule.principalName}</Link>
      ) : (
        <span className="italic">deleted group</span>
      )}
    </span>
  );
}

export function RuleScope({ rule }: { rule: RuleLike }) {
  if (rule.contractId) {
    return (
      <span>
        <span className="text-slate-500">contract </span>
        <Link className="text-brand-700 underline underline-offset-2 hover:text-brand-900" href={`/dashboard/contracts/${rule.contractId}`}>{rule.scopeName ?? rule.contractId}</Link>
      </span>
    );
  }
  const narrowing = [
    rule.contractTypes.length ? `types: ${rule.contractTypes.join(", ")}` : null,
    rule.confidentialityCeiling ? `up to ${CONFIDENTIALITY_LABELS[rule.confidentialityCeiling] ?? rule.confidentialityCeiling}` : null,
  ].filter(Boolean);
  return (
    <span>
      <span className="text-slate-500">repository </span>
      <Link className="text-brand-700 underline underline-offset-2 hover:text-brand-900" href={`/dashboard/repositories/${rule.repositoryId}`}>{rule.scopeName ?? rule.repositoryId}</Link>
      {narrowing.length > 0 && <span className="block text-xs text-slate-500">{narrowing.join(" · ")}</span>}
    </span>
  );
}

export function RuleValidity({ rule }: { rule: RuleLike }) {
  const parts = [
    rule.validFrom ? <>from <Time value={rule.validFrom} /></> : null,
    rule.validUntil ? <>until <Time value={rule.validUntil} /></> : null,
    rule.graceDaysAfterEnd !== null && rule.graceDaysAfterEnd !== undefined ? <>contract end + {rule.graceDaysAfterEnd} days</> : null,
  ].filter(Boolean);
  return <span className="text-sm">{parts.length ? parts.map((p, i) => <span key={i}>{i > 0 && " · "}{p}</span>) : "open-ended"}</span>;
}

