// The SCIM endpoint: one entry point for /scim/v2/**, so authentication, rate limiting, error
// mapping and the request log apply to every route the same way.
import { getPrisma } from "@/lib/db/client";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { getConfig } from "@/lib/config";
import { AppError, scimTypeOf } from "@/lib/errors";
import { log, redactQuery, requestContext } from "@/lib/log";
import { actorOf } from "@/lib/http/actor";
import { bearerChallenge, toAppError } from "@/lib/http/error-response";
import { clientRequestIdOf, newRequestId, publicBaseUrl } from "@/lib/http/client";
import { findUnstorable } from "@/lib/http/unstorable";
import { clientAddress } from "@/lib/forwarded";
import { authenticateScim, type ScimPrincipal } from "./auth";
import { ScimError } from "./errors";
import { scimErrorResponse } from "./http";
import { unstorableText } from "./text";
import { parseListQueryFromUrl } from "./list";
import { effectiveRateLimit, takeRateLimitToken } from "./rate-limit";
import { logScimRequest } from "./request-log";
import { ignoredColumns } from "./ignored";
import { observeScimRequest } from "@/lib/monitoring/metrics";
import type { ScimContext } from "./handlers/context";
import { getResourceTypes, getSchemas, getServiceProviderConfig } from "./handlers/discovery";
import { getGroup, listGroups, patchGroup, postGroup, putGroup, removeGroup } from "./handlers/groups";
import { issueAccessToken } from "./handlers/oauth";
import { searchResource, searchRoot } from "./handlers/search";
import { getUser, listUsers, patchUser, postUser, putUser, removeUser } from "./handlers/users";
import { now as clockNow } from "@/lib/clock";

export const SCIM_PREFIX = "/scim/v2";

type Handler = (ctx: ScimContext, id: string | undefined) => Promise<Response> | Response;
type Routes = Partial<Record<string, Handler>>;

const collection = (list: Handler, create: Handler, search: Handler, item: Routes) => ({ list, create, search, item });

const resources = {
  Users: collection(
    (ctx) => listUsers(ctx, parseListQueryFromUrl(ctx.url)),
    (ctx) => postUser(ctx),
    (ctx) => searchResource(ctx, "User"),
    { GET: (ctx, id) => getUser(ctx, id!), PUT: (ctx, id) => putUser(ctx, id!), PATCH: (ctx, id) => patchUser(ctx, id!), DELETE: (ctx, id) => removeUser(ctx, id!) },
  ),
  Groups: collection(
    (ctx) => listGroups(ctx, parseListQueryFromUrl(ctx.url)),
    (ctx) => postGroup(ctx),
    (ctx) => searchResource(ctx, "Group"),
    { GET: (ctx, id) => getGroup(ctx, id!), PUT: (ctx, id) => putGroup(ctx, id!), PATCH: (ctx, id) => patchGroup(ctx, id!), DELETE: (ctx, id) => removeGroup(ctx, id!) },
  ),
};

// Endpoint names match case-insensitively (Microsoft's SCIM reference tests call /users): no two
// endpoints differ only in case, so this is unambiguous. Ids after them stay case-sensitive. A Map,
// so a name from the URL never finds an Object.prototype member (/constructor is a 404, not a 500).
const resourceByEndpoint = new Map(Object.entries(resources).map(([name, resource]) => [name.toLowerCase(), resource]));

const methodNotAllowed = (method: string, path: string) => new ScimError("method_not_allowed", `${method} is not supported on ${path}`);

function route(method: string, segments: string[]): { handler: Handler; id?: string } {
  const path = `/${segments.join("/")}`;
  const [first, second, ...rest] = segments;
  if (rest.length > 0 || first === undefined) throw new ScimError("not_found", `No SCIM endpoint at ${path}`);
  const only = (allowed: string, handler: Handler, id?: string) => {
    if (method !== allowed) throw methodNotAllowed(method, path);
    return { handler, id };
  };
  const endpoint = first.toLowerCase();
  if (endpoint === ".search" && second === undefined) return only("POST", searchRoot);
  if (endpoint === "serviceproviderconfig" && second === undefined) return only("GET", getServiceProviderConfig);
  if (endpoint === "resourcetypes") return only("GET", getResourceTypes, second);
  if (endpoint === "schemas") return only("GET", getSchemas, second);
  if (endpoint === "bulk") throw new ScimError("not_implemented", "Bulk operations are not supported (see /ServiceProviderConfig)");
  const resource = resourceByEndpoint.get(endpoint);
  if (!resource) throw new ScimError("not_found", `No SCIM endpoint at ${path}`);
  if (second === undefined) {
    if (method === "GET") return { handler: resource.list };
    if (method === "POST") return { handler: resource.create };
    throw methodNotAllowed(method, path);
  }
  if (second.toLowerCase() === ".search") return only("POST", resource.search);
  const handler = Object.hasOwn(resource.item, method) ? resource.item[method] : undefined;
  if (!handler) throw methodNotAllowed(method, path);
  return { handler, id: second };
}

