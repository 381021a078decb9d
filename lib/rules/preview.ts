// The change preview: who would gain and who would lose access if a rule change were saved. The
// change is validated exactly as the write (./service.ts) would validate it; nothing is written.
import type { z } from "zod";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { AppError } from "@/lib/errors";
import { CONFIDENTIALITIES } from "@/lib/access/levels";
import { previewRuleChange, type ByConfidentiality, type ContractImpact, type UserImpact } from "@/lib/access/impact";
import { pageWindow, type PageInput } from "@/lib/pagination";
import { now as clockNow } from "@/lib/clock";
import { contentOf, type RuleContent } from "./content";
import { previewRuleInput } from "./schemas";
import { applyPatch, contentFromCreate, fail, referenceProblems, ruleProblems } from "./service";

/**
 * The content a preview compares: the rule as it would be after the change (create / update), or
 * as it is (delete). Validates exactly like the write would, without writing.
 */
export async function proposedRuleContent(
  prisma: PrismaClient,
  input: z.output<typeof previewRuleInput>,
): Promise<{ before: RuleContent | null; after: RuleContent | null; ruleId: string | null }> {
  const now = clockNow();
  if (input.action === "create") {
    const after = contentFromCreate(input.rule);
    const problems = [...ruleProblems(after, now), ...(await referenceProblems(prisma, after))];
    if (problems.length) fail(problems);
    return { before: null, after, ruleId: null };
  }
  const rule = await prisma.accessRule.findUnique({ where: { id: input.ruleId } });
  if (!rule || rule.deletedAt) throw new AppError("not_found", `Access rule ${input.ruleId} not found`);
  const current = await prisma.accessRuleVersion.findUniqueOrThrow({
    where: { ruleId_version: { ruleId: rule.id, version: rule.currentVersion } },
  });
  const before = contentOf(current);
  if (input.action === "delete") return { before, after: null, ruleId: rule.id };
  const { problems: patchProblems, ...after } = applyPatch(before, input.rule);
  const problems = [...patchProblems, ...ruleProblems(after, now, before), ...(await referenceProblems(prisma, after, before))];
  if (problems.length) fail(problems);
  return { before, after, ruleId: rule.id };
}

const byConfidentialityNames = (b: ByConfidentiality) =>
  Object.fromEntries(CONFIDENTIALITIES.map((name, rank) => [name, b[rank as 0 | 1 | 2 | 3]]));

const userImpactView = (u: UserImpact) => ({ ...u, byConfidentiality: byConfidentialityNames(u.byConfidentiality) });

const contractImpactView = (c: ContractImpact) => ({ ...c, contract: { ...c.contract, confidentiality: CONFIDENTIALITIES[c.contract.confidentiality] } });

/**
 * Who would gain and who would lose access, to how many contracts by confidentiality, if the
 * rule change were saved (engine: previewRuleChange), and which contracts (one page, by title).
 * Validates the change exactly as the write would; writes nothing.
 *
 * A rule that starts later is previewed at its start (`atBasis: "rule_start"`): who gains what
 * when it starts, as things stand now (memberships, other rules and contracts as of now; contracts
 * ending before then and rules expiring by then no longer count). Otherwise now (`atBasis: "now"`).
 */
export async function previewRule(prisma: PrismaClient, options: { input: unknown; limit?: number; contractsPage?: PageInput }) {
  const { before, after, ruleId } = await proposedRuleContent(prisma, previewRuleInput.parse(options.input));
  const now = clockNow();
  const start = (after ?? before)?.validFrom ?? null;
  const lookAhead = start !== null && start.getTime() > now.getTime();
  const w = pageWindow(options.contractsPage);
  const impact = await previewRuleChange(prisma, {
    after: after ?? undefined,
    ruleId: ruleId ?? undefined,
    limit: options.limit,
    at: lookAhead ? start : now,
    contracts: { offset: w.skip, limit: w.take },
  });
  return {
    ...impact,
    atBasis: lookAhead ? ("rule_start" as const) : ("now" as const),
    gained: impact.gained.map(userImpactView),
    lost: impact.lost.map(userImpactView),
    contracts: {
      page: w.page,
      pageSize: w.pageSize,
      gained: { total: impact.totals.contractsGained, items: impact.contracts.gained.map(contractImpactView) },
      lost: { total: impact.totals.contractsLost, items: impact.contracts.lost.map(contractImpactView) },
    },
  };
}
