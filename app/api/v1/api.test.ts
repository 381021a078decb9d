// /api/v1 end to end: the real route handlers called with real Request objects against a real
// database; people and groups provisioned over the real SCIM endpoint.
import { readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { setupTestDatabase, unique } from "@/lib/testing/database";
import { callRoute, documentProblems, newApiKey, newOrg, newRepository, testActor, type ApiResult } from "@/lib/testing/api-v1";
import { buildOpenApiDocument } from "@/lib/api-v1/openapi";
import { API_V1_OPERATIONS } from "@/lib/api-v1/operations";
import { ROUTE_RULES } from "@/lib/testing/authorization-rules";
import { listApiKeys, revokeApiKey } from "@/lib/api-keys/service";
import { hashSecret } from "@/lib/directories/credentials";
import { scimClient } from "@/lib/testing/scim";
import * as checkRoute from "./access/check/route";
import * as contractRoute from "./contracts/[ref]/route";
import * as contractAccessRoute from "./contracts/[ref]/access/route";
import * as bulkRoute from "./contracts/bulk/route";
import * as openapiRoute from "./openapi.json/route";
import * as repositoriesRoute from "./repositories/route";
import * as ruleRoute from "./rules/[id]/route";
import * as ruleVersionsRoute from "./rules/[id]/versions/route";
import * as previewRoute from "./rules/preview/route";
import * as rulesRoute from "./rules/route";
import * as userContractsRoute from "./users/[ref]/contracts/route";
import * as campaignCloseRoute from "./campaigns/[id]/close/route";
import * as campaignExtendRoute from "./campaigns/[id]/extend/route";
import * as campaignReassignRoute from "./campaigns/[id]/reassign/route";
import * as campaignItemsRoute from "./campaigns/[id]/items/route";
import * as campaignWallItemsRoute from "./campaigns/[id]/wall-items/route";
import * as campaignWallLiftRoute from "./campaigns/[id]/wall-items/[itemId]/lift/route";
import * as campaignReportRoute from "./campaigns/[id]/report/route";
import * as campaignSignedReportRoute from "./campaigns/[id]/report/signed/route";
import * as campaignRoute from "./campaigns/[id]/route";
import * as campaignsRoute from "./campaigns/route";
import * as definitionRoute from "./review-definitions/[id]/route";
import * as definitionStartRoute from "./review-definitions/[id]/start/route";
import * as definitionsRoute from "./review-definitions/route";
import * as exclusionLiftRoute from "./exclusions/[id]/lift/route";
import * as exclusionRoute from "./exclusions/[id]/route";
import * as exclusionsRoute from "./exclusions/route";
import * as wallsRoute from "./walls/route";
import * as wallRoute from "./walls/[id]/route";
import * as wallSidesRoute from "./walls/[id]/sides/route";
import * as wallScopeRoute from "./walls/[id]/scope/route";
import * as wallScopeItemRoute from "./walls/[id]/scope/[scopeId]/route";
import * as wallRosterRoute from "./walls/[id]/roster/route";
import * as wallRosterEntryRoute from "./walls/[id]/roster/[entryId]/route";
import * as wallPersonRoute from "./walls/[id]/people/[userId]/route";
import * as wallPreviewRoute from "./walls/[id]/preview/route";
import * as wallActivateRoute from "./walls/[id]/activate/route";
import * as wallLiftRoute from "./walls/[id]/lift/route";
import * as wallAcknowledgmentsRoute from "./walls/[id]/acknowledgments/route";
import * as wallRemindersRoute from "./walls/[id]/reminders/route";
import * as wallAttemptsRoute from "./walls/[id]/attempts/route";
import * as wallCertificateRoute from "./walls/[id]/certificate/route";
import * as wallCertificatesRoute from "./walls/[id]/certificates/route";
import * as wallStoredCertificateRoute from "./walls/[id]/certificates/[certificateId]/route";
import { verifyWallCertificate, type WallCertificate } from "@/lib/walls/certificate";
import { decideItems } from "@/lib/reviews/service";
import { decideWallItems } from "@/lib/reviews/wall-reviews";
import { verifySignedCampaignReport, type SignedCampaignReport } from "@/lib/reviews/export";

const { db } = setupTestDatabase();
const prisma = () => db().prisma;

/** Each route module under its OpenAPI path; the last test checks this list against app/api/v1. */
const ROUTES: Record<string, Record<string, unknown>> = {
  "/api/v1/access/check": checkRoute,
  "/api/v1/contracts/{ref}": contractRoute,
  "/api/v1/contracts/{ref}/access": contractAccessRoute,
  "/api/v1/contracts/bulk": bulkRoute,
  "/api/v1/openapi.json": openapiRoute,
  "/api/v1/repositories": repositoriesRoute,
  "/api/v1/rules/{id}": ruleRoute,
  "/api/v1/rules/{id}/versions": ruleVersionsRoute,
  "/api/v1/rules/preview": previewRoute,
  "/api/v1/rules": rulesRoute,
  "/api/v1/users/{ref}/contracts": userContractsRoute,
  "/api/v1/review-definitions": definitionsRoute,
  "/api/v1/review-definitions/{id}": definitionRoute,
  "/api/v1/review-definitions/{id}/start": definitionStartRoute,
  "/api/v1/campaigns": campaignsRoute,
  "/api/v1/campaigns/{id}": campaignRoute,
  "/api/v1/campaigns/{id}/items": campaignItemsRoute,
  "/api/v1/campaigns/{id}/wall-items": campaignWallItemsRoute,
  "/api/v1/campaigns/{id}/wall-items/{itemId}/lift": campaignWallLiftRoute,
  "/api/v1/campaigns/{id}/report": campaignReportRoute,
  "/api/v1/campaigns/{id}/report/signed": campaignSignedReportRoute,
  "/api/v1/campaigns/{id}/close": campaignCloseRoute,
  "/api/v1/campaigns/{id}/extend": campaignExtendRoute,
  "/api/v1/campaigns/{id}/reassign": campaignReassignRoute,
  "/api/v1/exclusions": exclusionsRoute,
  "/api/v1/exclusions/{id}": exclusionRoute,
  "/api/v1/exclusions/{id}/lift": exclusionLiftRoute,
  "/api/v1/walls": wallsRoute,
  "/api/v1/walls/{id}": wallRoute,
  "/api/v1/walls/{id}/sides": wallSidesRoute,
  "/api/v1/walls/{id}/scope": wallScopeRoute,
  "/api/v1/walls/{id}/scope/{scopeId}": wallScopeItemRoute,
  "/api/v1/walls/{id}/roster": wallRosterRoute,
  "/api/v1/walls/{id}/roster/{entryId}": wallRosterEntryRoute,
  "/api/v1/walls/{id}/people/{userId}": wallPersonRoute,
  "/api/v1/walls/{id}/preview": wallPreviewRoute,
  "/api/v1/walls/{id}/activate": wallActivateRoute,
  "/api/v1/walls/{id}/lift": wallLiftRoute,
  "/api/v1/walls/{id}/acknowledgments": wallAcknowledgmentsRoute,
  "/api/v1/walls/{id}/reminders": wallRemindersRoute,
  "/api/v1/walls/{id}/certificate": wallCertificateRoute,
  "/api/v1/walls/{id}/certificates": wallCertificatesRoute,
  "/api/v1/walls/{id}/certificates/{certificateId}": wallStoredCertificateRoute,
  "/api/v1/walls/{id}/attempts": wallAttemptsRoute,
};
const day = (offsetDays: number) => new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);

const HTTP_METHODS = ["GET", "PUT", "POST", "PATCH", "DELETE"];
const operationOf = new Map(
  Object.entries(ROUTES).flatMap(([template, mod]) =>
    HTTP_METHODS.filter((m) => m in mod).map((m) => [mod[m], { method: m.toLowerCase(), path: template }] as const),
  ),
);

/** Every response the tests below receive, checked against the OpenAPI document by the last test. */
const answered: { method: string; path: string; request: string; result: ApiResult<unknown> }[] = [];

/** callRoute, recording the response for the document check. */
const call: typeof callRoute = async (handler, options) => {
  const result = await callRoute(handler, options);
  const operation = operationOf.get(handler);
  if (!operation) throw new Error(`${options.path}: this handler is not in ROUTES`);
  answered.push({ ...operation, request: `${options.method ?? "GET"} ${options.path}`, result });
  return result as never;
};

/** A contract in a fresh repository, a user in a group, and a rule granting the group "edit". */
async function world(writer: string) {
  const org = await newOrg();
  const user = await org.user(`${unique("Ann")}@Example.com`, { externalId: unique("ext") });
  const other = await org.user();
  const group = await org.group([user.id, other.id]);
  const repo = await newRepository();
  const externalRef = unique("W");
  const put = await call(contractRoute.PUT, {
    method: "PUT",
    path: `/api/v1/contracts/${externalRef}`,
    params: { ref: externalRef },
    key: writer,
    body: { title: "Master agreement", contractType: "MSA", repository: repo.name, confidentiality: "internal" },
  });
  expect(put.status).toBe(201);
  const rule = await call(rulesRoute.POST, {
    method: "POST",
    path: "/api/v1/rules",
    key: writer,
    body: { name: "Procurement MSA editors", groupId: group.id, level: "edit", repositoryId: repo.id, justification: "Procurement edits MSAs" },
  });
  expect(rule.status).toBe(201);
  return { org, user, other, group, repo, externalRef, contract: put.body, rule: rule.body };
}