/** Decoded path segments; a malformed percent-encoding names no endpoint and no resource. */
function pathSegments(subPath: string): string[] {
  return subPath
    .split("/")
    .filter(Boolean)
    .map((segment) => {
      let decoded: string;
      try {
        decoded = decodeURIComponent(segment);
      } catch {
        throw new ScimError("not_found", `No SCIM endpoint or resource at ${subPath}`);
      }
      // An id with NUL or a lone surrogate cannot exist (PostgreSQL refuses to even compare it).
      if (unstorableText(decoded)) throw new ScimError("not_found", `No SCIM endpoint or resource at ${subPath}`);
      return decoded;
    });
}

export async function handleScimRequest(request: Request): Promise<Response> {
  const requestId = newRequestId();
  return requestContext.run({ requestId }, async () => {
    const started = performance.now();
    const url = new URL(request.url);
    const subPath = url.pathname.slice(url.pathname.indexOf(SCIM_PREFIX) + SCIM_PREFIX.length);
    const method = request.method.toUpperCase();
    let principal: ScimPrincipal | undefined;
    let response: Response;
    let scimType: string | null = null;
    let prisma: PrismaClient | undefined;
    const ignored = new Set<string>();
    // Everything that can throw stays inside the try: a client must always get SCIM error JSON,
    // never the framework's HTML 500 (Okta cannot parse it).
    try {
      const segments = pathSegments(subPath);
      prisma = await getPrisma();
      if (segments[0] === "oauth" && segments[1] === "token" && segments.length === 2) {
        if (method !== "POST") throw methodNotAllowed(method, subPath);
        response = await issueAccessToken(prisma, request);
      } else {
        principal = await authenticateScim(prisma, request.headers.get("authorization"));
        const limit = effectiveRateLimit(principal.rateLimitPerMinute, getConfig().SCIM_RATE_LIMIT_PER_MINUTE);
        const wait = takeRateLimitToken(principal.directoryId, limit);
        if (wait > 0) {
          response = scimErrorResponse(new AppError("rate_limited", `Too many requests for this directory; retry in ${wait}s`), {
            "retry-after": String(wait),
          });
        } else {
          // The shared check (lib/http/unstorable.ts) over the query: 400 invalidValue naming the
          // parameter. A filter's literals are the filter engine's (400 invalidFilter, RFC 7644 §3.4.2.2).
          const unstorable = findUnstorable(Object.fromEntries([...url.searchParams.entries()].filter(([name]) => name !== "filter")));
          if (unstorable) throw new ScimError("invalid_input", unstorable.message);
          const { handler, id } = route(method, segments);
          // Locations and $refs name the public URL (NEXTAUTH_URL, or a trusted proxy's host), not the socket's.
          const baseUrl = `${publicBaseUrl(request)}${url.pathname.slice(0, url.pathname.indexOf(SCIM_PREFIX) + SCIM_PREFIX.length)}`;
          const ctx: ScimContext = {
            request,
            url,
            prisma,
            principal,
            baseUrl,
            actor: actorOf(
              { type: "directory", id: principal.credentialId, label: principal.label, directoryId: principal.directoryId },
              { request, requestId },
            ),
            ignored,
          };
          // Unknown attributes the handler drops are noted for the request log.
          response = await handler(ctx, id);
        }
      }
    } catch (err) {
      const error = toAppError(err, requestId, { method, path: subPath });
      scimType = scimTypeOf(error.code) ?? null;
      response = scimErrorResponse(error, error.code === "unauthorized" ? { "www-authenticate": bearerChallenge("scim", request.headers.get("authorization")) } : {});
    }
    response.headers.set("x-request-id", requestId);
    const latencyMs = Math.round(performance.now() - started);
    if (prisma) logScimRequest(prisma, {
      createdAt: clockNow(),
      directoryId: principal?.directoryId ?? null,
      credentialId: principal?.credentialId ?? null,
      method,
      path: `${subPath}${redactQuery(url.search)}`,
      status: response.status,
      scimType,
      latencyMs,
      ...ignoredColumns(ignored),
      userAgent: request.headers.get("user-agent"),
      requestId,
      clientRequestId: clientRequestIdOf(request) ?? null,
    }, { source: clientAddress(request.headers) ?? "unknown" });
    observeScimRequest({ directoryId: principal?.directoryId ?? null, method, subPath, status: response.status, seconds: latencyMs / 1000 });
    log.debug("scim request", { method, path: subPath, status: response.status, ms: latencyMs });
    return response;
  });
}

