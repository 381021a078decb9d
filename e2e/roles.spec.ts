import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { expect, test, type APIRequestContext, type Browser, type Page } from "@playwright/test";
import { can, type Action, type Role } from "../lib/auth/permissions";
import { createAccountInSettings, createApiKeyInSettings, E2E_ADMIN, postOk, SCIM_HEADERS, SCIM_USER, scimUserAndGroup, signIn, uniqueSuffix } from "./fixtures";

// Per role: the menu shows only what the role may use, forbidden pages answer "Not allowed" from
// the server, and forbidden requests fail ON THE SERVER (403 with the role's own session; 401
// without one). Expectations come from the one permission table (lib/auth/permissions.ts); the
// tables below are checked against app/, so a new route or page without a row fails here.

/** Real objects the requests aim at (so a refusal is a 403, not a 404). */
interface Seed {
  suffix: string;
  directoryId: string;
  tokenId: string;
  repositoryId: string;
  contractId: string;
  ruleId: string;
  groupId: string;
  userId: string;
  accountId: string;
  apiKeyId: string;
  eventId: string;
  webhookId: string;
  deliveryId: string;
  /** A user of its own for the erasure row (the others' reads need `userId` to stay). */
  erasableUserId: string;
  exclusionId: string;
  definitionId: string;
  campaignId: string;
  wallId: string;
  /** A draft wall of sides (its sides row). */
  sidesWallId: string;
  /** The draft wall's repository scope item and its second roster entry (the removal rows). */
  wallScopeId: string;
  wallEntryId: string;
  /** The person linked to the auditor's account: the seeded campaign's reviewer (the reassign row). */
  reviewerId: string;
  /** Another person: who the seeded campaign's items are reassigned to. */
  otherUserId: string;
  /** A closed wall review whose reviewer found the wall no longer needed: the lift waits for an answer. */
  wallCampaignId: string;
  liftItemId: string;
}

type Method = "POST" | "PATCH" | "PUT" | "DELETE";

