// Issue 14, items 3–6: the lockout under parallel guesses, the sign-in flood (rate limits and the
// bound on password hashing), credentials that must die (bootstrap token, sessions, passwords) and
// single sign-on matching.
import { afterEach, describe, expect, it, vi } from "vitest";
import { runAt } from "@/lib/clock";
import { ensureBootstrapDirectory } from "@/lib/directories/service";
import { AppError } from "@/lib/errors";
import { setupTestDatabase, unique } from "@/lib/testing/database";
import { newDirectory, scimClient } from "@/lib/testing/scim";
import { PATCH as patchAccountRoute } from "@/app/api/admin/accounts/[id]/route";
import { POST as changePasswordRoute } from "@/app/api/account/password/route";
import { testSession } from "@/lib/testing/next-auth-session";
import { changeOwnPassword, createAccount, ensureFirstAdmin, MAX_FAILED_LOGINS, setAccountDisabled, verifyCredentials } from "./accounts";
import { buildAuthOptions, signInBusyAs429 } from "./options";
import { HashGate, passwordHashGate } from "./passwords";
import { resolvePrincipal } from "./principal";
import { takeSignInAttempt } from "./sign-in-limits";
import { bindSsoIdentity } from "./sso-roles";
import { withEnv } from "@/lib/testing/env";

vi.mock("next-auth", async (importOriginal) => (await import("@/lib/testing/next-auth-session")).mockNextAuth(importOriginal));

const { db } = setupTestDatabase();
const actor = { type: "system" as const, label: "test" };
const PASSWORD = "a-long-password-1";

async function newAccount(role: "admin" | "compliance" | "auditor" = "compliance") {
  const email = `${unique("acct")}@example.com`;
  const account = await createAccount(db().prisma, { input: { email, password: PASSWORD, role }, actor });
  return { ...account, email };
}


describe("item 3: the lockout counts parallel guesses", () => {
  it("N parallel wrong guesses and the right one: the counter is N, the account locks, the right one is refused", async () => {
    const prisma = db().prisma;
    const account = await newAccount();
    const N = 10;
    const results = await Promise.all([
      ...Array.from({ length: N }, () => verifyCredentials(prisma, { email: account.email, password: "wrong-guess" })),
      verifyCredentials(prisma, { email: account.email, password: PASSWORD }),
    ]);
    const row = await prisma.adminAccount.findUniqueOrThrow({ where: { id: account.id } });
    expect(row.failedLogins).toBe(N);
    expect(row.lockedUntil!.getTime()).toBeGreaterThan(Date.now());
    expect(results.slice(0, N).every((r) => !r.ok)).toBe(true);
    expect(results[N]).toMatchObject({ ok: false, reason: "locked" });
    // Every failure was audited, the ones from the fifth on as a lock.
    const events = await prisma.auditEvent.findMany({ where: { targetId: account.id, action: { in: ["account.sign_in_failed", "account.locked"] } } });
    expect(events).toHaveLength(N);
    expect(events.filter((e) => e.action === "account.locked")).toHaveLength(N - MAX_FAILED_LOGINS + 1);
  });
});

