// Every /api/v1 operation in one table: method, path, scope, the zod schemas its handler validates
// the request with (imported from the services, never copied) and the zod schemas of what it
// answers per status. The OpenAPI document (openapi.ts) is built from this table alone, and
// app/api/v1/api.test.ts checks every response the tests produce against it.
import { z } from "zod";
import type { ApiScope } from "@/lib/api-keys/service";
import { accessCheckQuery, contractAccessQuery, userContractsQuery } from "@/lib/api-v1/access";
import {
  accessCheckResponse,
  bulkResponse,
  contractAccessResponse,
  contractCreatedResponse,
  contractReplacedResponse,
  contractResponse,
  errorResponse,
  openApiDocumentResponse,
  previewResponse,
  repositoryPage,
  repositoryResponse,
  rulePage,
  ruleResponse,
  ruleVersionList,
  userContractsResponse,
} from "@/lib/api-v1/response-schemas";
import { MAX_BULK_ITEMS, bulkContractsBody, contractBody, contractItem, repositoryInput } from "@/lib/contracts/schemas";
import { listRulesInput, previewRuleInput, createRuleInput, deleteRuleInput, updateRuleInput } from "@/lib/rules/schemas";
import { pageInput } from "@/lib/pagination";
import {
  campaignItemPage,
  campaignPage,
  campaignReportResponse,
  signedCampaignReportResponse,
  campaignResponse,
  exclusionPage,
  exclusionResponse,
  reviewDefinitionList,
  reviewDefinitionResponse,
} from "@/lib/api-v1/review-responses";
import { createExclusionInput, exclusionListQuery, liftExclusionInput } from "@/lib/exclusions/schemas";
import { campaignItemsQuery, reportQuery } from "@/lib/reviews/queries";
import { definitionInput, startCampaignInput } from "@/lib/reviews/schemas";

export type HttpMethod = "get" | "put" | "post" | "patch" | "delete";

/** An error status an operation can answer, beyond those every operation can (see openapi.ts). */
export type ErrorStatus = 400 | 404 | 409;

export interface ApiOperation {
  method: HttpMethod;
  /** OpenAPI path template, e.g. /api/v1/rules/{id}. */
  path: string;
  summary: string;
  tag: "Contracts" | "Access" | "Rules" | "Repositories" | "Reviews" | "Exclusions" | "Meta";
  /** The key needs one of these (an `admin` key holds every scope); null = public. */
  scopes: readonly ApiScope[] | null;
  params?: z.ZodObject;
  query?: z.ZodObject;
  /** The operation honours `If-Match: "<version>"`. */
  ifMatch?: boolean;
  body?: { schema: z.ZodType; required: boolean };
  /** Success statuses: what each answers. */
  responses: Partial<Record<200 | 201, { description: string; schema: z.ZodType }>>;
  errors: readonly ErrorStatus[];
  /** Said after the scope in the document's description (e.g. what an API key may not do here). */
  note?: string;
  /** The 200 answer is also available as text/csv (`?format=csv`). */
  csv?: boolean;
}

/**
 * Names under components/schemas. Request schemas are rendered as input (defaults optional,
 * dates as strings), response schemas as output; an operation's schema that is not named here
 * is inlined.
 */
export const namedRequestSchemas = {
  ContractUpsert: contractBody,
  // The handler checks the envelope (bulkContractsBody) apart from each item (contractItem) so it can
  // report problems by item index; the document shows both as one body.
  ContractBulk: bulkContractsBody.extend({ items: z.array(contractItem).min(1).max(MAX_BULK_ITEMS) }),
  RepositoryCreate: repositoryInput,
  RuleCreate: createRuleInput,
  RuleUpdate: updateRuleInput,
  RuleDelete: deleteRuleInput,
  RulePreview: previewRuleInput,
  ReviewDefinitionCreate: definitionInput,
  ExclusionCreate: createExclusionInput,
  ExclusionLift: liftExclusionInput,
} satisfies Record<string, z.ZodType>;