// Every state-changing handler under app/api/admin/** (route file, method, the permission its
// route() permission checks), with a request an admin may legitimately make. Executed top to bottom by the
// admin, so later rows may depend on earlier ones (the seeded token is revoked, the seeded rule
// changed then deleted, …).
const WRITES: { what: string; file: string; method: Method; action: Action; url: (s: Seed) => string; body?: (s: Seed) => unknown; csv?: (s: Seed) => string }[] = [
  { what: "create a directory", file: "directories/route.ts", method: "POST", action: "directories:write",
    url: () => "/api/admin/directories", body: (s) => ({ name: `Okta ${s.suffix}`, kind: "okta" }) },
  { what: "create a SCIM token", file: "directories/[id]/tokens/route.ts", method: "POST", action: "directories:write",
    url: (s) => `/api/admin/directories/${s.directoryId}/tokens`, body: () => ({ name: "Roles e2e", expiresInDays: 30 }) },
  { what: "revoke a SCIM token", file: "directories/[id]/tokens/[tokenId]/route.ts", method: "DELETE", action: "directories:write",
    url: (s) => `/api/admin/directories/${s.directoryId}/tokens/${s.tokenId}` },
  { what: "create an OAuth client", file: "directories/[id]/oauth-clients/route.ts", method: "POST", action: "directories:write",
    url: (s) => `/api/admin/directories/${s.directoryId}/oauth-clients`, body: () => ({ name: "okta-e2e" }) },
  { what: "create a repository", file: "repositories/route.ts", method: "POST", action: "contracts:write",
    url: () => "/api/admin/repositories", body: (s) => ({ name: `Vendors ${s.suffix}` }) },
  { what: "update a repository", file: "repositories/[id]/route.ts", method: "PATCH", action: "contracts:write",
    url: (s) => `/api/admin/repositories/${s.repositoryId}`, body: () => ({ owner: "legal-ops@contoso.example" }) },
  { what: "create a contract", file: "contracts/route.ts", method: "POST", action: "contracts:write",
    url: () => "/api/admin/contracts", body: (s) => ({ title: `Reseller agreement ${s.suffix}`, contractType: "Reseller", repositoryId: s.repositoryId }) },
  { what: "update a contract", file: "contracts/[id]/route.ts", method: "PATCH", action: "contracts:write",
    url: (s) => `/api/admin/contracts/${s.contractId}`, body: (s) => ({ title: `Settlement agreement (amended) ${s.suffix}` }) },
  { what: "import contracts from CSV", file: "contracts/import/route.ts", method: "POST", action: "contracts:write",
    url: () => "/api/admin/contracts/import",
    csv: (s) => `externalRef,title,contractType,confidentiality,repository\nROLES-${s.suffix},Mutual NDA ${s.suffix},NDA,internal,Litigation ${s.suffix}\n` },
  { what: "create a rule", file: "rules/route.ts", method: "POST", action: "rules:write",
    url: () => "/api/admin/rules", body: (s) => ({ name: "Legal comments on settlements", groupId: s.groupId, level: "comment", contractId: s.contractId, justification: "Legal comments on settlements" }) },
  { what: "preview a rule's impact", file: "rules/preview/route.ts", method: "POST", action: "rules:write",
    url: () => "/api/admin/rules/preview", body: (s) => ({ action: "delete", ruleId: s.ruleId }) },
  { what: "update a rule", file: "rules/[id]/route.ts", method: "PATCH", action: "rules:write",
    url: (s) => `/api/admin/rules/${s.ruleId}`, body: () => ({ level: "edit", justification: "Legal edits litigation files" }) },
  { what: "delete a rule", file: "rules/[id]/route.ts", method: "DELETE", action: "rules:write",
    url: (s) => `/api/admin/rules/${s.ruleId}`, body: () => ({ justification: "Matter closed" }) },
  { what: "create an account", file: "accounts/route.ts", method: "POST", action: "accounts:manage",
    url: () => "/api/admin/accounts", body: (s) => ({ email: `new.admin.${s.suffix}@example.com`, role: "admin", password: "another-admin-password-1" }) },
  { what: "disable an account", file: "accounts/[id]/route.ts", method: "PATCH", action: "accounts:manage",
    url: (s) => `/api/admin/accounts/${s.accountId}`, body: () => ({ disabled: true }) },
  { what: "create an API key", file: "api-keys/route.ts", method: "POST", action: "api-keys:manage",
    url: () => "/api/admin/api-keys", body: (s) => ({ name: `Sneaky ${s.suffix}`, scopes: ["admin"] }) },
  { what: "revoke an API key", file: "api-keys/[id]/route.ts", method: "DELETE", action: "api-keys:manage",
    url: (s) => `/api/admin/api-keys/${s.apiKeyId}` },
  // Port 9 on loopback (allowed by WEBHOOK_ALLOW_PRIVATE_TARGETS in playwright.config.ts): nothing listens.
  { what: "create a webhook endpoint", file: "webhooks/route.ts", method: "POST", action: "webhooks:manage",
    url: () => "/api/admin/webhooks", body: (s) => ({ url: "http://127.0.0.1:9/sneaky", events: ["access.granted"], description: `Sneaky ${s.suffix}` }) },
  { what: "send a webhook test event", file: "webhooks/[id]/test/route.ts", method: "POST", action: "webhooks:manage",
    url: (s) => `/api/admin/webhooks/${s.webhookId}/test` },
  { what: "replay a webhook delivery", file: "webhooks/deliveries/[id]/replay/route.ts", method: "POST", action: "webhooks:manage",
    url: (s) => `/api/admin/webhooks/deliveries/${s.deliveryId}/replay` },
  { what: "rotate a webhook secret", file: "webhooks/[id]/rotate-secret/route.ts", method: "POST", action: "webhooks:manage",
    url: (s) => `/api/admin/webhooks/${s.webhookId}/rotate-secret` },
  { what: "disable a webhook endpoint", file: "webhooks/[id]/route.ts", method: "PATCH", action: "webhooks:manage",
    url: (s) => `/api/admin/webhooks/${s.webhookId}`, body: () => ({ enabled: false }) },
  { what: "delete a webhook endpoint", file: "webhooks/[id]/route.ts", method: "DELETE", action: "webhooks:manage",
    url: (s) => `/api/admin/webhooks/${s.webhookId}` },
  { what: "set a directory's inactivity policy", file: "directories/[id]/route.ts", method: "PATCH", action: "directories:write",
    url: (s) => `/api/admin/directories/${s.directoryId}`, body: () => ({ inactivityDays: 90, inactivityAction: "flag" }) },
  { what: "erase a user's personal data", file: "users/[id]/erase/route.ts", method: "POST", action: "users:erase",
    url: (s) => `/api/admin/users/${s.erasableUserId}/erase` },
  { what: "assign a dashboard role to a group", file: "groups/[id]/roles/route.ts", method: "POST", action: "accounts:manage",
    url: (s) => `/api/admin/groups/${s.groupId}/roles`, body: () => ({ role: "admin" }) },
  { what: "remove a group's dashboard role", file: "groups/[id]/roles/route.ts", method: "DELETE", action: "accounts:manage",
    url: (s) => `/api/admin/groups/${s.groupId}/roles?role=admin` },
  { what: "exclude a person from a repository", file: "exclusions/route.ts", method: "POST", action: "exclusions:write",
    url: () => "/api/admin/exclusions", body: (s) => ({ userId: s.userId, repositoryId: s.repositoryId, reason: "Roles e2e: a second exclusion" }) },
  { what: "lift an exclusion", file: "exclusions/[id]/lift/route.ts", method: "POST", action: "exclusions:write",
    url: (s) => `/api/admin/exclusions/${s.exclusionId}/lift`, body: () => ({ justification: "Roles e2e: lifted again" }) },
  // Compliance may run campaigns too: the forbidden-writes check skips what a role holds.
  { what: "set a repository's owners", file: "repositories/[id]/owners/route.ts", method: "PUT", action: "campaigns:manage",
    url: (s) => `/api/admin/repositories/${s.repositoryId}/owners`, body: (s) => ({ userIds: [s.userId] }) },
  { what: "create a review definition", file: "review-definitions/route.ts", method: "POST", action: "campaigns:manage",
    url: () => "/api/admin/review-definitions", body: (s) => ({ name: `Sneaky review ${s.suffix}`, config: { stages: [{ reviewers: "manager" }], fallbackReviewerId: s.userId } }) },
  { what: "start a review campaign", file: "review-definitions/[id]/start/route.ts", method: "POST", action: "campaigns:manage",
    url: (s) => `/api/admin/review-definitions/${s.definitionId}/start` },
  { what: "extend a review campaign", file: "campaigns/[id]/extend/route.ts", method: "POST", action: "campaigns:manage",
    url: (s) => `/api/admin/campaigns/${s.campaignId}/extend`, body: () => ({ dueAt: new Date(Date.now() + 30 * 86_400_000).toISOString(), reason: "Roles e2e: reviewers are on leave" }) },
  { what: "reassign a reviewer's items", file: "campaigns/[id]/reassign/route.ts", method: "POST", action: "campaigns:manage",
    url: (s) => `/api/admin/campaigns/${s.campaignId}/reassign`, body: (s) => ({ fromReviewerId: s.reviewerId, toReviewerId: s.otherUserId, reason: "Roles e2e: the reviewer moved teams" }) },
  { what: "close a review campaign", file: "campaigns/[id]/close/route.ts", method: "POST", action: "campaigns:manage",
    url: (s) => `/api/admin/campaigns/${s.campaignId}/close` },
  // Ethical walls (compliance holds walls:write too): the seeded draft is edited, scoped, staffed,
  // activated, acknowledged, reminded, trimmed, lifted and certified, in that order.
  { what: "create a wall", file: "walls/route.ts", method: "POST", action: "walls:write",
    url: () => "/api/admin/walls", body: (s) => ({ name: `Sneaky wall ${s.suffix}`, kind: "sides", sides: [{ name: "Buyer" }, { name: "Seller" }] }) },
  { what: "edit a draft wall", file: "walls/[id]/route.ts", method: "PATCH", action: "walls:write",
    url: (s) => `/api/admin/walls/${s.wallId}`, body: () => ({ description: "Screened until the matter closes.", requiresAcknowledgment: true }) },
  { what: "add a side to a wall of sides", file: "walls/[id]/sides/route.ts", method: "POST", action: "walls:write",
    url: (s) => `/api/admin/walls/${s.sidesWallId}/sides`, body: () => ({ name: "Intervener" }) },
  { what: "add to a wall's scope", file: "walls/[id]/scope/route.ts", method: "POST", action: "walls:write",
    url: (s) => `/api/admin/walls/${s.wallId}/scope`, body: (s) => ({ items: [{ kind: "contract", value: s.contractId }] }) },
  { what: "remove from a wall's scope", file: "walls/[id]/scope/[scopeId]/route.ts", method: "DELETE", action: "walls:write",
    url: (s) => `/api/admin/walls/${s.wallId}/scope/${s.wallScopeId}`, body: () => ({ justification: "Roles e2e: only the settlement is conflicted" }) },
  { what: "add a group to a wall's roster", file: "walls/[id]/roster/route.ts", method: "POST", action: "walls:write",
    url: (s) => `/api/admin/walls/${s.wallId}/roster`, body: (s) => ({ items: [{ groupId: s.groupId }] }) },
  { what: "remove a roster entry", file: "walls/[id]/roster/[entryId]/route.ts", method: "DELETE", action: "walls:write",
    url: (s) => `/api/admin/walls/${s.wallId}/roster/${s.wallEntryId}`, body: () => ({ justification: "Roles e2e: never conflicted" }) },
  { what: "activate a wall", file: "walls/[id]/activate/route.ts", method: "POST", action: "walls:write",
    url: (s) => `/api/admin/walls/${s.wallId}/activate`, body: () => ({ reason: "Roles e2e: lateral hire from opposing counsel" }) },
  { what: "acknowledge a wall on someone's behalf", file: "walls/[id]/acknowledgments/route.ts", method: "POST", action: "walls:write",
    url: (s) => `/api/admin/walls/${s.wallId}/acknowledgments`, body: (s) => ({ userId: s.userId, reason: "Roles e2e: signed the paper memo" }) },
  { what: "remind who owes an acknowledgment", file: "walls/[id]/reminders/route.ts", method: "POST", action: "walls:write",
    url: (s) => `/api/admin/walls/${s.wallId}/reminders` },
  { what: "remove a person from a wall", file: "walls/[id]/people/[userId]/route.ts", method: "DELETE", action: "walls:write",
    url: (s) => `/api/admin/walls/${s.wallId}/people/${s.userId}`, body: () => ({ justification: "Roles e2e: the conflict ended" }) },
  { what: "lift a wall", file: "walls/[id]/lift/route.ts", method: "POST", action: "walls:write",
    url: (s) => `/api/admin/walls/${s.wallId}/lift`, body: () => ({ reason: "Roles e2e: the matter closed" }) },
  { what: "issue a wall certificate", file: "walls/[id]/certificates/route.ts", method: "POST", action: "walls:write",
    url: (s) => `/api/admin/walls/${s.wallId}/certificates`, body: () => ({}) },
  { what: "answer a wall review's lift", file: "campaigns/[id]/wall-items/[itemId]/lift/route.ts", method: "POST", action: "walls:write",
    url: (s) => `/api/admin/campaigns/${s.wallCampaignId}/wall-items/${s.liftItemId}/lift`, body: () => ({ action: "keep", reason: "Roles e2e: the matter is still open" }) },
];