describe("item 4: the sign-in flood", () => {
  it("the hashing bound holds: in-flight never exceeds the limit, the excess is refused at once", async () => {
    const gate = new HashGate({ limit: 2, queue: 3 });
    let inFlight = 0;
    let maxInFlight = 0;
    const releases: (() => void)[] = [];
    const task = () =>
      new Promise<void>((resolve) => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        releases.push(() => {
          inFlight--;
          resolve();
        });
      });
    const runs = Array.from({ length: 10 }, () => gate.run(task).then(() => "done", (err: unknown) => (err instanceof AppError ? err.code : "other")));
    // Refused before anything was released: 10 = 2 running + 3 waiting + 5 refused.
    const settledEarly = await Promise.race([Promise.all(runs.slice(5)), new Promise((r) => setTimeout(() => r("pending"), 50))]);
    expect(settledEarly).toEqual(Array(5).fill("rate_limited"));
    expect(inFlight).toBe(2);
    while (releases.length) {
      releases.shift()!();
      await new Promise((r) => setTimeout(r, 0));
      expect(inFlight).toBeLessThanOrEqual(2);
    }
    expect(await Promise.all(runs.slice(0, 5))).toEqual(Array(5).fill("done"));
    expect(maxInFlight).toBe(2);
  });

  it("unknown e-mails go through the same bound (no hashing beyond it), and a full bound fails fast", async () => {
    const prisma = db().prisma;
    const account = await newAccount();
    const hold = passwordHashGate.fillForTests();
    try {
      for (const email of ["nobody-" + unique() + "@example.com", account.email]) {
        await expect(verifyCredentials(prisma, { email, password: "whatever-guess" })).rejects.toMatchObject({ code: "rate_limited" });
      }
      // A refused attempt was never checked, so it does not count against the account.
      expect((await prisma.adminAccount.findUniqueOrThrow({ where: { id: account.id } })).failedLogins).toBe(0);
    } finally {
      hold();
    }
    expect(await verifyCredentials(prisma, { email: account.email, password: PASSWORD })).toMatchObject({ ok: true });
  });

  it("rate-limits per account and per IP, shared through the database", async () => {
    const prisma = db().prisma;
    const now = new Date("2030-01-01T10:00:30Z");
    const email = `${unique("flood")}@example.com`;
    const limits = { perIp: 5, perAccount: 3 };
    const outcomes = [];
    for (let i = 0; i < 4; i++) outcomes.push(await takeSignInAttempt(prisma, { email, ip: `198.51.100.${i}`, now, limits }));
    expect(outcomes.map((o) => o.ok)).toEqual([true, true, true, false]);
    expect(outcomes[3]).toMatchObject({ ok: false, retryAfterSeconds: 30 });
    const ip = `203.0.113.${Math.floor(Math.random() * 250)}`;
    const fromIp = [];
    for (let i = 0; i < 6; i++) fromIp.push((await takeSignInAttempt(prisma, { email: `${unique("x")}@example.com`, ip, now, limits })).ok);
    expect(fromIp).toEqual([true, true, true, true, true, false]);
    // The next window starts afresh.
    expect(await takeSignInAttempt(prisma, { email, ip, now: new Date("2030-01-01T10:01:00Z"), limits })).toMatchObject({ ok: true });
  });

  it("the credentials sign-in refuses a flood with a message the login page shows, before any hashing", async () => {
    const restore = withEnv({ SIGNIN_ACCOUNT_LIMIT_PER_MINUTE: "2" });
    // At the start of a one-minute window: on the wall clock the attempts could straddle two windows.
    const windowStart = new Date(Math.ceil(Date.now() / 60_000) * 60_000 + 60_000);
    try {
      await runAt(windowStart, async () => {
        const options = await buildAuthOptions();
        const authorize = (options.providers[0] as unknown as { options: { authorize: (c: unknown, r: unknown) => Promise<unknown> } }).options.authorize;
        const email = `${unique("nobody")}@example.com`;
        const req = { headers: { "x-forwarded-for": "192.0.2.44" } };
        const messages: string[] = [];
        for (let i = 0; i < 3; i++) messages.push(await authorize({ email, password: "guess" }, req).then(() => "ok", (e: Error) => e.message));
        expect(messages).toEqual(["CredentialsSignin", "CredentialsSignin", "TooManyAttempts"]);
        // Right passwords do not use the account's allowance up: a success clears it.
        const account = await newAccount();
        const right = [];
        for (let i = 0; i < 4; i++) right.push(await authorize({ email: account.email, password: PASSWORD }, req).then((u) => (u as { id: string }).id, (e: Error) => e.message));
        expect(right).toEqual(Array(4).fill(account.id));
        // While the hashing bound is full, the sign-in is refused before any database work.
        const hold = passwordHashGate.fillForTests();
        try {
          const before = await db().prisma.signInThrottle.count();
          await expect(authorize({ email: `${unique("busy")}@example.com`, password: "guess" }, req)).rejects.toThrow("TooManyAttempts");
          expect(await db().prisma.signInThrottle.count()).toBe(before);
        } finally {
          hold();
        }
      });
    } finally {
      restore();
    }
  });
});

