// What /api/v1 answers, as zod schemas read off the services that build the bodies (contractView,
// repositoryView, the rule views, the access engine's reasons, the impact preview). Objects are
// strict: the document says `additionalProperties: false`, so a field a service adds without
// describing it here fails app/api/v1/api.test.ts instead of drifting silently.
import { z } from "zod";
import { CONFIDENTIALITIES, LEVELS } from "@/lib/access/levels";
import { CONTRACT_STATUSES } from "@/lib/contracts/schemas";

// Dates leave the services as Date or toISOString(); both serialize to UTC with a Z.
const instant = z.iso.datetime().describe("RFC 3339 date-time (UTC)");
// Dates given date-only come back as the day they were given (README "Dates and time zones").
const dayOrInstant = z.union([z.iso.date(), instant]).describe("A calendar date (YYYY-MM-DD, in ACCESS_TIME_ZONE) when given date-only, else an RFC 3339 date-time (UTC)");
const level = z.enum(LEVELS);
const confidentiality = z.enum(CONFIDENTIALITIES);
const count = z.number().int().min(0);

export const errorResponse = z.strictObject({
  error: z.strictObject({
    code: z.string().describe("invalid_input, unauthorized, forbidden, not_found, conflict, too_large, internal_error"),
    message: z.string(),
    details: z
      .unknown()
      .optional()
      .describe("Field problems [{path, message}], bulk item problems {items: [{index, path, message}]}, or user candidates"),
  }),
});

export const contractResponse = z.strictObject({
  id: z.string(),
  externalRef: z.string().nullable(),
  title: z.string(),
  counterparty: z.string().nullable(),
  contractType: z.string(),
  confidentiality,
  status: z.enum(CONTRACT_STATUSES),
  effectiveDate: dayOrInstant.nullable(),
  endDate: dayOrInstant.nullable().describe("A date is inclusive: access through rules runs through that day in ACCESS_TIME_ZONE; an instant is exclusive"),
  accessEndsAt: instant.nullable().describe("The instant access through rules ends (before grace days): the start of the day after endDate in ACCESS_TIME_ZONE, or endDate itself"),
  owner: z.string().nullable(),
  tags: z.array(z.string()),
  repository: z.strictObject({ id: z.string(), name: z.string() }),
  version: z.number().int(),
  createdAt: instant,
  updatedAt: instant,
});

// PUT /api/v1/contracts/{ref} answers the contract and what the call did to it; the status says it too.
const outcome = (values: readonly [string, ...string[]]) =>
  z.enum(values).describe("What this call did: created (201), updated or unchanged (200)");
export const contractCreatedResponse = contractResponse.extend({ outcome: outcome(["created"]) });
export const contractReplacedResponse = contractResponse.extend({ outcome: outcome(["updated", "unchanged"]) });

const upsertResult = z.strictObject({
  index: z.number().int().min(0).describe("The item's position in the request"),
  id: z.string(),
  externalRef: z.string().nullable(),
  outcome: z.enum(["created", "updated", "unchanged"]),
  version: z.number().int(),
});

export const bulkResponse = z.strictObject({
  results: z.array(upsertResult),
  created: count,
  updated: count,
  unchanged: count,
});

/** A repository as created; the list adds its contract count. */
export const repositoryResponse = z.strictObject({
  id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  owner: z.string().nullable(),
  createdAt: instant,
  updatedAt: instant,
});

const pageMeta = { page: z.number().int().min(1), pageSize: z.number().int().min(1), total: count };

export const repositoryPage = z.strictObject({
  items: z.array(repositoryResponse.extend({ contracts: count })),
  ...pageMeta,
});

const author = z.strictObject({ type: z.string(), id: z.string().nullable(), label: z.string().nullable() });

const ruleName = z.string().describe("The rule's name: unique (case-insensitively) among the live rules of the repository its scope lies in");

const ruleContent = {
  name: ruleName,
  principalType: z.enum(["group", "user"]),
  groupId: z.string().nullable(),
  userId: z.string().nullable(),
  level,
  repositoryId: z.string().nullable(),
  contractId: z.string().nullable(),
  contractTypes: z.array(z.string()),
  confidentialityCeiling: confidentiality.nullable(),
  validFrom: instant.nullable(),
  validUntil: instant.nullable(),
  graceDaysAfterEnd: z.number().int().nullable(),
  justification: z.string(),
};

