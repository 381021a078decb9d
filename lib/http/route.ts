// The one wrapper of every JSON route (app/api/**): who may call (a dashboard session holding a
// permission, an API key holding a scope, or anyone), the zod schemas of params, query and body,
// If-Match, the request id, logging, and every thrown error answered from lib/errors.ts. Route
// files stay a few lines:
//   export const PATCH = route({ auth: { permission: "rules:write" }, params: idParams, body: jsonBody },
//     async ({ db, params, body, actor, ifMatch }) =>
//       Response.json(await updateRule(db, { id: params.id, input: body, expectedVersion: ifMatch, actor })));
import { z, type ZodType } from "zod";
import type { Actor } from "@/lib/audit/record";
import type { Action } from "@/lib/auth/permissions";
import { requirePermission, type Principal } from "@/lib/auth/principal";
import { apiKeyActor, authenticateApiKey, requireAnyScope, type ApiKeyPrincipal, type ApiScope } from "@/lib/api-keys/service";
import { getPrisma } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { actorOf } from "./actor";
import { readJsonBody } from "./body";
import { refuseCrossSite } from "./cross-site";
import { bearerChallenge, errorResponse } from "./error-response";
import { parseIfMatch } from "./if-match";
import { withRequestContext } from "./request-context";
import { refuseUnstorable } from "./unstorable";

type Auth =
  /** A signed-in dashboard principal holding the permission (next-auth session). */
  | { permission: Action }
  /** An API key holding the scope, or any one of several (an `admin` key holds every scope). */
  | { scope: ApiScope | readonly ApiScope[] }
  /** Anyone: health, the OpenAPI document, metrics (which checks its own token). */
  | "none";

/** Any JSON value; the service it is handed to validates it. */
export const jsonBody = z.custom<unknown>((value) => value !== undefined, "A JSON body is required");
/** Route params of an `[id]` folder. */
export const idParams = z.object({ id: z.string() });
/** Route params of a `[ref]` folder (an id or an external reference). */
export const refParams = z.object({ ref: z.string() });

interface RouteOptions<A extends Auth, P, Q, B> {
  auth: A;
  params?: P;
  query?: Q;
  /** A body the schema accepts; an empty body counts as `undefined` (so `.optional()` allows none). */
  body?: B;
  /**
   * Media types a dashboard (cookie-authenticated) write may send; default application/json. A
   * route that reads another kind of body itself declares it (the CSV import: text/csv).
   */
  accepts?: readonly string[];
  /** Answer X-Request-Id with the caller's own id when it sent one (AuthZEN); else ours. */
  echoRequestId?: boolean;
}

type Caller<A> = A extends { permission: Action }
  ? { db: PrismaClient; principal: Principal; actor: Actor }
  : A extends { scope: unknown }
    ? { db: PrismaClient; key: ApiKeyPrincipal; actor: Actor }
    : object;

export type RouteArgs<A, P, Q, B> = Caller<A> & {
  request: Request;
  url: URL;
  requestId: string;
  params: P extends ZodType ? z.output<P> : Record<string, never>;
  /** Parsed by the query schema; without one, the query parameters as given (the last value wins). */
  query: Q extends ZodType ? z.output<Q> : Record<string, string>;
  /**
   * The body as sent, checked against the schema and typed as what it accepts: the services own
   * their input parsing (defaults, transforms), so they receive the value before it.
   */
  body: B extends ZodType ? z.input<B> : undefined;
  /** The version an `If-Match: "3"` (or `W/"3"`) header expects (optimistic concurrency), if any. */
  ifMatch: number | undefined;
};

/** What Next.js passes; tests may call a parameterless route without it. */
type RouteContext = { params?: Promise<Record<string, string | string[] | undefined>> };

export function route<A extends Auth, P extends ZodType | undefined = undefined, Q extends ZodType | undefined = undefined, B extends ZodType | undefined = undefined>(
  options: RouteOptions<A, P, Q, B>,
  handler: (args: RouteArgs<A, P, Q, B>) => Promise<Response> | Response,
) {
  return withRequestContext<RouteContext>(async (request, context, requestId) => {
    let caller;
    try {
      caller = await authenticate(options.auth, request, requestId);
    } catch (err) {
      const challenge = bearerChallengeOf(options.auth, request, err);
      if (challenge) return errorResponse(err as AppError, { headers: { "www-authenticate": challenge } });
      throw err;
    }
    // A session cookie rides along on requests other sites make: forged writes stop here (./cross-site.ts).
    if (typeof options.auth === "object" && "permission" in options.auth) refuseCrossSite(request, options.accepts);
    const url = new URL(request.url);
    const ifMatch = ifMatchOf(request);
    const rawParams = await context?.params;
    const rawQuery = Object.fromEntries(url.searchParams.entries());
    // Text the database cannot store is a 400 naming the field, before any schema sees it.
    refuseUnstorable(rawParams ?? {});
    refuseUnstorable(rawQuery);
    const params = options.params ? options.params.parse(rawParams) : {};
    const query = options.query ? options.query.parse(rawQuery) : rawQuery;
    let body: unknown;
    if (options.body) {
      body = await readJsonBody(request);
      refuseUnstorable(body);
      options.body.parse(body);
    }
    const response = await handler({ ...caller, request, url, requestId, params, query, body, ifMatch } as RouteArgs<A, P, Q, B>);
    // API keys serve integrations: answers are never cached by a proxy in between.
    if (typeof options.auth === "object" && "scope" in options.auth) response.headers.set("cache-control", "no-store");
    return response;
  }, { echoClientRequestId: options.echoRequestId });
}

async function authenticate(auth: Auth, request: Request, requestId: string) {
  if (auth === "none") return {};
  if ("permission" in auth) {
    const principal = await requirePermission(auth.permission);
    const db = await getPrisma();
    return { db, principal, actor: actorOf({ type: "admin", id: principal.id, label: principal.email }, { request, requestId }) };
  }
  const db = await getPrisma();
  const key = await authenticateApiKey(db, request.headers.get("authorization"));
  requireAnyScope(key, typeof auth.scope === "string" ? [auth.scope] : auth.scope);
  return { db, key, actor: actorOf(apiKeyActor(key), { request, requestId }) };
}

/** The challenge of an API key route's 401 (./error-response.ts). */
function bearerChallengeOf(auth: Auth, request: Request, err: unknown): string | undefined {
  if (!(err instanceof AppError) || err.code !== "unauthorized" || typeof auth !== "object" || !("scope" in auth)) return undefined;
  return bearerChallenge("custodian", request.headers.get("authorization"));
}

/**
 * `If-Match: "3"` or `W/"3"` (or `3`) → 3; absent → undefined; anything else — `*`, a list, an
 * empty or unbalanced tag — is a client error: a JSON write names exactly the version it saw.
 */
function ifMatchOf(request: Request): number | undefined {
  const ifMatch = parseIfMatch(request.headers.get("if-match"));
  if (ifMatch.kind === "absent") return undefined;
  if (ifMatch.kind !== "version" || ifMatch.list) throw new AppError("invalid_input", 'If-Match must name one version, e.g. "3"');
  return ifMatch.version;
}