// POSTs that change nothing anyone configured (they run a check and record its result): every role
// holding the read permission may call them.
const READ_POSTS: { what: string; file: string; action: Action; url: (s: Seed) => string }[] = [
  { what: "verify the audit chain now", file: "audit/chain/route.ts", action: "audit:read", url: () => "/api/admin/audit/chain" },
];

// Reads (GET) with the permission each checks: allowed → 200, otherwise 403.
const READS: { what: string; action: Action; url: (s: Seed) => string }[] = [
  { what: "overview", action: "overview:read", url: () => "/api/admin/overview" },
  { what: "review campaigns", action: "campaigns:read", url: () => "/api/admin/campaigns" },
  { what: "a review campaign", action: "campaigns:read", url: (s) => `/api/admin/campaigns/${s.campaignId}` },
  { what: "exclusions", action: "access:review", url: () => "/api/admin/exclusions" },
  { what: "users", action: "users:read", url: () => "/api/admin/users" },
  { what: "a user's access", action: "users:read", url: (s) => `/api/admin/users/${s.userId}/access` },
  { what: "groups", action: "groups:read", url: () => "/api/admin/groups" },
  { what: "contracts", action: "contracts:read", url: () => "/api/admin/contracts" },
  { what: "repositories", action: "contracts:read", url: () => "/api/admin/repositories" },
  { what: "rules", action: "rules:read", url: () => "/api/admin/rules" },
  { what: "directories", action: "directories:read", url: () => "/api/admin/directories" },
  { what: "SCIM tokens", action: "directories:read", url: (s) => `/api/admin/directories/${s.directoryId}/tokens` },
  { what: "request log", action: "directories:read", url: () => "/api/admin/request-log" },
  { what: "access review", action: "access:review", url: (s) => `/api/admin/access?subject=contract&id=${s.contractId}` },
  { what: "access review export", action: "access:export", url: (s) => `/api/admin/access/export?subject=contract&id=${s.contractId}&format=csv` },
  { what: "audit trail", action: "audit:read", url: () => "/api/admin/audit" },
  { what: "an audit event", action: "audit:read", url: (s) => `/api/admin/audit/${s.eventId}` },
  { what: "audit trail export", action: "audit:export", url: () => "/api/admin/audit/export?format=csv&action=account.created" },
  { what: "evidence pack", action: "evidence:export", url: (s) => `/api/admin/evidence?kind=contract&id=${s.contractId}&from=2026-01-01&to=2026-02-01` },
  { what: "evidence export", action: "evidence:export", url: () => "/api/admin/evidence/export?kind=leavers&from=2026-01-01&to=2026-02-01&format=csv" },
  { what: "accounts", action: "accounts:manage", url: () => "/api/admin/accounts" },
  { what: "API keys", action: "api-keys:manage", url: () => "/api/admin/api-keys" },
  { what: "webhook endpoints", action: "webhooks:manage", url: () => "/api/admin/webhooks" },
  { what: "webhook deliveries", action: "webhooks:manage", url: () => "/api/admin/webhooks/deliveries" },
];

