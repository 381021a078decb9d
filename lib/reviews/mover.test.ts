// Mover reviews (issue 19) from real identity-provider requests (/work/shared/scim-compat.md):
// Entra's PATCH of the enterprise manager (a bare id, capitalised op) and department, Entra's
// path-less replace with the aadOptscim062020 flag, Okta's GET-then-PUT of the full user. The
// SCIM write leaves an outbox row in its own transaction (its single statement on the fast path,
// the locking transaction otherwise) when the directory enables mover reviews; the job starts a
// small campaign over the person's access for the new manager.
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ENTERPRISE_USER_SCHEMA as ENT, USER_SCHEMA as CORE } from "@/lib/scim/schema";
import { updateDirectorySettings } from "@/lib/directories/service";
import { admin, newWorld } from "@/lib/testing/access-world";
import { setupTestDatabase, unique } from "@/lib/testing/database";
import { newDirectory, patchBody, type ScimClient } from "@/lib/testing/scim";
import { processMoverReviews } from "./mover";

setupTestDatabase();

const ENTRA_UA = { "user-agent": "Microsoft.Identity.Provisioning/1.0" };
const OKTA_UA = { "user-agent": "Okta SCIM Client 1.0.0" };
type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

async function person(scim: ScimClient, ua: Record<string, string>, extra: Doc = {}): Promise<string> {
  const tag = unique("mv");
  const res = await scim.post<Doc>(
    "/Users",
    {
      schemas: [CORE, ENT],
      externalId: randomUUID(),
      userName: `${tag}@contoso.example`,
      active: true,
      emails: [{ primary: true, type: "work", value: `${tag}@contoso.example` }],
      name: { givenName: "Mo", familyName: tag },
      displayName: `Mo ${tag}`,
      ...extra,
    },
    ua,
  );
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id as string;
}

/** A directory of the kind with a person who can open contracts, their managers and a fallback reviewer. */
async function setting(kind: "entra" | "okta") {
  const w = await newWorld();
  const { directory, scim } = await newDirectory(kind);
  const ua = kind === "entra" ? ENTRA_UA : OKTA_UA;
  const [oldMgr, newMgr, fallback] = [await person(scim, ua), await person(scim, ua), await person(scim, ua)];
  const mover = await person(scim, ua, { [ENT]: { department: "Sales", manager: { value: oldMgr } } });
  const idle = await person(scim, ua, { [ENT]: { department: "Sales" } });
  const team = await scim.post<Doc>("/Groups", { schemas: ["urn:ietf:params:scim:schemas:core:2.0:Group"], displayName: unique("Sales"), members: [{ value: mover }] }, ua);
  expect(team.status).toBe(201);
  const repo = await w.repository("mover");
  const c1 = await w.contract(repo);
  await w.rule({ groupId: team.body.id as string, level: "edit", repositoryId: repo });
  const outbox = () => w.prisma.moverReview.findMany({ where: { directoryId: directory.id }, orderBy: { createdAt: "asc" } });
  const enable = (enabled = true) =>
    updateDirectorySettings(w.prisma, { directoryId: directory.id, input: { moverReviews: { enabled, fallbackReviewerId: fallback, durationDays: 5 } }, actor: admin });
  return { w, directory, scim, ua, oldMgr, newMgr, fallback, mover, idle, repo, c1, outbox, enable };
}

