// The directory admin routes through their real handlers and permission checks. next-auth's
// session lookup needs a Next.js request scope, so only it is replaced: the test chooses whose
// session the request carries; account, role and permission resolution are the real ones.
import { describe, expect, it, vi } from "vitest";
import { flushRequestLog } from "@/lib/scim/request-log";
import { setupRoleAccounts } from "@/lib/testing/admin-session";
import { setupTestDatabase, unique } from "@/lib/testing/database";
import { scimClient } from "@/lib/testing/scim";
import { GET as getDirectory } from "./[id]/route";
import { GET as listOAuthClients, POST as createOAuthClientRoute } from "./[id]/oauth-clients/route";
import { DELETE as revokeToken } from "./[id]/tokens/[tokenId]/route";
import { GET as listTokens, POST as createToken } from "./[id]/tokens/route";
import { GET as listDirectories, POST as createDirectoryRoute } from "./route";
import { GET as listRequests } from "../request-log/route";

vi.mock("next-auth", async (importOriginal) => (await import("@/lib/testing/next-auth-session")).mockNextAuth(importOriginal));

const { db } = setupTestDatabase();
const { accounts, signInAs } = setupRoleAccounts(db);

const url = (path: string) => `http://localhost${path}`;
const json = (method: string, body: unknown) => ({ method, headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
const ctx = <P,>(params: P) => ({ params: Promise.resolve(params) });

async function newDirectoryViaRoute(kind = "entra") {
  signInAs("admin");
  const res = await createDirectoryRoute(new Request(url("/api/admin/directories"), json("POST", { name: unique("Dir"), kind })), undefined);
  expect(res.status).toBe(201);
  return (await res.json()) as { id: string; name: string };
}

describe("directory admin routes", () => {
  it("enforce the permission table on the server: sign-in, read and write", async () => {
    signInAs(null);
    expect((await listDirectories(new Request(url("/api/admin/directories")), undefined)).status).toBe(401);
    signInAs("auditor");
    expect((await listDirectories(new Request(url("/api/admin/directories")), undefined)).status).toBe(403);
    signInAs("compliance");
    expect((await listDirectories(new Request(url("/api/admin/directories")), undefined)).status).toBe(200);
    const refused = await createDirectoryRoute(new Request(url("/api/admin/directories"), json("POST", { name: unique("x"), kind: "okta" })), undefined);
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ error: { code: "forbidden" } });
    const directory = await newDirectoryViaRoute();
    signInAs("compliance");
    expect((await createToken(new Request(url("/x"), json("POST", {})), ctx({ id: directory.id }))).status).toBe(403);
    expect((await createOAuthClientRoute(new Request(url("/x"), json("POST", { name: "c" })), ctx({ id: directory.id }))).status).toBe(403);
    expect((await listTokens(new Request(url("/x")), ctx({ id: directory.id }))).status).toBe(200);
  });

  it("create a directory with field errors and conflicts as JSON", async () => {
    signInAs("admin");
    const invalid = await createDirectoryRoute(new Request(url("/api/admin/directories"), json("POST", { name: "", kind: "ldap" })), undefined);
    expect(invalid.status).toBe(400);
    const body = await invalid.json();
    expect(body.error.code).toBe("invalid_input");
    expect(body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(["kind", "name"]);
    const directory = await newDirectoryViaRoute();
    const dup = await createDirectoryRoute(new Request(url("/api/admin/directories"), json("POST", { name: directory.name })), undefined);
    expect(dup.status).toBe(409);
    const audit = await db().prisma.auditEvent.findFirst({ where: { action: "directory.created", targetId: directory.id } });
    expect(audit).toMatchObject({ actorType: "admin", actorId: accounts.admin.id, actorLabel: accounts.admin.email });
  });

  it("create a token shown once, list it by prefix, let it authenticate SCIM, then revoke it", async () => {
    const directory = await newDirectoryViaRoute();
    const created = await createToken(new Request(url("/x"), json("POST", { name: "Entra prod", expiresInDays: 30 })), ctx({ id: directory.id }));
    expect(created.status).toBe(201);
    expect(created.headers.get("cache-control")).toBe("no-store");
    const { token, record } = await created.json();
    expect(token).toMatch(/^cst_/);
    expect(record).toMatchObject({ name: "Entra prod", prefix: token.slice(0, 10), status: "active" });
    expect(new Date(record.expiresAt).getTime()).toBeGreaterThan(Date.now() + 29 * 86_400_000);

    const listed = await (await listTokens(new Request(url("/x")), ctx({ id: directory.id }))).json();
    expect(JSON.stringify(listed)).not.toContain(token);
    expect(listed.items.map((t: { id: string }) => t.id)).toEqual([record.id]);

    const scim = scimClient(token);
    expect((await scim.post("/Users", { schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"], userName: `${unique("u")}@example.com` })).status).toBe(201);
    expect((await scim.get("/Users/does-not-exist")).status).toBe(404);
    await flushRequestLog();

    const detail = await (await getDirectory(new Request(url("/x")), ctx({ id: directory.id }))).json();
    expect(detail).toMatchObject({ users: 1, activeUsers: 1, activeTokens: 1, requests24h: 2, errors24h: 1, errorRate24h: 0.5 });
    expect(detail.lastSuccessAt).toBeTruthy();

    const log = await (await listRequests(new Request(url(`/api/admin/request-log?directoryId=${directory.id}&status=4xx`)), undefined)).json();
    expect(log.items).toMatchObject([{ method: "GET", path: "/Users/does-not-exist", status: 404, credentialId: record.id }]);
    const posts = await (await listRequests(new Request(url(`/api/admin/request-log?directoryId=${directory.id}&method=POST&path=users`)), undefined)).json();
    expect(posts).toMatchObject({ total: 1, totalCapped: false, items: [{ status: 201 }] });

    // A token is revoked through its own directory only.
    const other = await newDirectoryViaRoute("okta");
    expect((await revokeToken(new Request(url("/x"), { method: "DELETE" }), ctx({ id: other.id, tokenId: record.id }))).status).toBe(404);
    const revoked = await revokeToken(new Request(url("/x"), { method: "DELETE" }), ctx({ id: directory.id, tokenId: record.id }));
    expect(await revoked.json()).toMatchObject({ id: record.id, status: "revoked" });
    expect((await scim.get("/Users")).status).toBe(401);
    const events = await db().prisma.auditEvent.findMany({ where: { targetId: record.id }, orderBy: { seq: "asc" } });
    expect(events.map((e) => e.action)).toEqual(["scim_token.created", "scim_token.revoked"]);
  });

  it("validate token input and answer 404 for unknown directories", async () => {
    const directory = await newDirectoryViaRoute();
    const bad = await createToken(new Request(url("/x"), json("POST", { expiresInDays: 0 })), ctx({ id: directory.id }));
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.details).toEqual([{ path: "expiresInDays", message: "at least 1 day" }]);
    expect((await createToken(new Request(url("/x"), json("POST", {})), ctx({ id: "00000000-0000-0000-0000-000000000000" }))).status).toBe(404);
    expect((await getDirectory(new Request(url("/x")), ctx({ id: "nope" }))).status).toBe(404);
  });

  it("create OAuth clients (secret shown once) and list them", async () => {
    const directory = await newDirectoryViaRoute("okta");
    const missing = await createOAuthClientRoute(new Request(url("/x"), json("POST", { name: " " })), ctx({ id: directory.id }));
    expect(missing.status).toBe(400);
    const res = await createOAuthClientRoute(new Request(url("/x"), json("POST", { name: "okta oauth" })), ctx({ id: directory.id }));
    expect(res.status).toBe(201);
    const { clientId, clientSecret } = await res.json();
    expect(clientSecret).toMatch(/^css_/);
    const listed = await (await listOAuthClients(new Request(url("/x")), ctx({ id: directory.id }))).json();
    expect(listed.items).toMatchObject([{ name: "okta oauth", clientId, status: "active" }]);
    expect(JSON.stringify(listed)).not.toContain(clientSecret);
  });

  it("list directories with counts and health, paginated and searchable", async () => {
    const directory = await newDirectoryViaRoute();
    const res = await listDirectories(new Request(url(`/api/admin/directories?search=${encodeURIComponent(directory.name.toUpperCase())}`)), undefined);
    const body = await res.json();
    expect(body).toMatchObject({ total: 1, page: 1, items: [{ id: directory.id, users: 0, groups: 0, activeTokens: 0, requests24h: 0, errorRate24h: null, lastSuccessAt: null }] });
  });

  it("reject an invalid request-log filter with its field", async () => {
    signInAs("admin");
    const res = await listRequests(new Request(url("/api/admin/request-log?status=abc")), undefined);
    expect(res.status).toBe(400);
    expect((await res.json()).error.details[0].path).toBe("status");
  });
});
