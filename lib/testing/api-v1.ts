// Test helpers for the contract, rule and /api/v1 tests: people and groups provisioned through the
// real SCIM endpoint, repositories and API keys through the real services, and a client calling
// the real route handlers with real Request objects, and the check of a response against the
// /api/v1 OpenAPI document.
import { expect } from "vitest";
import { getPrisma } from "@/lib/db/client";
import { buildOpenApiDocument } from "@/lib/api-v1/openapi";
import { findOperation } from "@/lib/api-v1/operations";
import { errorResponse } from "@/lib/api-v1/response-schemas";
import { createApiKey, type ApiScope } from "@/lib/api-keys/service";
import type { Actor } from "@/lib/audit/record";
import { createRepository } from "@/lib/contracts/service";
import { unique } from "@/lib/testing/database";
import { newDirectory, type ScimClient } from "@/lib/testing/scim";
import { GROUP_SCHEMA, USER_SCHEMA } from "@/lib/scim/schema";

export const testActor: Actor = { type: "admin", id: "test-admin", label: "test admin" };

export async function newRepository(name = unique("repo")) {
  return createRepository(await getPrisma(), { input: { name }, actor: testActor });
}

export async function newApiKey(scopes: ApiScope[], options: { expiresAt?: Date } = {}) {
  const { key, record } = await createApiKey(await getPrisma(), { input: { name: unique("key"), scopes, ...options }, actor: testActor });
  return { key, id: record.id };
}

/** A directory with helpers to provision users and (nested) groups over SCIM. */
export async function newOrg() {
  const dir = await newDirectory();
  const scim: ScimClient = dir.scim;
  return {
    directory: dir.directory,
    scim,
    async user(userName = `${unique("u")}@example.com`, extra: Record<string, unknown> = {}) {
      const res = await scim.post<{ id: string; userName: string }>("/Users", { schemas: [USER_SCHEMA], userName, active: true, ...extra });
      expect(res.status).toBe(201);
      return res.body;
    },
    async group(memberIds: string[] = [], displayName = unique("g")) {
      const res = await scim.post<{ id: string }>("/Groups", {
        schemas: [GROUP_SCHEMA],
        displayName,
        members: memberIds.map((value) => ({ value })),
      });
      expect(res.status).toBe(201);
      return res.body;
    },
    async addMembers(groupId: string, memberIds: string[]) {
      const res = await scim.patch(`/Groups/${groupId}`, {
        schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        Operations: [{ op: "add", path: "members", value: memberIds.map((value) => ({ value })) }],
      });
      expect([200, 204]).toContain(res.status);
    },
    async deactivate(userId: string) {
      const res = await scim.patch(`/Users/${userId}`, {
        schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        Operations: [{ op: "replace", value: { active: false } }],
      });
      expect(res.status).toBe(200);
    },
  };
}

type Handler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;

export interface ApiResult<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
}

/** Calls a route handler as Next.js would: a Request and a context with the route params. */
export async function callRoute<T = Record<string, any>>( // eslint-disable-line @typescript-eslint/no-explicit-any
  handler: unknown,
  options: { method?: string; path: string; key?: string; body?: unknown; params?: Record<string, string>; headers?: Record<string, string> },
): Promise<ApiResult<T>> {
  const init: RequestInit = {
    method: options.method ?? "GET",
    headers: {
      ...(options.key ? { authorization: `Bearer ${options.key}` } : {}),
      ...(options.body !== undefined ? { "content-type": "application/json" } : {}),
      ...options.headers,
    },
    body: options.body === undefined ? undefined : typeof options.body === "string" ? options.body : JSON.stringify(options.body),
  };
  const res = await (handler as Handler)(new Request(`http://localhost${options.path}`, init), { params: Promise.resolve(options.params ?? {}) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : undefined) as T };
}

type DocumentedPaths = Record<string, Record<string, { responses: Record<string, unknown> }>>;
let documentedPaths: DocumentedPaths | undefined;

/**
 * What the /api/v1 OpenAPI document says is wrong with a response ([] = nothing): a status the
 * operation does not list, or a body its schema rejects. The body is checked with the zod schema
 * the document is generated from, which is the same check as validating against the document.
 */
export function documentProblems(options: { method: string; path: string; status: number; body: unknown }): string[] {
  const { method, path, status, body } = options;
  const operation = findOperation(method, path);
  if (!operation) return [`${method.toUpperCase()} ${path} is not a documented operation`];
  documentedPaths ??= buildOpenApiDocument().paths as DocumentedPaths;
  const listed = Object.keys(documentedPaths[operation.path][operation.method].responses);
  if (!listed.includes(String(status))) return [`status ${status} is not documented (${listed.join(", ")})`];
  const parsed = (operation.responses[status as 200 | 201]?.schema ?? errorResponse).safeParse(body);
  return parsed.success ? [] : parsed.error.issues.map((i) => `${status}: ${i.path.join(".") || "(body)"}: ${i.message}`);
}