describe("mover reviews", () => {
  it("Entra: a manager change (bare id, capitalised op) queues a review in the SCIM write; the job starts it for the new manager", async () => {
    const s = await setting("entra");
    // Off by default: a move leaves no row.
    const moved = await s.scim.patch(`/Users/${s.mover}`, patchBody({ op: "Replace", path: `${ENT}:department`, value: "Legal" }), s.ua);
    expect(moved.status).toBe(200);
    expect(await s.outbox()).toEqual([]);

    await s.enable();
    const res = await s.scim.patch(`/Users/${s.mover}`, patchBody({ op: "Add", path: `${ENT}:manager`, value: s.newMgr }), s.ua);
    expect(res.status).toBe(200);
    expect(res.body[ENT]).toMatchObject({ manager: { value: s.newMgr } });
    // Written with the SCIM change (before any job ran).
    const [row] = await s.outbox();
    expect(row).toMatchObject({ userId: s.mover, processedAt: null, changed: { managerId: { before: s.oldMgr, after: s.newMgr } } });
    // A change that is no move (title) queues nothing.
    expect((await s.scim.patch(`/Users/${s.mover}`, patchBody({ op: "Replace", path: "title", value: "Counsel" }), s.ua)).status).toBe(200);
    expect(await s.outbox()).toHaveLength(1);

    expect(await processMoverReviews(s.w.prisma)).toEqual({ started: 1, skipped: 0 });
    const done = await s.w.prisma.moverReview.findUniqueOrThrow({ where: { id: row.id } });
    expect(done).toMatchObject({ outcome: "started", processedAt: expect.any(Date) });
    const campaign = await s.w.prisma.reviewCampaign.findUniqueOrThrow({ where: { id: done.campaignId! } });
    expect(campaign).toMatchObject({ kind: "mover", status: "active", populationSize: 1 });
    expect(campaign.dueAt.getTime() - campaign.startedAt.getTime()).toBe(5 * 86_400_000);
    const items = await s.w.prisma.reviewItem.findMany({ where: { campaignId: campaign.id } });
    expect(items).toEqual([expect.objectContaining({ userId: s.mover, repositoryId: s.repo, reviewerId: s.newMgr })]);
    const started = await s.w.prisma.auditEvent.findFirstOrThrow({ where: { action: "mover_review.started", targetId: campaign.id } });
    expect(started.after).toMatchObject({ userId: s.mover, moverReviewId: row.id, items: 1 });
    // Nothing left: a second run starts nothing.
    expect(await processMoverReviews(s.w.prisma)).toEqual({ started: 0, skipped: 0 });
  });

  it("Entra with aadOptscim062020: a path-less replace moving department and deactivating in one PATCH (the locking path)", async () => {
    const s = await setting("entra");
    await s.enable();
    const res = await s.scim.patch(
      `/Users/${s.mover}`,
      patchBody({ op: "replace", value: { [`${ENT}:department`]: "Finance", active: false } }),
      s.ua,
    );
    expect(res.status).toBe(200);
    // A rule reaches the person, so the status switch took the transaction path: the row is there too.
    const [row] = await s.outbox();
    expect(row).toMatchObject({ userId: s.mover, changed: { department: { before: "Sales", after: "Finance" } } });
    // Deactivated: no access left to review, so no campaign.
    expect(await processMoverReviews(s.w.prisma)).toEqual({ started: 0, skipped: 1 });
    expect(await s.w.prisma.moverReview.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({ outcome: "no_access", campaignId: null });
  });

  it("Okta: GET then PUT of the full user with a new department; the fallback reviews when the manager is unknown", async () => {
    const s = await setting("okta");
    await s.enable();
    const current = await s.scim.get<Doc>(`/Users/${s.mover}`, s.ua);
    expect(current.status).toBe(200);
    const put = await s.scim.put<Doc>(
      `/Users/${s.mover}`,
      { ...current.body, password: "placeholder-Okta-1", groups: [], [ENT]: { ...current.body[ENT], department: "Procurement", manager: { value: "okta-unknown-manager" } } },
      s.ua,
    );
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    const [row] = await s.outbox();
    expect(row.changed).toEqual({
      department: { before: "Sales", after: "Procurement" },
      managerId: { before: s.oldMgr, after: "okta-unknown-manager" },
    });
    // The same PUT again is no move (PUT replaces; nothing changed).
    expect((await s.scim.put(`/Users/${s.mover}`, { ...put.body, password: "placeholder-Okta-1" }, s.ua)).status).toBe(200);
    expect(await s.outbox()).toHaveLength(1);
    // Someone without access who moves: no campaign.
    expect((await s.scim.patch(`/Users/${s.idle}`, patchBody({ op: "replace", value: { [`${ENT}:department`]: "Legal" } }), s.ua)).status).toBe(200);

    expect(await processMoverReviews(s.w.prisma)).toEqual({ started: 1, skipped: 1 });
    const campaign = await s.w.prisma.reviewCampaign.findFirstOrThrow({ where: { kind: "mover", id: (await s.w.prisma.moverReview.findUniqueOrThrow({ where: { id: row.id } })).campaignId! } });
    const items = await s.w.prisma.reviewItem.findMany({ where: { campaignId: campaign.id } });
    expect(items.map((i) => [i.userId, i.reviewerId])).toEqual([[s.mover, s.fallback]]);

    // Turned off: moves queue nothing more.
    await s.enable(false);
    expect((await s.scim.patch(`/Users/${s.mover}`, patchBody({ op: "replace", value: { [`${ENT}:department`]: "Tax" } }), s.ua)).status).toBe(200);
    expect(await s.outbox()).toHaveLength(2);
  });

  it("refuses to turn mover reviews on without a fallback reviewer known to Custodian", async () => {
    const s = await setting("entra");
    const set = (input: unknown) => updateDirectorySettings(s.w.prisma, { directoryId: s.directory.id, input, actor: admin });
    await expect(set({ moverReviews: { enabled: true, fallbackReviewerId: null } })).rejects.toThrow(/fallback reviewer is required/);
    await expect(set({ moverReviews: { enabled: true, fallbackReviewerId: "nobody" } })).rejects.toMatchObject({ code: "invalid_input" });
    await set({ moverReviews: { enabled: true, fallbackReviewerId: s.fallback } });
    const d = await s.w.prisma.directory.findUniqueOrThrow({ where: { id: s.directory.id } });
    expect(d).toMatchObject({ moverReviews: true, moverReviewFallbackId: s.fallback, moverReviewDays: 7, inactivityDays: null });
    const event = await s.w.prisma.auditEvent.findFirstOrThrow({ where: { action: "directory.updated", targetId: s.directory.id }, orderBy: { createdAt: "desc" } });
    expect(event.after).toMatchObject({ moverReviews: true, moverReviewFallbackId: s.fallback });
  });
});
