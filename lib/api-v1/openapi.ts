// The OpenAPI 3.1 document of /api/v1, served at GET /api/v1/openapi.json. Request bodies and
// query parameters are generated from the very zod schemas the handlers validate with, so the
// document cannot drift from the code; response shapes are described by the schemas below.
import { z } from "zod";
import { API_SCOPES } from "@/lib/api-keys/service";
import { CONFIDENTIALITIES, LEVELS } from "@/lib/access/levels";
import { accessCheckQuery, contractAccessQuery, userContractsQuery } from "@/lib/api-v1/access";
import { CONTRACT_STATUSES, MAX_BULK_ITEMS, contractBody, contractItem, repositoryInput } from "@/lib/contracts/schemas";
import { createRuleInput, deleteRuleInput, listRulesInput, previewRuleInput, updateRuleInput } from "@/lib/rules/schemas";
import { pageInput } from "@/lib/pagination";

type JsonSchema = Record<string, unknown>;

const toSchema = (schema: z.ZodType, io: "input" | "output" = "input"): JsonSchema => {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, target: "draft-2020-12", unrepresentable: "any" }) as JsonSchema;
  void _ignored;
  return rest;
};

// ---- response shapes (documentation) ------------------------------------------------------------

const instant = z.string().describe("RFC 3339 date-time (UTC)");
const level = z.enum(LEVELS);
const confidentiality = z.enum(CONFIDENTIALITIES);

const errorResponse = z.object({
  error: z.object({
    code: z.string().describe("invalid_input, unauthorized, forbidden, not_found, conflict, too_large, internal_error"),
    message: z.string(),
    details: z.unknown().optional().describe("Field problems [{path, message}], bulk item problems {items: [{index, path, message}]}, or user candidates"),
  }),
});

const contractView = z.object({
  id: z.string(),
  externalRef: z.string().nullable(),
  title: z.string(),
  counterparty: z.string().nullable(),
  contractType: z.string(),
  confidentiality,
  status: z.enum(CONTRACT_STATUSES),
  effectiveDate: instant.nullable(),
  endDate: instant.nullable(),
  owner: z.string().nullable(),
  tags: z.array(z.string()),
  repository: z.object({ id: z.string(), name: z.string() }),
  version: z.number().int(),
  createdAt: instant,
  updatedAt: instant,
});

const repositoryView = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  owner: z.string().nullable(),
  contracts: z.number().int().optional(),
  createdAt: instant,
  updatedAt: instant,
});

const author = z.object({ type: z.string(), id: z.string().nullable(), label: z.string().nullable() });

