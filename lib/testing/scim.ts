// Test helpers: a directory with a bearer token, and a client that calls the real SCIM route
// handler with real Request objects.
import { getPrisma } from "../db/client";
import { createDirectory, createScimToken } from "../directories/service";
import { handleScimRequest } from "../scim/router";
import { PATCH_OP } from "../scim/schema";
import { unique } from "./database";

export const SCIM_BASE = "http://localhost/scim/v2";

/** `?filter=…` with the filter URL-encoded, plus any further query string. */
export const q = (filter: string, extra = "") => `?filter=${encodeURIComponent(filter)}${extra}`;
/** A PatchOp message (RFC 7644 §3.5.2) with these operations. */
export const patchBody = (...Operations: unknown[]) => ({ schemas: [PATCH_OP], Operations });

export interface ScimResult<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
}

export function scimClient(token: string | undefined, defaults: { headers?: Record<string, string> } = {}) {
  async function call<T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<ScimResult<T>> {
    const init: RequestInit = {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { "content-type": "application/scim+json" } : {}),
        ...defaults.headers,
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    };
    const res = await handleScimRequest(new Request(`${SCIM_BASE}${path}`, init));
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : undefined) as T };
  }
  return {
    call,
    get: <T = Record<string, unknown>>(path: string, headers?: Record<string, string>) => call<T>("GET", path, undefined, headers),
    post: <T = Record<string, unknown>>(path: string, body: unknown, headers?: Record<string, string>) => call<T>("POST", path, body, headers),
    put: <T = Record<string, unknown>>(path: string, body: unknown, headers?: Record<string, string>) => call<T>("PUT", path, body, headers),
    patch: <T = Record<string, unknown>>(path: string, body: unknown, headers?: Record<string, string>) => call<T>("PATCH", path, body, headers),
    delete: (path: string, headers?: Record<string, string>) => call("DELETE", path, undefined, headers),
  };
}

export type ScimClient = ReturnType<typeof scimClient>;

/** A fresh directory (uniquely named) with one bearer token, and a client using it. */
export async function newDirectory(kind: "entra" | "okta" | "onelogin" | "generic" = "generic") {
  const prisma = await getPrisma();
  const directory = await createDirectory(prisma, { input: { name: unique(kind), kind }, actor: { type: "system", label: "test" } });
  const { token } = await createScimToken(prisma, { directoryId: directory.id, actor: { type: "system", label: "test" } });
  return { directory, token, scim: scimClient(token) };
}
