// A campaign through the real routes: compliance defines, previews and starts it; reviewers — SSO
// people without any dashboard role — see and decide only their own items; an auditor reads the
// report (JSON and CSV with the population hash); exclusions are listed and lifted by an admin.
import { describe, expect, it, vi } from "vitest";
import { checkAccess } from "@/lib/access/effective-access";
import { setupRoleAccounts } from "@/lib/testing/admin-session";
import { admin, newWorld } from "@/lib/testing/access-world";
import { setupTestDatabase, unique } from "@/lib/testing/database";
import { testSession } from "@/lib/testing/next-auth-session";
import { setRepositoryOwners } from "@/lib/reviews/service";
import * as definitionsRoute from "../admin/review-definitions/route";
import * as previewRoute from "../admin/review-definitions/[id]/preview/route";
import * as startRoute from "../admin/review-definitions/[id]/start/route";
import * as campaignRoute from "../admin/campaigns/[id]/route";
import * as closeRoute from "../admin/campaigns/[id]/close/route";
import * as reportRoute from "../admin/campaigns/[id]/report/route";
import * as exclusionsRoute from "../admin/exclusions/route";
import * as liftRoute from "../admin/exclusions/[id]/lift/route";
import * as queueRoute from "./queue/route";
import * as decisionsRoute from "./decisions/route";

vi.mock("next-auth", async (importOriginal) => (await import("@/lib/testing/next-auth-session")).mockNextAuth(importOriginal));

const { db } = setupTestDatabase();
const { signInAs } = setupRoleAccounts(db);

type Handler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;

async function call(handler: unknown, url: string, options: { method?: string; body?: unknown; params?: Record<string, string> } = {}) {
  const init: RequestInit = options.body === undefined ? { method: options.method ?? "GET" } : { method: options.method ?? "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(options.body) };
  const res = await (handler as Handler)(new Request(`http://localhost${url}`, init), { params: Promise.resolve(options.params ?? {}) });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // CSV
  }
  return { status: res.status, body: body as Record<string, unknown> & { items: Record<string, unknown>[] }, text };
}

/** Signs in as the directory person through a bound SSO identity (no dashboard role). */
async function signInAsPerson(userId: string) {
  const issuer = "https://idp.reviews.test";
  const subject = unique("sub");
  await db().prisma.ssoIdentity.create({ data: { issuer, subject, userId } });
  testSession.current = { kind: "sso", ssoIssuer: issuer, ssoSubject: subject, user: { email: `${subject}@example.com` } };
}

