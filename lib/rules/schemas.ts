// The access rule inputs, as the admin routes, /api/v1 and its OpenAPI document validate them.
import { z } from "zod";
import { CONFIDENTIALITIES, LEVELS } from "@/lib/access/levels";

const NO_CONTROL = /^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]*$/;

const id = z.string().trim().min(1).max(100);
const instant = z.iso.datetime({ offset: true }).transform((v) => new Date(v));

/** A rule's name: unique (case-insensitively) among the live rules of its scope's repository. */
const ruleName = z
  .string()
  .trim()
  .min(1, "is required")
  .max(200)
  .regex(NO_CONTROL, "must not contain control characters")
  .describe("The rule's name, unique (case-insensitively) among the live rules of the repository its scope lies in (a contract's repository for a contract rule)");

const ruleFields = {
  name: ruleName,
  groupId: id.optional().describe("Principal: a SCIM group, by id (never by display name) …"),
  userId: id.optional().describe("… or a single user: a time-boxed direct grant (needs validUntil)"),
  level: z.enum(LEVELS),
  repositoryId: id.optional().describe("Scope: a repository (optionally narrowed below) …"),
  contractId: id.optional().describe("… or one contract, by id"),
  contractTypes: z
    .array(z.string().trim().min(1).max(100))
    .max(50)
    .optional()
    .describe("Repository scope only: contract types covered (exact match; empty = all)"),
  confidentialityCeiling: z
    .enum(CONFIDENTIALITIES)
    .nullish()
    .describe("Repository scope only: the highest confidentiality covered (none = all)"),
  validFrom: instant.nullish().describe("The rule grants from this instant (none = from when it is written)"),
  validUntil: instant.nullish().describe("The rule grants until this instant, exclusive (none = open-ended)"),
  graceDaysAfterEnd: z
    .number()
    .int()
    .min(0)
    .max(3650)
    .nullish()
    .describe("Access continues this many days after a contract's end date (none = it ends with the contract)"),
  justification: z.string().trim().min(3, "is required").max(2000).regex(NO_CONTROL, "must not contain control characters"),
};

export const createRuleInput = z.object(ruleFields).strict();

/** PATCH: only the given fields change; null clears an optional one. Giving groupId switches the
 * principal to that group (and userId likewise); giving contractId switches the scope to it. */
export const updateRuleInput = z
  .object({
    ...ruleFields,
    name: ruleFields.name.optional().describe("Renames the rule (a new version)"),
    level: ruleFields.level.optional(),
    contractTypes: ruleFields.contractTypes.nullable(),
    justification: ruleFields.justification.optional(),
  })
  .strict();

export const deleteRuleInput = z
  .object({ justification: ruleFields.justification.optional().describe("Why the rule is removed") })
  .strict();

export const previewRuleInput = z.discriminatedUnion("action", [
  // Validated as the create would be (the name too), so the dashboard shows every missing field at once.
  z.object({ action: z.literal("create"), rule: createRuleInput }).strict(),
  z.object({ action: z.literal("update"), ruleId: id, rule: updateRuleInput }).strict(),
  z.object({ action: z.literal("delete"), ruleId: id }).strict(),
]);

export const listRulesInput = z.object({
  /** Part of the rule's current name, any case. */
  search: z.string().trim().max(200).optional(),
  groupId: id.optional(),
  userId: id.optional(),
  repositoryId: id.optional(),
  contractId: id.optional(),
  principalType: z.enum(["group", "user"]).optional(),
  includeDeleted: z
    .union([z.boolean(), z.enum(["true", "false"])])
    .optional()
    .transform((v) => v === true || v === "true"),
});