describe("authentication and scopes", () => {
  it("answers 401 without a valid live key, 403 without the scope, 200 with it", async () => {
    const admin = await newApiKey(["admin"]);
    const { user, externalRef } = await world(admin.key);
    const path = `/api/v1/access/check?user=${user.id}&contract=${externalRef}`;
    const get = (key?: string) => call(checkRoute.GET, { path, key });

    const none = await get();
    expect(none.status).toBe(401);
    expect(none.body).toEqual({ error: { code: "unauthorized", message: expect.any(String) } });
    expect(none.headers.get("x-request-id")).toBeTruthy();
    expect((await get("cak_not-a-real-key")).status).toBe(401);
    expect((await call(checkRoute.GET, { path, headers: { authorization: "Basic abc" } })).status).toBe(401);

    const revoked = await newApiKey(["access:read"]);
    await revokeApiKey(prisma(), { id: revoked.id, actor: testActor });
    expect((await get(revoked.key)).body.error.message).toMatch(/revoked/);

    const expired = await newApiKey(["access:read"], { expiresAt: new Date(Date.now() + 60_000) });
    await prisma().apiKey.update({ where: { id: expired.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const expiredRes = await get(expired.key);
    expect(expiredRes.status).toBe(401);
    expect(expiredRes.body.error.message).toMatch(/expired/);

    const wrongScope = await newApiKey(["contracts:read", "rules:write"]);
    const forbidden = await get(wrongScope.key);
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.error.code).toBe("forbidden");

    const reader = await newApiKey(["access:read"]);
    const ok = await get(reader.key);
    expect(ok.status).toBe(200);
    expect(ok.headers.get("cache-control")).toBe("no-store");
    expect((await get(admin.key)).status).toBe(200);
    const stored = await prisma().apiKey.findUniqueOrThrow({ where: { id: reader.id } });
    expect(stored.lastUsedAt).not.toBeNull();
    expect(stored.hash).toBe(hashSecret(reader.key));
    expect(reader.key).toMatch(/^cak_[A-Za-z0-9_-]{43}$/);
  });

  // Issue 14 item 17: RFC 9110 §11.6.1 requires a challenge on every 401; RFC 6750 §3 says which.
  it("answers every 401 with a Bearer challenge, error=\"invalid_token\" when a key was presented", async () => {
    const admin = await newApiKey(["admin"]);
    const { user, externalRef } = await world(admin.key);
    const path = `/api/v1/access/check?user=${user.id}&contract=${externalRef}`;
    const none = await call(checkRoute.GET, { path });
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toBe('Bearer realm="custodian"');
    const revoked = await newApiKey(["access:read"]);
    await revokeApiKey(prisma(), { id: revoked.id, actor: testActor });
    for (const key of ["cak_not-a-real-key", revoked.key]) {
      const bad = await call(checkRoute.GET, { path, key });
      expect(bad.status).toBe(401);
      expect(bad.headers.get("www-authenticate")).toBe('Bearer realm="custodian", error="invalid_token"');
    }
    const rules = await call(rulesRoute.GET, { path: "/api/v1/rules", key: "cak_nope" });
    expect(rules.headers.get("www-authenticate")).toMatch(/^Bearer realm="custodian"/);
    // SCIM's 401 says the same in its realm.
    expect((await scimClient(undefined).get("/Users")).headers.get("www-authenticate")).toBe('Bearer realm="scim"');
    expect((await scimClient("not-a-token").get("/Users")).headers.get("www-authenticate")).toBe('Bearer realm="scim", error="invalid_token"');
  });

  it("lists keys without their secrets", async () => {
    const k = await newApiKey(["contracts:read"]);
    const listed = (await listApiKeys(prisma(), { page: { pageSize: 200 } })).items.find((i) => i.id === k.id)!;
    expect(listed).toMatchObject({ scopes: ["contracts:read"], prefix: `${k.key.slice(0, 10)}…`, revokedAt: null });
    expect(JSON.stringify(listed)).not.toContain(k.key.slice(10));
  });
});

describe("contracts", () => {
  it("upserts by external reference, reads by id or reference, and maps errors", async () => {
    const writer = await newApiKey(["contracts:write", "contracts:read"]);
    const repo = await newRepository();
    const ref = `${unique("EXT")}/2026 #1`;
    const put = (body: unknown) =>
      call(contractRoute.PUT, { method: "PUT", path: `/api/v1/contracts/${encodeURIComponent(ref)}`, params: { ref }, key: writer.key, body });
    const body = { title: "Lease", contractType: "Lease", repository: repo.name, endDate: "2030-06-30" };

    const created = await put(body);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ externalRef: ref, outcome: "created", version: 1, confidentiality: "internal" });
    const updated = await put({ ...body, status: "terminated" });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ outcome: "updated", version: 2, status: "terminated" });

    for (const key of [created.body.id, ref]) {
      const got = await call(contractRoute.GET, { path: "/api/v1/contracts/x", params: { ref: key }, key: writer.key });
      expect(got.status).toBe(200);
      expect(got.body.id).toBe(created.body.id);
    }
    expect((await call(contractRoute.GET, { path: "/api/v1/contracts/x", params: { ref: "missing" }, key: writer.key })).status).toBe(404);

    const invalid = await put({ ...body, confidentiality: "top secret", extra: 1 });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.code).toBe("invalid_input");
    expect(invalid.body.error.details.map((d: { path: string }) => d.path)).toEqual(expect.arrayContaining(["confidentiality", ""]));
    const noRepo = await put({ ...body, repository: unique("none") });
    expect(noRepo.status).toBe(400);
    expect(noRepo.body.error.details.items[0].path).toBe("repository");
    expect((await put("{not json")).status).toBe(400);
    const huge = await put({ ...body, title: "x".repeat(1024 * 1024) });
    expect(huge.status).toBe(413);
    expect(huge.body.error.code).toBe("too_large");
  });

  it("bulk upserts all or nothing, reporting problems by item index", async () => {
    const writer = await newApiKey(["contracts:write"]);
    const repo = await newRepository();
    const items = [unique("K1"), unique("K2")].map((externalRef) => ({ externalRef, title: externalRef, contractType: "NDA", repositoryId: repo.id }));
    const post = (body: unknown) => call(bulkRoute.POST, { method: "POST", path: "/api/v1/contracts/bulk", key: writer.key, body });

    const bad = await post({ items: [...items, { externalRef: unique("K3"), title: "t", contractType: "NDA" }] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toEqual({ items: [{ index: 2, path: "repository", message: expect.any(String) }] });
    expect(await prisma().contract.count({ where: { externalRef: { in: items.map((i) => i.externalRef) } } })).toBe(0);

    const ok = await post({ items });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ created: 2, updated: 0, unchanged: 0 });
    expect(ok.body.results.map((r: { index: number }) => r.index)).toEqual([0, 1]);
    expect((await post({ items: [] })).status).toBe(400);
  });
});

describe("access", () => {
  it("checks access by id, userName (any case) or externalId, with reasons and point in time", async () => {
    const admin = await newApiKey(["admin"]);
    const beforeRule = new Date(Date.now() - 60_000).toISOString();
    const { user, group, externalRef, contract, rule } = await world(admin.key);
    const check = (query: string) => call(checkRoute.GET, { path: `/api/v1/access/check?${query}`, key: admin.key });

    for (const u of [user.id, user.userName.toUpperCase(), (await prisma().user.findUniqueOrThrow({ where: { id: user.id } })).externalId!]) {
      const res = await check(`user=${encodeURIComponent(u)}&contract=${externalRef}&level=edit`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ allowed: true, level: "edit", requiredLevel: "edit", user: { id: user.id, userName: user.userName }, contract: { id: contract.id } });
    }
    const res = await check(`user=${user.id}&contract=${contract.id}&level=manage`);
    expect(res.body).toMatchObject({ allowed: false, level: "edit" });
    expect(res.body.reasons).toHaveLength(1);
    expect(res.body.reasons[0]).toMatchObject({
      level: "edit",
      winning: true,
      via: { kind: "group", path: [{ groupId: group.id }] },
      rule: { ruleId: rule.id, version: 1, justification: "Procurement edits MSAs" },
      contract: { id: contract.id },
    });

    const past = await check(`user=${user.id}&contract=${externalRef}&at=${encodeURIComponent(beforeRule)}`);
    expect(past.body).toMatchObject({ allowed: false, level: null, reasons: [] });

    expect((await check(`user=nobody-${unique()}&contract=${externalRef}`)).status).toBe(404);
    expect((await check(`user=${user.id}&contract=missing-${unique()}`)).status).toBe(404);
    expect((await check(`user=${user.id}&contract=${externalRef}&level=own`)).status).toBe(400);
    expect((await check(`user=${user.id}&contract=${externalRef}&at=yesterday`)).status).toBe(400);
    expect((await check(`contract=${externalRef}`)).status).toBe(400);
  });

  it("answers 409 with candidates when a userName exists in several directories, unless directory= picks one", async () => {
    const admin = await newApiKey(["admin"]);
    const { user, externalRef, org } = await world(admin.key);
    const second = await newOrg();
    const twin = await second.user(user.userName.toLowerCase());
    const ambiguous = await call(checkRoute.GET, { path: `/api/v1/access/check?user=${user.userName}&contract=${externalRef}`, key: admin.key });
    expect(ambiguous.status).toBe(409);
    expect(ambiguous.body.error.details.candidates.map((c: { id: string }) => c.id).sort()).toEqual([user.id, twin.id].sort());
    const picked = await call(checkRoute.GET, {
      path: `/api/v1/access/check?user=${user.userName}&contract=${externalRef}&directory=${encodeURIComponent(org.directory.name)}`,
      key: admin.key,
    });
    expect(picked.status).toBe(200);
    expect(picked.body.user.id).toBe(user.id);
  });

  it("lists who can open a contract and what a user can open, paginated and at a past instant", async () => {
    const admin = await newApiKey(["admin"]);
    const reader = await newApiKey(["access:read"]);
    const beforeRule = new Date(Date.now() - 60_000).toISOString();
    const { user, other, externalRef, contract } = await world(admin.key);

    const page1 = await call(contractAccessRoute.GET, { path: `/api/v1/contracts/x/access?pageSize=1`, params: { ref: externalRef }, key: reader.key });
    expect(page1.status).toBe(200);
    expect(page1.body).toMatchObject({ total: 2, page: 1, pageSize: 1, contract: { id: contract.id } });
    const page2 = await call(contractAccessRoute.GET, { path: `/api/v1/contracts/x/access?pageSize=1&page=2`, params: { ref: contract.id }, key: reader.key });
    expect([page1.body.items[0].user.id, page2.body.items[0].user.id].sort()).toEqual([user.id, other.id].sort());
    expect(page2.body.items[0]).toMatchObject({ level: "edit", reasons: [expect.objectContaining({ winning: true })] });
    const past = await call(contractAccessRoute.GET, {
      path: `/api/v1/contracts/x/access?at=${encodeURIComponent(beforeRule)}`,
      params: { ref: externalRef },
      key: reader.key,
    });
    expect(past.body).toMatchObject({ total: 0, items: [] });
    expect((await call(contractAccessRoute.GET, { path: `/api/v1/contracts/x/access?pageSize=1000`, params: { ref: externalRef }, key: reader.key })).status).toBe(400);

    const mine = await call(userContractsRoute.GET, { path: `/api/v1/users/x/contracts`, params: { ref: user.id }, key: reader.key });
    expect(mine.status).toBe(200);
    expect(mine.body).toMatchObject({ total: 1, items: [{ contract: { id: contract.id, confidentiality: "internal" }, level: "edit" }] });
    const mineThen = await call(userContractsRoute.GET, {
      path: `/api/v1/users/x/contracts?at=${encodeURIComponent(beforeRule)}`,
      params: { ref: user.userName },
      key: reader.key,
    });
    expect(mineThen.body.total).toBe(0);
    expect((await call(userContractsRoute.GET, { path: `/api/v1/users/x/contracts`, params: { ref: "nobody" }, key: reader.key })).status).toBe(404);
  });
});

