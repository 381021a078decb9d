// The expected authorization of every HTTP route, page and server action, checked by
// app/authorization-matrix.test.ts against the file system (a route without a rule fails) and
// against the real handlers for every kind of caller. Add one line per new route method / page.
import type { Action } from "@/lib/auth/permissions";
import type { ApiScope } from "@/lib/api-keys/service";

export type RouteRule =
  /** Dashboard JSON (lib/http/route.ts ({ permission })): a signed-in principal holding `action`. */
  | { kind: "admin"; action: Action }
  /** /api/v1 (lib/http/route.ts ({ scope })): an API key holding one of `scopes` (admin holds all). */
  | { kind: "api-key"; scopes: ApiScope[] }
  /** /scim/v2: a live bearer token or OAuth access token of the directory that owns the data. */
  | { kind: "scim" }
  /** A signed-in person of a directory, any role or none (lib/http/route.ts ({ reviewer: true })): "My reviews". */
  | { kind: "reviewer" }
  /** Anyone (health, OpenAPI description). */
  | { kind: "public" }
  /** next-auth's own endpoints (sign-in, callbacks, CSRF); they need a Next.js request scope. */
  | { kind: "next-auth" }
  /** Prometheus scrape endpoint: Bearer METRICS_TOKEN only; 404 while METRICS_TOKEN is unset. */
  | { kind: "metrics-token" }
  /** The benchmark's floor: 404 for everyone unless BENCH_FLOOR_ROUTE=1, then anyone. */
  | { kind: "bench-floor" };

export type PageRule = { kind: "page"; action: Action } | { kind: "public" } | { kind: "signed-in" };

const admin = (action: Action): RouteRule => ({ kind: "admin", action });
const apiKey = (...scopes: ApiScope[]): RouteRule => ({ kind: "api-key", scopes });
const SCIM: RouteRule = { kind: "scim" };
const PUBLIC: RouteRule = { kind: "public" };
const REVIEWER: RouteRule = { kind: "reviewer" };