const ruleContent = {
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

const ruleView = z.object({
  id: z.string(),
  version: z.number().int(),
  ...ruleContent,
  deleted: z.boolean(),
  deletedAt: instant.nullable(),
  principalName: z.string().nullable().describe("The group's displayName or the user's userName (now)"),
  scopeName: z.string().nullable().describe("The repository's name or the contract's title (now)"),
  author,
  createdAt: instant,
  updatedAt: instant,
});

const ruleVersion = z.object({
  version: z.number().int(),
  change: z.enum(["created", "updated", "deleted"]),
  ...ruleContent,
  author,
  recordedFrom: instant.describe("When this version came into force in Custodian"),
  recordedTo: instant.nullable().describe("When the next version replaced it (null = current)"),
  eventId: z.string().nullable().describe("The audit event of this change"),
});

const reason = z
  .object({
    level,
    winning: z.boolean().describe("This reason grants the effective (highest) level"),
    via: z.union([
      z.object({
        kind: z.literal("group"),
        path: z.array(
          z.object({ groupId: z.string(), displayName: z.string().nullable(), memberSince: instant, addedEventId: z.string().nullable() }),
        ),
      }),
      z.object({ kind: z.literal("direct") }),
    ]),
    rule: z.object({
      ruleId: z.string(),
      versionId: z.string(),
      version: z.number().int(),
      level,
      author,
      justification: z.string(),
      scope: z.record(z.string(), z.unknown()),
      validFrom: instant.nullable(),
      validUntil: instant.nullable(),
      graceDaysAfterEnd: z.number().int().nullable(),
      recordedFrom: instant,
      eventId: z.string().nullable(),
    }),
    contract: z.object({
      id: z.string(),
      repositoryId: z.string(),
      repositoryName: z.string().nullable(),
      endDate: instant.nullable(),
      grantsUntil: instant.nullable(),
    }),
  })
  .describe("One chain of facts: user ← group(s) ← rule version ← repository/contract");

const userRef = z.object({ id: z.string(), userName: z.string().nullable(), displayName: z.string().nullable(), directoryId: z.string().nullable() });
const contractRef = z.object({
  id: z.string(),
  title: z.string().nullable(),
  externalRef: z.string().nullable(),
  repositoryId: z.string(),
  confidentiality,
  contractType: z.string(),
});
const pageMeta = { page: z.number().int(), pageSize: z.number().int(), total: z.number().int() };
const contractSummary = z.object({ id: z.string(), externalRef: z.string().nullable(), title: z.string() });

const accessCheckResponse = z.object({
  allowed: z.boolean(),
  level: level.nullable().describe("The effective (highest) level, null = no access"),
  requiredLevel: level,
  at: instant,
  user: z.object({ id: z.string(), userName: z.string().nullable(), directoryId: z.string().nullable() }),
  contract: contractSummary,
  reasons: z.array(reason),
});

const contractAccessResponse = z.object({
  contract: contractSummary,
  at: instant,
  ...pageMeta,
  items: z.array(z.object({ user: userRef, level, reasons: z.array(reason) })),
});

const userContractsResponse = z.object({
  user: z.object({ id: z.string(), userName: z.string().nullable(), directoryId: z.string().nullable() }),
  at: instant,
  ...pageMeta,
  items: z.array(z.object({ contract: contractRef, level, reasons: z.array(reason) })),
});

const byConfidentiality = z.object(Object.fromEntries(CONFIDENTIALITIES.map((c) => [c, z.number().int()])));
const userImpact = z.object({
  user: userRef,
  contracts: z.number().int(),
  byConfidentiality,
  changes: z.array(z.object({ from: level.nullable(), to: level.nullable(), contracts: z.number().int() })),
});
const previewResponse = z.object({
  at: instant,
  gained: z.array(userImpact),
  lost: z.array(userImpact),
  totals: z.object({
    usersGaining: z.number().int(),
    usersLosing: z.number().int(),
    contractsGained: z.number().int(),
    contractsLost: z.number().int(),
    grantsGained: z.number().int(),
    grantsLost: z.number().int(),
  }),
  truncated: z.boolean(),
});

const upsertResult = z.object({
  index: z.number().int(),
  id: z.string(),
  externalRef: z.string().nullable(),
  outcome: z.enum(["created", "updated", "unchanged"]),
  version: z.number().int(),
});
const bulkResponse = z.object({
  results: z.array(upsertResult),
  created: z.number().int(),
  updated: z.number().int(),
  unchanged: z.number().int(),
});

const components: Record<string, JsonSchema> = {
  Error: toSchema(errorResponse, "output"),
  Contract: toSchema(contractView, "output"),
  ContractUpsert: toSchema(contractBody),
  ContractBulk: toSchema(z.object({ items: z.array(contractItem).min(1).max(MAX_BULK_ITEMS) })),
  ContractBulkResult: toSchema(bulkResponse, "output"),
  Repository: toSchema(repositoryView, "output"),
  RepositoryCreate: toSchema(repositoryInput),
  Rule: toSchema(ruleView, "output"),
  RuleCreate: toSchema(createRuleInput),
  RuleUpdate: toSchema(updateRuleInput),
  RuleDelete: toSchema(deleteRuleInput),
  RuleVersion: toSchema(ruleVersion, "output"),
  RulePreview: toSchema(previewRuleInput),
  RulePreviewResult: toSchema(previewResponse, "output"),
  AccessCheck: toSchema(accessCheckResponse, "output"),
  ContractAccessPage: toSchema(contractAccessResponse, "output"),
  UserContractsPage: toSchema(userContractsResponse, "output"),
};

// ---- operations ---------------------------------------------------------------------------------

const ref = (name: keyof typeof components) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: JsonSchema) => ({ content: { "application/json": { schema } } });