// Dashboard pages and the permission their server component requires.
const PAGES: { route: string; action: Action; url: (s: Seed) => string }[] = [
  { route: "/dashboard", action: "overview:read", url: () => "/dashboard" },
  { route: "/dashboard/users", action: "users:read", url: () => "/dashboard/users" },
  { route: "/dashboard/users/[id]", action: "users:read", url: (s) => `/dashboard/users/${s.userId}` },
  { route: "/dashboard/groups", action: "groups:read", url: () => "/dashboard/groups" },
  { route: "/dashboard/groups/[id]", action: "groups:read", url: (s) => `/dashboard/groups/${s.groupId}` },
  { route: "/dashboard/repositories", action: "contracts:read", url: () => "/dashboard/repositories" },
  { route: "/dashboard/repositories/[id]", action: "contracts:read", url: (s) => `/dashboard/repositories/${s.repositoryId}` },
  { route: "/dashboard/contracts", action: "contracts:read", url: () => "/dashboard/contracts" },
  { route: "/dashboard/contracts/[id]", action: "contracts:read", url: (s) => `/dashboard/contracts/${s.contractId}` },
  { route: "/dashboard/contracts/[id]/edit", action: "contracts:write", url: (s) => `/dashboard/contracts/${s.contractId}/edit` },
  { route: "/dashboard/contracts/new", action: "contracts:write", url: () => "/dashboard/contracts/new" },
  { route: "/dashboard/contracts/import", action: "contracts:write", url: () => "/dashboard/contracts/import" },
  { route: "/dashboard/rules", action: "rules:read", url: () => "/dashboard/rules" },
  { route: "/dashboard/rules/new", action: "rules:write", url: () => "/dashboard/rules/new" },
  { route: "/dashboard/rules/[id]", action: "rules:read", url: (s) => `/dashboard/rules/${s.ruleId}` },
  { route: "/dashboard/rules/[id]/edit", action: "rules:write", url: (s) => `/dashboard/rules/${s.ruleId}/edit` },
  { route: "/dashboard/access-review", action: "access:review", url: () => "/dashboard/access-review" },
  { route: "/dashboard/evidence", action: "evidence:export", url: () => "/dashboard/evidence" },
  { route: "/dashboard/audit", action: "audit:read", url: () => "/dashboard/audit" },
  { route: "/dashboard/audit/[id]", action: "audit:read", url: (s) => `/dashboard/audit/${s.eventId}` },
  { route: "/dashboard/audit/erasures", action: "audit:read", url: () => "/dashboard/audit/erasures" },
  { route: "/dashboard/directories", action: "directories:read", url: () => "/dashboard/directories" },
  { route: "/dashboard/directories/[id]", action: "directories:read", url: (s) => `/dashboard/directories/${s.directoryId}` },
  { route: "/dashboard/directories/requests", action: "directories:read", url: () => "/dashboard/directories/requests" },
  { route: "/dashboard/settings/accounts", action: "accounts:manage", url: () => "/dashboard/settings/accounts" },
  { route: "/dashboard/settings/api-keys", action: "api-keys:manage", url: () => "/dashboard/settings/api-keys" },
  { route: "/dashboard/settings/password", action: "own-password:change", url: () => "/dashboard/settings/password" },
  { route: "/dashboard/webhooks", action: "webhooks:manage", url: () => "/dashboard/webhooks" },
  { route: "/dashboard/campaigns", action: "campaigns:read", url: () => "/dashboard/campaigns" },
  { route: "/dashboard/campaigns/new", action: "campaigns:manage", url: () => "/dashboard/campaigns/new" },
  { route: "/dashboard/exclusions", action: "access:review", url: () => "/dashboard/exclusions" },
  { route: "/dashboard/campaigns/[id]", action: "campaigns:read", url: (s) => `/dashboard/campaigns/${s.campaignId}` },
  { route: "/dashboard/campaigns/[id]/report", action: "campaigns:read", url: (s) => `/dashboard/campaigns/${s.campaignId}/report` },
  { route: "/dashboard/walls", action: "walls:read", url: () => "/dashboard/walls" },
  { route: "/dashboard/walls/new", action: "walls:write", url: () => "/dashboard/walls/new" },
  { route: "/dashboard/walls/[id]", action: "walls:read", url: (s) => `/dashboard/walls/${s.wallId}` },
  { route: "/dashboard/walls/[id]/edit", action: "walls:write", url: (s) => `/dashboard/walls/${s.wallId}/edit` },
];