describe("item 5: credentials that should die", () => {
  afterEach(() => {
    testSession.current = null;
  });

  it("a new SCIM_BOOTSTRAP_TOKEN revokes the old bootstrap token, and says so in the audit trail", async () => {
    const prisma = db().prisma;
    const oldToken = `old-bootstrap-${unique()}-${"x".repeat(20)}`;
    const newToken = `new-bootstrap-${unique()}-${"y".repeat(20)}`;
    await ensureBootstrapDirectory(prisma, oldToken);
    expect((await scimClient(oldToken).get("/Users")).status).toBe(200);
    // An ordinary token of the same directory is not the bootstrap token: it survives.
    const { createDirectoryToken } = await import("@/lib/directories/service");
    const directory = await prisma.directory.findUniqueOrThrow({ where: { name: "Default" } });
    const other = await createDirectoryToken(prisma, { directoryId: directory.id, input: { name: "Bootstrap token" }, actor });

    await ensureBootstrapDirectory(prisma, newToken); // the restart with the new value
    expect((await scimClient(oldToken).get("/Users")).status).toBe(401);
    expect((await scimClient(newToken).get("/Users")).status).toBe(200);
    expect((await scimClient(other.token).get("/Users")).status).toBe(200);
    const revoked = await prisma.auditEvent.findMany({ where: { action: "scim_token.revoked", actorLabel: "SCIM_BOOTSTRAP_TOKEN" } });
    expect(revoked.length).toBeGreaterThanOrEqual(1);
    expect(revoked.at(-1)!.after).toMatchObject({ reason: expect.stringMatching(/new SCIM_BOOTSTRAP_TOKEN/) });
    // Idempotent: a second start with the same value changes nothing.
    await ensureBootstrapDirectory(prisma, newToken);
    expect((await scimClient(newToken).get("/Users")).status).toBe(200);
  });

  it("a disabled account's old session stays dead after it is re-enabled", async () => {
    const prisma = db().prisma;
    const account = await newAccount();
    const signedIn = await verifyCredentials(prisma, { email: account.email, password: PASSWORD });
    if (!signedIn.ok) throw new Error("sign-in failed");
    const session = { kind: "local", accountId: account.id, sessionVersion: signedIn.account.sessionVersion };
    expect(await resolvePrincipal(prisma, session)).toMatchObject({ id: account.id });
    await setAccountDisabled(prisma, { accountId: account.id, disabled: true, actor });
    await setAccountDisabled(prisma, { accountId: account.id, disabled: false, actor });
    expect(await resolvePrincipal(prisma, session)).toBeNull();
    // A session without a version (issued before versions existed) is not accepted either.
    expect(await resolvePrincipal(prisma, { kind: "local", accountId: account.id })).toBeNull();
    const again = await verifyCredentials(prisma, { email: account.email, password: PASSWORD });
    if (!again.ok) throw new Error("sign-in failed");
    expect(await resolvePrincipal(prisma, { ...session, sessionVersion: again.account.sessionVersion })).toMatchObject({ id: account.id });
  });

  it("a person changes their own password (current password required); other sessions end", async () => {
    const prisma = db().prisma;
    const account = await newAccount("auditor");
    const session = { kind: "local", accountId: account.id, sessionVersion: 1, user: { email: account.email } };
    testSession.current = session;
    const post = (body: unknown) =>
      changePasswordRoute(new Request("http://localhost/api/account/password", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }), undefined);
    const wrong = await post({ currentPassword: "not-the-password", newPassword: "a-brand-new-password" });
    expect(wrong.status).toBe(400);
    expect((await wrong.json()).error.details).toEqual([expect.objectContaining({ path: "currentPassword" })]);
    const short = await post({ currentPassword: PASSWORD, newPassword: "short" });
    expect(short.status).toBe(400);
    const ok = await post({ currentPassword: PASSWORD, newPassword: "a-brand-new-password" });
    expect(ok.status).toBe(200);
    expect(await verifyCredentials(prisma, { email: account.email, password: PASSWORD })).toMatchObject({ ok: false });
    expect(await verifyCredentials(prisma, { email: account.email, password: "a-brand-new-password" })).toMatchObject({ ok: true });
    expect(await resolvePrincipal(prisma, session)).toBeNull();
    const events = await prisma.auditEvent.findMany({ where: { targetId: account.id, action: "account.password_changed" } });
    expect(events).toHaveLength(1);
    expect(JSON.stringify(events.map((e) => [e.before, e.after, e.targetLabel]))).not.toContain("a-brand-new-password");
    // A wrong current password counts as a failed sign-in (no unlimited guessing through this form).
    const row = await prisma.adminAccount.findUniqueOrThrow({ where: { id: account.id } });
    expect(row.failedLogins).toBe(0); // reset by the successful sign-in above
    await expect(changeOwnPassword(prisma, { accountId: account.id, currentPassword: "x-wrong", newPassword: "another-new-password", actor })).rejects.toMatchObject({ code: "invalid_input" });
    expect((await prisma.adminAccount.findUniqueOrThrow({ where: { id: account.id } })).failedLogins).toBe(1);
  });

  it("an administrator resets another account's password; that account's sessions end", async () => {
    const prisma = db().prisma;
    const admin = await newAccount("admin");
    const target = await newAccount("compliance");
    testSession.current = { kind: "local", accountId: admin.id, sessionVersion: 1, user: { email: admin.email } } as typeof testSession.current;
    const targetSession = { kind: "local", accountId: target.id, sessionVersion: 1 };
    expect(await resolvePrincipal(prisma, targetSession)).not.toBeNull();
    const res = await patchAccountRoute(
      new Request("http://localhost/x", { method: "PATCH", headers: { "content-type": "application/json" }, body: JSON.stringify({ password: "reset-by-the-admin-1" }) }),
      { params: Promise.resolve({ id: target.id }) },
    );
    expect(res.status).toBe(200);
    expect(await resolvePrincipal(prisma, targetSession)).toBeNull();
    expect(await verifyCredentials(prisma, { email: target.email, password: "reset-by-the-admin-1" })).toMatchObject({ ok: true });
    const events = await prisma.auditEvent.findMany({ where: { targetId: target.id, action: "account.password_reset" } });
    expect(events.map((e) => e.actorLabel)).toEqual([admin.email]);
  });

  it("ADMIN_PASSWORD does not change an existing account's password; start-up warns that it differs", async () => {
    const prisma = db().prisma;
    const account = await newAccount("admin");
    const { log } = await import("@/lib/log");
    const warn = vi.spyOn(log, "warn").mockImplementation(() => {});
    try {
      await ensureFirstAdmin(prisma, { email: account.email, password: "a-different-password" });
      expect(warn).toHaveBeenCalledWith(expect.stringMatching(/ADMIN_PASSWORD/), expect.anything());
      warn.mockClear();
      await ensureFirstAdmin(prisma, { email: account.email, password: PASSWORD });
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
    expect(await verifyCredentials(prisma, { email: account.email, password: "a-different-password" })).toMatchObject({ ok: false });
    expect(await verifyCredentials(prisma, { email: account.email, password: PASSWORD })).toMatchObject({ ok: true });
  });
});

