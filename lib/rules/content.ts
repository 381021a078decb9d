// A rule version's content, shared by the writes (what a version stores and what the audit event
// shows) and the reads (what the API answers).
import type { AccessRuleVersion } from "@/lib/generated/prisma/client";
import { confidentialityFromRank, levelFromRank } from "@/lib/access/levels";

/** What a version stores, names already turned into ranks. */
export interface RuleContent {
  name: string;
  principalType: "group" | "user";
  groupId: string | null;
  userId: string | null;
  level: number;
  repositoryId: string | null;
  contractId: string | null;
  contractTypes: string[];
  confidentialityCeiling: number | null;
  validFrom: Date | null;
  validUntil: Date | null;
  graceDaysAfterEnd: number | null;
  justification: string;
}

export function contentOf(v: AccessRuleVersion): RuleContent {
  return {
    name: v.name,
    principalType: v.principalType === "user" ? "user" : "group",
    groupId: v.groupId,
    userId: v.userId,
    level: v.level,
    repositoryId: v.repositoryId,
    contractId: v.contractId,
    contractTypes: Array.isArray(v.contractTypes) ? (v.contractTypes as string[]) : [],
    confidentialityCeiling: v.confidentialityCeiling,
    validFrom: v.validFrom,
    validUntil: v.validUntil,
    graceDaysAfterEnd: v.graceDaysAfterEnd,
    justification: v.justification,
  };
}

/** What the audit trail and the API show of a rule's content (names, ISO instants). */
export function ruleSnapshot(c: RuleContent) {
  return {
    name: c.name,
    principalType: c.principalType,
    groupId: c.groupId,
    userId: c.userId,
    level: levelFromRank(c.level),
    repositoryId: c.repositoryId,
    contractId: c.contractId,
    contractTypes: c.contractTypes,
    confidentialityCeiling: c.confidentialityCeiling === null ? null : confidentialityFromRank(c.confidentialityCeiling),
    validFrom: c.validFrom?.toISOString() ?? null,
    validUntil: c.validUntil?.toISOString() ?? null,
    graceDaysAfterEnd: c.graceDaysAfterEnd,
    justification: c.justification,
  };
}