describe("review campaigns through the routes", () => {
  it("compliance starts, reviewers decide their own items only, an auditor reads the report, an admin lifts an exclusion", async () => {
    const w = await newWorld();
    const [ann, ben, owner, fallback] = [await w.user("ann"), await w.user("ben"), await w.user("owner"), await w.user("fallback")];
    const team = await w.group("team", [ann, ben, owner]);
    const repo = await w.repository("routes");
    const c1 = await w.contract(repo);
    await w.rule({ groupId: team, level: "view", repositoryId: repo });
    await setRepositoryOwners(w.prisma, { repositoryId: repo, userIds: [owner], actor: admin });

    signInAs("compliance");
    const created = await call(definitionsRoute.POST, "/api/admin/review-definitions", {
      body: { name: `Routes ${w.tag}`, config: { scope: { repositoryIds: [repo] }, stages: [{ reviewers: "repository_owners" }], fallbackReviewerId: fallback, justification: { keep: false, revoke: true } } },
    });
    expect(created.status).toBe(201);
    const definitionId = created.body.id as string;
    const preview = await call(previewRoute.GET, `/api/admin/review-definitions/${definitionId}/preview`, { params: { id: definitionId } });
    expect(preview.body).toMatchObject({ items: 3, people: 3, reviewers: 2 });
    const started = await call(startRoute.POST, `/api/admin/review-definitions/${definitionId}/start`, { method: "POST", params: { id: definitionId } });
    expect(started.status).toBe(201);
    const campaignId = started.body.id as string;

    // the owner sees ann's and ben's items, not their own (the fallback's)
    await signInAsPerson(owner);
    const queue = await call(queueRoute.GET, `/api/reviews/queue?campaignId=${campaignId}`);
    expect(queue.status).toBe(200);
    expect(queue.body.items.map((i) => (i.person as { id: string }).id).sort()).toEqual([ann, ben].sort());
    expect(queue.body.items[0]).toMatchObject({ repository: { id: repo }, level: "view", reasons: [{ via: { kind: "group", path: [{ id: team }] } }] });
    const annItem = queue.body.items.find((i) => (i.person as { id: string }).id === ann)!.id as string;
    const benItem = queue.body.items.find((i) => (i.person as { id: string }).id === ben)!.id as string;
    // admin routes stay closed to a reviewer without a role (no dashboard principal: 401)
    expect((await call(campaignRoute.GET, `/api/admin/campaigns/${campaignId}`, { params: { id: campaignId } })).status).toBe(401);

    // the fallback's queue holds the owner's own item
    await signInAsPerson(fallback);
    const fallbackQueue = await call(queueRoute.GET, `/api/reviews/queue?campaignId=${campaignId}`);
    expect(fallbackQueue.body.items.map((i) => (i.person as { id: string }).id)).toEqual([owner]);
    // … and cannot decide the owner's queue: not found, nothing recorded
    const foreign = await call(decisionsRoute.POST, "/api/reviews/decisions", { body: { campaignId, itemIds: [annItem], decision: "keep" } });
    expect(foreign.status).toBe(404);
    expect(await w.prisma.reviewDecision.count({ where: { itemId: annItem } })).toBe(0);

    await signInAsPerson(owner);
    const revoke = await call(decisionsRoute.POST, "/api/reviews/decisions", { body: { campaignId, itemIds: [annItem], decision: "revoke", justification: "Left the team", secondsSpent: 9 } });
    expect(revoke.status).toBe(200);
    expect((await call(decisionsRoute.POST, "/api/reviews/decisions", { body: { campaignId, itemIds: [benItem], decision: "keep", secondsSpent: 2 } })).status).toBe(200);
    expect((await call(queueRoute.GET, `/api/reviews/queue?campaignId=${campaignId}`)).body.total).toBe(0);

    signInAs("compliance");
    const progress = await call(campaignRoute.GET, `/api/admin/campaigns/${campaignId}`, { params: { id: campaignId } });
    expect(progress.body).toMatchObject({ status: "active", populationSize: 3, decided: 2 });
    expect((await call(closeRoute.POST, `/api/admin/campaigns/${campaignId}/close`, { method: "POST", params: { id: campaignId } })).status).toBe(200);
    expect((await checkAccess(w.prisma, { userId: ann, contractId: c1 })).allowed).toBe(false);

    signInAs("auditor");
    const report = await call(reportRoute.GET, `/api/admin/campaigns/${campaignId}/report`, { params: { id: campaignId } });
    expect(report.status).toBe(200);
    expect(report.body.indicators).toMatchObject({ decisions: 2, revocations: 1, applied: 1, defaulted: 1, medianSecondsPerDecision: 5.5 });
    const csv = await call(reportRoute.GET, `/api/admin/campaigns/${campaignId}/report?format=csv`, { params: { id: campaignId } });
    expect(csv.text).toContain(`sha256 ${started.body.populationHash}`);
    expect(csv.text.split("\r\n").filter(Boolean)).toHaveLength(2 + 3);

    // the exclusion is listed, explained, and an admin lifts it with a justification
    const list = await call(exclusionsRoute.GET, `/api/admin/exclusions?campaignId=${campaignId}`);
    expect(list.body.total).toBe(1);
    expect(list.body.items[0]).toMatchObject({ source: "campaign", active: true, user: { id: ann } });
    expect(list.body.items[0].explanation).toMatch(/^Excluded by access review campaign/);
    // Read by people: the campaign by its name, and no id (the walk found "campaign <uuid>, decided by <uuid>").
    expect(list.body.items[0].explanation).toContain(`"${started.body.name}"`);
    expect(list.body.items[0].explanation).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i);
    const exclusionId = list.body.items[0].id as string;
    expect((await call(liftRoute.POST, `/api/admin/exclusions/${exclusionId}/lift`, { body: { justification: "Re-joined the team" }, params: { id: exclusionId } })).status).toBe(403);
    signInAs("admin");
    expect((await call(liftRoute.POST, `/api/admin/exclusions/${exclusionId}/lift`, { body: { justification: "Re-joined the team" }, params: { id: exclusionId } })).status).toBe(200);
    expect((await checkAccess(w.prisma, { userId: ann, contractId: c1 })).allowed).toBe(true);
  });
});
