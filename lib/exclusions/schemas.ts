// Exclusion inputs, as the admin routes (and later /api/v1) validate them.
import { z } from "zod";
import { CONFIDENTIALITIES } from "@/lib/access/levels";

const id = z.string().trim().min(1).max(100);
const NO_CONTROL = /^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]*$/;
/** A justification an auditor can read: a sentence, not a tick. */
export const justification = z.string().trim().min(10, "must say why (at least 10 characters)").max(2000).regex(NO_CONTROL);

export const createExclusionInput = z
  .strictObject({
    userId: id.describe("The person denied"),
    repositoryId: id.optional().describe("Scope: a whole repository …"),
    contractId: id.optional().describe("… or one contract"),
    contractTypes: z.array(z.string().trim().min(1).max(100)).max(50).optional().describe("A repository exclusion only on contracts of these types (default: all)"),
    confidentialityFloor: z.enum(CONFIDENTIALITIES).optional().describe("A repository exclusion only on contracts at or above this confidentiality (default: all)"),
    reason: justification.describe("Why the person must not see it"),
    validUntil: z.iso
      .datetime({ offset: true })
      .transform((v) => new Date(v))
      .nullish()
      .describe("Denies until this instant, exclusive (none = until lifted)"),
  })
  .refine((v) => !v.repositoryId !== !v.contractId, { message: "give exactly one scope: repositoryId or contractId", path: ["repositoryId"] })
  .refine((v) => v.repositoryId || (!v.contractTypes?.length && !v.confidentialityFloor), {
    message: "contractTypes and confidentialityFloor narrow a repository exclusion only",
    path: ["contractTypes"],
  });

export const liftExclusionInput = z.strictObject({ justification: justification.describe("Why the deny ends") });

export const exclusionListQuery = z.object({
  userId: id.optional(),
  repositoryId: id.optional(),
  contractId: id.optional(),
  campaignId: id.optional(),
  /** "active" (valid now), "lifted" or "all" (default). */
  state: z.enum(["active", "lifted", "all"]).default("all"),
});