export const namedResponseSchemas = {
  Error: errorResponse,
  Contract: contractResponse,
  ContractCreated: contractCreatedResponse,
  ContractReplaced: contractReplacedResponse,
  ContractBulkResult: bulkResponse,
  Repository: repositoryResponse,
  RepositoryPage: repositoryPage,
  Rule: ruleResponse,
  RulePage: rulePage,
  RuleVersions: ruleVersionList,
  RulePreviewResult: previewResponse,
  AccessCheck: accessCheckResponse,
  ContractAccessPage: contractAccessResponse,
  UserContractsPage: userContractsResponse,
  ReviewDefinition: reviewDefinitionResponse,
  ReviewDefinitionList: reviewDefinitionList,
  Campaign: campaignResponse,
  CampaignPage: campaignPage,
  CampaignItemPage: campaignItemPage,
  CampaignReport: campaignReportResponse,
  SignedCampaignReport: signedCampaignReportResponse,
  Exclusion: exclusionResponse,
  ExclusionPage: exclusionPage,
} satisfies Record<string, z.ZodType>;

const contractRef = z.object({ ref: z.string().describe("Contract id or external reference") });
const ruleId = z.object({ id: z.string().describe("Rule id") });
const idOf = (what: string) => z.object({ id: z.string().describe(`${what} id`) });
// Reviewer decisions need a person: an API key is none, so it can neither decide nor be a reviewer.
const NO_DECISIONS =
  "Decisions on items are not part of this API: reviewers are people, who decide in the dashboard (My reviews) after signing in; an API key is nobody's identity, so it cannot decide, and self-review stays impossible.";
const ok = (schema: z.ZodType, description = "OK") => ({ description, schema });

