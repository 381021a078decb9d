// Review campaign inputs: the definition's configuration (what to review, who reviews, how), and
// the decisions reviewers send. Validated at every boundary (admin routes, /api/v1 later).
import { z } from "zod";
import { CONFIDENTIALITIES } from "@/lib/access/levels";

const id = z.string().trim().min(1).max(100);
const ids = z.array(id).max(1000).default([]);
const NO_CONTROL = /^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]*$/;

export const REVIEWER_KINDS = ["manager", "repository_owners", "named"] as const;
export const DECISIONS = ["keep", "revoke", "dont_know"] as const;
export type Decision = (typeof DECISIONS)[number];
export const UNDECIDED_DEFAULTS = ["keep", "revoke", "recommendation"] as const;
export const RECURRENCES = ["monthly", "quarterly", "semiannually", "annually"] as const;
export type Recurrence = (typeof RECURRENCES)[number];
/** Each recurrence's period in calendar months. */
export const RECURRENCE_MONTHS: Record<Recurrence, number> = { monthly: 1, quarterly: 3, semiannually: 6, annually: 12 };

export const campaignConfig = z.strictObject({
  scope: z
    .strictObject({
      repositoryIds: ids.describe("Only these repositories (empty: all)"),
      contractTypes: z.array(z.string().trim().min(1).max(100)).max(50).default([]).describe("Only these contract types (empty: all)"),
      confidentialityFloor: z.enum(CONFIDENTIALITIES).nullish().describe("Only contracts at or above this confidentiality"),
      counterparties: z
        .array(z.string().trim().min(1).max(200).regex(NO_CONTROL))
        .max(100)
        .default([])
        .describe("Only contracts with these counterparties, compared without case (empty: all)"),
      directoryIds: ids.describe("Only people of these directories (empty: all)"),
      userIds: ids.describe("Only these people (empty: all); a mover review names the person who moved"),
      groupIds: ids.describe("Only access coming through these groups (empty: any)"),
      ruleIds: ids.describe("Only access granted by these rules (empty: any)"),
      directOnly: z.boolean().default(false).describe("Only direct user grants"),
      inactiveDays: z.number().int().min(1).max(3650).nullish().describe("Only people inactive for this many days (or flagged inactive)"),
    })
    .default({ repositoryIds: [], contractTypes: [], counterparties: [], directoryIds: [], userIds: [], groupIds: [], ruleIds: [], directOnly: false }),
  walls: z
    .strictObject({
      wallIds: ids.describe("Only these walls (empty: every wall active when a campaign starts); drafts and lifted walls are left out"),
    })
    .nullish()
    .describe(
      "Set: a wall review (lib/reviews/wall-reviews.ts) instead of an access review — per active wall, \"is this wall still needed\" and, per person on its roster, \"should this person still be on this wall / side\"; the access scope and granularity are ignored",
    ),
  /** Person × repository by default; person × contract from this confidentiality on. */
  perContractFrom: z.enum(CONFIDENTIALITIES).nullish(),
  stages: z
    .array(z.strictObject({ reviewers: z.enum(REVIEWER_KINDS), namedReviewerIds: ids }))
    .min(1)
    .max(3)
    .describe("Each stage's reviewers; keep passes an item to the next stage, revoke ends it"),
  fallbackReviewerId: id.describe("Reviews what no stage reviewer can (no manager, no owner, self-review) and what stage reviewers don't know"),
  durationDays: z.number().int().min(1).max(365).default(14),
  undecided: z.enum(UNDECIDED_DEFAULTS).default("keep").describe("What closing does with items nobody decided"),
  justification: z.strictObject({ keep: z.boolean().default(false), revoke: z.boolean().default(true) }).default({ keep: false, revoke: true }),
  bulkAllowed: z.boolean().default(true).describe("Bulk decisions (never for strictly confidential items)"),
  /** Recommend revoke for people the directory has not touched for this many days. */
  inactivityRevokeDays: z.number().int().min(1).max(3650).default(90),
  recurrence: z
    .strictObject({
      every: z.enum(RECURRENCES),
      startAt: z.iso.datetime({ offset: true }).describe("The first occurrence; the next ones follow every period from it (same day of the month, or its last day)"),
    })
    .nullish()
    .describe("Starts a campaign of the definition automatically at each occurrence (the scheduler; one campaign per occurrence)"),
  reminderEveryDays: z.number().int().min(1).max(365).nullish().describe("Remind reviewers with undecided items every this many days after the start (e-mail and webhook)"),
  escalateAfterDays: z.number().int().min(1).max(365).nullish().describe("Items a reviewer left undecided this many days after receiving them go to the fallback reviewer"),
  neverOpenedDays: z
    .number()
    .int()
    .min(1)
    .max(3650)
    .nullish()
    .describe("Recommend revoke for people who opened nothing in the campaign's scope (no permit of the decision API) for this many days, having held access that long (unset: no such recommendation)"),
  /** Recommend keep for access kept unchanged in the previous campaign of the definition and opened within this many days. */
  recentlyOpenedDays: z.number().int().min(1).max(3650).default(90),
  carryForward: z
    .boolean()
    .default(false)
    .describe(
      "Decide keep at start for items unchanged since a reviewer kept them in the previous campaign of the definition (same person, resource and reasons), recorded as carried forward; never two campaigns in a row",
    ),
});
export type CampaignConfig = z.output<typeof campaignConfig>;