// Issue 15, "Answers an auditor accepts": a denial says why (one test per code), and an `at` in
// the future is refused rather than silently answered as today.
describe("why not: the denial of an access check", () => {
  const denialOf = async (key: string, query: string) => {
    const res = await call(checkRoute.GET, { path: `/api/v1/access/check?${query}`, key });
    expect(res.status).toBe(200);
    expect(res.body.allowed).toBe(false);
    return res.body.denial as Record<string, unknown>[];
  };

  it("an allowed answer has no denial", async () => {
    const admin = await newApiKey(["admin"]);
    const { user, externalRef } = await world(admin.key);
    const res = await call(checkRoute.GET, { path: `/api/v1/access/check?user=${user.id}&contract=${externalRef}`, key: admin.key });
    expect(res.body).toMatchObject({ allowed: true, denial: [] });
  });

  it("user_inactive: the person was deactivated, since when", async () => {
    const admin = await newApiKey(["admin"]);
    const { org, user, externalRef } = await world(admin.key);
    const before = Date.now();
    await org.deactivate(user.id);
    const denial = await denialOf(admin.key, `user=${user.id}&contract=${externalRef}`);
    expect(denial).toEqual([{ code: "user_inactive", since: expect.any(String) }]);
    expect(Date.parse(denial[0].since as string)).toBeGreaterThanOrEqual(before - 1000);
  });

  it("user_deleted: the person had been deleted, when", async () => {
    const admin = await newApiKey(["admin"]);
    const { org, user, externalRef } = await world(admin.key);
    expect((await org.scim.delete(`/Users/${user.id}`)).status).toBe(204);
    const denial = await denialOf(admin.key, `user=${user.id}&contract=${externalRef}`);
    expect(denial).toContainEqual({ code: "user_deleted", at: expect.any(String) });
    expect(denial.map((d) => d.code)).not.toContain("user_inactive");
  });

  it("user_not_yet_provisioned (and contract_not_yet_created): at an instant before they existed", async () => {
    const admin = await newApiKey(["admin"]);
    const before = new Date(Date.now() - 60_000).toISOString();
    const { user, externalRef } = await world(admin.key);
    const denial = await denialOf(admin.key, `user=${user.id}&contract=${externalRef}&at=${encodeURIComponent(before)}`);
    expect(denial).toEqual([
      { code: "user_not_yet_provisioned", provisionedAt: expect.any(String) },
      { code: "contract_not_yet_created", createdAt: expect.any(String) },
      { code: "no_rule" },
    ]);
    expect(Date.parse(denial[0].provisionedAt as string)).toBeGreaterThan(Date.parse(before));
  });

  it("contract_ended: the contract's end date had passed", async () => {
    const admin = await newApiKey(["admin"]);
    const { user, externalRef, repo } = await world(admin.key);
    const ended = await call(contractRoute.PUT, {
      method: "PUT",
      path: `/api/v1/contracts/${externalRef}`,
      params: { ref: externalRef },
      key: admin.key,
      body: { title: "Master agreement", contractType: "MSA", repository: repo.name, confidentiality: "internal", endDate: day(-2) },
    });
    expect(ended.status).toBe(200);
    const denial = await denialOf(admin.key, `user=${user.id}&contract=${externalRef}`);
    // The end date is inclusive (ACCESS_TIME_ZONE, UTC here): access ended when the next day began.
    expect(denial).toEqual([{ code: "contract_ended", endedAt: `${day(-1)}T00:00:00.000Z` }]);
  });

  it("grant_expired: the rule's validUntil had passed", async () => {
    const admin = await newApiKey(["admin"]);
    const { org, repo, externalRef } = await world(admin.key);
    const ann = await org.user();
    const validUntil = new Date(Date.now() + 60_000).toISOString();
    const rule = await call(rulesRoute.POST, {
      method: "POST",
      path: "/api/v1/rules",
      key: admin.key,
      body: { name: "Audit week", userId: ann.id, level: "view", repositoryId: repo.id, validUntil, justification: "Audit week" },
    });
    expect(rule.status).toBe(201);
    // Two minutes ahead: within the tolerated clock skew, after the grant's end.
    const at = new Date(Date.now() + 120_000).toISOString();
    const denial = await denialOf(admin.key, `user=${ann.id}&contract=${externalRef}&at=${encodeURIComponent(at)}`);
    expect(denial).toEqual([{ code: "grant_expired", ruleId: rule.body.id, ruleName: "Audit week", validUntil }]);
  });

  it("grant_not_started: the rule only grants from a later instant", async () => {
    const admin = await newApiKey(["admin"]);
    const { org, repo, externalRef } = await world(admin.key);
    const ann = await org.user();
    const group = await org.group([ann.id]);
    const validFrom = new Date(Date.now() + 86_400_000).toISOString();
    const rule = await call(rulesRoute.POST, {
      method: "POST",
      path: "/api/v1/rules",
      key: admin.key,
      body: { name: "Starts tomorrow", groupId: group.id, level: "view", repositoryId: repo.id, validFrom, justification: "Starts tomorrow" },
    });
    expect(rule.status).toBe(201);
    const denial = await denialOf(admin.key, `user=${ann.id}&contract=${externalRef}`);
    expect(denial).toEqual([{ code: "grant_not_started", ruleId: rule.body.id, ruleName: "Starts tomorrow", validFrom }]);
  });

  it("level_too_low: rules grant, below the level asked for", async () => {
    const admin = await newApiKey(["admin"]);
    const { user, externalRef } = await world(admin.key);
    const denial = await denialOf(admin.key, `user=${user.id}&contract=${externalRef}&level=manage`);
    expect(denial).toEqual([{ code: "level_too_low", level: "edit", requiredLevel: "manage" }]);
  });

  it("no_rule: no rule reaches the person", async () => {
    const admin = await newApiKey(["admin"]);
    const { org, externalRef } = await world(admin.key);
    const stranger = await org.user();
    expect(await denialOf(admin.key, `user=${stranger.id}&contract=${externalRef}`)).toEqual([{ code: "no_rule" }]);
  });
});

describe("an `at` in the future is refused", () => {
  it("answers 400 naming `at` on the check, who-can-see and a user's contracts; a few minutes of clock skew pass", async () => {
    const reader = await newApiKey(["access:read"]);
    const admin = await newApiKey(["admin"]);
    const { user, externalRef } = await world(admin.key);
    const future = encodeURIComponent(new Date(Date.now() + 3_600_000).toISOString());
    const skewed = encodeURIComponent(new Date(Date.now() + 60_000).toISOString());
    const routes = [
      (at: string) => call(checkRoute.GET, { path: `/api/v1/access/check?user=${user.id}&contract=${externalRef}&at=${at}`, key: reader.key }),
      (at: string) => call(contractAccessRoute.GET, { path: `/api/v1/contracts/x/access?at=${at}`, params: { ref: externalRef }, key: reader.key }),
      (at: string) => call(userContractsRoute.GET, { path: `/api/v1/users/x/contracts?at=${at}`, params: { ref: user.id }, key: reader.key }),
    ];
    for (const get of routes) {
      const refused = await get(future);
      expect(refused.status).toBe(400);
      expect(refused.body.error).toMatchObject({ code: "invalid_input", message: expect.stringMatching(/^at .* is in the future/), details: [{ path: "at" }] });
      expect((await get(skewed)).status).toBe(200);
    }
    // A calendar date in the future too.
    expect((await routes[0](day(2))).status).toBe(400);
  });
});

