// Directory monitoring through real SCIM requests and the directory admin route (GET for the
// health, PATCH for the inactivity settings), and the overview's health card.
import { describe, expect, it, vi } from "vitest";
import { GET as getDirectory, PATCH as patchDirectory } from "@/app/api/admin/directories/[id]/route";
import type { DirectoryDetail } from "@/lib/directories/queries";
import { directoryHealth } from "./health";
import { createScimToken } from "@/lib/directories/service";
import { flushRequestLog } from "@/lib/scim/request-log";
import { setupRoleAccounts } from "@/lib/testing/admin-session";
import { setupTestDatabase } from "@/lib/testing/database";
import { newDirectory, patchBody } from "@/lib/testing/scim";

vi.mock("next-auth", async (importOriginal) => (await import("@/lib/testing/next-auth-session")).mockNextAuth(importOriginal));

const { db } = setupTestDatabase();
const { signInAs } = setupRoleAccounts(db);
const DAY = 86_400_000;
const USER = "urn:ietf:params:scim:schemas:core:2.0:User";
const ctx = (id: string) => ({ params: Promise.resolve({ id }) });
const patch = (id: string, body: unknown) =>
  patchDirectory(new Request(`http://localhost/api/admin/directories/${id}`, { method: "PATCH", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }), ctx(id));

describe("directory monitoring", () => {
  it("reports errors by class and scimType, rejected writes, ignored attributes, token warnings and flagged users", async () => {
    const { directory, scim } = await newDirectory("entra");
    const prisma = db().prisma;
    const userName = `h-${Date.now()}@example.com`;
    const created = await scim.post("/Users", { schemas: [USER], userName, shoeSize: 44, "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": { badge: "x" } });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    expect((await scim.post("/Users", { schemas: [USER], userName })).status).toBe(409);
    expect((await scim.patch(`/Users/${id}`, patchBody({ op: "remove" }))).status).toBe(400);
    expect((await scim.patch(`/Users/${id}`, patchBody({ op: "replace", value: { shoeSize: 45, displayName: "H" } }))).status).toBe(200);
    expect((await scim.get("/Users/nope")).status).toBe(404);
    await flushRequestLog();
    const system = { type: "system" as const, label: "test" };
    await createScimToken(prisma, { directoryId: directory.id, input: { name: "rotating", expiresAt: new Date(Date.now() + 5 * DAY) }, actor: system });
    const old = await createScimToken(prisma, { directoryId: directory.id, input: { name: "old", expiresAt: new Date(Date.now() + DAY) }, actor: system });
    await prisma.scimToken.update({ where: { id: old.record.id }, data: { expiresAt: new Date(Date.now() - DAY), lastUsedAt: new Date(Date.now() - 2 * DAY) } });
    await prisma.user.update({ where: { id }, data: { inactiveFlaggedAt: new Date() } });

    signInAs("compliance");
    const res = await getDirectory(new Request(`http://localhost/api/admin/directories/${directory.id}`), ctx(directory.id));
    expect(res.status).toBe(200);
    const d = (await res.json()) as DirectoryDetail;
    const [hour, day] = d.monitoring.windows;
    expect(hour).toMatchObject({ window: "1h", requests: 5, clientErrors: 3, throttled: 0, serverErrors: 0, errorRate: 3 / 5 });
    expect(day.window).toBe("24h");
    expect(day.byScimType).toEqual(
      expect.arrayContaining([
        { scimType: "uniqueness", status: 409, count: 1 },
        { scimType: "noTarget", status: 400, count: 1 },
        { scimType: null, status: 404, count: 1 },
      ]),
    );
    expect(d.monitoring.rejectedWrites24h).toEqual(
      expect.arrayContaining([
        { method: "POST", scimType: "uniqueness", count: 1 },
        { method: "PATCH", scimType: "noTarget", count: 1 },
      ]),
    );
    expect(d.monitoring.ignored24h).toMatchObject({ requests: 2, attributes: 3 });
    expect(d.monitoring.ignored24h.top[0]).toEqual({ name: "shoeSize", count: 2 });
    expect(d.monitoring.tokenWarnings.map((t) => [t.name, t.state])).toEqual([
      ["old", "expired"],
      ["rotating", "expiring"],
    ]);
    expect(d.monitoring.users).toEqual({ flagged: 1, suspended: 0 });

    const card = (await directoryHealth(prisma)).find((h) => h.id === directory.id)!;
    expect(card).toMatchObject({ failed24h: 3, ignored24h: 2, tokensExpiringSoon: 1, tokensExpired: 1, tokensExpiredRecentlyUsed: 1, flaggedUsers: 1, suspendedUsers: 0 });
  });

  it("saves the inactivity settings for admins only, validated", async () => {
    const { directory } = await newDirectory();
    signInAs("compliance");
    expect((await patch(directory.id, { inactivityDays: 30, inactivityAction: "suspend" })).status).toBe(403);
    signInAs("admin");
    const bad = await patch(directory.id, { inactivityDays: 0, inactivityAction: "archive" });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: "invalid_input", details: expect.arrayContaining([expect.objectContaining({ path: "inactivityDays" })]) } });
    const ok = await patch(directory.id, { inactivityDays: 30, inactivityAction: "suspend" });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ inactivityDays: 30, inactivityAction: "suspend" });
    expect((await patch(directory.id, { inactivityDays: null, inactivityAction: "flag" })).status).toBe(200);
    expect(await db().prisma.directory.findUniqueOrThrow({ where: { id: directory.id } })).toMatchObject({ inactivityDays: null, inactivityAction: "flag" });
    expect((await patch("no-such-directory", { inactivityDays: null, inactivityAction: "flag" })).status).toBe(404);
  });

  it("saves the mover-review setting for admins only, validated, leaving the inactivity policy as it was", async () => {
    const { directory, scim } = await newDirectory("entra");
    const fallback = (await scim.post("/Users", { schemas: [USER], userName: `fallback-${Date.now()}@example.com` })).body.id as string;
    const moverReviews = { enabled: true, fallbackReviewerId: fallback, durationDays: 10 };
    signInAs("compliance");
    expect((await patch(directory.id, { moverReviews })).status).toBe(403);
    signInAs("admin");
    const bad = await patch(directory.id, { moverReviews: { enabled: true, durationDays: 0 } });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { details: expect.arrayContaining([expect.objectContaining({ path: "moverReviews.durationDays" })]) } });
    const unknown = await patch(directory.id, { moverReviews: { ...moverReviews, fallbackReviewerId: "nobody" } });
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toMatchObject({ error: { details: [{ path: "moverReviews.fallbackReviewerId", message: "no such user" }] } });
    expect((await patch(directory.id, { inactivityDays: 30 })).status).toBe(400);
    const ok = await patch(directory.id, { moverReviews });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({
      inactivityDays: null,
      moverReviews: { enabled: true, fallbackReviewer: { id: fallback }, durationDays: 10, pending: 0, startedLast30Days: 0 },
    });
  });
});
