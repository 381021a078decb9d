// Account and API-key admin routes through their real handlers and permission checks (only
// next-auth's session lookup, which needs a Next.js request scope, is replaced).
import { describe, expect, it, vi } from "vitest";
import { createAccount, verifyCredentials } from "@/lib/auth/accounts";
import { resolvePrincipal } from "@/lib/auth/principal";
import { setupRoleAccounts } from "@/lib/testing/admin-session";
import { setupTestDatabase, unique } from "@/lib/testing/database";
import { DELETE as revokeKey } from "../api-keys/[id]/route";
import { GET as listKeys, POST as createKey } from "../api-keys/route";
import { PATCH as patchAccount } from "./[id]/route";
import { GET as listAccounts, POST as createAccountRoute } from "./route";

vi.mock("next-auth", async (importOriginal) => (await import("@/lib/testing/next-auth-session")).mockNextAuth(importOriginal));

const { db } = setupTestDatabase();
const { accounts, signInAs } = setupRoleAccounts(db);

const req = (path: string, method = "GET", body?: unknown) =>
  new Request(`http://localhost${path}`, { method, headers: body ? { "content-type": "application/json" } : {}, body: body ? JSON.stringify(body) : undefined });
const ctx = (id: string) => ({ params: Promise.resolve({ id }) });

describe("account routes", () => {
  it("are for admins only", async () => {
    for (const role of ["compliance", "auditor"] as const) {
      signInAs(role);
      expect((await listAccounts(req("/api/admin/accounts"), undefined)).status).toBe(403);
      expect((await createAccountRoute(req("/api/admin/accounts", "POST", {}), undefined)).status).toBe(403);
      expect((await patchAccount(req("/x", "PATCH", { disabled: true }), ctx(accounts.admin.id))).status).toBe(403);
      expect((await listKeys(req("/api/admin/api-keys"), undefined)).status).toBe(403);
      expect((await createKey(req("/api/admin/api-keys", "POST", { name: "k", scopes: ["admin"] }), undefined)).status).toBe(403);
    }
    signInAs(null);
    expect((await listAccounts(req("/api/admin/accounts"), undefined)).status).toBe(401);
  });

  it("create an account with field-level validation errors, list it without its hash", async () => {
    signInAs("admin");
    const invalid = await createAccountRoute(req("/api/admin/accounts", "POST", { email: "not-an-email", role: "owner", password: "short" }), undefined);
    expect(invalid.status).toBe(400);
    const paths = (await invalid.json()).error.details.map((d: { path: string }) => d.path).sort();
    expect(paths).toEqual(["email", "password", "role"]);

    const email = `${unique("new")}@Example.com`;
    const created = await createAccountRoute(req("/api/admin/accounts", "POST", { email, name: "New Person", role: "auditor", password: "a-long-password-2" }), undefined);
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ email: email.toLowerCase(), role: "auditor" });
    const dup = await createAccountRoute(req("/api/admin/accounts", "POST", { email, role: "auditor", password: "a-long-password-2" }), undefined);
    expect(dup.status).toBe(409);

    const list = await (await listAccounts(req(`/api/admin/accounts?search=${encodeURIComponent(email)}`), undefined)).json();
    expect(list).toMatchObject({ total: 1, items: [{ email: email.toLowerCase(), name: "New Person", role: "auditor", disabled: false, createdBy: accounts.admin.email }] });
    expect(JSON.stringify(list)).not.toContain("scrypt");
    expect(await verifyCredentials(db().prisma, { email, password: "a-long-password-2" })).toMatchObject({ ok: true });
  });

  it("disable and re-enable an account (audited, session ends), but never one's own", async () => {
    signInAs("admin");
    const email = `${unique("leaver")}@example.com`;
    const account = await createAccount(db().prisma, { input: { email, role: "compliance", password: "a-long-password-1" }, actor: { type: "system", label: "test" } });

    const self = await patchAccount(req("/x", "PATCH", { disabled: true }), ctx(accounts.admin.id));
    expect(self.status).toBe(403);
    expect((await self.json()).error.message).toMatch(/your own account/);

    expect((await patchAccount(req("/x", "PATCH", { disabled: "yes" }), ctx(account.id))).status).toBe(400);
    const disabled = await patchAccount(req("/x", "PATCH", { disabled: true }), ctx(account.id));
    expect(await disabled.json()).toMatchObject({ id: account.id, disabled: true });
    expect(await resolvePrincipal(db().prisma, { kind: "local", accountId: account.id })).toBeNull();
    expect(await verifyCredentials(db().prisma, { email, password: "a-long-password-1" })).toMatchObject({ ok: false, reason: "disabled" });

    const enabled = await patchAccount(req("/x", "PATCH", { disabled: false }), ctx(account.id));
    expect(await enabled.json()).toMatchObject({ disabled: false });
    const events = await db().prisma.auditEvent.findMany({ where: { targetId: account.id, action: { in: ["account.disabled", "account.enabled"] } }, orderBy: { seq: "asc" } });
    expect(events.map((e) => [e.action, e.actorLabel])).toEqual([
      ["account.disabled", accounts.admin.email],
      ["account.enabled", accounts.admin.email],
    ]);
    expect((await patchAccount(req("/x", "PATCH", { disabled: true }), ctx("missing"))).status).toBe(404);
  });
});

describe("API key routes", () => {
  it("create a key (shown once) with scopes and expiry, list it, revoke it", async () => {
    signInAs("admin");
    const invalid = await createKey(req("/api/admin/api-keys", "POST", { name: "", scopes: [] }), undefined);
    expect(invalid.status).toBe(400);
    expect((await invalid.json()).error.details.map((d: { path: string }) => d.path).sort()).toEqual(["name", "scopes"]);

    const name = unique("contract-system");
    const expiresAt = new Date(Date.now() + 90 * 86_400_000).toISOString();
    const res = await createKey(req("/api/admin/api-keys", "POST", { name, scopes: ["access:read", "contracts:write"], expiresAt }), undefined);
    expect(res.status).toBe(201);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const { key, record } = await res.json();
    expect(key).toMatch(/^cak_/);
    expect(record).toMatchObject({ name, scopes: ["access:read", "contracts:write"], expiresAt, createdBy: accounts.admin.email });

    const listed = await (await listKeys(req("/api/admin/api-keys?pageSize=200"), undefined)).json();
    expect(listed.items.find((k: { id: string }) => k.id === record.id)).toMatchObject({ name, revokedAt: null });
    expect(JSON.stringify(listed)).not.toContain(key);

    const revoked = await revokeKey(req("/x", "DELETE"), ctx(record.id));
    expect((await revoked.json()).revokedAt).toBeTruthy();
    const active = await (await listKeys(req("/api/admin/api-keys?status=active&pageSize=200"), undefined)).json();
    expect(active.items.some((k: { id: string }) => k.id === record.id)).toBe(false);
    expect((await revokeKey(req("/x", "DELETE"), ctx("missing"))).status).toBe(404);
  });
});