/** "METHOD /path" with Next.js's folder names for parameters. */
export const ROUTE_RULES: Record<string, RouteRule> = {
  "GET /api/admin/access": admin("access:review"),
  "GET /api/admin/access/export": admin("access:export"),
  "GET /api/admin/access/check": admin("access:review"),
  "GET /api/admin/access/subjects": admin("access:review"),
  "GET /api/admin/access/expiring": admin("access:review"),
  "GET /api/admin/access/reasons": admin("access:review"),
  "GET /api/admin/access/readers": admin("access:review"),
  "GET /api/admin/accounts": admin("accounts:manage"),
  "POST /api/admin/accounts": admin("accounts:manage"),
  "PATCH /api/admin/accounts/[id]": admin("accounts:manage"),
  // Every role's own password (local accounts; SSO people are refused with 403 inside).
  "POST /api/account/password": admin("own-password:change"),
  "GET /api/admin/api-keys": admin("api-keys:manage"),
  "POST /api/admin/api-keys": admin("api-keys:manage"),
  "DELETE /api/admin/api-keys/[id]": admin("api-keys:manage"),
  "GET /api/admin/audit": admin("audit:read"),
  "GET /api/admin/audit/[id]": admin("audit:read"),
  "GET /api/admin/audit/export": admin("audit:export"),
  "GET /api/admin/audit/options": admin("audit:read"),
  "GET /api/admin/audit/chain": admin("audit:read"),
  "POST /api/admin/audit/chain": admin("audit:read"),
  "GET /api/admin/audit/chain-export": admin("audit:export"),
  "GET /api/admin/audit/public-key": admin("audit:read"),
  "GET /api/admin/erasures": admin("audit:read"),
  "GET /api/admin/erasures/[id]/certificate": admin("audit:read"),
  "GET /api/admin/evidence": admin("evidence:export"),
  "GET /api/admin/evidence/export": admin("evidence:export"),
  "GET /api/admin/contracts": admin("contracts:read"),
  "POST /api/admin/contracts": admin("contracts:write"),
  "GET /api/admin/contracts/[id]": admin("contracts:read"),
  "PATCH /api/admin/contracts/[id]": admin("contracts:write"),
  "POST /api/admin/contracts/import": admin("contracts:write"),
  "GET /api/admin/contracts/types": admin("contracts:read"),
  "GET /api/admin/directories": admin("directories:read"),
  "POST /api/admin/directories": admin("directories:write"),
  "GET /api/admin/directories/[id]": admin("directories:read"),
  "PATCH /api/admin/directories/[id]": admin("directories:write"),
  "GET /api/admin/directories/[id]/oauth-clients": admin("directories:read"),
  "POST /api/admin/directories/[id]/oauth-clients": admin("directories:write"),
  "GET /api/admin/directories/[id]/tokens": admin("directories:read"),
  "POST /api/admin/directories/[id]/tokens": admin("directories:write"),
  "DELETE /api/admin/directories/[id]/tokens/[tokenId]": admin("directories:write"),
  "GET /api/admin/groups": admin("groups:read"),
  "GET /api/admin/groups/[id]": admin("groups:read"),
  "GET /api/admin/groups/[id]/access": admin("groups:read"),
  "GET /api/admin/groups/[id]/members": admin("groups:read"),
  "POST /api/admin/groups/[id]/roles": admin("accounts:manage"),
  "DELETE /api/admin/groups/[id]/roles": admin("accounts:manage"),
  "GET /api/admin/overview": admin("overview:read"),
  "GET /api/admin/repositories": admin("contracts:read"),
  "POST /api/admin/repositories": admin("contracts:write"),
  "GET /api/admin/repositories/[id]": admin("contracts:read"),
  "PATCH /api/admin/repositories/[id]": admin("contracts:write"),
  "GET /api/admin/request-log": admin("directories:read"),
  "GET /api/admin/exclusions": admin("access:review"),
  "POST /api/admin/exclusions": admin("exclusions:write"),
  "GET /api/admin/exclusions/[id]": admin("access:review"),
  "POST /api/admin/exclusions/[id]/lift": admin("exclusions:write"),
  "GET /api/admin/review-definitions": admin("campaigns:read"),
  "POST /api/admin/review-definitions": admin("campaigns:manage"),
  "GET /api/admin/review-definitions/[id]/preview": admin("campaigns:manage"),
  "POST /api/admin/review-definitions/[id]/start": admin("campaigns:manage"),
  "GET /api/admin/campaigns": admin("campaigns:read"),
  "GET /api/admin/campaigns/[id]": admin("campaigns:read"),
  "POST /api/admin/campaigns/[id]/close": admin("campaigns:manage"),
  "GET /api/admin/campaigns/[id]/report": admin("campaigns:read"),
  "GET /api/admin/campaigns/[id]/report/signed": admin("campaigns:read"),
  "PUT /api/admin/repositories/[id]/owners": admin("campaigns:manage"),
  // Reviewers see and decide only their own items (lib/reviews/queries.ts myQueue, service.ts decideItems).
  "GET /api/reviews/queue": REVIEWER,
  "POST /api/reviews/decisions": REVIEWER,
  "GET /api/admin/rules": admin("rules:read"),
  "POST /api/admin/rules": admin("rules:write"),
  "GET /api/admin/rules/[id]": admin("rules:read"),
  "PATCH /api/admin/rules/[id]": admin("rules:write"),
  "DELETE /api/admin/rules/[id]": admin("rules:write"),
  "GET /api/admin/rules/[id]/versions": admin("rules:read"),
  "POST /api/admin/rules/preview": admin("rules:write"),
  "GET /api/admin/users": admin("users:read"),
  "GET /api/admin/users/[id]": admin("users:read"),
  "GET /api/admin/users/[id]/access": admin("users:read"),
  "GET /api/admin/users/[id]/timeline": admin("users:read"),
  "POST /api/admin/users/[id]/erase": admin("users:erase"),
  "GET /api/admin/webhooks": admin("webhooks:manage"),
  "POST /api/admin/webhooks": admin("webhooks:manage"),
  "PATCH /api/admin/webhooks/[id]": admin("webhooks:manage"),
  "DELETE /api/admin/webhooks/[id]": admin("webhooks:manage"),
  "POST /api/admin/webhooks/[id]/rotate-secret": admin("webhooks:manage"),
  "POST /api/admin/webhooks/[id]/test": admin("webhooks:manage"),
  "GET /api/admin/webhooks/deliveries": admin("webhooks:manage"),
  "POST /api/admin/webhooks/deliveries/[id]/replay": admin("webhooks:manage"),
  "GET /api/auth/[...nextauth]": { kind: "next-auth" },
  "POST /api/auth/[...nextauth]": { kind: "next-auth" },
  "GET /api/bench/floor": { kind: "bench-floor" },
  "GET /api/bench/floor/list": { kind: "bench-floor" },
  "POST /api/bench/floor/write": { kind: "bench-floor" },
  // Off (404) unless BENCH_FLOOR_ROUTE=1; an API key with a decision scope either way.
  "POST /api/bench/decision-floor": apiKey("access:decide", "access:read"),
  "GET /api/health": PUBLIC,
  "GET /api/health/live": PUBLIC,
  "GET /api/metrics": { kind: "metrics-token" },
  "GET /api/v1/access/check": apiKey("access:read"),
  "POST /access/v1/evaluation": apiKey("access:decide", "access:read"),
  "POST /access/v1/evaluations": apiKey("access:decide", "access:read"),
  "POST /access/v1/search/subject": apiKey("access:decide", "access:read"),
  "POST /access/v1/search/resource": apiKey("access:decide", "access:read"),
  "POST /access/v1/search/action": apiKey("access:decide", "access:read"),
  "GET /.well-known/authzen-configuration": PUBLIC,
  "GET /api/v1/contracts/[ref]": apiKey("contracts:read"),
  "PUT /api/v1/contracts/[ref]": apiKey("contracts:write"),
  "GET /api/v1/contracts/[ref]/access": apiKey("access:read"),
  "POST /api/v1/contracts/bulk": apiKey("contracts:write"),
  "GET /api/v1/openapi.json": PUBLIC,
  "GET /api/v1/repositories": apiKey("contracts:read", "rules:read"),
  "POST /api/v1/repositories": apiKey("admin"),
  "GET /api/v1/rules": apiKey("rules:read"),
  "POST /api/v1/rules": apiKey("rules:write"),
  "GET /api/v1/rules/[id]": apiKey("rules:read"),
  "PATCH /api/v1/rules/[id]": apiKey("rules:write"),
  "DELETE /api/v1/rules/[id]": apiKey("rules:write"),
  "GET /api/v1/rules/[id]/versions": apiKey("rules:read"),
  "POST /api/v1/rules/preview": apiKey("rules:write"),
  "GET /api/v1/users/[ref]/contracts": apiKey("access:read"),
  // Review campaigns and exclusions: access:read reads, admin writes; reviewer decisions are not in /api/v1.
  "GET /api/v1/review-definitions": apiKey("access:read"),
  "POST /api/v1/review-definitions": apiKey("admin"),
  "GET /api/v1/review-definitions/[id]": apiKey("access:read"),
  "POST /api/v1/review-definitions/[id]/start": apiKey("admin"),
  "GET /api/v1/campaigns": apiKey("access:read"),
  "GET /api/v1/campaigns/[id]": apiKey("access:read"),
  "GET /api/v1/campaigns/[id]/items": apiKey("access:read"),
  "GET /api/v1/campaigns/[id]/report": apiKey("access:read"),
  "GET /api/v1/campaigns/[id]/report/signed": apiKey("access:read"),
  "POST /api/v1/campaigns/[id]/close": apiKey("admin"),
  "GET /api/v1/exclusions": apiKey("access:read"),
  "POST /api/v1/exclusions": apiKey("admin"),
  "GET /api/v1/exclusions/[id]": apiKey("access:read"),
  "POST /api/v1/exclusions/[id]/lift": apiKey("admin"),
  "GET /scim/v2/[[...path]]": SCIM,
  "POST /scim/v2/[[...path]]": SCIM,
  "PUT /scim/v2/[[...path]]": SCIM,
  "PATCH /scim/v2/[[...path]]": SCIM,
  "DELETE /scim/v2/[[...path]]": SCIM,
};

