// Ethical walls through the dashboard's routes: compliance drafts, previews and activates a wall;
// an auditor reads it but cannot change it; the insider — an SSO person without any dashboard role
// — sees the walls they must acknowledge and acknowledges the memo, which opens the scope to them.
import { describe, expect, it, vi } from "vitest";
import { checkAccess } from "@/lib/access/effective-access";
import { setupRoleAccounts } from "@/lib/testing/admin-session";
import { newWorld } from "@/lib/testing/access-world";
import { setupTestDatabase, unique } from "@/lib/testing/database";
import { testSession } from "@/lib/testing/next-auth-session";
import * as wallsRoute from "../admin/walls/route";
import * as wallRoute from "../admin/walls/[id]/route";
import * as previewRoute from "../admin/walls/[id]/preview/route";
import * as activateRoute from "../admin/walls/[id]/activate/route";
import * as attemptsRoute from "../admin/walls/[id]/attempts/route";
import * as mineRoute from "./mine/route";
import * as acknowledgeRoute from "./mine/[id]/acknowledge/route";

vi.mock("next-auth", async (importOriginal) => (await import("@/lib/testing/next-auth-session")).mockNextAuth(importOriginal));

const { db } = setupTestDatabase();
const { signInAs } = setupRoleAccounts(db);

type Handler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;

async function call(handler: unknown, url: string, options: { method?: string; body?: unknown; params?: Record<string, string> } = {}) {
  const init: RequestInit =
    options.body === undefined ? { method: options.method ?? "GET" } : { method: options.method ?? "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(options.body) };
  const res = await (handler as Handler)(new Request(`http://localhost${url}`, init), { params: Promise.resolve(options.params ?? {}) });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as Record<string, unknown> & { items: Record<string, unknown>[] } };
}

async function signInAsPerson(userId: string) {
  const issuer = "https://idp.walls.test";
  const subject = unique("sub");
  await db().prisma.ssoIdentity.create({ data: { issuer, subject, userId } });
  testSession.current = { kind: "sso", ssoIssuer: issuer, ssoSubject: subject, user: { email: `${subject}@example.com` } };
}

describe("ethical walls through the dashboard's routes", () => {
  it("compliance activates, an auditor reads only, the insider acknowledges the memo and gets access", async () => {
    const w = await newWorld();
    const [ann, ben] = [await w.user("ann"), await w.user("ben")];
    const team = await w.group("team", [ann, ben]);
    const repo = await w.repository("walls-routes");
    const c1 = await w.contract(repo);
    await w.rule({ groupId: team, level: "view", repositoryId: repo });

    signInAs("compliance");
    const created = await call(wallsRoute.POST, "/api/admin/walls", {
      body: {
        name: `Project Falcon ${w.tag}`,
        description: "Only the Falcon team sees the target's agreements.",
        kind: "inclusionary",
        requiresAcknowledgment: true,
        members: [{ userId: ann }],
        scope: [{ kind: "repository", value: repo }],
      },
    });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const preview = await call(previewRoute.GET, `/api/admin/walls/${id}/preview?by=contract`, { params: { id } });
    expect(preview.body).toMatchObject({ pairs: 2, people: 2, contracts: 1, items: [{ contractId: c1, people: 2 }] });
    expect((await call(activateRoute.POST, `/api/admin/walls/${id}/activate`, { params: { id }, body: { reason: "Falcon team formed" } })).status).toBe(200);

    signInAs("auditor");
    expect((await call(wallRoute.GET, `/api/admin/walls/${id}`, { params: { id } })).body).toMatchObject({ state: "active", counts: { people: 1, acknowledged: 0 } });
    expect((await call(wallRoute.PATCH, `/api/admin/walls/${id}`, { method: "PATCH", params: { id }, body: { name: "Renamed" } })).status).toBe(403);
    expect((await call(attemptsRoute.GET, `/api/admin/walls/${id}/attempts`, { params: { id } })).body).toMatchObject({ total: 0, summary: [] });

    expect((await checkAccess(w.prisma, { userId: ann, contractId: c1 })).denial[0]).toMatchObject({ code: "wall", reason: "not_acknowledged" });
    await signInAsPerson(ann);
    const mine = await call(mineRoute.GET, "/api/walls/mine");
    expect(mine.body.items).toMatchObject([{ wallId: id, role: "insider", gatesAccess: true, acknowledgmentRequested: true, acknowledgedAt: null }]);
    const ack = await call(acknowledgeRoute.POST, `/api/walls/mine/${id}/acknowledge`, { method: "POST", params: { id } });
    expect(ack.status).toBe(201);
    expect((await call(acknowledgeRoute.POST, `/api/walls/mine/${id}/acknowledge`, { method: "POST", params: { id } })).status).toBe(200);
    expect((await checkAccess(w.prisma, { userId: ann, contractId: c1 })).allowed).toBe(true);
    // ben is not on the roster: nothing to acknowledge, and no way in
    await signInAsPerson(ben);
    expect((await call(mineRoute.GET, "/api/walls/mine")).body.items).toEqual([]);
    expect((await call(acknowledgeRoute.POST, `/api/walls/mine/${id}/acknowledge`, { method: "POST", params: { id } })).status).toBe(403);
    expect((await checkAccess(w.prisma, { userId: ben, contractId: c1 })).allowed).toBe(false);
    const event = await db().prisma.auditEvent.findFirstOrThrow({ where: { action: "wall.acknowledged", targetId: id } });
    expect(event.after).toMatchObject({ userId: ann, onBehalf: false });
  });
});