export const definitionInput = z.strictObject({
  name: z.string().trim().min(1).max(200).regex(NO_CONTROL),
  config: campaignConfig,
});

export const decisionInput = z.strictObject({
  itemIds: z.array(id).min(1).max(500),
  decision: z.enum(DECISIONS),
  justification: z.string().trim().max(2000).regex(NO_CONTROL).optional().transform((v) => v || undefined),
  /** Seconds the reviewer spent on the item (the queue measures it); for bulk, on the whole set. */
  secondsSpent: z.number().int().min(0).max(86_400).optional(),
});

const reason = z.string().trim().min(1).max(2000).regex(NO_CONTROL);

/** Extending a campaign: a later due date, and why (recorded in the audit trail). */
export const extendInput = z.strictObject({
  dueAt: z.iso.datetime({ offset: true }).describe("The new due date, after the current one and in the future"),
  reason,
});

/** Reassigning a reviewer's undecided items to another person (never to an item's own subject). */
export const reassignInput = z.strictObject({
  fromReviewerId: id.describe("The reviewer whose undecided items move"),
  toReviewerId: id.describe("The person who reviews them from now on"),
  reason,
});

/** Starting a campaign: an optional name (default: the definition's name and a number). */
export const startCampaignInput = z.strictObject({ name: z.string().trim().min(1).max(200).regex(NO_CONTROL).optional() }).optional();

export const WALL_QUESTIONS = ["wall", "roster"] as const;
export type WallQuestion = (typeof WALL_QUESTIONS)[number];
export const WALL_DECISIONS = ["keep", "remove", "lift", "dont_know"] as const;
export type WallDecision = (typeof WALL_DECISIONS)[number];

/** A reviewer's decision on wall review items: remove (a roster item) and lift (a wall item) always need a justification and are never in bulk. */
export const wallDecisionInput = z.strictObject({
  itemIds: z.array(id).min(1).max(500),
  decision: z.enum(WALL_DECISIONS),
  justification: z.string().trim().max(2000).regex(NO_CONTROL).optional().transform((v) => v || undefined),
  secondsSpent: z.number().int().min(0).max(86_400).optional(),
});

/** An admin's answer to a wall review's "lift": lift the wall now, or keep it; with the reason. */
export const resolveWallLiftInput = z.strictObject({
  action: z.enum(["lift", "keep"]).describe("lift: the wall is lifted now (its lift certificate issued); keep: the wall stays, the recommendation is declined"),
  reason,
});