function queryParameters(schema: z.ZodObject): JsonSchema[] {
  const js = toSchema(schema) as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(js.properties ?? {}).map(([name, s]) => {
    const { description, ...rest } = s;
    return { name, in: "query", required: js.required?.includes(name) ?? false, ...(description ? { description } : {}), schema: rest };
  });
}

const pathParam = (name: string, description: string) => ({ name, in: "path", required: true, description, schema: { type: "string" } });

const errors = (...statuses: number[]) =>
  Object.fromEntries(
    statuses.map((s) => [
      String(s),
      {
        description:
          {
            400: "Invalid input",
            401: "Missing, invalid, revoked or expired API key",
            403: "The key lacks the scope",
            404: "Not found",
            409: "Conflict",
            413: "Body larger than 1 MiB",
          }[s] ?? "Error",
        ...json(ref("Error")),
      },
    ]),
  );

function op(options: {
  summary: string;
  scopes: string[];
  tag: string;
  parameters?: JsonSchema[];
  body?: JsonSchema;
  responses: Record<string, JsonSchema>;
  errors: number[];
}) {
  return {
    summary: options.summary,
    tags: [options.tag],
    description: `Requires an API key with ${options.scopes.map((s) => `\`${s}\``).join(" or ")} (or \`admin\`).`,
    security: [{ apiKey: [] }],
    ...(options.parameters ? { parameters: options.parameters } : {}),
    ...(options.body ? { requestBody: { required: true, ...json(options.body) } } : {}),
    responses: { ...options.responses, ...errors(401, 403, ...options.errors) },
  };
}

const ok = (schema: JsonSchema, description = "OK") => ({ description, ...json(schema) });
const ifMatch = { name: "If-Match", in: "header", required: false, description: 'The rule version the change expects, e.g. "3" (409 otherwise)', schema: { type: "string" } };
const pageOf = (item: keyof typeof components) => ({
  type: "object",
  properties: { items: { type: "array", items: ref(item) }, page: { type: "integer" }, pageSize: { type: "integer" }, total: { type: "integer" } },
  required: ["items", "page", "pageSize", "total"],
});