export const API_V1_OPERATIONS: readonly ApiOperation[] = [
  {
    method: "get",
    path: "/api/v1/contracts/{ref}",
    summary: "A contract by id or external reference",
    tag: "Contracts",
    scopes: ["contracts:read"],
    params: contractRef,
    responses: { 200: ok(contractResponse) },
    errors: [404],
  },
  {
    method: "put",
    path: "/api/v1/contracts/{ref}",
    summary: "Create or replace the contract with this external reference",
    tag: "Contracts",
    scopes: ["contracts:write"],
    params: z.object({ ref: z.string().describe("The external reference (URL-encoded)") }),
    body: { schema: contractBody, required: true },
    responses: { 200: ok(contractReplacedResponse, "Updated (or unchanged)"), 201: ok(contractCreatedResponse, "Created") },
    errors: [400, 409],
  },
  {
    method: "post",
    path: "/api/v1/contracts/bulk",
    summary: `Upsert up to ${MAX_BULK_ITEMS} contracts by external reference, all or none`,
    tag: "Contracts",
    scopes: ["contracts:write"],
    body: { schema: namedRequestSchemas.ContractBulk, required: true },
    responses: { 200: ok(bulkResponse) },
    errors: [400, 409],
  },
  {
    method: "get",
    path: "/api/v1/contracts/{ref}/access",
    summary: "Who can open the contract, at which level and why (paginated, optionally at a past instant)",
    tag: "Access",
    scopes: ["access:read"],
    params: contractRef,
    query: contractAccessQuery,
    responses: { 200: ok(contractAccessResponse) },
    errors: [400, 404],
  },
  {
    method: "get",
    path: "/api/v1/access/check",
    summary: "Can this user open this contract at this level? With the reasons, or why not (denial); a future `at` is 400",
    tag: "Access",
    scopes: ["access:read"],
    query: accessCheckQuery,
    responses: { 200: ok(accessCheckResponse) },
    errors: [400, 404, 409],
  },
  {
    method: "get",
    path: "/api/v1/users/{ref}/contracts",
    summary: "The contracts a user can open, with level and reasons (paginated, optionally at a past instant)",
    tag: "Access",
    scopes: ["access:read"],
    params: z.object({ ref: z.string().describe("User id, userName or externalId") }),
    query: userContractsQuery,
    responses: { 200: ok(userContractsResponse) },
    errors: [400, 404, 409],
  },
  {
    method: "get",
    path: "/api/v1/rules",
    summary: "Access rules (current versions), filtered and paginated",
    tag: "Rules",
    scopes: ["rules:read"],
    query: pageInput.extend(listRulesInput.shape),
    responses: { 200: ok(rulePage) },
    errors: [400],
  },
  {
    method: "post",
    path: "/api/v1/rules",
    summary: "Create an access rule",
    tag: "Rules",
    scopes: ["rules:write"],
    body: { schema: createRuleInput, required: true },
    responses: { 201: ok(ruleResponse, "Created") },
    // 409: the name is taken by another live rule of the repository.
    errors: [400, 409],
  },
  {
    method: "get",
    path: "/api/v1/rules/{id}",
    summary: "An access rule (current version)",
    tag: "Rules",
    scopes: ["rules:read"],
    params: ruleId,
    responses: { 200: ok(ruleResponse) },
    errors: [404],
  },
  {
    method: "patch",
    path: "/api/v1/rules/{id}",
    summary: "Change a rule (writes a new version)",
    tag: "Rules",
    scopes: ["rules:write"],
    params: ruleId,
    ifMatch: true,
    body: { schema: updateRuleInput, required: true },
    responses: { 200: ok(ruleResponse) },
    errors: [400, 404, 409],
  },
  {
    method: "delete",
    path: "/api/v1/rules/{id}",
    summary: "Delete a rule (a final 'deleted' version; the history stays)",
    tag: "Rules",
    scopes: ["rules:write"],
    params: ruleId,
    ifMatch: true,
    body: { schema: deleteRuleInput, required: false },
    responses: { 200: ok(ruleResponse) },
    errors: [400, 404, 409],
  },
  {
    method: "get",
    path: "/api/v1/rules/{id}/versions",
    summary: "Every version of a rule, oldest first",
    tag: "Rules",
    scopes: ["rules:read"],
    params: ruleId,
    responses: { 200: ok(ruleVersionList) },
    errors: [404],
  },
  {
    method: "post",
    path: "/api/v1/rules/preview",
    summary: "Impact preview: who would gain or lose access if a rule were created, changed or deleted",
    tag: "Rules",
    scopes: ["rules:write"],
    body: { schema: previewRuleInput, required: true },
    query: pageInput,
    responses: { 200: ok(previewResponse) },
    errors: [400, 404],
  },
  {
    method: "get",
    path: "/api/v1/repositories",
    summary: "Repositories (paginated)",
    tag: "Repositories",
    scopes: ["contracts:read", "rules:read"],
    // The route reads `q` without a schema; this one describes what listRepositories does with it.
    query: pageInput.extend({ q: z.string().optional().describe("Name contains (case-insensitive)") }),
    responses: { 200: ok(repositoryPage) },
    errors: [400],
  },
  {
    method: "post",
    path: "/api/v1/repositories",
    summary: "Create a repository",
    tag: "Repositories",
    scopes: ["admin"],
    body: { schema: repositoryInput, required: true },
    responses: { 201: ok(repositoryResponse, "Created") },
    errors: [400, 409],
  },
  {
    method: "get",
    path: "/api/v1/review-definitions",
    summary: "Review campaign definitions (the 200 most recent)",
    tag: "Reviews",
    scopes: ["access:read"],
    responses: { 200: ok(reviewDefinitionList) },
    errors: [],
  },
  {
    method: "post",
    path: "/api/v1/review-definitions",
    summary: "Create a review campaign definition (scope, stages and reviewers, duration, defaults)",
    tag: "Reviews",
    scopes: ["admin"],
    body: { schema: definitionInput, required: true },
    responses: { 201: ok(reviewDefinitionResponse, "Created") },
    errors: [400],
  },
  {
    method: "get",
    path: "/api/v1/review-definitions/{id}",
    summary: "A review campaign definition",
    tag: "Reviews",
    scopes: ["access:read"],
    params: idOf("Definition"),
    responses: { 200: ok(reviewDefinitionResponse) },
    errors: [404],
  },
  {
    method: "post",
    path: "/api/v1/review-definitions/{id}/start",
    summary: "Start a campaign of the definition: the population is frozen now, its hash recorded in the audit trail",
    tag: "Reviews",
    scopes: ["admin"],
    params: idOf("Definition"),
    body: { schema: startCampaignInput, required: false },
    responses: { 201: ok(campaignResponse, "Started") },
    errors: [400, 404],
  },
  {
    method: "get",
    path: "/api/v1/campaigns",
    summary: "Review campaigns, most recent first (paginated)",
    tag: "Reviews",
    scopes: ["access:read"],
    query: pageInput,
    responses: { 200: ok(campaignPage) },
    errors: [400],
    note: NO_DECISIONS,
  },
  {
    method: "get",
    path: "/api/v1/campaigns/{id}",
    summary: "A campaign: frozen configuration, population hash, progress by reviewer and stage",
    tag: "Reviews",
    scopes: ["access:read"],
    params: idOf("Campaign"),
    responses: { 200: ok(campaignResponse) },
    errors: [404],
  },
  {
    method: "get",
    path: "/api/v1/campaigns/{id}/items",
    summary: "A campaign's items with reasons, recommendation and decision (paginated)",
    tag: "Reviews",
    scopes: ["access:read"],
    params: idOf("Campaign"),
    query: pageInput.extend(campaignItemsQuery.shape),
    responses: { 200: ok(campaignItemPage) },
    errors: [400, 404],
    note: NO_DECISIONS,
  },
  {
    method: "get",
    path: "/api/v1/campaigns/{id}/report",
    summary: "The campaign report: every item with its decision history, revocations with proof, rubber-stamp indicators (JSON, or CSV with ?format=csv)",
    tag: "Reviews",
    scopes: ["access:read"],
    params: idOf("Campaign"),
    query: reportQuery,
    responses: { 200: ok(campaignReportResponse) },
    errors: [400, 404],
    csv: true,
  },
  {
    method: "get",
    path: "/api/v1/campaigns/{id}/report/signed",
    summary:
      "The campaign report signed with the audit signing key (Ed25519), verifiable offline with `npm run audit:verify -- --campaign-report <file>`: the signature, the population hash recomputed from the items, each revocation's proof",
    tag: "Reviews",
    scopes: ["access:read"],
    params: idOf("Campaign"),
    responses: { 200: ok(signedCampaignReportResponse) },
    errors: [404],
  },
  {
    method: "post",
    path: "/api/v1/campaigns/{id}/close",
    summary: "Close the campaign: undecided items get the campaign's default, then each revocation is applied (an exclusion, or the end of a direct grant)",
    tag: "Reviews",
    scopes: ["admin"],
    params: idOf("Campaign"),
    responses: { 200: ok(campaignResponse) },
    // 409: the campaign is closed already.
    errors: [404, 409],
  },
  {
    method: "get",
    path: "/api/v1/exclusions",
    summary: "Exclusions (denies that beat every grant), each explained, filtered and paginated",
    tag: "Exclusions",
    scopes: ["access:read"],
    query: pageInput.extend(exclusionListQuery.shape),
    responses: { 200: ok(exclusionPage) },
    errors: [400],
  },
  {
    method: "post",
    path: "/api/v1/exclusions",
    summary: "Exclude a person from a repository or a contract, now, until lifted (or validUntil)",
    tag: "Exclusions",
    scopes: ["admin"],
    body: { schema: createExclusionInput, required: true },
    responses: { 201: ok(exclusionResponse, "Created") },
    errors: [400],
  },
  {
    method: "get",
    path: "/api/v1/exclusions/{id}",
    summary: "An exclusion, explained",
    tag: "Exclusions",
    scopes: ["access:read"],
    params: idOf("Exclusion"),
    responses: { 200: ok(exclusionResponse) },
    errors: [404],
  },
  {
    method: "post",
    path: "/api/v1/exclusions/{id}/lift",
    summary: "Lift an exclusion now, with a justification (it stays in answers at past instants)",
    tag: "Exclusions",
    scopes: ["admin"],
    params: idOf("Exclusion"),
    body: { schema: liftExclusionInput, required: true },
    responses: { 200: ok(exclusionResponse) },
    // 409: it has ended already.
    errors: [400, 404, 409],
  },
  {
    method: "get",
    path: "/api/v1/openapi.json",
    summary: "This document",
    tag: "Meta",
    scopes: null,
    responses: { 200: ok(openApiDocumentResponse, "OpenAPI 3.1 document") },
    errors: [],
  },
];

/** The operation answering `method path` (path as a template, e.g. /api/v1/rules/{id}). */
export function findOperation(method: string, path: string): ApiOperation | undefined {
  return API_V1_OPERATIONS.find((o) => o.method === method.toLowerCase() && o.path === path);
}