describe("rules and repositories", () => {
  it("creates, lists, changes, previews and deletes rules, keeping every version", async () => {
    const writer = await newApiKey(["rules:write", "rules:read", "contracts:write"]);
    const readOnly = await newApiKey(["rules:read"]);
    const { group, rule, other } = await world(writer.key);
    const at = (id: string) => ({ path: `/api/v1/rules/${id}`, params: { id }, key: writer.key });

    const listed = await call(rulesRoute.GET, { path: `/api/v1/rules?groupId=${group.id}&pageSize=10`, key: readOnly.key });
    expect(listed.status).toBe(200);
    expect(listed.body).toMatchObject({ total: 1, items: [{ id: rule.id, level: "edit", principalName: expect.any(String) }] });
    expect((await call(rulesRoute.POST, { method: "POST", path: "/api/v1/rules", key: readOnly.key, body: {} })).status).toBe(403);
    const invalid = await call(rulesRoute.POST, {
      method: "POST",
      path: "/api/v1/rules",
      key: writer.key,
      body: { name: "Temporary", userId: other.id, level: "view", repositoryId: rule.repositoryId, justification: "temporary" },
    });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.details).toEqual([{ path: "validUntil", message: "a direct user grant needs an expiry (validUntil)" }]);

    const preview = await call(previewRoute.POST, {
      method: "POST",
      path: "/api/v1/rules/preview",
      key: writer.key,
      body: { action: "update", ruleId: rule.id, rule: { level: "view" } },
    });
    expect(preview.status).toBe(200);
    expect(preview.body.totals).toMatchObject({ usersGaining: 0, usersLosing: 2 });
    expect(preview.body.lost[0].changes).toEqual([{ from: "edit", to: "view", contracts: 1 }]);

    const stale = await call(ruleRoute.PATCH, { ...at(rule.id), method: "PATCH", headers: { "if-match": '"7"' }, body: { level: "view" } });
    expect(stale.status).toBe(409);
    const patched = await call(ruleRoute.PATCH, { ...at(rule.id), method: "PATCH", headers: { "if-match": '"1"' }, body: { level: "view" } });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ version: 2, level: "view" });

    const removed = await call(ruleRoute.DELETE, { ...at(rule.id), method: "DELETE", body: { justification: "No longer needed" } });
    expect(removed.status).toBe(200);
    expect(removed.body).toMatchObject({ version: 3, deleted: true });
    expect((await call(ruleRoute.GET, at(rule.id))).body.deleted).toBe(true);
    const versions = await call(ruleVersionsRoute.GET, { ...at(rule.id), key: readOnly.key });
    expect(versions.body.items.map((v: { change: string }) => v.change)).toEqual(["created", "updated", "deleted"]);
    expect((await call(ruleRoute.GET, at("missing"))).status).toBe(404);
    expect((await call(ruleRoute.DELETE, { ...at(rule.id), method: "DELETE" })).status).toBe(404);
  });

  it("creates repositories with an admin key and lists them with a reading key", async () => {
    const admin = await newApiKey(["admin"]);
    const writer = await newApiKey(["rules:write", "contracts:write"]);
    const reader = await newApiKey(["contracts:read"]);
    const name = unique("Procurement");
    const post = (key: string) => call(repositoriesRoute.POST, { method: "POST", path: "/api/v1/repositories", key, body: { name, owner: "Legal" } });
    expect((await post(writer.key)).status).toBe(403);
    const created = await post(admin.key);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name, owner: "Legal", description: null });
    expect((await post(admin.key)).status).toBe(409);
    const list = await call(repositoriesRoute.GET, { path: `/api/v1/repositories?q=${name}`, key: reader.key });
    expect(list.body).toMatchObject({ total: 1, items: [{ id: created.body.id, contracts: 0 }] });
  });

  it("serves an OpenAPI 3.1 document without a key", async () => {
    const res = await call(openapiRoute.GET, { path: "/api/v1/openapi.json" });
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe("3.1.0");
    expect(Object.keys(res.body.paths).sort()).toEqual(
      [
        "/api/v1/access/check",
        "/api/v1/contracts/bulk",
        "/api/v1/contracts/{ref}",
        "/api/v1/contracts/{ref}/access",
        "/api/v1/openapi.json",
        "/api/v1/repositories",
        "/api/v1/rules",
        "/api/v1/rules/preview",
        "/api/v1/rules/{id}",
        "/api/v1/rules/{id}/versions",
        "/api/v1/users/{ref}/contracts",
        "/api/v1/review-definitions",
        "/api/v1/review-definitions/{id}",
        "/api/v1/review-definitions/{id}/start",
        "/api/v1/campaigns",
        "/api/v1/campaigns/{id}",
        "/api/v1/campaigns/{id}/items",
        "/api/v1/campaigns/{id}/wall-items",
        "/api/v1/campaigns/{id}/wall-items/{itemId}/lift",
        "/api/v1/campaigns/{id}/report",
        "/api/v1/campaigns/{id}/report/signed",
        "/api/v1/campaigns/{id}/close",
        "/api/v1/campaigns/{id}/extend",
        "/api/v1/campaigns/{id}/reassign",
        "/api/v1/exclusions",
        "/api/v1/exclusions/{id}",
        "/api/v1/exclusions/{id}/lift",
        "/api/v1/walls",
        "/api/v1/walls/{id}",
        "/api/v1/walls/{id}/acknowledgments",
        "/api/v1/walls/{id}/activate",
        "/api/v1/walls/{id}/attempts",
        "/api/v1/walls/{id}/certificate",
        "/api/v1/walls/{id}/certificates",
        "/api/v1/walls/{id}/certificates/{certificateId}",
        "/api/v1/walls/{id}/lift",
        "/api/v1/walls/{id}/people/{userId}",
        "/api/v1/walls/{id}/preview",
        "/api/v1/walls/{id}/reminders",
        "/api/v1/walls/{id}/roster",
        "/api/v1/walls/{id}/roster/{entryId}",
        "/api/v1/walls/{id}/scope",
        "/api/v1/walls/{id}/scope/{scopeId}",
        "/api/v1/walls/{id}/sides",
      ].sort(),
    );
    expect(res.body.components.schemas.RuleCreate.required).toEqual(expect.arrayContaining(["name", "level", "justification"]));
    expect(res.body.paths["/api/v1/access/check"].get.parameters.map((p: { name: string }) => p.name)).toEqual(["user", "contract", "level", "at", "directory"]);
  });
});

// Issue 15 "Answers an auditor accepts": rules have names, shown in every reason; a deleted group
// keeps its name in past answers and in the rules that named it; every answer names what it points at.
describe("names and shapes", () => {
  it("names the rule in every reason, the subject's display name, a contract rule's contract and a user's repositories", async () => {
    const admin = await newApiKey(["admin"]);
    const org = await newOrg();
    const ann = await org.user(`${unique("ann")}@example.com`, { displayName: "Ann Example" });
    const group = await org.group([ann.id], unique("Procurement"));
    const repo = await newRepository();
    const externalRef = unique("N");
    const put = await call(contractRoute.PUT, {
      method: "PUT",
      path: `/api/v1/contracts/${externalRef}`,
      params: { ref: externalRef },
      key: admin.key,
      body: { title: "Supply agreement", contractType: "MSA", repository: repo.name },
    });
    const post = (body: Record<string, unknown>) => call(rulesRoute.POST, { method: "POST", path: "/api/v1/rules", key: admin.key, body });
    const base = { groupId: group.id, level: "view", repositoryId: repo.id, justification: "Procurement reads its contracts" };
    expect((await post(base)).status).toBe(400);
    const readers = await post({ ...base, name: "Procurement readers" });
    expect(readers.status).toBe(201);
    expect(readers.body).toMatchObject({ name: "Procurement readers", principalName: expect.stringMatching(/^Procurement/), principalDeleted: false });
    expect((await post({ ...base, name: "PROCUREMENT READERS" })).status).toBe(409);
    const signers = await post({ name: "Supply signers", groupId: group.id, level: "sign", contractId: put.body.id, justification: "Signs the supply agreement" });
    expect(signers.body).toMatchObject({ name: "Supply signers", scopeName: "Supply agreement" });

    const check = await call(checkRoute.GET, { path: `/api/v1/access/check?user=${ann.id}&contract=${externalRef}`, key: admin.key });
    expect(check.status).toBe(200);
    expect(check.body.user).toEqual({ id: ann.id, userName: ann.userName, displayName: "Ann Example", directoryId: org.directory.id });
    expect(check.body.reasons.map((r: { rule: { name: string; scope: unknown } }) => [r.rule.name, r.rule.scope])).toEqual([
      ["Supply signers", { kind: "contract", contractId: put.body.id, contractTitle: "Supply agreement" }],
      ["Procurement readers", expect.objectContaining({ kind: "repository", repositoryId: repo.id, repositoryName: repo.name })],
    ]);

    const who = await call(contractAccessRoute.GET, { path: `/api/v1/contracts/x/access`, params: { ref: externalRef }, key: admin.key });
    expect(who.body.items[0].user).toMatchObject({ id: ann.id, displayName: "Ann Example" });
    expect(who.body.items[0].reasons.map((r: { rule: { name: string } }) => r.rule.name)).toEqual(["Supply signers", "Procurement readers"]);

    const mine = await call(userContractsRoute.GET, { path: `/api/v1/users/x/contracts`, params: { ref: ann.id }, key: admin.key });
    expect(mine.body.user).toMatchObject({ id: ann.id, displayName: "Ann Example" });
    expect(mine.body.items[0].contract).toMatchObject({ id: put.body.id, repositoryId: repo.id, repositoryName: repo.name });
    expect(mine.body.items[0].reasons[0].rule).toMatchObject({ name: "Supply signers", scope: { contractTitle: "Supply agreement" } });

    const at = (id: string) => ({ path: `/api/v1/rules/${id}`, params: { id }, key: admin.key });
    const renamed = await call(ruleRoute.PATCH, { ...at(readers.body.id), method: "PATCH", body: { name: "Procurement readers (EU)" } });
    expect(renamed.body).toMatchObject({ version: 2, name: "Procurement readers (EU)" });
    const versions = await call(ruleVersionsRoute.GET, { path: `/api/v1/rules/${readers.body.id}/versions`, params: { id: readers.body.id }, key: admin.key });
    expect(versions.body.items.map((v: { name: string }) => v.name)).toEqual(["Procurement readers", "Procurement readers (EU)"]);
    // A past answer names the rule as it was then.
    const before = await call(checkRoute.GET, {
      path: `/api/v1/access/check?user=${ann.id}&contract=${externalRef}&at=${encodeURIComponent(renamed.body.createdAt)}`,
      key: admin.key,
    });
    expect(before.body.reasons.map((r: { rule: { name: string } }) => r.rule.name)).toContain("Procurement readers");
  });

  it("a deleted group keeps its name in past reasons and in the rules that named it", async () => {
    const admin = await newApiKey(["admin"]);
    const org = await newOrg();
    const ann = await org.user();
    const team = await org.group([ann.id], unique("Deal team"));
    const department = await org.group([team.id], unique("Corporate"));
    const repo = await newRepository();
    const externalRef = unique("D");
    await call(contractRoute.PUT, {
      method: "PUT",
      path: `/api/v1/contracts/${externalRef}`,
      params: { ref: externalRef },
      key: admin.key,
      body: { title: "Share purchase", contractType: "SPA", repository: repo.name },
    });
    const rule = await call(rulesRoute.POST, {
      method: "POST",
      path: "/api/v1/rules",
      key: admin.key,
      body: { name: "Corporate reads deals", groupId: department.id, level: "view", repositoryId: repo.id, justification: "Deal work" },
    });
    const teamName = (await prisma().group.findUniqueOrThrow({ where: { id: team.id } })).displayName;
    const departmentName = (await prisma().group.findUniqueOrThrow({ where: { id: department.id } })).displayName;
    await new Promise((r) => setTimeout(r, 5));
    const then = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 5));
    expect((await org.scim.delete(`/Groups/${team.id}`)).status).toBe(204);
    expect((await org.scim.delete(`/Groups/${department.id}`)).status).toBe(204);

    const past = await call(checkRoute.GET, { path: `/api/v1/access/check?user=${ann.id}&contract=${externalRef}&at=${encodeURIComponent(then)}`, key: admin.key });
    expect(past.body.allowed).toBe(true);
    expect(past.body.reasons[0].via.path).toEqual([
      expect.objectContaining({ groupId: team.id, displayName: teamName, deleted: true }),
      expect.objectContaining({ groupId: department.id, displayName: departmentName, deleted: true }),
    ]);
    const whoThen = await call(contractAccessRoute.GET, { path: `/api/v1/contracts/x/access?at=${encodeURIComponent(then)}`, params: { ref: externalRef }, key: admin.key });
    expect(whoThen.body.items[0].reasons[0].via.path.map((h: { displayName: string }) => h.displayName)).toEqual([teamName, departmentName]);
    // Now: no access, and the rule still says whom it named.
    expect((await call(checkRoute.GET, { path: `/api/v1/access/check?user=${ann.id}&contract=${externalRef}`, key: admin.key })).body.allowed).toBe(false);
    const named = await call(ruleRoute.GET, { path: `/api/v1/rules/${rule.body.id}`, params: { id: rule.body.id }, key: admin.key });
    expect(named.body).toMatchObject({ groupId: department.id, principalName: departmentName, principalDeleted: true });
    const listed = await call(rulesRoute.GET, { path: `/api/v1/rules?groupId=${department.id}`, key: admin.key });
    expect(listed.body.items).toEqual([expect.objectContaining({ principalName: departmentName, principalDeleted: true })]);
  });
});