describe("item 6: single sign-on matching", () => {
  const issuer = "https://login.example.test/tenant";

  async function person(scim: ReturnType<typeof scimClient>, email: string) {
    return (await scim.post("/Users", { userName: email, emails: [{ value: email, primary: true }], active: true })).body as { id: string };
  }

  async function grantRole(scim: ReturnType<typeof scimClient>, userId: string) {
    const group = (await scim.post("/Groups", { displayName: unique("admins"), members: [{ value: userId }] })).body as { id: string };
    await db().prisma.groupRoleAssignment.create({ data: { groupId: group.id, role: "compliance" } });
  }

  it("refuses an unverified e-mail, and preferred_username unless configured", async () => {
    const prisma = db().prisma;
    const { scim } = await newDirectory("okta");
    const email = `${unique("sso")}@example.com`;
    const user = await person(scim, email);
    const policy = { matchClaim: "email", directories: undefined };
    expect(await bindSsoIdentity(prisma, { issuer, claims: { sub: unique("sub"), email }, policy })).toBeNull();
    expect(await bindSsoIdentity(prisma, { issuer, claims: { sub: unique("sub"), email, email_verified: false }, policy })).toBeNull();
    expect(await bindSsoIdentity(prisma, { issuer, claims: { sub: unique("sub"), preferred_username: email }, policy })).toBeNull();
    expect(await bindSsoIdentity(prisma, { issuer, claims: { sub: unique("sub"), email, email_verified: true }, policy })).toEqual({ userId: user.id });
    // Entra ID sends no email_verified: an operator names the claim the tenant controls instead.
    expect(await bindSsoIdentity(prisma, { issuer, claims: { sub: unique("sub"), preferred_username: email.toUpperCase() }, policy: { matchClaim: "preferred_username", directories: undefined } })).toEqual({ userId: user.id });
  });

  it("only people of the directories tied to the issuer match; the same e-mail in a partner directory never wins", async () => {
    const prisma = db().prisma;
    const internal = await newDirectory("entra");
    const partner = await newDirectory("okta");
    const email = `${unique("ceo")}@example.com`;
    const partnerUser = await person(partner.scim, email); // provisioned first, by the partner
    const policy = { matchClaim: "email", directories: [internal.directory.name] };
    const claims = { sub: unique("sub"), email, email_verified: true };
    expect(await bindSsoIdentity(prisma, { issuer, claims, policy })).toBeNull();
    const internalUser = await person(internal.scim, email);
    expect(await bindSsoIdentity(prisma, { issuer, claims, policy })).toEqual({ userId: internalUser.id });
    expect(partnerUser.id).not.toBe(internalUser.id);
    // Without a configured tie, an e-mail found in two directories is ambiguous: refused.
    expect(await bindSsoIdentity(prisma, { issuer, claims: { ...claims, sub: unique("sub") }, policy: { matchClaim: "email", directories: undefined } })).toBeNull();
  });

  it("binds to the stable sub once matched: later sign-ins and sessions follow it, not the e-mail", async () => {
    const prisma = db().prisma;
    const { scim } = await newDirectory("entra");
    const email = `${unique("bound")}@example.com`;
    const user = await person(scim, email);
    await grantRole(scim, user.id);
    const sub = unique("sub");
    const restore = withEnv({ OIDC_ISSUER: issuer, OIDC_CLIENT_ID: "client", OIDC_CLIENT_SECRET: "secret" });
    try {
      const options = await buildAuthOptions();
      const signIn = options.callbacks!.signIn!;
      const jwt = options.callbacks!.jwt!;
      const profile = { sub, email, email_verified: true, iss: issuer };
      const account = { provider: "oidc", type: "oauth", providerAccountId: sub } as never;
      expect(await signIn({ user: { id: sub, email }, account, profile } as never)).toBe(true);
      const token = await jwt({ token: {}, user: { id: sub, email }, account, profile } as never);
      const session = (await options.callbacks!.session!({ session: { user: { email }, expires: "" }, token } as never)) as Parameters<typeof resolvePrincipal>[1];
      expect(await resolvePrincipal(prisma, session)).toMatchObject({ kind: "sso", id: user.id, role: "compliance" });

      // The person's e-mail changes in the directory; someone else now holds the old address.
      await scim.patch(`/Users/${user.id}`, { schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], Operations: [{ op: "replace", path: "emails", value: [{ value: `renamed-${email}`, primary: true }] }] });
      const impostor = await person(scim, `${unique("other")}@example.com`);
      await scim.patch(`/Users/${impostor.id}`, { schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], Operations: [{ op: "replace", path: "emails", value: [{ value: email, primary: true }] }] });
      expect(await resolvePrincipal(prisma, session)).toMatchObject({ id: user.id });
      expect(await bindSsoIdentity(prisma, { issuer, claims: profile, policy: { matchClaim: "email", directories: undefined } })).toEqual({ userId: user.id });

      // An e-mail-only session (as issued before bindings) is refused.
      expect(await resolvePrincipal(prisma, { kind: "sso", user: { email } })).toBeNull();
      // Unverified: refused at sign-in.
      expect(await signIn({ user: { id: "x", email }, account, profile: { sub: unique("sub"), email } } as never)).toBe(false);
    } finally {
      restore();
    }
  });
});