export function buildOpenApiDocument(options: { serverUrl?: string } = {}) {
  return {
    openapi: "3.1.0",
    info: {
      title: "Custodian API",
      version: "1",
      description:
        "Contract metadata, access rules and effective access (who can open which contract, and why). " +
        "Authenticate with `Authorization: Bearer cak_…` (create keys with `npm run cli -- api-key create`). " +
        `Scopes: ${API_SCOPES.join(", ")}. Errors are \`{ error: { code, message, details } }\`; every response carries x-request-id.`,
    },
    ...(options.serverUrl ? { servers: [{ url: options.serverUrl }] } : {}),
    jsonSchemaDialect: "https://json-schema.org/draft/2020-12/schema",
    components: {
      securitySchemes: { apiKey: { type: "http", scheme: "bearer", description: "An API key (cak_…)" } },
      schemas: components,
    },
    paths: {
      "/api/v1/contracts/{ref}": {
        get: op({
          summary: "A contract by id or external reference",
          tag: "Contracts",
          scopes: ["contracts:read"],
          parameters: [pathParam("ref", "Contract id or external reference")],
          responses: { 200: ok(ref("Contract")) },
          errors: [404],
        }),
        put: op({
          summary: "Create or replace the contract with this external reference",
          tag: "Contracts",
          scopes: ["contracts:write"],
          parameters: [pathParam("ref", "The external reference (URL-encoded)")],
          body: ref("ContractUpsert"),
          responses: { 200: ok(ref("Contract"), "Updated (or unchanged)"), 201: ok(ref("Contract"), "Created") },
          errors: [400, 409, 413],
        }),
      },
      "/api/v1/contracts/bulk": {
        post: op({
          summary: `Upsert up to ${MAX_BULK_ITEMS} contracts by external reference, all or none`,
          tag: "Contracts",
          scopes: ["contracts:write"],
          body: ref("ContractBulk"),
          responses: { 200: ok(ref("ContractBulkResult")) },
          errors: [400, 409, 413],
        }),
      },
      "/api/v1/contracts/{ref}/access": {
        get: op({
          summary: "Who can open the contract, at which level and why (paginated, optionally at a past instant)",
          tag: "Access",
          scopes: ["access:read"],
          parameters: [pathParam("ref", "Contract id or external reference"), ...queryParameters(contractAccessQuery)],
          responses: { 200: ok(ref("ContractAccessPage")) },
          errors: [400, 404],
        }),
      },
      "/api/v1/access/check": {
        get: op({
          summary: "Can this user open this contract at this level?",
          tag: "Access",
          scopes: ["access:read"],
          parameters: queryParameters(accessCheckQuery),
          responses: { 200: ok(ref("AccessCheck")) },
          errors: [400, 404, 409],
        }),
      },
      "/api/v1/users/{ref}/contracts": {
        get: op({
          summary: "The contracts a user can open, with level and reasons (paginated, optionally at a past instant)",
          tag: "Access",
          scopes: ["access:read"],
          parameters: [pathParam("ref", "User id, userName or externalId"), ...queryParameters(userContractsQuery)],
          responses: { 200: ok(ref("UserContractsPage")) },
          errors: [400, 404, 409],
        }),
      },
      "/api/v1/rules": {
        get: op({
          summary: "Access rules (current versions), filtered and paginated",
          tag: "Rules",
          scopes: ["rules:read"],
          parameters: [...queryParameters(pageInput), ...queryParameters(listRulesInput)],
          responses: { 200: ok(pageOf("Rule")) },
          errors: [400],
        }),
        post: op({
          summary: "Create an access rule",
          tag: "Rules",
          scopes: ["rules:write"],
          body: ref("RuleCreate"),
          responses: { 201: ok(ref("Rule"), "Created") },
          errors: [400, 413],
        }),
      },
      "/api/v1/rules/{id}": {
        get: op({
          summary: "An access rule (current version)",
          tag: "Rules",
          scopes: ["rules:read"],
          parameters: [pathParam("id", "Rule id")],
          responses: { 200: ok(ref("Rule")) },
          errors: [404],
        }),
        patch: op({
          summary: "Change a rule (writes a new version)",
          tag: "Rules",
          scopes: ["rules:write"],
          parameters: [pathParam("id", "Rule id"), ifMatch],
          body: ref("RuleUpdate"),
          responses: { 200: ok(ref("Rule")) },
          errors: [400, 404, 409, 413],
        }),
        delete: {
          ...op({
            summary: "Delete a rule (a final 'deleted' version; the history stays)",
            tag: "Rules",
            scopes: ["rules:write"],
            parameters: [pathParam("id", "Rule id"), ifMatch],
            responses: { 200: ok(ref("Rule")) },
            errors: [400, 404, 409],
          }),
          requestBody: { required: false, ...json(ref("RuleDelete")) },
        },
      },
      "/api/v1/rules/{id}/versions": {
        get: op({
          summary: "Every version of a rule, oldest first",
          tag: "Rules",
          scopes: ["rules:read"],
          parameters: [pathParam("id", "Rule id")],
          responses: { 200: ok({ type: "object", properties: { items: { type: "array", items: ref("RuleVersion") } }, required: ["items"] }) },
          errors: [404],
        }),
      },
      "/api/v1/rules/preview": {
        post: op({
          summary: "Impact preview: who would gain or lose access if a rule were created, changed or deleted",
          tag: "Rules",
          scopes: ["rules:write"],
          body: ref("RulePreview"),
          responses: { 200: ok(ref("RulePreviewResult")) },
          errors: [400, 404],
        }),
      },
      "/api/v1/repositories": {
        get: op({
          summary: "Repositories (paginated)",
          tag: "Repositories",
          scopes: ["contracts:read", "rules:read"],
          parameters: [...queryParameters(pageInput), { name: "q", in: "query", required: false, description: "Name contains", schema: { type: "string" } }],
          responses: { 200: ok(pageOf("Repository")) },
          errors: [400],
        }),
        post: op({
          summary: "Create a repository",
          tag: "Repositories",
          scopes: ["admin"],
          body: ref("RepositoryCreate"),
          responses: { 201: ok(ref("Repository"), "Created") },
          errors: [400, 409, 413],
        }),
      },
      "/api/v1/openapi.json": {
        get: { summary: "This document", tags: ["Meta"], security: [], responses: { 200: { description: "OpenAPI 3.1 document" } } },
      },
    },
  };
}