describe("review campaigns and exclusions (the dashboard's services, over API keys)", () => {
  const MISSING = "00000000-0000-0000-0000-000000000000";

  it("extends a campaign with a reason and reassigns a reviewer's undecided items, never to an item's own subject", async () => {
    const DAY = 86_400_000;
    const admin = await newApiKey(["admin"]);
    const reader = await newApiKey(["access:read"]);
    const { org, user, other, repo } = await world(admin.key);
    const reviewer = await org.user();
    const config = { scope: { repositoryIds: [repo.id] }, stages: [{ reviewers: "named", namedReviewerIds: [reviewer.id] }], fallbackReviewerId: reviewer.id };
    const definition = await call(definitionsRoute.POST, { method: "POST", path: "/api/v1/review-definitions", key: admin.key, body: { name: unique("Extend"), config } });
    expect(definition.body.ownerEmail).toBeNull();
    const started = await call(definitionStartRoute.POST, { method: "POST", path: `/api/v1/review-definitions/${definition.body.id}/start`, params: { id: definition.body.id }, key: admin.key });
    const campaignId = started.body.id as string;
    const dueAt = Date.parse(started.body.dueAt);

    const extend = (body: unknown, key = admin.key, campaign = campaignId) =>
      call(campaignExtendRoute.POST, { method: "POST", path: `/api/v1/campaigns/${campaign}/extend`, params: { id: campaign }, key, body });
    const later = new Date(dueAt + 7 * DAY).toISOString();
    expect((await extend({ dueAt: later, reason: "Holidays" }, reader.key)).status).toBe(403);
    expect((await extend({ dueAt: later, reason: "Holidays" }, admin.key, MISSING)).status).toBe(404);
    expect((await extend({ dueAt: later })).status).toBe(400);
    const earlier = await extend({ dueAt: new Date(dueAt - DAY).toISOString(), reason: "Sooner" });
    expect(earlier.status).toBe(400);
    expect(earlier.body.error.details).toEqual([expect.objectContaining({ path: "dueAt" })]);
    const extended = await extend({ dueAt: later, reason: "Holidays" });
    expect(extended.status).toBe(200);
    expect(Date.parse(extended.body.dueAt)).toBe(dueAt + 7 * DAY);
    const extendedEvent = await prisma().auditEvent.findFirstOrThrow({ where: { action: "review_campaign.extended", targetId: campaignId } });
    expect(extendedEvent).toMatchObject({ actorType: "api", before: { dueAt: new Date(dueAt).toISOString() }, after: { dueAt: later, reason: "Holidays" } });

    const reassign = (body: unknown, key = admin.key, campaign = campaignId) =>
      call(campaignReassignRoute.POST, { method: "POST", path: `/api/v1/campaigns/${campaign}/reassign`, params: { id: campaign }, key, body });
    const body = { fromReviewerId: reviewer.id, toReviewerId: user.id, reason: "Reviewer on leave" };
    expect((await reassign(body, reader.key)).status).toBe(403);
    expect((await reassign(body, admin.key, MISSING)).status).toBe(404);
    expect((await reassign({ ...body, toReviewerId: reviewer.id })).status).toBe(400);
    expect((await reassign({ ...body, toReviewerId: MISSING })).status).toBe(400);
    // user reviews other's access from now on; user's own item stays with the reviewer
    const moved = await reassign(body);
    expect(moved.status).toBe(200);
    expect(moved.body).toEqual({ reassigned: 1, keptBack: 1 });
    const items = await prisma().reviewItem.findMany({ where: { campaignId } });
    expect(items.find((i) => i.userId === other.id)?.reviewerId).toBe(user.id);
    expect(items.find((i) => i.userId === user.id)?.reviewerId).toBe(reviewer.id);
    // what is left with the reviewer is all about user: refused, nothing moves
    const self = await reassign(body);
    expect(self.status).toBe(400);
    expect(self.body.error.message).toMatch(/own access/);
    expect((await reassign({ ...body, fromReviewerId: other.id })).status).toBe(400);
    const report = await call(campaignReportRoute.GET, { path: `/api/v1/campaigns/${campaignId}/report`, params: { id: campaignId }, key: reader.key });
    const otherItem = report.body.items.find((i: { person: { id: string } }) => i.person.id === other.id);
    expect(otherItem.reassignments).toEqual([
      { stage: 1, kind: "reassigned", fromReviewerId: reviewer.id, toReviewerId: user.id, reason: "Reviewer on leave", at: expect.any(String), eventId: expect.any(String) },
    ]);
    const reassignedEvent = await prisma().auditEvent.findUniqueOrThrow({ where: { id: otherItem.reassignments[0].eventId } });
    expect(reassignedEvent).toMatchObject({ action: "review_campaign.items_reassigned", before: { reviewerId: reviewer.id }, after: { reviewerId: user.id, items: 1, keptBack: 1, itemIds: [otherItem.id] } });

    await call(campaignCloseRoute.POST, { method: "POST", path: `/api/v1/campaigns/${campaignId}/close`, params: { id: campaignId }, key: admin.key });
    expect((await extend({ dueAt: new Date(dueAt + 14 * DAY).toISOString(), reason: "Too late" })).status).toBe(409);
    expect((await reassign({ ...body, fromReviewerId: user.id, toReviewerId: reviewer.id })).status).toBe(409);
  });

  it("creates a definition, starts, lists, reads, pages, closes a campaign and reports it (JSON and CSV)", async () => {
    const admin = await newApiKey(["admin"]);
    const reader = await newApiKey(["access:read"]);
    const { org, user, other, repo, externalRef } = await world(admin.key);
    const reviewer = await org.user();
    const config = { scope: { repositoryIds: [repo.id] }, stages: [{ reviewers: "named", namedReviewerIds: [reviewer.id] }], fallbackReviewerId: reviewer.id };
    const definitionBody = { name: unique("Quarterly"), config };
    const post = (key?: string, body: unknown = definitionBody) => call(definitionsRoute.POST, { method: "POST", path: "/api/v1/review-definitions", key, body });

    expect((await post()).status).toBe(401);
    expect((await post(reader.key)).status).toBe(403);
    const invalid = await post(admin.key, { name: "No stages", config: { ...config, stages: [] } });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.details).toEqual([expect.objectContaining({ path: "config.stages" })]);
    const created = await post(admin.key);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: definitionBody.name, config: { durationDays: 14, undecided: "keep" } });
    const id = created.body.id as string;

    const listed = await call(definitionsRoute.GET, { path: "/api/v1/review-definitions", key: reader.key });
    expect(listed.body.items.map((d: { id: string }) => d.id)).toContain(id);
    expect((await call(definitionRoute.GET, { path: `/api/v1/review-definitions/${id}`, params: { id }, key: reader.key })).body.id).toBe(id);
    expect((await call(definitionRoute.GET, { path: `/api/v1/review-definitions/${MISSING}`, params: { id: MISSING }, key: reader.key })).status).toBe(404);

    const start = (defId: string, key: string, body?: unknown) =>
      call(definitionStartRoute.POST, { method: "POST", path: `/api/v1/review-definitions/${defId}/start`, params: { id: defId }, key, body });
    expect((await start(id, reader.key)).status).toBe(403);
    expect((await start(MISSING, admin.key)).status).toBe(404);
    expect((await start(id, admin.key, { name: "" })).status).toBe(400);
    expect((await start(id, admin.key, { name: "Q1", extra: true })).status).toBe(400);
    const started = await start(id, admin.key, { name: unique("Q1") });
    expect(started.status).toBe(201);
    // user and other, each through the group rule on the repository
    expect(started.body).toMatchObject({ definitionId: id, status: "active", populationSize: 2, decided: 0, populationHash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    const campaignId = started.body.id as string;

    const campaigns = await call(campaignsRoute.GET, { path: "/api/v1/campaigns?pageSize=200", key: reader.key });
    expect(campaigns.body.items).toContainEqual(expect.objectContaining({ id: campaignId, items: 2, decided: 0 }));
    expect((await call(campaignsRoute.GET, { path: "/api/v1/campaigns?page=0", key: reader.key })).status).toBe(400);
    expect((await call(campaignRoute.GET, { path: `/api/v1/campaigns/${campaignId}`, params: { id: campaignId }, key: reader.key })).body.reviewers).toEqual([
      expect.objectContaining({ reviewerId: reviewer.id, stage: 1, total: 2, decided: 0 }),
    ]);
    expect((await call(campaignRoute.GET, { path: `/api/v1/campaigns/${MISSING}`, params: { id: MISSING }, key: reader.key })).status).toBe(404);

    const items = (query: string, campaign = campaignId, key = reader.key) =>
      call(campaignItemsRoute.GET, { path: `/api/v1/campaigns/${campaign}/items${query}`, params: { id: campaign }, key });
    const first = await items("?pageSize=1");
    expect(first.body).toMatchObject({ total: 2, page: 1, pageSize: 1 });
    const second = await items("?pageSize=1&page=2");
    const both = [first.body.items[0], second.body.items[0]];
    expect(both.map((i: { person: { id: string } }) => i.person.id).sort()).toEqual([user.id, other.id].sort());
    expect(both[0]).toMatchObject({ repository: { id: repo.id }, level: "edit", reasons: [expect.objectContaining({ via: expect.objectContaining({ kind: "group" }) })] });
    expect((await items("?state=maybe")).status).toBe(400);
    expect((await items("", MISSING)).status).toBe(404);
    expect((await items("", campaignId, (await newApiKey(["contracts:read"])).key)).status).toBe(403);

    // The reviewer decides in the dashboard (a signed-in person); the API sees the result.
    const annItem = both.find((i: { person: { id: string } }) => i.person.id === user.id);
    await decideItems(prisma(), { campaignId, reviewerId: reviewer.id, input: { itemIds: [annItem.id], decision: "revoke", justification: "Left procurement" }, actor: testActor });
    const decided = await items("?state=decided");
    expect(decided.body.items).toEqual([expect.objectContaining({ id: annItem.id, decision: "revoke", decidedBy: reviewer.id })]);
    expect((await items(`?state=open&reviewerId=${reviewer.id}`)).body.total).toBe(1);

    const close = (key: string, campaign = campaignId) =>
      call(campaignCloseRoute.POST, { method: "POST", path: `/api/v1/campaigns/${campaign}/close`, params: { id: campaign }, key });
    expect((await close(reader.key)).status).toBe(403);
    expect((await close(admin.key, MISSING)).status).toBe(404);
    const closed = await close(admin.key);
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({ status: "closed", closedAt: expect.any(String) });
    expect(closed.body.outcomes).toEqual(expect.arrayContaining([{ decision: "revoke", outcome: "revoke", items: 1 }, { decision: null, outcome: "keep", items: 1 }]));
    expect((await close(admin.key)).status).toBe(409);

    // The revocation took effect: an exclusion from the campaign, and the engine denies.
    const check = await call(checkRoute.GET, { path: `/api/v1/access/check?user=${user.id}&contract=${externalRef}`, key: admin.key });
    expect(check.body.allowed).toBe(false);
    const fromCampaign = await call(exclusionsRoute.GET, { path: `/api/v1/exclusions?campaignId=${campaignId}`, key: reader.key });
    expect(fromCampaign.body).toMatchObject({ total: 1, items: [{ user: { id: user.id }, scope: { kind: "repository", id: repo.id }, source: "campaign", active: true }] });

    const report = await call(campaignReportRoute.GET, { path: `/api/v1/campaigns/${campaignId}/report`, params: { id: campaignId }, key: reader.key });
    expect(report.body.indicators).toMatchObject({ decisions: 1, revocations: 1, applied: 1, defaulted: 1 });
    expect(report.body.items.find((i: { id: string }) => i.id === annItem.id)).toMatchObject({
      exclusionId: fromCampaign.body.items[0].id,
      history: [expect.objectContaining({ decision: "revoke", reviewerId: reviewer.id, justification: "Left procurement" })],
    });
    expect((await call(campaignReportRoute.GET, { path: `/api/v1/campaigns/${campaignId}/report?format=xml`, params: { id: campaignId }, key: reader.key })).status).toBe(400);
    expect((await call(campaignReportRoute.GET, { path: `/api/v1/campaigns/${MISSING}/report`, params: { id: MISSING }, key: reader.key })).status).toBe(404);
    // CSV is not JSON, so this one is read as text (the document lists text/csv for it; see below).
    const csv = await campaignReportRoute.GET(new Request(`http://localhost/api/v1/campaigns/${campaignId}/report?format=csv`, { headers: { authorization: `Bearer ${reader.key}` } }), {
      params: Promise.resolve({ id: campaignId }),
    });
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    const lines = (await csv.text()).trim().split("\r\n");
    expect(lines[0]).toContain(`sha256 ${started.body.populationHash}`);
    expect(lines).toHaveLength(4);

    // The signed report: the same report, signed; it verifies offline, with the revocation's proof.
    const signed = await call(campaignSignedReportRoute.GET, { path: `/api/v1/campaigns/${campaignId}/report/signed`, params: { id: campaignId }, key: reader.key });
    expect(signed.status).toBe(200);
    expect(signed.body).toMatchObject({ format: "custodian-campaign-report/1", campaignId, populationHash: started.body.populationHash, populationSize: 2 });
    expect(verifySignedCampaignReport({ signed: signed.body as unknown as SignedCampaignReport })).toMatchObject({ ok: true, items: 2, revocations: 1, problems: [] });
    expect((await call(campaignSignedReportRoute.GET, { path: `/api/v1/campaigns/${MISSING}/report/signed`, params: { id: MISSING }, key: reader.key })).status).toBe(404);
    expect((await call(campaignSignedReportRoute.GET, { path: `/api/v1/campaigns/${campaignId}/report/signed`, params: { id: campaignId }, key: (await newApiKey(["contracts:read"])).key })).status).toBe(403);
  });

  it("creates, lists, explains and lifts exclusions; the engine follows", async () => {
    const admin = await newApiKey(["admin"]);
    const reader = await newApiKey(["access:read"]);
    const { other, contract, externalRef } = await world(admin.key);
    const allowed = async () => (await call(checkRoute.GET, { path: `/api/v1/access/check?user=${other.id}&contract=${externalRef}`, key: admin.key })).body.allowed;
    const post = (body: unknown, key = admin.key) => call(exclusionsRoute.POST, { method: "POST", path: "/api/v1/exclusions", key, body });
    const body = { userId: other.id, contractId: contract.id, reason: "Conflict of interest with the counterparty" };

    expect((await post(body, reader.key)).status).toBe(403);
    expect((await post({ ...body, repositoryId: "r" })).status).toBe(400);
    expect((await post({ ...body, reason: "why" })).status).toBe(400);
    const noUser = await post({ ...body, userId: MISSING });
    expect(noUser.status).toBe(400);
    expect(noUser.body.error.details).toEqual([{ path: "userId", message: "no such user" }]);
    expect(await allowed()).toBe(true);
    const created = await post(body);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ user: { id: other.id }, scope: { kind: "contract", id: contract.id }, source: "admin", active: true, lifted: null });
    expect(created.body.explanation).toMatch(/by an admin/);
    expect(await allowed()).toBe(false);
    const id = created.body.id as string;

    const list = await call(exclusionsRoute.GET, { path: `/api/v1/exclusions?userId=${other.id}&state=active`, key: reader.key });
    expect(list.body).toMatchObject({ total: 1, items: [{ id }] });
    expect((await call(exclusionsRoute.GET, { path: "/api/v1/exclusions?state=maybe", key: reader.key })).status).toBe(400);
    expect((await call(exclusionRoute.GET, { path: `/api/v1/exclusions/${id}`, params: { id }, key: reader.key })).body.id).toBe(id);
    expect((await call(exclusionRoute.GET, { path: `/api/v1/exclusions/${MISSING}`, params: { id: MISSING }, key: reader.key })).status).toBe(404);

    const lift = (exclusionId: string, liftBody: unknown, key = admin.key) =>
      call(exclusionLiftRoute.POST, { method: "POST", path: `/api/v1/exclusions/${exclusionId}/lift`, params: { id: exclusionId }, key, body: liftBody });
    const justification = { justification: "Conflict resolved by the general counsel" };
    expect((await lift(id, justification, reader.key)).status).toBe(403);
    expect((await lift(id, { justification: "ok" })).status).toBe(400);
    expect((await lift(MISSING, justification)).status).toBe(404);
    const lifted = await lift(id, justification);
    expect(lifted.status).toBe(200);
    expect(lifted.body).toMatchObject({ active: false, lifted: { justification: justification.justification } });
    expect((await lift(id, justification)).status).toBe(409);
    expect(await allowed()).toBe(true);
  });

  it("documents the report's CSV, and that API keys make no reviewer decisions", () => {
    const document = buildOpenApiDocument();
    const paths = document.paths as Record<string, Record<string, { description?: string; responses: Record<string, { content: Record<string, unknown> }> }>>;
    expect(Object.keys(paths["/api/v1/campaigns/{id}/report"].get.responses["200"].content)).toEqual(["application/json", "text/csv"]);
    expect(paths["/api/v1/campaigns/{id}/items"].get.description).toMatch(/not part of this API/);
    expect(paths["/api/v1/campaigns/{id}/close"].post.description).toBe("Requires an `admin` API key.");
    expect(document.info.description).toMatch(/reviewers' decisions are not made with API keys/);
    // Reads take access:read, writes admin; no operation records a decision.
    const ours = API_V1_OPERATIONS.filter((o) => o.tag === "Reviews" || o.tag === "Exclusions");
    expect(ours.filter((o) => o.method !== "get").every((o) => o.scopes?.join() === "admin")).toBe(true);
    expect(ours.filter((o) => o.method === "get").every((o) => o.scopes?.join() === "access:read")).toBe(true);
    expect(ours.map((o) => o.path).filter((p) => /decision/.test(p))).toEqual([]);
  });
});