const page = (action: Action): PageRule => ({ kind: "page", action });

/** Page paths (folders under app/, without route groups). */
export const PAGE_RULES: Record<string, PageRule> = {
  "/": { kind: "public" },
  "/login": { kind: "public" },
  "/dashboard": page("overview:read"),
  "/dashboard/forbidden": { kind: "signed-in" },
  "/dashboard/access-review": page("access:review"),
  "/dashboard/audit": page("audit:read"),
  "/dashboard/audit/[id]": page("audit:read"),
  "/dashboard/audit/erasures": page("audit:read"),
  "/dashboard/evidence": page("evidence:export"),
  "/dashboard/webhooks": page("webhooks:manage"),
  "/dashboard/contracts": page("contracts:read"),
  "/dashboard/contracts/[id]": page("contracts:read"),
  "/dashboard/contracts/[id]/edit": page("contracts:write"),
  "/dashboard/contracts/import": page("contracts:write"),
  "/dashboard/contracts/new": page("contracts:write"),
  "/dashboard/directories": page("directories:read"),
  "/dashboard/directories/[id]": page("directories:read"),
  "/dashboard/directories/requests": page("directories:read"),
  "/dashboard/groups": page("groups:read"),
  "/dashboard/groups/[id]": page("groups:read"),
  "/dashboard/repositories": page("contracts:read"),
  "/dashboard/repositories/[id]": page("contracts:read"),
  "/dashboard/campaigns": page("campaigns:read"),
  "/dashboard/campaigns/new": page("campaigns:manage"),
  "/dashboard/campaigns/[id]": page("campaigns:read"),
  "/dashboard/campaigns/[id]/report": page("campaigns:read"),
  "/dashboard/exclusions": page("access:review"),
  // Any signed-in person of a directory (no role): their own review queue.
  "/reviews": { kind: "signed-in" },
  "/dashboard/rules": page("rules:read"),
  "/dashboard/rules/[id]": page("rules:read"),
  "/dashboard/rules/[id]/edit": page("rules:write"),
  "/dashboard/rules/new": page("rules:write"),
  // Sends each role to the settings tab it may use.
  "/dashboard/settings": page("accounts:manage"),
  "/dashboard/settings/accounts": page("accounts:manage"),
  "/dashboard/settings/api-keys": page("api-keys:manage"),
  "/dashboard/settings/password": page("own-password:change"),
  "/dashboard/users": page("users:read"),
  "/dashboard/users/[id]": page("users:read"),
};

/** Server actions ("use server" functions) by "file#exportName": the permission they require. */
export const SERVER_ACTION_RULES: Record<string, Action> = {};
