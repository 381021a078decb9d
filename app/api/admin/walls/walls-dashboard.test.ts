// Walls through the dashboard's routes, end to end: a wall that withholds access until its memo is
// acknowledged (the insider acknowledges in "My walls" as an SSO person; an admin acknowledges for
// another with a reason; reminders are audited), the breach-attempt alert and the attempts
// summarised per person, and screen certificates — issued when the wall is lifted, read by an
// auditor, issued on request by compliance, refused to the auditor.
import { describe, expect, it, vi } from "vitest";
import { evaluate } from "@/lib/authzen/decisions";
import { setupRoleAccounts } from "@/lib/testing/admin-session";
import { newWorld } from "@/lib/testing/access-world";
import { setupTestDatabase, unique } from "@/lib/testing/database";
import { testSession } from "@/lib/testing/next-auth-session";
import { verifyWallCertificate, type WallCertificate } from "@/lib/walls/certificate";
import * as checkRoute from "../access/check/route";
import * as wallsRoute from "./route";
import * as activateRoute from "./[id]/activate/route";
import * as liftRoute from "./[id]/lift/route";
import * as acknowledgmentsRoute from "./[id]/acknowledgments/route";
import * as remindersRoute from "./[id]/reminders/route";
import * as attemptsRoute from "./[id]/attempts/route";
import * as certificateRoute from "./[id]/certificate/route";
import * as certificatesRoute from "./[id]/certificates/route";
import * as storedCertificateRoute from "./[id]/certificates/[certificateId]/route";
import * as alertRoute from "./attempts/route";
import * as mineRoute from "../../walls/mine/route";
import * as acknowledgeRoute from "../../walls/mine/[id]/acknowledge/route";

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
    // HTML
  }
  return { status: res.status, headers: res.headers, body: body as Record<string, unknown> & { items: Record<string, unknown>[] }, text };
}

async function signInAsPerson(userId: string) {
  const issuer = "https://idp.walls.test";
  const subject = unique("sub");
  await db().prisma.ssoIdentity.create({ data: { issuer, subject, userId } });
  testSession.current = { kind: "sso", ssoIssuer: issuer, ssoSubject: subject, user: { email: `${subject}@example.com` } };
}

const check = async (userId: string, contractId: string) => {
  signInAs("compliance");
  const res = await call(checkRoute.GET, `/api/admin/access/check?userId=${userId}&contractId=${contractId}`);
  expect(res.status).toBe(200);
  return res.body as unknown as { allowed: boolean; denial: { code: string; reason?: string; wallName?: string }[] };
};

