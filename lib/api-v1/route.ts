// The /api/v1 route wrapper: API-key authentication, the scope check, the JSON error shape
// (lib/http/json-route.ts), the request id, and no caching. Route files stay a few lines:
//   export const GET = apiRoute("contracts:read", async ({ prisma, params }) => apiJson(...));
import type { PrismaClient } from "@/lib/generated/prisma/client";
import type { Actor } from "@/lib/audit/record";
import { apiKeyActor, authenticateApiKey, requireAnyScope, type ApiKeyPrincipal, type ApiScope } from "@/lib/api-keys/service";
import { getPrisma } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { jsonRoute, readJsonBody } from "@/lib/http/json-route";

export interface ApiRequest<P> {
  request: Request;
  url: URL;
  params: P;
  prisma: PrismaClient;
  key: ApiKeyPrincipal;
  /** The audit actor: this key, with the request id and client IP. */
  actor: Actor;
  requestId: string;
  /** The JSON body (at most 1 MiB); `optional` turns an empty body into `{}`. */
  body: (options?: { optional?: boolean }) => Promise<unknown>;
  /** The version an `If-Match: "3"` header expects (optimistic concurrency), if any. */
  expectedVersion: number | undefined;
}

type RouteContext<P> = { params: Promise<P> };

export function clientIp(request: Request): string | undefined {
  const forwarded = request.headers.get("x-forwarded-for");
  return (forwarded?.split(",")[0] ?? request.headers.get("x-real-ip") ?? undefined)?.trim().slice(0, 64) || undefined;
}

export function apiJson(body: unknown, init: { status?: number } = {}): Response {
  return Response.json(body, { status: init.status ?? 200, headers: { "cache-control": "no-store" } });
}

/**
 * Authenticates the key, then requires `scope` — or, given several, any one of them (an `admin`
 * key holds every scope).
 */
export function apiRoute<P = Record<string, never>>(
  scope: ApiScope | readonly ApiScope[],
  handler: (req: ApiRequest<P>) => Promise<Response>,
) {
  return jsonRoute<RouteContext<P>>(async (request, context, requestId) => {
    const prisma = await getPrisma();
    const key = await authenticateApiKey(prisma, request.headers.get("authorization"));
    requireAnyScope(key, typeof scope === "string" ? [scope] : scope);
    const response = await handler({
      request,
      url: new URL(request.url),
      params: await context.params,
      prisma,
      key,
      actor: apiKeyActor(key, { requestId, ip: clientIp(request) }),
      requestId,
      body: async (options) => {
        if (options?.optional && request.headers.get("content-length") === "0") return {};
        if (options?.optional && !request.body) return {};
        return readJsonBody(request);
      },
      expectedVersion: expectedVersionOf(request),
    });
    response.headers.set("cache-control", "no-store");
    return response;
  });
}

/** `If-Match: "3"` or `W/"3"` → 3; absent → undefined; anything else is a client error. */
function expectedVersionOf(request: Request): number | undefined {
  const header = request.headers.get("if-match");
  if (header === null) return undefined;
  const match = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(header);
  if (!match) throw new AppError("invalid_input", 'If-Match must name a version, e.g. "3"');
  return Number(match[1]);
}

/** Query parameters as a plain object (the last value wins), for zod. */
export function queryOf(url: URL): Record<string, string> {
  return Object.fromEntries(url.searchParams.entries());
}