describe("ethical walls", () => {
  it("drafts, previews, activates, screens, acknowledges, records attempts and lifts walls; the engine and the check follow", async () => {
    const admin = await newApiKey(["admin"]);
    const writer = await newApiKey(["walls:write", "walls:read"]);
    const reader = await newApiKey(["walls:read"]);
    const checker = await newApiKey(["access:read"]);
    const { org, user, other, contract, externalRef, repo } = await world(admin.key);
    const third = await org.user();
    const MISSING = "00000000-0000-0000-0000-000000000000";
    const check = (userId: string, key = checker.key) => call(checkRoute.GET, { path: `/api/v1/access/check?user=${userId}&contract=${externalRef}`, key });
    const id = (w: { body: Record<string, unknown> }) => String(w.body.id);

    // a draft of sides: reader may not write, bad input is 400
    const draft = {
      name: unique("Falcon"),
      matterRef: "M-2026-0042",
      description: "Buyer and seller teams of Falcon are separated.",
      kind: "sides",
      requiresAcknowledgment: true,
      sides: [
        { name: "Buyer", members: [{ userId: user.id }], scope: [{ kind: "repository", value: repo.id }] },
        { name: "Seller", members: [{ userId: other.id }], scope: [{ kind: "counterparty", value: "Nobody Ltd" }] },
      ],
    };
    expect((await call(wallsRoute.POST, { method: "POST", path: "/api/v1/walls", key: reader.key, body: draft })).status).toBe(403);
    expect((await call(wallsRoute.POST, { method: "POST", path: "/api/v1/walls", key: writer.key, body: { ...draft, sides: [] } })).status).toBe(400);
    const created = await call(wallsRoute.POST, { method: "POST", path: "/api/v1/walls", key: writer.key, body: draft });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ state: "draft", kind: "sides", sides: [{ name: "Buyer" }, { name: "Seller" }], counts: { people: 2 } });
    expect((await call(wallsRoute.POST, { method: "POST", path: "/api/v1/walls", key: writer.key, body: draft })).status).toBe(409);
    const wallId = id(created);
    const p = { id: wallId };

    expect((await call(wallsRoute.GET, { path: `/api/v1/walls?state=draft&q=${encodeURIComponent(draft.name)}`, key: reader.key })).body).toMatchObject({ total: 1, items: [{ id: wallId }] });
    expect((await call(wallRoute.GET, { path: `/api/v1/walls/${wallId}`, params: p, key: reader.key })).body.id).toBe(wallId);
    expect((await call(wallRoute.GET, { path: `/api/v1/walls/${MISSING}`, params: { id: MISSING }, key: reader.key })).status).toBe(404);
    const patched = await call(wallRoute.PATCH, { method: "PATCH", path: `/api/v1/walls/${wallId}`, params: p, key: writer.key, body: { description: "Buyer and seller teams of Falcon are kept apart." } });
    expect(patched.body).toMatchObject({ version: 2, description: "Buyer and seller teams of Falcon are kept apart." });
    const side = await call(wallSidesRoute.POST, { method: "POST", path: `/api/v1/walls/${wallId}/sides`, params: p, key: writer.key, body: { name: "Advisers" } });
    expect(side.status).toBe(201);
    const advisers = (side.body.sides as { id: string; name: string }[]).find((s) => s.name === "Advisers")!;
    const scoped = await call(wallScopeRoute.POST, { method: "POST", path: `/api/v1/walls/${wallId}/scope`, params: p, key: writer.key, body: { sideId: advisers.id, items: [{ kind: "tag", value: "Advice" }] } });
    expect(scoped.status).toBe(201);
    const adviceScope = (scoped.body.scope as { id: string; kind: string }[]).find((x) => x.kind === "tag")!;
    expect((await call(wallScopeRoute.POST, { method: "POST", path: `/api/v1/walls/${wallId}/scope`, params: p, key: writer.key, body: { items: [{ kind: "tag", value: "x" }] } })).status).toBe(400);
    const rostered = await call(wallRosterRoute.POST, { method: "POST", path: `/api/v1/walls/${wallId}/roster`, params: p, key: writer.key, body: { sideId: advisers.id, items: [{ userId: third.id }] } });
    expect(rostered.status).toBe(201);
    const thirdEntry = (rostered.body.roster as { id: string; userId: string | null }[]).find((e) => e.userId === third.id)!;
    // a draft's side without people or scope blocks activation: take the advisers out again
    expect((await call(wallRosterEntryRoute.DELETE, { method: "DELETE", path: `/api/v1/walls/${wallId}/roster/${thirdEntry.id}`, params: { id: wallId, entryId: thirdEntry.id }, key: writer.key, body: { justification: "x" } })).status).toBe(400);
    const unrostered = await call(wallRosterEntryRoute.DELETE, {
      method: "DELETE",
      path: `/api/v1/walls/${wallId}/roster/${thirdEntry.id}`,
      params: { id: wallId, entryId: thirdEntry.id },
      key: writer.key,
      body: { justification: "Advisers are not part of this matter after all" },
    });
    expect(unrostered.status).toBe(200);
    const unscoped = await call(wallScopeItemRoute.DELETE, { method: "DELETE", path: `/api/v1/walls/${wallId}/scope/${adviceScope.id}`, params: { id: wallId, scopeId: adviceScope.id }, key: writer.key });
    expect(unscoped.status).toBe(200);
    expect((await call(wallActivateRoute.POST, { method: "POST", path: `/api/v1/walls/${wallId}/activate`, params: p, key: writer.key, body: { reason: "Falcon has both sides" } })).status).toBe(400);

    // preview, then a fresh wall of two sides to activate: other (seller) loses the buyer's contract
    const two = await call(wallsRoute.POST, { method: "POST", path: "/api/v1/walls", key: writer.key, body: { ...draft, name: unique("Falcon two") } });
    const twoId = id(two);
    const t = { id: twoId };
    const preview = await call(wallPreviewRoute.GET, { path: `/api/v1/walls/${twoId}/preview?by=person`, params: t, key: reader.key });
    expect(preview.body).toMatchObject({ pairs: 2, people: 2, contracts: 1 });
    const byContract = await call(wallPreviewRoute.GET, { path: `/api/v1/walls/${twoId}/preview?by=contract`, params: t, key: reader.key });
    expect(byContract.body.items).toEqual([{ contractId: contract.id, title: "Master agreement", repositoryId: repo.id, people: 2 }]);
    expect((await check(other.id)).body.allowed).toBe(true);
    const activated = await call(wallActivateRoute.POST, { method: "POST", path: `/api/v1/walls/${twoId}/activate`, params: t, key: writer.key, body: { reason: "Both sides of Falcon are our clients" } });
    expect(activated.status).toBe(200);
    expect(activated.body).toMatchObject({ state: "active", activated: { reason: "Both sides of Falcon are our clients" } });
    expect((await call(wallActivateRoute.POST, { method: "POST", path: `/api/v1/walls/${twoId}/activate`, params: t, key: writer.key, body: { reason: "Both sides of Falcon are our clients" } })).status).toBe(409);

    // the check: the contract system learns "denied"; a walls:read key learns the wall and side
    const denied = await check(other.id);
    expect(denied.body).toMatchObject({ allowed: false, denial: [{ code: "denied" }] });
    const told = await check(other.id, admin.key);
    expect(told.body.denial[0]).toMatchObject({ code: "wall", wallId: twoId, reason: "other_side", sideName: "Buyer", personSideName: "Seller" });
    // the buyer has not acknowledged the memo yet: denied too, until an admin acknowledges for them
    expect((await check(user.id, admin.key)).body.denial[0]).toMatchObject({ code: "wall", reason: "not_acknowledged" });
    const reminded = await call(wallRemindersRoute.POST, { method: "POST", path: `/api/v1/walls/${twoId}/reminders`, params: t, key: writer.key });
    expect(reminded.body).toEqual({ reminded: 2 });
    const ack = await call(wallAcknowledgmentsRoute.POST, { method: "POST", path: `/api/v1/walls/${twoId}/acknowledgments`, params: t, key: writer.key, body: { userId: user.id, reason: "Signed the paper memo on 1 December" } });
    expect(ack.status).toBe(201);
    expect((await check(user.id)).body.allowed).toBe(true);
    const acks = await call(wallAcknowledgmentsRoute.GET, { path: `/api/v1/walls/${twoId}/acknowledgments`, params: t, key: reader.key });
    expect(acks.body).toMatchObject({ total: 1, items: [{ userId: user.id, onBehalf: true, reason: "Signed the paper memo on 1 December" }] });

    // the attempts the checks above made (other, then user before acknowledging), with their summary
    const attempts = await call(wallAttemptsRoute.GET, { path: `/api/v1/walls/${twoId}/attempts`, params: t, key: reader.key });
    expect(attempts.body.total).toBe(3);
    expect(attempts.body.summary.map((x: { userId: string; attempts: number }) => [x.userId, x.attempts]).sort()).toEqual([[other.id, 2], [user.id, 1]].sort());

    // roster and removing a person (with a justification): other is back in
    const roster = await call(wallRosterRoute.GET, { path: `/api/v1/walls/${twoId}/roster`, params: t, key: reader.key });
    expect(roster.body.items.map((x: { userId: string }) => x.userId).sort()).toEqual([user.id, other.id].sort());
    const removed = await call(wallPersonRoute.DELETE, {
      method: "DELETE",
      path: `/api/v1/walls/${twoId}/people/${other.id}`,
      params: { id: twoId, userId: other.id },
      key: writer.key,
      body: { justification: "Moved off the seller team" },
    });
    expect(removed.status).toBe(200);
    expect((await check(other.id)).body.allowed).toBe(true);

    const lifted = await call(wallLiftRoute.POST, { method: "POST", path: `/api/v1/walls/${twoId}/lift`, params: t, key: writer.key, body: { reason: "Falcon closed" } });
    expect(lifted.body).toMatchObject({ state: "lifted", lifted: { reason: "Falcon closed" } });
    expect((await call(wallRoute.PATCH, { method: "PATCH", path: `/api/v1/walls/${twoId}`, params: t, key: writer.key, body: { name: "Renamed" } })).status).toBe(409);

    // screen certificates: the lift stored one; one built on request; one issued for a period; a reading key cannot issue
    const stored = await call(wallCertificatesRoute.GET, { path: `/api/v1/walls/${twoId}/certificates`, params: t, key: reader.key });
    expect(stored.body.items).toEqual([expect.objectContaining({ trigger: "lift" })]);
    const liftCertificate = await call(wallStoredCertificateRoute.GET, {
      path: `/api/v1/walls/${twoId}/certificates/${stored.body.items[0].id}`,
      params: { id: twoId, certificateId: stored.body.items[0].id },
      key: reader.key,
    });
    expect(liftCertificate.status).toBe(200);
    expect(liftCertificate.body).toMatchObject({ trigger: "lift", wall: { id: twoId, state: "lifted" }, attempts: { total: expect.any(Number) } });
    expect(verifyWallCertificate({ certificate: liftCertificate.body as unknown as WallCertificate }).ok).toBe(true);
    const built = await call(wallCertificateRoute.GET, { path: `/api/v1/walls/${twoId}/certificate`, params: t, key: reader.key });
    expect(built.status).toBe(200);
    expect(built.body).toMatchObject({ trigger: "request", wall: { id: twoId } });
    expect((await call(wallCertificateRoute.GET, { path: `/api/v1/walls/${twoId}/certificate?from=2030-01-02T00:00:00Z&to=2030-01-01T00:00:00Z`, params: t, key: reader.key })).status).toBe(400);
    expect((await call(wallCertificatesRoute.POST, { method: "POST", path: `/api/v1/walls/${twoId}/certificates`, params: t, key: reader.key, body: {} })).status).toBe(403);
    const issued = await call(wallCertificatesRoute.POST, { method: "POST", path: `/api/v1/walls/${twoId}/certificates`, params: t, key: writer.key, body: {} });
    expect(issued.status).toBe(201);
    expect(issued.body).toMatchObject({ trigger: "request", sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect((await call(wallCertificatesRoute.GET, { path: `/api/v1/walls/${twoId}/certificates`, params: t, key: reader.key })).body.items).toHaveLength(2);
    expect((await call(wallCertificatesRoute.GET, { path: `/api/v1/walls/nope/certificates`, params: { id: "nope" }, key: reader.key })).status).toBe(404);
  });
});