describe("walls through the dashboard routes", () => {
  it("withhold access until the memo is acknowledged: the insider acknowledges in My walls, an admin for another with a reason; reminders are audited", async () => {
    const w = await newWorld();
    const [ann, ben, cy] = [await w.user("ann"), await w.user("ben"), await w.user("cy")];
    const team = await w.group("team", [ann, ben, cy]);
    const repo = await w.repository("bid");
    const c1 = await w.contract(repo);
    await w.rule({ groupId: team, level: "view", repositoryId: repo });

    signInAs("admin");
    const created = await call(wallsRoute.POST, "/api/admin/walls", {
      body: { name: `Bid team ${w.tag}`, description: "Bid team only. Acknowledge before opening.", kind: "inclusionary", requiresAcknowledgment: true, members: [{ userId: ann }, { userId: ben }], scope: [{ kind: "repository", value: repo }] },
    });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    expect((await check(ann, c1)).allowed).toBe(true); // a draft changes nothing
    // A draft is not in force: its memo may still change, so nobody acknowledges it (nor is reminded) yet.
    await signInAsPerson(ann);
    expect((await call(mineRoute.GET, "/api/walls/mine")).body.items).toEqual([expect.objectContaining({ wallId: id, state: "draft" })]);
    const early = await call(acknowledgeRoute.POST, `/api/walls/mine/${id}/acknowledge`, { method: "POST", params: { id } });
    expect(early.status).toBe(409);
    expect(early.body.error).toMatchObject({ message: expect.stringContaining("once the wall is active") });
    signInAs("admin");
    expect((await call(remindersRoute.POST, `/api/admin/walls/${id}/reminders`, { method: "POST", params: { id } })).status).toBe(409);
    expect(await db().prisma.wallAcknowledgment.count({ where: { wallId: id } })).toBe(0);
    signInAs("admin");
    expect((await call(activateRoute.POST, `/api/admin/walls/${id}/activate`, { body: { reason: "Bid opened today" }, params: { id } })).status).toBe(200);

    // Insiders who have not acknowledged are denied, naming the wall; cy (not an insider) too.
    const denied = await check(ann, c1);
    expect(denied.allowed).toBe(false);
    expect(denied.denial[0]).toMatchObject({ code: "wall", wallName: `Bid team ${w.tag}` });
    expect((await check(cy, c1)).denial[0]).toMatchObject({ code: "wall", reason: "not_insider" });

    // Reminders: both owe it; one audit event naming them (webhook wall.acknowledgment_requested).
    signInAs("admin");
    expect((await call(remindersRoute.POST, `/api/admin/walls/${id}/reminders`, { method: "POST", params: { id } })).body).toEqual({ reminded: 2 });
    const reminded = await db().prisma.auditEvent.findFirstOrThrow({ where: { action: "wall.acknowledgment_reminded", targetId: id } });
    expect((reminded.after as { userIds: string[] }).userIds.sort()).toEqual([ann, ben].sort());

    // ann, signed in through single sign-on with no dashboard role, sees the wall and acknowledges.
    await signInAsPerson(ann);
    const mine = await call(mineRoute.GET, "/api/walls/mine");
    expect(mine.body.items).toEqual([expect.objectContaining({ wallId: id, role: "insider", gatesAccess: true, acknowledgmentRequested: true, acknowledgedAt: null })]);
    expect((await call(acknowledgeRoute.POST, `/api/walls/mine/${id}/acknowledge`, { method: "POST", params: { id } })).status).toBe(201);
    expect((await call(acknowledgeRoute.POST, `/api/walls/mine/${id}/acknowledge`, { method: "POST", params: { id } })).status).toBe(200); // once
    // cy is on no wall's roster: nothing to acknowledge, and no acknowledging someone else's wall.
    await signInAsPerson(cy);
    expect((await call(mineRoute.GET, "/api/walls/mine")).body.items).toEqual([]);
    expect((await call(acknowledgeRoute.POST, `/api/walls/mine/${id}/acknowledge`, { method: "POST", params: { id } })).status).toBe(403);

    expect((await check(ann, c1)).allowed).toBe(true);
    expect((await check(ben, c1)).allowed).toBe(false);

    // An admin acknowledges for ben, with a reason; an auditor may not.
    signInAs("auditor");
    expect((await call(acknowledgmentsRoute.POST, `/api/admin/walls/${id}/acknowledgments`, { body: { userId: ben, reason: "Signed the paper memo in the data room" }, params: { id } })).status).toBe(403);
    signInAs("admin");
    expect((await call(acknowledgmentsRoute.POST, `/api/admin/walls/${id}/acknowledgments`, { body: { userId: ben, reason: "Signed the paper memo in the data room" }, params: { id } })).status).toBe(201);
    expect((await check(ben, c1)).allowed).toBe(true);
    const acks = await call(acknowledgmentsRoute.GET, `/api/admin/walls/${id}/acknowledgments`, { params: { id } });
    expect(acks.body.items.map((a) => [a.userId, a.onBehalf, a.reason]).sort()).toEqual([[ann, false, null], [ben, true, "Signed the paper memo in the data room"]].sort());
    const events = await db().prisma.auditEvent.findMany({ where: { action: "wall.acknowledged", targetId: id }, orderBy: { seq: "asc" } });
    expect(events.map((e) => (e.after as { onBehalf: boolean }).onBehalf)).toEqual([false, true]);
    expect(events[0].actorId).toBe(ann);
  });

  it("denied attempts raise the alert, summarised per person; lifting issues a certificate that auditors read and compliance may reissue", async () => {
    const w = await newWorld();
    const [hire, other] = [await w.user("hire"), await w.user("other")];
    const team = await w.group("team", [hire, other]);
    const repo = await w.repository("screened");
    const [c1, c2] = [await w.contract(repo), await w.contract(repo)];
    await w.rule({ groupId: team, level: "view", repositoryId: repo });
    signInAs("compliance");
    const created = await call(wallsRoute.POST, "/api/admin/walls", { body: { name: `Screen ${w.tag}`, kind: "exclusionary", members: [{ userId: hire }], scope: [{ kind: "repository", value: repo }] } });
    const id = created.body.id as string;
    await call(activateRoute.POST, `/api/admin/walls/${id}/activate`, { body: { reason: "Lateral hire from opposing counsel" }, params: { id } });

    // Three decision-API attempts by the screened person (two contracts), one allowed request by another.
    for (const contractId of [c1, c1, c2]) {
      expect((await evaluate(db().prisma, { body: { subject: { type: "user", id: hire }, action: { name: "view" }, resource: { type: "contract", id: contractId } } })).decision).toBe(false);
    }
    expect((await evaluate(db().prisma, { body: { subject: { type: "user", id: other }, action: { name: "view" }, resource: { type: "contract", id: c1 } } })).decision).toBe(true);

    signInAs("auditor");
    const alert = await call(alertRoute.GET, "/api/admin/walls/attempts");
    expect(alert.status).toBe(200);
    expect(alert.body.attempts as number).toBeGreaterThanOrEqual(3);
    expect((alert.body.lines as { wallId: string; userId: string; attempts: number; contracts: number }[]).find((l) => l.wallId === id)).toMatchObject({ userId: hire, attempts: 3, contracts: 2 });
    const attempts = await call(attemptsRoute.GET, `/api/admin/walls/${id}/attempts`, { params: { id } });
    expect(attempts.body.total).toBe(3);
    expect(attempts.body.summary).toEqual([expect.objectContaining({ userId: hire, attempts: 3, contracts: 2 })]);

    // Lifting answers the wall and its lift certificate, stored.
    signInAs("auditor");
    expect((await call(liftRoute.POST, `/api/admin/walls/${id}/lift`, { body: { reason: "The matter has closed" }, params: { id } })).status).toBe(403);
    signInAs("compliance");
    const lifted = await call(liftRoute.POST, `/api/admin/walls/${id}/lift`, { body: { reason: "The matter has closed" }, params: { id } });
    expect(lifted.body).toMatchObject({ state: "lifted", liftCertificate: { trigger: "lift" } });
    const certificateId = (lifted.body.liftCertificate as { id: string }).id;

    // An auditor lists and reads it: JSON (verifies, states the attempts) and the printable page.
    signInAs("auditor");
    expect((await call(certificatesRoute.GET, `/api/admin/walls/${id}/certificates`, { params: { id } })).body.items).toEqual([expect.objectContaining({ id: certificateId, trigger: "lift" })]);
    const json = await call(storedCertificateRoute.GET, `/api/admin/walls/${id}/certificates/${certificateId}`, { params: { id, certificateId } });
    expect(json.headers.get("content-disposition")).toMatch(/attachment; filename="wall-certificate-/);
    const stored = json.body as unknown as WallCertificate;
    expect(verifyWallCertificate({ certificate: stored }).ok).toBe(true);
    expect(stored.attempts).toMatchObject({ total: 3, byPerson: [{ userId: hire, attempts: 3 }] });
    const html = await call(storedCertificateRoute.GET, `/api/admin/walls/${id}/certificates/${certificateId}?format=html`, { params: { id, certificateId } });
    expect(html.headers.get("content-type")).toMatch(/text\/html/);
    expect(html.headers.get("content-security-policy")).toBe("default-src 'none'; style-src 'unsafe-inline'");
    expect(html.text).toContain("Ethical wall screen certificate");
    // On request, for a period: built and signed now.
    const fresh = await call(certificateRoute.GET, `/api/admin/walls/${id}/certificate?from=${encodeURIComponent(stored.period.from)}`, { params: { id } });
    expect(verifyWallCertificate({ certificate: fresh.body as unknown as WallCertificate }).ok).toBe(true);
    expect((fresh.body as unknown as WallCertificate).trigger).toBe("request");
    // Issuing (storing) one is a write: not for auditors; compliance may.
    expect((await call(certificatesRoute.POST, `/api/admin/walls/${id}/certificates`, { body: {}, params: { id } })).status).toBe(403);
    signInAs("compliance");
    expect((await call(certificatesRoute.POST, `/api/admin/walls/${id}/certificates`, { body: {}, params: { id } })).status).toBe(201);
    expect(await db().prisma.auditEvent.count({ where: { action: "wall.certificate_issued", targetId: id } })).toBe(2);
    expect((await call(certificateRoute.GET, `/api/admin/walls/${id}/certificate?from=2026-13-01`, { params: { id } })).status).toBe(400);
  });
});
