import { describe, expect, it } from "vitest";
import { setupTestDatabase, unique } from "@/lib/testing/database";
import { newDirectory } from "@/lib/testing/scim";
import { createAccount, MAX_FAILED_LOGINS, verifyCredentials } from "./accounts";
import { hashPassword, verifyPassword } from "./passwords";
import { can, PERMISSIONS, ROLES } from "./permissions";
import { resolvePrincipal } from "./principal";
import { bindSsoIdentity } from "./sso-roles";

const { db } = setupTestDatabase();
const actor = { type: "system" as const, label: "test" };

describe("passwords", () => {
  it("hashes with a salt and verifies", async () => {
    const a = await hashPassword("correct horse battery");
    const b = await hashPassword("correct horse battery");
    expect(a).not.toBe(b);
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(await verifyPassword("correct horse battery", a)).toBe(true);
    expect(await verifyPassword("correct horse batterY", a)).toBe(false);
    expect(await verifyPassword("x", "garbage")).toBe(false);
  });
});

describe("permission table", () => {
  it("gives admin everything, compliance read+review+export only, auditor the trail and reports", () => {
    expect(ROLES.every((r) => PERMISSIONS[r].size > 0)).toBe(true);
    expect(can(["admin"], "directories:write")).toBe(true);
    expect(can(["compliance"], "access:export")).toBe(true);
    for (const forbidden of ["directories:write", "rules:write", "accounts:manage", "api-keys:manage", "contracts:write"] as const) {
      expect(can(["compliance"], forbidden)).toBe(false);
      expect(can(["auditor"], forbidden)).toBe(false);
    }
    expect(can(["auditor"], "audit:read")).toBe(true);
    expect(can(["auditor"], "users:read")).toBe(false);
    for (const role of ROLES) expect(can([role], "evidence:export")).toBe(true);
  });
});

describe("local accounts", () => {
  it("signs in with the right password only, and locks after repeated failures", async () => {
    const prisma = db().prisma;
    const email = `${unique("acct")}@example.com`;
    await createAccount(prisma, { input: { email, password: "a-long-password-1", role: "compliance" }, actor });
    await expect(createAccount(prisma, { input: { email: email.toUpperCase(), password: "a-long-password-1", role: "admin" }, actor })).rejects.toThrow(/already exists/);
    expect(await verifyCredentials(prisma, { email: email.toUpperCase(), password: "a-long-password-1" })).toMatchObject({ ok: true, account: { role: "compliance" } });
    for (let i = 1; i < MAX_FAILED_LOGINS; i++) {
      expect(await verifyCredentials(prisma, { email, password: "wrong" })).toEqual({ ok: false, reason: "invalid" });
    }
    const locked = await verifyCredentials(prisma, { email, password: "wrong" });
    expect(locked).toMatchObject({ ok: false, reason: "locked" });
    // Even the right password is refused while locked.
    expect(await verifyCredentials(prisma, { email, password: "a-long-password-1" })).toMatchObject({ ok: false, reason: "locked" });
    const events = await prisma.auditEvent.findMany({ where: { actorLabel: email }, orderBy: { seq: "asc" } });
    expect(events.map((e) => e.action)).toContain("account.locked");
    expect(JSON.stringify(events.map((e) => [e.before, e.after]))).not.toContain("a-long-password-1");
    expect(await verifyCredentials(prisma, { email: "nobody@example.com", password: "x" })).toEqual({ ok: false, reason: "invalid" });
  });

  it("a disabled account's session stops at the next request", async () => {
    const prisma = db().prisma;
    const account = await createAccount(prisma, { input: { email: `${unique("d")}@example.com`, password: "a-long-password-1", role: "admin" }, actor });
    const session = { kind: "local", accountId: account.id, sessionVersion: 1 };
    expect(await resolvePrincipal(prisma, session)).toMatchObject({ role: "admin" });
    await prisma.adminAccount.update({ where: { id: account.id }, data: { disabledAt: new Date() } });
    expect(await resolvePrincipal(prisma, session)).toBeNull();
  });
});

describe("SSO principals", () => {
  it("take their role from SCIM groups (nested) and lose the session when SCIM deactivates them", async () => {
    const prisma = db().prisma;
    const { scim } = await newDirectory("entra");
    const email = `${unique("sso")}@example.com`;
    const user = (await scim.post("/Users", { userName: email, emails: [{ value: email, primary: true }], active: true })).body;
    const inner = (await scim.post("/Groups", { displayName: unique("inner"), members: [{ value: user.id }] })).body;
    const outer = (await scim.post("/Groups", { displayName: unique("outer"), members: [{ value: inner.id }] })).body;
    const issuer = "https://idp.example.test";
    const subject = unique("sub");
    expect(await bindSsoIdentity(prisma, { issuer, claims: { sub: subject, email, email_verified: true }, policy: { matchClaim: "email", directories: undefined } })).toEqual({ userId: user.id });
    const session = { kind: "sso", ssoIssuer: issuer, ssoSubject: subject, user: { email, name: "Sso Person" } };
    expect(await resolvePrincipal(prisma, session)).toBeNull(); // no role yet
    await prisma.groupRoleAssignment.create({ data: { groupId: outer.id as string, role: "compliance" } });
    expect(await resolvePrincipal(prisma, session)).toMatchObject({ kind: "sso", role: "compliance", id: user.id });
    await scim.patch(`/Users/${user.id}`, { schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], Operations: [{ op: "replace", path: "active", value: false }] });
    expect(await resolvePrincipal(prisma, session)).toBeNull();
  });
});

describe("first administrator", () => {
  it("is generated with a printed password when ADMIN_EMAIL/ADMIN_PASSWORD are unset and no account exists", async () => {
    // Its own empty embedded database: the precondition "no account exists" must really hold.
    const { mkdtempSync, rmSync } = await import("node:fs");
    const os = await import("node:os");
    const path = await import("node:path");
    const { openDatabase } = await import("@/lib/db/client");
    const { migrate } = await import("@/lib/db/migrate");
    const { ensureFirstAdmin } = await import("./accounts");
    const dir = mkdtempSync(path.join(os.tmpdir(), "custodian-first-admin-"));
    const fresh = await openDatabase({ pgliteDataDir: path.join(dir, "db") });
    const writes: string[] = [];
    const original = process.stdout.write.bind(process.stdout);
    try {
      await fresh.withSession((s) => migrate(s));
      process.stdout.write = ((chunk: string) => (writes.push(String(chunk)), true)) as typeof process.stdout.write;
      await ensureFirstAdmin(fresh.prisma, {});
      await ensureFirstAdmin(fresh.prisma, {}); // idempotent: nothing new, nothing printed
      process.stdout.write = original;
      const printed = writes.join("");
      expect(printed.match(/First administrator created/g)).toHaveLength(1);
      const password = /password: (\S+)/.exec(printed)?.[1];
      expect(printed).toContain("admin@custodian.local");
      expect(await verifyCredentials(fresh.prisma, { email: "admin@custodian.local", password: password! })).toMatchObject({ ok: true, account: { role: "admin" } });
      expect(await fresh.prisma.adminAccount.count()).toBe(1);
    } finally {
      process.stdout.write = original;
      await fresh.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