export const ruleResponse = z.strictObject({
  id: z.string(),
  version: z.number().int(),
  ...ruleContent,
  deleted: z.boolean(),
  deletedAt: instant.nullable(),
  principalName: z
    .string()
    .nullable()
    .describe("The group's displayName or the user's userName (now); a deleted group keeps the name it had (principalDeleted)"),
  principalDeleted: z.boolean().describe("The group the rule names has been deleted; principalName is the name it had then"),
  scopeName: z.string().nullable().describe("The repository's name, or for a contract rule the contract's title (now)"),
  author,
  createdAt: instant,
  updatedAt: instant,
});

export const rulePage = z.strictObject({ items: z.array(ruleResponse), ...pageMeta });

export const ruleVersionList = z.strictObject({
  items: z.array(
    z.strictObject({
      version: z.number().int(),
      change: z.enum(["created", "updated", "deleted"]),
      ...ruleContent,
      author,
      recordedFrom: instant.describe("When this version came into force in Custodian"),
      recordedTo: instant.nullable().describe("When the next version replaced it (null = current)"),
      eventId: z.string().nullable().describe("The audit event of this change"),
    }),
  ),
});

const ruleScope = z.discriminatedUnion("kind", [
  z.strictObject({
    kind: z.literal("repository"),
    repositoryId: z.string(),
    repositoryName: z.string().nullable(),
    contractTypes: z.array(z.string()),
    confidentialityCeiling: confidentiality.nullable(),
  }),
  z.strictObject({ kind: z.literal("contract"), contractId: z.string(), contractTitle: z.string().nullable().describe("The contract's title (now)") }),
]);

const reason = z
  .strictObject({
    level,
    winning: z.boolean().describe("This reason grants the effective (highest) level"),
    via: z.discriminatedUnion("kind", [
      z.strictObject({
        kind: z.literal("group"),
        path: z
          .array(
            z.strictObject({
              groupId: z.string(),
              displayName: z.string().nullable().describe("The group's name; a group deleted since keeps the name it had"),
              deleted: z.boolean().describe("The group has been deleted since"),
              memberSince: instant,
              addedEventId: z.string().nullable(),
            }),
          )
          .describe("path[0] is the group the user is a direct member of; the last hop is the group the rule names"),
      }),
      z.strictObject({ kind: z.literal("direct") }),
    ]),
    rule: z.strictObject({
      ruleId: z.string(),
      name: ruleName.describe("The rule's name as of this version"),
      versionId: z.string(),
      version: z.number().int(),
      level,
      author,
      justification: z.string(),
      scope: ruleScope,
      validFrom: instant.nullable(),
      validUntil: instant.nullable(),
      graceDaysAfterEnd: z.number().int().nullable(),
      recordedFrom: instant,
      eventId: z.string().nullable(),
    }),
    contract: z.strictObject({
      id: z.string(),
      repositoryId: z.string(),
      repositoryName: z.string().nullable(),
      endDate: instant.nullable(),
      grantsUntil: instant.nullable().describe("When this reason stops granting: the earlier of validUntil and end date + grace"),
    }),
  })
  .describe("One chain of facts: user ← group(s) ← rule version ← repository/contract");

const userRef = z.strictObject({
  id: z.string(),
  userName: z.string().nullable().describe("Null when the person has since been deleted"),
  displayName: z.string().nullable(),
  directoryId: z.string().nullable(),
});
const contractSummary = z.strictObject({ id: z.string(), externalRef: z.string().nullable(), title: z.string() });
const contractRef = z.strictObject({
  id: z.string(),
  title: z.string().nullable(),
  externalRef: z.string().nullable(),
  repositoryId: z.string(),
  repositoryName: z.string().nullable().describe("The repository the contract was in at `at` (its name now)"),
  confidentiality,
  contractType: z.string(),
});

