// What the /api/v1 review-campaign and exclusion operations answer, read off the functions that
// build the bodies (lib/reviews/queries.ts getCampaign, itemViews, campaignReport; lib/reviews/service.ts
// createDefinition; lib/exclusions/queries.ts views). Strict, as in response-schemas.ts: a field a
// service adds without describing it here fails app/api/v1/api.test.ts.
import { z } from "zod";
import { RECOMMENDATION_REASONS } from "@/lib/reviews/recommendation";
import { CONFIDENTIALITIES, LEVELS } from "@/lib/access/levels";
import { campaignConfig, DECISIONS, WALL_DECISIONS, WALL_QUESTIONS } from "@/lib/reviews/schemas";
import { WALL_KINDS, WALL_STATES } from "@/lib/walls/schemas";

const instant = z.iso.datetime().describe("RFC 3339 date-time (UTC)");
const count = z.number().int().min(0);
const pageMeta = { page: z.number().int().min(1), pageSize: z.number().int().min(1), total: count };
const decision = z.enum(DECISIONS);
const outcome = z.enum(["keep", "revoke"]);

export const reviewDefinitionResponse = z.strictObject({
  id: z.string(),
  name: z.string(),
  config: campaignConfig,
  createdBy: z.string().nullable(),
  ownerEmail: z.string().nullable().describe("The dashboard account that created it (told when its scheduled campaigns close); null when an API key did"),
  createdAt: instant,
  updatedAt: instant,
});

export const reviewDefinitionList = z.strictObject({ items: z.array(reviewDefinitionResponse).describe("The 200 most recent definitions") });

const campaignStatus = z
  .enum(["starting", "active", "closed", "failed"])
  .describe("starting: items being written in the background (see progress); failed: the start failed (see failure), nothing of it is left, start again");

const campaignKind = z
  .enum(["scheduled", "mover", "walls"])
  .describe("mover: started by a SCIM change of the person's department or manager (a directory setting); walls: a review of ethical walls (its items are under /wall-items)");

export const campaignSummary = z.strictObject({
  id: z.string(),
  name: z.string(),
  kind: campaignKind,
  status: campaignStatus,
  startedAt: instant,
  dueAt: instant,
  closedAt: instant.nullable(),
  items: count.describe("The population's size"),
  decided: count,
});

export const campaignPage = z.strictObject({ items: z.array(campaignSummary), ...pageMeta });

export const campaignResponse = z.strictObject({
  id: z.string(),
  definitionId: z.string(),
  name: z.string(),
  kind: campaignKind,
  status: campaignStatus,
  stage: z.number().int().min(1),
  config: campaignConfig.describe("The definition's configuration, frozen at start"),
  startedAt: instant.describe("The instant the population was frozen"),
  dueAt: instant,
  closedAt: instant.nullable(),
  populationHash: z.string().describe("SHA-256 of the whole population (recomputable from the report), also in the audit trail"),
  populationSize: count,
  progress: z.strictObject({ people: count, of: count }).describe("While starting: people whose items are written, of all people in the population"),
  failure: z.string().nullable().describe("Why the start failed (status failed)"),
  decided: count.describe("Items decided, carried-forward ones included"),
  carriedForward: count.describe("Items kept at start because a reviewer kept them, unchanged, in the previous campaign of the definition"),
  overdue: z.boolean(),
  reviewers: z.array(
    z.strictObject({
      reviewerId: z.string().nullable().describe("null: items nobody can review (no reviewer and no usable fallback)"),
      stage: z.number().int().min(1),
      total: count,
      decided: count,
      userName: z.string().nullable(),
      displayName: z.string().nullable(),
      overdue: z.boolean(),
    }),
  ),
  outcomes: z.array(
    z.strictObject({ decision: z.enum([...DECISIONS, ...WALL_DECISIONS]).nullable(), outcome: z.enum(["keep", "revoke", "remove", "lift"]).nullable(), items: count }),
  ).describe("Items by decision and outcome (a wall review: keep, remove, lift, dont_know)"),
});