// The main menu (app/dashboard/layout.tsx): label → the permission that shows it.
const MENU: { label: string; action: Action }[] = [
  { label: "Overview", action: "overview:read" },
  { label: "Users", action: "users:read" },
  { label: "Groups", action: "groups:read" },
  { label: "Repositories", action: "contracts:read" },
  { label: "Contracts", action: "contracts:read" },
  { label: "Access rules", action: "rules:read" },
  { label: "Access review", action: "access:review" },
  { label: "Review campaigns", action: "campaigns:read" },
  { label: "Exclusions", action: "access:review" },
  { label: "Ethical walls", action: "walls:read" },
  { label: "Evidence", action: "evidence:export" },
  { label: "Directories", action: "directories:read" },
  { label: "Audit trail", action: "audit:read" },
  { label: "Webhooks", action: "webhooks:manage" },
  { label: "Settings", action: "accounts:manage" },
];

const PASSWORD = "role-e2e-password-123";
const accounts: Record<Exclude<Role, "admin">, string> = { compliance: "", auditor: "" };
let seed: Seed;

function filesUnder(dir: string, name: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) return filesUnder(full, name);
    return entry === name ? [full] : [];
  });
}

function send(request: APIRequestContext, w: (typeof WRITES)[number], s: Seed) {
  const url = w.url(s);
  if (w.csv) return request.fetch(url, { method: w.method, data: w.csv(s), headers: { "content-type": "text/csv" } });
  return request.fetch(url, { method: w.method, ...(w.body ? { data: w.body(s) } : {}) });
}

