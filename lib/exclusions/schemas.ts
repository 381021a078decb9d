// Exclusion inputs, as the admin routes (and later /api/v1) validate them.
import { z } from "zod";

const id = z.string().trim().min(1).max(100);
const NO_CONTROL = /^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]*$/;
/** A justification an auditor can read: a sentence, not a tick. */
export const justification = z.string().trim().min(10, "must say why (at least 10 characters)").max(2000).regex(NO_CONTROL);

export const createExclusionInput = z
  .strictObject({
    userId: id.describe("The person denied"),
    repositoryId: id.optional().describe("Scope: a whole repository …"),
    contractId: id.optional().describe("… or one contract"),
    reason: justification.describe("Why the person must not see it"),
    validUntil: z.iso
      .datetime({ offset: true })
      .transform((v) => new Date(v))
      .nullish()
      .describe("Denies until this instant, exclusive (none = until lifted)"),
  })
  .refine((v) => !v.repositoryId !== !v.contractId, { message: "give exactly one scope: repositoryId or contractId", path: ["repositoryId"] });

export const liftExclusionInput = z.strictObject({ justification: justification.describe("Why the deny ends") });

export const exclusionListQuery = z.object({
  userId: id.optional(),
  repositoryId: id.optional(),
  contractId: id.optional(),
  campaignId: id.optional(),
  /** "active" (valid now), "lifted" or "all" (default). */
  state: z.enum(["active", "lifted", "all"]).default("all"),
});