const wallItemContent = {
  id: z.string(),
  campaignId: z.string(),
  question: z.enum(WALL_QUESTIONS).describe("wall: is this wall still needed; roster: should this person still be on this wall (or side)"),
  questionText: z.string(),
  decisions: z.array(z.enum(WALL_DECISIONS)).describe("The decisions this item takes"),
  wall: z.strictObject({ id: z.string(), name: z.string().nullable(), matterRef: z.string().nullable(), kind: z.enum(WALL_KINDS).nullable(), state: z.enum(WALL_STATES).nullable() }),
  side: z.strictObject({ id: z.string(), name: z.string().nullable() }).nullable(),
  person: z.strictObject({ id: z.string(), userName: z.string().nullable(), displayName: z.string().nullable(), department: z.string().nullable(), active: z.boolean().nullable() }).nullable(),
  role: z.enum(["insider", "screened", "side"]).nullable(),
  viaGroup: z.strictObject({ id: z.string(), name: z.string().nullable() }).nullable().describe("On the roster through this group (null: named directly)"),
  onRosterSince: instant.nullable(),
  acknowledgedAt: instant.nullable().describe("When the person acknowledged the wall's memo, as of the start (null: not)"),
  recommendation: z.enum(["remove"]).nullable(),
  recommendationReason: z.enum(["deactivated"]).nullable(),
  stage: z.number().int().min(1),
  reviewerId: z.string().nullable(),
  decision: z.enum(WALL_DECISIONS).nullable(),
  decidedAt: instant.nullable(),
  decidedBy: z.string().nullable(),
  justification: z.string().nullable(),
  secondsSpent: z.number().int().nullable(),
  outcome: z.enum(["keep", "remove", "lift"]).nullable().describe("Set at close: the decision, else keep (a wall review never removes or lifts by default)"),
  appliedAt: instant.nullable(),
  applyResult: z
    .enum(["removed", "not_on_roster", "wall_lifted", "lift_pending"])
    .nullable()
    .describe("removed: taken off the roster with the campaign as justification; lift_pending: a lift waits for an admin (see lift)"),
  lift: z
    .strictObject({ resolution: z.enum(["pending", "lifted", "declined"]), resolvedAt: instant.nullable(), resolvedBy: z.string().nullable(), reason: z.string().nullable() })
    .nullable(),
};

export const wallItemResponse = z.strictObject(wallItemContent);
export const campaignWallItemPage = z.strictObject({ items: z.array(wallItemResponse), ...pageMeta });


const itemReason = z.strictObject({
  versionId: z.string().describe("The rule version; with the group path, what the population hash reads"),
  ruleId: z.string(),
  version: z.number().int(),
  level: z.enum(LEVELS).nullable(),
  via: z.discriminatedUnion("kind", [
    z.strictObject({ kind: z.literal("group"), path: z.array(z.strictObject({ id: z.string(), name: z.string().nullable() })) }),
    z.strictObject({ kind: z.literal("direct") }),
  ]),
  since: z.string().describe("Since when the reason held, at the snapshot"),
});

const itemContent = {
  id: z.string(),
  campaignId: z.string(),
  person: z.strictObject({ id: z.string(), userName: z.string().nullable(), displayName: z.string().nullable(), department: z.string().nullable() }),
  repository: z.strictObject({ id: z.string(), name: z.string().nullable() }),
  contract: z.strictObject({ id: z.string(), title: z.string().nullable() }).nullable().describe("Set when the item is person × contract"),
  level: z.enum(LEVELS).nullable(),
  contracts: count.describe("Contracts of the item's scope the person could open at the snapshot"),
  confidentiality: z.enum(CONFIDENTIALITIES),
  reasons: z.array(itemReason),
  personStatus: z.string(),
  inactiveDays: z.number().int(),
  lastOpenedAt: instant.nullable().describe("The decision API's last permit to this person in the item's scope, when known"),
  recommendation: outcome.nullable(),
  recommendationReason: z.enum(RECOMMENDATION_REASONS).nullable().describe("Why: flagged_inactive, inactive (untouched by the directory), never_opened (nothing opened in scope for the definition's neverOpenedDays), kept_and_opened"),
  recommendationText: z.string().nullable().describe("The reason as a sentence"),
  stage: z.number().int().min(1),
  reviewerId: z.string().nullable(),
  decision: decision.nullable(),
  decidedAt: instant.nullable(),
  decidedBy: z.string().nullable(),
  justification: z.string().nullable(),
  secondsSpent: z.number().int().nullable(),
  bulk: z.boolean(),
  carriedForward: z.boolean().describe("Decided keep at start: unchanged since a reviewer kept it in the previous campaign of the definition"),
  outcome: outcome.nullable().describe("Set at close: the decision, else the campaign's default for undecided items"),
  appliedAt: instant.nullable(),
  exclusionId: z.string().nullable(),
  endedRuleId: z.string().nullable().describe("The direct grants (comma-separated rule ids) a revocation ended instead of excluding"),
  proof: z.unknown().describe("The engine's answer right after the revocation (null before)"),
};

export const campaignItemPage = z.strictObject({ items: z.array(z.strictObject(itemContent)), ...pageMeta });