describe("wall reviews", () => {
  it("defines a review of walls, starts it, lists its items, closes it (removals applied) and answers its lift", async () => {
    const admin = await newApiKey(["admin"]);
    const reader = await newApiKey(["access:read"]);
    const liftOnly = await newApiKey(["walls:read"]);
    const { org, user, other, repo } = await world(admin.key);
    const reviewer = await org.user();
    const wall = await call(wallsRoute.POST, {
      method: "POST",
      path: "/api/v1/walls",
      key: admin.key,
      body: { name: unique("Screen"), matterRef: "M-7", kind: "exclusionary", members: [{ userId: user.id }, { userId: other.id }], scope: [{ kind: "repository", value: repo.id }] },
    });
    const wallId = String(wall.body.id);
    await call(wallActivateRoute.POST, { method: "POST", path: `/api/v1/walls/${wallId}/activate`, params: { id: wallId }, key: admin.key, body: { reason: "Lateral hires" } });
    const definition = await call(definitionsRoute.POST, {
      method: "POST",
      path: "/api/v1/review-definitions",
      key: admin.key,
      body: { name: unique("Walls"), config: { walls: { wallIds: [wallId] }, stages: [{ reviewers: "named", namedReviewerIds: [reviewer.id] }], fallbackReviewerId: reviewer.id } },
    });
    expect(definition.status).toBe(201);
    const definitionId = String(definition.body.id);
    const started = await call(definitionStartRoute.POST, { method: "POST", path: `/api/v1/review-definitions/${definitionId}/start`, params: { id: definitionId }, key: admin.key });
    expect(started.body).toMatchObject({ kind: "walls", populationSize: 3, reviewers: [expect.objectContaining({ reviewerId: reviewer.id, total: 3, decided: 0 })] });
    const campaignId = String(started.body.id);
    const c = { id: campaignId };
    const listed = await call(campaignWallItemsRoute.GET, { path: `/api/v1/campaigns/${campaignId}/wall-items`, params: c, key: reader.key });
    expect(listed.body.total).toBe(3);
    const of = (userId: string | null) => (listed.body.items as { id: string; person: { id: string } | null }[]).find((i) => (i.person?.id ?? null) === userId)!;
    expect(of(user.id)).toMatchObject({ question: "roster", role: "screened", wall: { id: wallId, matterRef: "M-7" }, decisions: ["keep", "remove", "dont_know"] });

    const as = { type: "admin" as const, id: reviewer.id, label: "reviewer" };
    await decideWallItems(prisma(), { campaignId, reviewerId: reviewer.id, input: { itemIds: [of(null).id], decision: "lift", justification: "Matter closed" }, actor: as });
    await decideWallItems(prisma(), { campaignId, reviewerId: reviewer.id, input: { itemIds: [of(user.id).id], decision: "remove", justification: "Conflict over" }, actor: as });
    const closed = await call(campaignCloseRoute.POST, { method: "POST", path: `/api/v1/campaigns/${campaignId}/close`, params: c, key: admin.key });
    expect(closed.body).toMatchObject({ status: "closed", outcomes: expect.arrayContaining([{ decision: "remove", outcome: "remove", items: 1 }, { decision: null, outcome: "keep", items: 1 }]) });
    const pending = await call(campaignWallItemsRoute.GET, { path: `/api/v1/campaigns/${campaignId}/wall-items?liftResolution=pending`, params: c, key: reader.key });
    expect(pending.body.items).toEqual([expect.objectContaining({ id: of(null).id, applyResult: "lift_pending", lift: expect.objectContaining({ resolution: "pending" }) })]);
    expect((await call(campaignWallItemsRoute.GET, { path: `/api/v1/campaigns/${campaignId}/wall-items?state=decided`, params: c, key: reader.key })).body.items).toContainEqual(
      expect.objectContaining({ id: of(user.id).id, outcome: "remove", applyResult: "removed" }),
    );

    const lift = (key: string, body: unknown, itemId = of(null).id) =>
      call(campaignWallLiftRoute.POST, { method: "POST", path: `/api/v1/campaigns/${campaignId}/wall-items/${itemId}/lift`, params: { id: campaignId, itemId }, key, body });
    expect((await lift(liftOnly.key, { action: "keep", reason: "no" })).status).toBe(403);
    expect((await lift(admin.key, { action: "maybe", reason: "no" })).status).toBe(400);
    expect((await lift(admin.key, { action: "keep", reason: "x" }, of(user.id).id)).status).toBe(409);
    const kept = await lift(admin.key, { action: "keep", reason: "The other hire is still conflicted" });
    expect(kept.status).toBe(200);
    expect(kept.body).toMatchObject({ lift: { resolution: "declined", reason: "The other hire is still conflicted" } });
    expect((await call(wallRoute.GET, { path: `/api/v1/walls/${wallId}`, params: { id: wallId }, key: admin.key })).body).toMatchObject({ state: "active", counts: { people: 1 } });
    const report = await call(campaignReportRoute.GET, { path: `/api/v1/campaigns/${campaignId}/report`, params: c, key: reader.key });
    expect(report.body.wallItems).toHaveLength(3);
    expect(report.body.indicators).toMatchObject({ wallRemovals: 1, wallLiftsPending: 0 });
  });
});