describe("a refused-for-load sign-in is 429 (issue 14 item 4)", () => {
  // The shapes next-auth's app-router handler answers a credentials callback with
  // (node_modules/next-auth/next/index.js: with json=true, a redirect becomes {url} at the status).
  const nextAuthJson = (error: string) =>
    new Response(JSON.stringify({ url: `http://localhost/api/auth/error?error=${error}` }), {
      status: 401,
      headers: { "content-type": "application/json", "set-cookie": "x=1" },
    });

  it("turns TooManyAttempts into 429 with Retry-After, keeping the body the login page reads", async () => {
    const res = await signInBusyAs429(nextAuthJson("TooManyAttempts"));
    expect(res.status).toBe(429);
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(res.headers.get("set-cookie")).toBe("x=1");
    expect(await res.json()).toEqual({ url: "http://localhost/api/auth/error?error=TooManyAttempts" });
  });

  it("leaves a wrong password (401), a success and a plain form post's redirect as next-auth answered them", async () => {
    expect((await signInBusyAs429(nextAuthJson("CredentialsSignin"))).status).toBe(401);
    expect((await signInBusyAs429(Response.json({ url: "http://localhost/dashboard" }))).status).toBe(200);
    const redirect = new Response(null, { status: 302, headers: { location: "http://localhost/login?error=TooManyAttempts" } });
    expect((await signInBusyAs429(redirect)).status).toBe(302);
  });
});