/** An item's changes of reviewer (access and wall items alike: both are in ReviewAssignment). */
const reassignments = z
  .array(
    z.strictObject({
      stage: z.number().int().min(1),
      kind: z.enum(["reassigned", "escalated"]).describe("reassigned: by an admin; escalated: undecided after the campaign's escalation days, to the fallback reviewer"),
      fromReviewerId: z.string().nullable(),
      toReviewerId: z.string(),
      reason: z.string().nullable(),
      at: instant,
      eventId: z.string().nullable().describe("The audit event of the reassignment or escalation"),
    }),
  )
  .describe("Changes of the item's reviewer, oldest first");

export const campaignReportResponse = z.strictObject({
  campaign: campaignResponse,
  indicators: z.strictObject({
    decisions: count,
    medianSecondsPerDecision: z.number().nullable(),
    bulkShare: z.number().min(0).max(1),
    carriedForward: count.describe("Items carried forward (not counted among the reviewers' decisions)"),
    rubberStampSeconds: count,
    rubberStamps: z.array(z.strictObject({ reviewerId: z.string(), decisions: count, medianSeconds: z.number().nullable() })),
    revocations: count,
    applied: count,
    defaulted: count,
    wallRemovals: count.describe("A wall review: people taken off a wall's roster at close"),
    wallLiftsPending: count.describe("A wall review: lifts waiting for an admin's answer"),
  }),
  wallItems: z
    .array(
      z.strictObject({
        ...wallItemContent,
        history: z.array(
          z.strictObject({
            stage: z.number().int().min(1),
            decision: z.enum(WALL_DECISIONS),
            reviewerId: z.string().nullable(),
            decidedAt: instant,
            justification: z.string().nullable(),
            secondsSpent: z.number().int().nullable(),
            bulk: z.boolean(),
            eventId: z.string().nullable(),
          }),
        ),
        reassignments,
      }),
    )
    .describe("A wall review's items with their decision history (empty for an access review)"),
  items: z.array(
    z.strictObject({
      ...itemContent,
      history: z.array(
        z.strictObject({
          stage: z.number().int().min(1),
          decision,
          via: z.enum(["reviewer", "carry_forward"]).describe("carry_forward: no person decided; unchanged since kept in the previous campaign"),
          reviewerId: z.string().nullable().describe("null when carried forward"),
          decidedAt: instant,
          justification: z.string().nullable(),
          secondsSpent: z.number().int().nullable(),
          bulk: z.boolean(),
          eventId: z.string().nullable().describe("The audit event recording the decision"),
        }),
      ),
      reassignments,
    }),
  ),
});

export const reassignResponse = z.strictObject({
  reassigned: count.describe("Undecided items moved to the new reviewer"),
  keptBack: count.describe(
    "Undecided items the new reviewer may not review, left with the current reviewer: their own access or place on a roster (nobody reviews their own), an item of a scope an ethical wall screens them from, a wall that screens them",
  ),
});

const by = z.strictObject({ type: z.string().nullable(), id: z.string().nullable(), label: z.string().nullable() });

export const exclusionResponse = z.strictObject({
  id: z.string(),
  user: z.strictObject({ id: z.string(), userName: z.string().nullable(), displayName: z.string().nullable() }),
  scope: z.discriminatedUnion("kind", [
    z.strictObject({
      kind: z.literal("repository"),
      id: z.string(),
      name: z.string().nullable(),
      contractTypes: z.array(z.string()).describe("Only contracts of these types are denied (empty: all)"),
      confidentialityFloor: z.enum(CONFIDENTIALITIES).nullable().describe("Only contracts at or above this confidentiality are denied (null: all)"),
    }),
    z.strictObject({ kind: z.literal("contract"), id: z.string(), name: z.string().nullable() }),
  ]),
  source: z.enum(["admin", "campaign"]),
  campaignId: z.string().nullable(),
  reason: z.string(),
  validFrom: instant,
  validTo: instant.nullable(),
  active: z.boolean().describe("Denies now"),
  createdAt: instant,
  createdBy: by,
  lifted: z.strictObject({ at: instant, by, justification: z.string().nullable() }).nullable(),
  explanation: z.string().describe('One sentence: "Excluded by access review campaign \"name\", applied by …: reason"'),
});

export const exclusionPage = z.strictObject({ items: z.array(exclusionResponse), ...pageMeta });

export const signedCampaignReportResponse = z.strictObject({
  format: z.literal("custodian-campaign-report/1"),
  campaignId: z.string(),
  populationHash: z.string(),
  populationSize: count,
  report: campaignReportResponse.describe("The campaign report, exactly as signed"),
  exportedAt: instant,
  keyId: z.string().describe("The audit signing key's id (as for audit chain exports)"),
  publicKey: z.string().describe("The Ed25519 public key (SPKI PEM)"),
  signature: z.string().describe("Base64 Ed25519 signature of the canonical JSON (keys sorted, no whitespace) of every other field"),
});