// lib/access/effective-access.ts: Denial.
const denial = z
  .discriminatedUnion("code", [
    z.strictObject({ code: z.literal("user_not_yet_provisioned"), provisionedAt: instant.nullable().describe("When the person was provisioned (null: never)") }),
    z.strictObject({ code: z.literal("user_deleted"), at: instant.describe("When the person was deleted") }),
    z.strictObject({ code: z.literal("user_inactive"), since: instant.describe("Deactivated since") }),
    z.strictObject({ code: z.literal("contract_not_yet_created"), createdAt: instant.nullable().describe("When the contract was created (null: never)") }),
    z.strictObject({ code: z.literal("contract_ended"), endedAt: instant.describe("The contract's end date (no rule's grace days still cover it)") }),
    z.strictObject({ code: z.literal("grant_expired"), ruleId: z.string(), ruleName: ruleName, validUntil: instant.describe("The rule granted until this instant") }),
    z.strictObject({ code: z.literal("grant_not_started"), ruleId: z.string(), ruleName: ruleName, validFrom: instant.describe("The rule grants from this instant") }),
    z.strictObject({ code: z.literal("level_too_low"), level: level.describe("The level rules grant"), requiredLevel: level }),
    z.strictObject({ code: z.literal("no_rule") }).describe("No rule in force names the person (directly or through their groups) and covers the contract"),
    z
      .strictObject({
        code: z.literal("excluded"),
        exclusionId: z.string(),
        source: z.string().describe("Who set it: admin, or campaign (a review revocation)"),
        campaignId: z.string().nullable(),
        reason: z.string(),
        scope: z.enum(["repository", "contract"]).describe("The exclusion names the contract or its whole repository"),
        since: instant.describe("The exclusion denies from this instant"),
        by: z.string().nullable().describe("Who created the exclusion"),
      })
      .describe("An exclusion beats every grant: the person is denied this contract whatever the rules say"),
    z
      .strictObject({
        code: z.literal("wall"),
        wallId: z.string(),
        wallName: z.string(),
        kind: z.enum(["inclusionary", "exclusionary", "sides"]),
        sideId: z.string().nullable().describe("The side whose scope holds the contract (walls of sides)"),
        sideName: z.string().nullable(),
        personSideId: z.string().nullable().describe("The person's own side, when they are on another side"),
        personSideName: z.string().nullable(),
        reason: z.enum(["screened", "not_insider", "other_side", "not_acknowledged"]),
        since: instant.describe("The wall has been in force since"),
      })
      .describe("An ethical wall beats every grant (shown to keys with the walls:read scope)"),
    z.strictObject({ code: z.literal("denied") }).describe("Denied for a reason this caller is not told"),
  ])
  .describe("A fact that stands in the way of access at `at`");

export const accessCheckResponse = z.strictObject({
  allowed: z.boolean(),
  level: level.nullable().describe("The effective (highest) level, null = no access"),
  requiredLevel: level,
  at: instant,
  user: userRef,
  contract: contractSummary,
  reasons: z.array(reason),
  denial: z.array(denial).describe("Why not: empty when allowed; several may apply at once"),
});

export const contractAccessResponse = z.strictObject({
  contract: contractSummary,
  at: instant,
  ...pageMeta,
  items: z.array(
    z.strictObject({
      user: userRef,
      level,
      since: instant
        .nullable()
        .describe("From when the person has had access at this level or higher without a break, up to `at` (membership and nesting, rule versions and their windows, active status, the contract's revisions and end date all counted)"),
      reasons: z.array(reason),
    }),
  ),
});

export const userContractsResponse = z.strictObject({
  user: userRef,
  at: instant,
  ...pageMeta,
  items: z.array(z.strictObject({ contract: contractRef, level, reasons: z.array(reason) })),
});

const userImpact = z.strictObject({
  user: userRef,
  contracts: count,
  byConfidentiality: z.strictObject(Object.fromEntries(CONFIDENTIALITIES.map((c) => [c, count]))),
  changes: z.array(z.strictObject({ from: level.nullable(), to: level.nullable(), contracts: count })),
});

const contractImpact = z.strictObject({
  contract: z.strictObject({
    id: z.string(),
    title: z.string(),
    externalRef: z.string().nullable(),
    repositoryId: z.string(),
    repositoryName: z.string().nullable(),
    confidentiality,
  }),
  people: count.describe("How many people gain (or lose) access or level on it"),
});
const contractImpactList = z.strictObject({ total: count, items: z.array(contractImpact) });

export const previewResponse = z.strictObject({
  at: instant.describe("The instant previewed: now, or the rule's start when it starts later (atBasis)"),
  atBasis: z
    .enum(["now", "rule_start"])
    .describe("rule_start: the rule starts later, so the preview answers who gains what when it starts, as things stand now (memberships, other rules, contracts)"),
  gained: z.array(userImpact),
  lost: z.array(userImpact),
  totals: z.strictObject({
    usersGaining: count,
    usersLosing: count,
    contractsGained: count,
    contractsLost: count,
    grantsGained: count,
    grantsLost: count,
  }),
  truncated: z.boolean().describe("gained or lost lists fewer users than the totals"),
  contracts: z
    .strictObject({ page: count, pageSize: count, gained: contractImpactList, lost: contractImpactList })
    .describe("The contracts gaining and losing, one page of each by title (?page=&pageSize=)"),
});

/** The document itself: only its frame is described (it describes itself). */
export const openApiDocumentResponse = z.looseObject({
  openapi: z.literal("3.1.0"),
  info: z.looseObject({ title: z.string(), version: z.string() }),
  paths: z.record(z.string(), z.unknown()),
});
