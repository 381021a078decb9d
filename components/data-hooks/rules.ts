// Data hooks for access rules (/api/admin/rules/**).
import { useQuery } from "@tanstack/react-query";
import type { RuleImpact } from "@/components/access/impact-preview";
import { getJson, sendJson } from "@/components/ui/api";
import type { RuleView } from "@/lib/rules/queries";
import { adminKey } from "./keys";

/** One version of a rule as /api/admin/rules/{id}/versions answers it. */
export interface RuleVersion {
  version: number;
  change: string;
  name: string;
  principalType: string;
  groupId: string | null;
  userId: string | null;
  level: string | null;
  repositoryId: string | null;
  contractId: string | null;
  contractTypes: string[];
  confidentialityCeiling: string | null;
  validFrom: string | null;
  validUntil: string | null;
  graceDaysAfterEnd: number | null;
  justification: string;
  author: { type: string; id: string | null; label: string | null };
  recordedFrom: string;
  recordedTo: string | null;
  eventId: string | null;
}

export function useRule(id: string) {
  const url = `/api/admin/rules/${id}`;
  return useQuery({ queryKey: adminKey(url), queryFn: () => getJson<RuleView>(url) });
}

export function useRuleVersions(ruleId: string) {
  const url = `/api/admin/rules/${ruleId}/versions`;
  return useQuery({ queryKey: adminKey(url), queryFn: () => getJson<{ items: RuleVersion[] }>(url) });
}

/** What deleting the rule (at this version) would take away; asked afresh each time it is shown. */
export function useRuleDeletePreview(rule: { id: string; version: number }, options: { enabled: boolean }) {
  return useQuery({
    queryKey: [...adminKey(`/api/admin/rules/${rule.id}`), "delete-preview", String(rule.version)],
    queryFn: () => sendJson<RuleImpact>("POST", "/api/admin/rules/preview", { action: "delete", ruleId: rule.id }),
    enabled: options.enabled,
    staleTime: 0,
  });
}
