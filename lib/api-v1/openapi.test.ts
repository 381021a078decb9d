// The document's own consistency, without a database: references resolve, path templates and
// path parameters agree, every operation says what success looks like.
import { describe, expect, it } from "vitest";
import { buildOpenApiDocument } from "@/lib/api-v1/openapi";
import { API_V1_OPERATIONS } from "@/lib/api-v1/operations";

const document = buildOpenApiDocument({ serverUrl: "https://custodian.example" });

function refsIn(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(refsIn);
  if (value && typeof value === "object") {
    return Object.entries(value).flatMap(([k, v]) => (k === "$ref" && typeof v === "string" ? [v] : refsIn(v)));
  }
  return [];
}

describe("the /api/v1 OpenAPI document", () => {
  it("resolves every $ref to a component", () => {
    const names = Object.keys(document.components.schemas);
    const dangling = refsIn(document).filter((ref) => !names.includes(ref.replace("#/components/schemas/", "")));
    expect(dangling).toEqual([]);
  });

  it("declares exactly the parameters each path template names", () => {
    for (const operation of API_V1_OPERATIONS) {
      const inTemplate = [...operation.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      expect(Object.keys(operation.params?.shape ?? {}), `${operation.method} ${operation.path}`).toEqual(inTemplate);
    }
  });

  it("gives every operation a success response with a schema, and keeps the server URL it is given", () => {
    for (const operation of API_V1_OPERATIONS) expect(Object.keys(operation.responses).length).toBeGreaterThan(0);
    expect(document.servers).toEqual([{ url: "https://custodian.example" }]);
    expect(buildOpenApiDocument()).not.toHaveProperty("servers");
  });

  it("documents PUT /api/v1/contracts/{ref} with the outcome the route answers", () => {
    const schemas = document.components.schemas as Record<string, { properties: Record<string, { enum?: string[] }> }>;
    expect(schemas.ContractCreated.properties.outcome.enum).toEqual(["created"]);
    expect(schemas.ContractReplaced.properties.outcome.enum).toEqual(["updated", "unchanged"]);
  });
});
