// The OpenAPI 3.1 document of /api/v1, served at GET /api/v1/openapi.json, built from the operation
// table (operations.ts) with zod's own JSON Schema output: requests as the handlers' schemas accept
// them (io: input), responses as the services produce them (io: output). Nothing here describes a
// shape by hand, so the document cannot drift from the code.
import { z } from "zod";
import { API_SCOPES } from "@/lib/api-keys/service";
import { API_V1_OPERATIONS, namedRequestSchemas, namedResponseSchemas, type ApiOperation } from "@/lib/api-v1/operations";

type JsonSchema = Record<string, unknown>;

const COMPONENTS = "#/components/schemas/";
const jsonSchemaOptions = (io: "input" | "output") =>
  ({ io, target: "draft-2020-12", unrepresentable: "any", uri: (id: string) => `${COMPONENTS}${id}` }) as const;

/** Drops the per-schema `$schema` and `$id`: the document's jsonSchemaDialect and position give them. */
function bare(schema: JsonSchema): JsonSchema {
  const { $schema: _schema, $id: _id, ...rest } = schema;
  void _schema;
  void _id;
  return rest;
}

function namedComponents(schemas: Record<string, z.ZodType>, io: "input" | "output") {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(schemas)) registry.add(schema, { id });
  const names = new Map(Object.entries(schemas).map(([id, schema]) => [schema as z.ZodType, id]));
  const rendered = z.toJSONSchema(registry, jsonSchemaOptions(io)).schemas;
  const components = Object.fromEntries(Object.entries(rendered).map(([id, s]) => [id, bare(s as JsonSchema)]));
  return { components, names };
}

type Components = ReturnType<typeof namedComponents>;

/** A reference to the named component, or the schema inline. */
function schemaOf(schema: z.ZodType, c: Components, io: "input" | "output"): JsonSchema {
  const name = c.names.get(schema);
  return name ? { $ref: `${COMPONENTS}${name}` } : bare(z.toJSONSchema(schema, jsonSchemaOptions(io)) as JsonSchema);
}

function parametersOf(schema: z.ZodObject, where: "path" | "query"): JsonSchema[] {
  const js = bare(z.toJSONSchema(schema, jsonSchemaOptions("input")) as JsonSchema) as {
    properties?: Record<string, JsonSchema>;
    required?: string[];
  };
  return Object.entries(js.properties ?? {}).map(([name, s]) => {
    const { description, ...rest } = s;
    return {
      name,
      in: where,
      required: where === "path" || (js.required?.includes(name) ?? false),
      ...(description ? { description } : {}),
      schema: rest,
    };
  });
}

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: "Invalid input",
  401: "Missing, invalid, revoked or expired API key",
  403: "The key lacks the scope",
  404: "Not found",
  409: "Conflict",
  413: "Body larger than 1 MiB",
  500: "Internal error (the body names the request id)",
};

/** The error statuses of an operation: its own, and those its wrapper answers for every route. */
function errorStatusesOf(operation: ApiOperation): number[] {
  const statuses = new Set<number>(operation.errors);
  if (operation.scopes) [401, 403].forEach((s) => statuses.add(s));
  // A body can be malformed JSON or too large; a malformed If-Match is invalid input.
  if (operation.body) [400, 413].forEach((s) => statuses.add(s));
  if (operation.ifMatch) statuses.add(400);
  statuses.add(500);
  return [...statuses].sort((a, b) => a - b);
}

function requirement(scopes: readonly string[]): string {
  if (scopes.length === 1 && scopes[0] === "admin") return "Requires an `admin` API key.";
  return `Requires an API key with ${scopes.map((s) => `\`${s}\``).join(" or ")} (or \`admin\`).`;
}

function operationObject(operation: ApiOperation, requests: Components, responses: Components) {
  const json = (schema: JsonSchema) => ({ content: { "application/json": { schema } } });
  const parameters = [
    ...(operation.params ? parametersOf(operation.params, "path") : []),
    ...(operation.query ? parametersOf(operation.query, "query") : []),
    ...(operation.ifMatch
      ? [{ name: "If-Match", in: "header", required: false, description: 'The version the change expects, e.g. "3" (409 otherwise)', schema: { type: "string" } }]
      : []),
  ];
  const successes = Object.entries(operation.responses).map(([status, r]) => {
    const body = json(schemaOf(r.schema, responses, "output"));
    if (operation.csv && status === "200") Object.assign(body.content, { "text/csv": { schema: { type: "string" } } });
    return [status, { description: r.description, ...body }];
  });
  const errors = errorStatusesOf(operation).map((s) => [
    String(s),
    { description: ERROR_DESCRIPTIONS[s] ?? "Error", ...json({ $ref: `${COMPONENTS}Error` }) },
  ]);
  return {
    summary: operation.summary,
    tags: [operation.tag],
    ...(operation.scopes
      ? {
          description: [requirement(operation.scopes), operation.note].filter(Boolean).join(" "),
          security: [{ apiKey: [] }],
        }
      : { security: [] }),
    ...(parameters.length ? { parameters } : {}),
    ...(operation.body ? { requestBody: { required: operation.body.required, ...json(schemaOf(operation.body.schema, requests, "input")) } } : {}),
    responses: Object.fromEntries([...successes, ...errors]),
  };
}

export function buildOpenApiDocument(options: { serverUrl?: string } = {}) {
  const requests = namedComponents(namedRequestSchemas, "input");
  const responses = namedComponents(namedResponseSchemas, "output");
  const paths: Record<string, Record<string, unknown>> = {};
  for (const operation of API_V1_OPERATIONS) {
    paths[operation.path] = { ...paths[operation.path], [operation.method]: operationObject(operation, requests, responses) };
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Custodian API",
      version: "1",
      description:
        "Contract metadata, access rules and effective access (who can open which contract, and why), access review campaigns and exclusions. " +
        "Authenticate with `Authorization: Bearer cak_…` (create keys with `npm run cli -- api-key create`). " +
        `Scopes: ${API_SCOPES.join(", ")}. Review campaigns and exclusions: \`access:read\` reads them, \`admin\` creates definitions, starts and closes campaigns, creates and lifts exclusions; reviewers' decisions are not made with API keys (they are people's, in the dashboard). Errors are \`{ error: { code, message, details } }\`; every response carries x-request-id. ` +
        "For decisions, the recommended interface is the OpenID AuthZEN 1.0 API beside this one (`/access/v1/evaluation`, `/evaluations`, `/search/{subject,resource,action}`; metadata at `/.well-known/authzen-configuration`; scope `access:decide`): see the README, \"Connect your contract system\".",
    },
    ...(options.serverUrl ? { servers: [{ url: options.serverUrl }] } : {}),
    jsonSchemaDialect: "https://json-schema.org/draft/2020-12/schema",
    components: {
      securitySchemes: { apiKey: { type: "http", scheme: "bearer", description: "An API key (cak_…)" } },
      schemas: { ...requests.components, ...responses.components },
    },
    paths,
  };
}