/** Starts a definition's campaign and waits until it is active (a start may finish in the background). */
async function startedCampaign(api: APIRequestContext, definitionId: string): Promise<{ id: string }> {
  const campaign = await postOk<{ id: string }>(api, `/api/admin/review-definitions/${definitionId}/start`, {});
  await expect.poll(async () => ((await (await api.get(`/api/admin/campaigns/${campaign.id}`)).json()) as { status: string }).status).toBe("active");
  return campaign;
}

async function signedIn(browser: Browser, role: Exclude<Role, "admin">): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await signIn(page, accounts[role], PASSWORD);
  return page;
}

test("the tables cover every write route and every guarded page in app/", () => {
  const apiRoot = path.join(process.cwd(), "app/api/admin");
  const found = filesUnder(apiRoot, "route.ts").flatMap((file) =>
    [...readFileSync(file, "utf8").matchAll(/export const (POST|PATCH|PUT|DELETE) = route\(\s*\{\s*auth: \{ permission: "([\w:-]+)" \}/g)].map(
      (m) => `${m[1]} ${path.relative(apiRoot, file)} ${m[2]}`,
    ),
  );
  expect(found.length).toBeGreaterThan(0);
  expect([...WRITES.map((w) => `${w.method} ${w.file} ${w.action}`), ...READ_POSTS.map((p) => `POST ${p.file} ${p.action}`)].sort()).toEqual(found.sort());

  const pageRoot = path.join(process.cwd(), "app");
  const guarded = filesUnder(path.join(pageRoot, "dashboard"), "page.tsx").flatMap((file) => {
    const m = readFileSync(file, "utf8").match(/requirePagePermission\("([\w:-]+)"\)/);
    return m ? [`/${path.relative(pageRoot, path.dirname(file))} ${m[1]}`] : [];
  });
  expect(PAGES.map((p) => `${p.route} ${p.action}`).sort()).toEqual(guarded.sort());
});

// Stateful: seeded once, then each role in turn, the admin last (its writes consume the seed).
test.describe.serial("per role", () => {
  test("as admin: seed the targets and create a compliance and an auditor account in Settings", async ({ page, request, browser }) => {
    const suffix = uniqueSuffix();
    const { user, group } = await scimUserAndGroup(request, suffix);
    await signIn(page, E2E_ADMIN.email, E2E_ADMIN.password);
    for (const role of ["compliance", "auditor"] as const) {
      accounts[role] = `${role}.${suffix}@example.com`;
      await createAccountInSettings(page, { email: accounts[role], name: `${role} ${suffix}`, role, password: PASSWORD });
    }
    const api = page.request;
    const directory = await postOk<{ id: string }>(api, "/api/admin/directories", { name: `Entra ${suffix}`, kind: "entra" });
    const token = await postOk<{ record: { id: string } }>(api, `/api/admin/directories/${directory.id}/tokens`, { name: "to revoke" });
    const repository = await postOk<{ id: string }>(api, "/api/admin/repositories", { name: `Litigation ${suffix}` });
    const contract = await postOk<{ id: string }>(api, "/api/admin/contracts", { title: `Settlement agreement ${suffix}`, contractType: "Settlement", repositoryId: repository.id });
    const rule = await postOk<{ id: string }>(api, "/api/admin/rules", { name: "Legal reads litigation files", groupId: group.id, level: "view", repositoryId: repository.id, justification: "Legal reads litigation files" });
    const victim = await postOk<{ id: string }>(api, "/api/admin/accounts", { email: `leaver.${suffix}@example.com`, role: "auditor", password: PASSWORD });
    await createApiKeyInSettings(page, `Contract system ${suffix}`, ["access:read"]);
    const keys = (await (await api.get("/api/admin/api-keys?status=active")).json()) as { items: { id: string; name: string }[] };
    const apiKeyId = keys.items.find((k) => k.name === `Contract system ${suffix}`)!.id;
    const events = (await (await api.get("/api/admin/audit?action=account.created")).json()) as { items: { id: string }[] };
    const webhook = await postOk<{ endpoint: { id: string } }>(api, "/api/admin/webhooks", { url: "http://127.0.0.1:9/roles", events: ["user.updated"] });
    const delivery = await postOk<{ id: string }>(api, `/api/admin/webhooks/${webhook.endpoint.id}/test`, {});
    const erasable = await postOk<{ id: string }>(request, "/scim/v2/Users", { schemas: [SCIM_USER], userName: `erasable.${suffix}@contoso.example` }, SCIM_HEADERS);
    // The auditor's account is linked (by address) to a directory person: the seeded campaigns' reviewer.
    const person = (name: string, email = `${name}.${suffix}@contoso.example`) =>
      postOk<{ id: string }>(request, "/scim/v2/Users", { schemas: [SCIM_USER], userName: email, displayName: `${name} ${suffix}`, emails: [{ value: email, primary: true }] }, SCIM_HEADERS);
    const reviewer = await person("reviewer", accounts.auditor);
    const other = await person("other");
    const definition = await postOk<{ id: string }>(api, "/api/admin/review-definitions", { name: `Roles review ${suffix}`, config: { scope: { repositoryIds: [repository.id] }, stages: [{ reviewers: "manager" }], fallbackReviewerId: reviewer.id } });
    const campaign = await startedCampaign(api, definition.id);
    // After the start: the campaign reviews Ada's access before her exclusion ends it.
    const exclusion = await postOk<{ id: string }>(api, "/api/admin/exclusions", { userId: user.id, repositoryId: repository.id, reason: "Roles e2e: seeded exclusion" });
    const wall = await postOk<{ id: string; scope: { id: string }[]; roster: { id: string; userId: string | null }[] }>(api, "/api/admin/walls", {
      name: `Roles wall ${suffix}`, kind: "exclusionary", members: [{ userId: user.id }, { userId: other.id }], scope: [{ kind: "repository", value: repository.id }],
    });
    const sidesWall = await postOk<{ id: string }>(api, "/api/admin/walls", { name: `Roles sides ${suffix}`, kind: "sides", sides: [{ name: "Claimant" }, { name: "Respondent" }] });
    // A wall review whose reviewer finds the wall no longer needed; closed, its lift waits for an admin.
    // Someone else on it: \`other\` must stay unscreened from the repository, or reassigning its items to them is refused (issue 20).
    const screened = await person("screened");
    const reviewedWall = await postOk<{ id: string }>(api, "/api/admin/walls", { name: `Roles reviewed wall ${suffix}`, kind: "exclusionary", members: [{ userId: screened.id }], scope: [{ kind: "repository", value: repository.id }] });
    await postOk(api, `/api/admin/walls/${reviewedWall.id}/activate`, { reason: "Roles e2e: seeded" });
    const wallDefinition = await postOk<{ id: string }>(api, "/api/admin/review-definitions", {
      name: `Roles wall review ${suffix}`,
      config: { walls: { wallIds: [reviewedWall.id] }, stages: [{ reviewers: "named", namedReviewerIds: [reviewer.id] }], fallbackReviewerId: other.id },
    });
    const wallCampaign = await startedCampaign(api, wallDefinition.id);
    const auditor = await (await browser.newContext()).newPage();
    await signIn(auditor, accounts.auditor, PASSWORD);
    const queue = (await (await auditor.request.get(`/api/reviews/wall-queue?campaignId=${wallCampaign.id}`)).json()) as { items: { id: string; question: string }[] };
    const liftItem = queue.items.find((i) => i.question === "wall")!;
    await postOk(auditor.request, "/api/reviews/wall-decisions", { campaignId: wallCampaign.id, itemIds: [liftItem.id], decision: "lift", justification: "Roles e2e: no longer needed" });
    await auditor.context().close();
    await postOk(api, `/api/admin/campaigns/${wallCampaign.id}/close`, {});
    seed = {
      wallId: wall.id, wallScopeId: wall.scope[0].id, wallEntryId: wall.roster.find((e) => e.userId === other.id)!.id, sidesWallId: sidesWall.id,
      reviewerId: reviewer.id, otherUserId: other.id, wallCampaignId: wallCampaign.id, liftItemId: liftItem.id,
      exclusionId: exclusion.id, definitionId: definition.id, campaignId: campaign.id, erasableUserId: erasable.id, webhookId: webhook.endpoint.id, deliveryId: delivery.id, eventId: events.items[0].id, suffix, directoryId: directory.id, tokenId: token.record.id, repositoryId: repository.id, contractId: contract.id, ruleId: rule.id, groupId: group.id, userId: user.id, accountId: victim.id, apiKeyId,
    };
  });

  for (const role of ["compliance", "auditor"] as const) {
    test.describe(`as ${role}`, () => {
      test("the menu shows only the permitted areas", async ({ browser }) => {
        const page = await signedIn(browser, role);
        const expected = MENU.filter((m) => can([role], m.action)).map((m) => m.label);
        await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link")).toHaveText(expected);
        await expect(page.getByText(role, { exact: true })).toBeVisible();
        await page.screenshot({ path: `test-results/screenshots/roles-${role}-overview.png`, fullPage: true });
        await page.context().close();
      });

      test("forbidden pages answer “Not allowed” from the server; permitted ones render", async ({ browser }) => {
        const page = await signedIn(browser, role);
        for (const p of [...PAGES, { route: "/dashboard/settings", action: "accounts:manage" as Action, url: () => "/dashboard/settings" }]) {
          const response = await page.goto(p.url(seed));
          expect(response?.ok(), p.route).toBe(true);
          if (can([role], p.action)) {
            await expect(page, p.route).not.toHaveURL(/\/dashboard\/forbidden$/);
            await expect(page.getByRole("heading", { level: 1 }).first(), p.route).not.toHaveText("Not allowed");
          } else {
            // The redirect happens in the server component: the forbidden page is what the server sent.
            await expect(page, p.route).toHaveURL(/\/dashboard\/forbidden$/);
            await expect(page.getByRole("heading", { level: 1, name: "Not allowed" }), p.route).toBeVisible();
          }
        }
        await page.goto("/dashboard/settings/accounts");
        await page.screenshot({ path: `test-results/screenshots/roles-${role}-not-allowed.png`, fullPage: true });
        await page.context().close();
      });

      test("forbidden writes fail on the server with 403; reads follow the permission table", async ({ browser }) => {
        const page = await signedIn(browser, role);
        const outcomes: string[] = [];
        const expected: string[] = [];
        for (const w of WRITES.filter((x) => !can([role], x.action))) {
          const res = await send(page.request, w, seed);
          outcomes.push(`${w.what}: ${res.status()} ${res.status() === 403 ? (await res.json()).error.code : await res.text()}`);
          expected.push(`${w.what}: 403 forbidden`);
        }
        // Every write the role holds is a campaign or a wall write (compliance runs both); nothing else.
        expect(WRITES.filter((x) => can([role], x.action)).map((x) => x.action).every((a) => a === "campaigns:manage" || a === "walls:write")).toBe(true);
        expect(outcomes).toEqual(expected);

        const reads = await Promise.all(READS.map(async (r) => `${r.what}: ${(await page.request.get(r.url(seed))).status()}`));
        expect(reads).toEqual(READS.map((r) => `${r.what}: ${can([role], r.action) ? 200 : 403}`));
        const posts: string[] = [];
        for (const p of READ_POSTS) posts.push(`${p.what}: ${(await page.request.post(p.url(seed))).status()}`);
        expect(posts).toEqual(READ_POSTS.map((p) => `${p.what}: ${can([role], p.action) ? 200 : 403}`));
        await page.context().close();
      });
    });
  }

  test("nothing was changed by the refused requests", async ({ page }) => {
    await signIn(page, E2E_ADMIN.email, E2E_ADMIN.password);
    const rule = (await (await page.request.get(`/api/admin/rules/${seed.ruleId}`)).json()) as { version: number; level: string; deletedAt: string | null };
    expect(rule).toMatchObject({ version: 1, level: "view", deletedAt: null });
    const tokens = (await (await page.request.get(`/api/admin/directories/${seed.directoryId}/tokens`)).json()) as { items: { id: string; status: string }[] };
    expect(tokens.items.find((t) => t.id === seed.tokenId)?.status).toBe("active");
    const directories = (await (await page.request.get(`/api/admin/directories?search=${encodeURIComponent(`Okta ${seed.suffix}`)}`)).json()) as { total: number };
    expect(directories.total).toBe(0);
    const keys = (await (await page.request.get("/api/admin/api-keys")).json()) as { items: { name: string }[] };
    expect(keys.items.filter((k) => k.name === `Sneaky ${seed.suffix}`)).toEqual([]);
    const webhooks = (await (await page.request.get("/api/admin/webhooks")).json()) as { items: { id: string; enabled: boolean; description: string | null }[] };
    expect(webhooks.items.filter((w) => w.description === `Sneaky ${seed.suffix}`)).toEqual([]);
    expect(webhooks.items.find((w) => w.id === seed.webhookId)?.enabled).toBe(true);
    expect((await page.request.get(`/api/admin/users/${seed.erasableUserId}`)).status()).toBe(200);
    const directory = (await (await page.request.get(`/api/admin/directories/${seed.directoryId}`)).json()) as { inactivityDays: number | null };
    expect(directory.inactivityDays).toBeNull();
  });

  test("anonymous: every admin route answers 401", async ({ request }) => {
    const writes = await Promise.all(WRITES.map(async (w) => `${w.what}: ${(await send(request, w, seed)).status()}`));
    expect(writes).toEqual(WRITES.map((w) => `${w.what}: 401`));
    const posts = await Promise.all(READ_POSTS.map(async (p) => `${p.what}: ${(await request.post(p.url(seed))).status()}`));
    expect(posts).toEqual(READ_POSTS.map((p) => `${p.what}: 401`));
    const reads = await Promise.all(READS.map(async (r) => `${r.what}: ${(await request.get(r.url(seed))).status()}`));
    expect(reads).toEqual(READS.map((r) => `${r.what}: 401`));
  });

  test("as admin: the same writes succeed, and every read answers 200", async ({ page }) => {
    await signIn(page, E2E_ADMIN.email, E2E_ADMIN.password);
    const reads = await Promise.all(READS.map(async (r) => `${r.what}: ${(await page.request.get(r.url(seed))).status()}`));
    expect(reads).toEqual(READS.map((r) => `${r.what}: 200`));
    for (const w of WRITES) {
      const res = await send(page.request, w, seed);
      expect(res.status(), `${w.what}: ${await res.text()}`).toBeLessThan(300);
    }
    // The refused account-disabling succeeded only now.
    const list = (await (await page.request.get("/api/admin/accounts")).json()) as { items: { id: string; disabled?: boolean; disabledAt?: string | null }[] };
    const victim = list.items.find((a) => a.id === seed.accountId);
    expect(victim?.disabled ?? Boolean(victim?.disabledAt)).toBe(true);
  });
});