describe("the OpenAPI document", () => {
  it("lists exactly the route files under app/api/v1 and the methods each exports", () => {
    const files = readdirSync(import.meta.dirname, { recursive: true, encoding: "utf8" }).filter((f) => path.basename(f) === "route.ts");
    const templates = files.map((f) => `/api/v1/${path.dirname(f).split(path.sep).join("/")}`.replace(/\[(\w+)\]/g, "{$1}"));
    expect(Object.keys(ROUTES).sort()).toEqual(templates.sort());
    const exported = [...operationOf.values()].map((o) => `${o.method} ${o.path}`);
    expect(API_V1_OPERATIONS.map((o) => `${o.method} ${o.path}`).sort()).toEqual(exported.sort());
  });

  it("documents the scope each route enforces (app/authorization-matrix.test.ts holds the routes to ROUTE_RULES)", () => {
    for (const operation of API_V1_OPERATIONS) {
      const rule = ROUTE_RULES[`${operation.method.toUpperCase()} ${operation.path.replace(/\{(\w+)\}/g, "[$1]")}`];
      expect(rule, `${operation.method} ${operation.path}`).toEqual(operation.scopes ? { kind: "api-key", scopes: operation.scopes } : { kind: "public" });
    }
  });

  it("describes every response the tests above received: a status listed for the operation, a body of its schema", () => {
    const problems = answered.flatMap(({ method, path: template, request, result }) =>
      documentProblems({ method, path: template, status: result.status, body: result.body }).map((p) => `${request} → ${p}`),
    );
    expect(problems).toEqual([]);
    // Each operation answered at least once with success, so none is checked only vacuously.
    const succeeded = new Set(answered.filter((a) => a.result.status < 300).map((a) => `${a.method} ${a.path}`));
    expect(API_V1_OPERATIONS.map((o) => `${o.method} ${o.path}`).filter((o) => !succeeded.has(o))).toEqual([]);
  });
});
