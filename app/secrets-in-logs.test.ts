// No secret reaches a log line or an error body: requests carrying bearer tokens, API keys,
// passwords and OAuth client secrets — valid, wrong, revoked — go through the real handlers with
// debug logging on; everything written to stdout/stderr (lib/log.ts JSON lines) and every error
// body is captured and searched for the secret values.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createApiKey, revokeApiKey } from "@/lib/api-keys/service";
import { verifyCredentials } from "@/lib/auth/accounts";
import { log, redact } from "@/lib/log";
import { setupRoleAccounts } from "@/lib/testing/admin-session";
import { setupTestDatabase, unique } from "@/lib/testing/database";
import { newDirectory, SCIM_BASE } from "@/lib/testing/scim";
import { handleScimRequest } from "@/lib/scim/router";
import { flushRequestLog } from "@/lib/scim/request-log";
import { POST as createAccountRoute } from "./api/admin/accounts/route";
import { POST as createOAuthClientRoute } from "./api/admin/directories/[id]/oauth-clients/route";
import { POST as createTokenRoute } from "./api/admin/directories/[id]/tokens/route";
import { GET as accessCheck } from "./api/v1/access/check/route";

vi.mock("next-auth", async (importOriginal) => (await import("@/lib/testing/next-auth-session")).mockNextAuth(importOriginal));

const { db } = setupTestDatabase();
const { signInAs } = setupRoleAccounts(db);
const actor = { type: "system" as const, label: "secrets test" };

let output = "";
const previousLevel = process.env.LOG_LEVEL;
beforeAll(() => {
  process.env.LOG_LEVEL = "debug";
  for (const stream of [process.stdout, process.stderr]) {
    vi.spyOn(stream, "write").mockImplementation((chunk: string | Uint8Array) => {
      output += typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
      return true;
    });
  }
});
afterAll(() => {
  vi.restoreAllMocks();
  process.env.LOG_LEVEL = previousLevel;
});

const json = (method: string, body: unknown, headers: Record<string, string> = {}) => ({ method, headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
const ctx = <P,>(params: P) => ({ params: Promise.resolve(params) });

describe("secrets in logs and error bodies", () => {
  it("never writes a token, key, password or client secret", async () => {
    const secrets: string[] = [];
    const errorBodies: string[] = [];
    const keep = async (res: Response) => {
      const text = await res.text();
      if (res.status >= 400) errorBodies.push(text);
      return text;
    };

    // SCIM bearer tokens: valid, wrong, revoked; in the header and (wrongly) in the query.
    const { directory, token } = await newDirectory();
    secrets.push(token);
    const wrong = `cst_${"w".repeat(40)}`;
    secrets.push(wrong);
    for (const authorization of [`Bearer ${token}`, `Bearer ${wrong}`, `Basic ${Buffer.from(`x:${wrong}`).toString("base64")}`, wrong]) {
      await keep(await handleScimRequest(new Request(`${SCIM_BASE}/Users?access_token=${wrong}`, { headers: { authorization } })));
    }
    await keep(await handleScimRequest(new Request(`${SCIM_BASE}/Users`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/scim+json" }, body: `{"userName": "${wrong}", "password": "${wrong}"`})));

    // A token and an OAuth client created through the admin routes: shown once in the 201 body, never logged.
    signInAs("admin");
    const created = (await (await createTokenRoute(new Request("http://localhost/x", json("POST", { name: "t" })), ctx({ id: directory.id }))).json()) as { token: string };
    secrets.push(created.token);
    const client = (await (await createOAuthClientRoute(new Request("http://localhost/x", json("POST", { name: "okta" })), ctx({ id: directory.id }))).json()) as { clientId: string; clientSecret: string };
    expect(client.clientSecret).toBeTruthy();
    secrets.push(client.clientSecret);
    const form = (secret: string) => new URLSearchParams({ grant_type: "client_credentials", client_id: client.clientId, client_secret: secret }).toString();
    const issued = await handleScimRequest(new Request(`${SCIM_BASE}/oauth/token`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: form(client.clientSecret) }));
    const accessToken = ((await issued.json()) as { access_token: string }).access_token;
    secrets.push(accessToken);
    await keep(await handleScimRequest(new Request(`${SCIM_BASE}/oauth/token`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: form(`${client.clientSecret}x`) })));
    await keep(await handleScimRequest(new Request(`${SCIM_BASE}/Users`, { headers: { authorization: `Bearer ${accessToken}` } })));
    await keep(await handleScimRequest(new Request(`${SCIM_BASE}/Users`, { headers: { authorization: `Bearer ${accessToken}x` } })));

    // Passwords: a new account, a weak one refused, a failed and a good sign-in.
    const password = `pw-${unique("secret")}-long`;
    secrets.push(password);
    const email = `${unique("acct")}@example.com`;
    await keep(await createAccountRoute(new Request("http://localhost/x", json("POST", { email, role: "auditor", password })), undefined));
    await keep(await createAccountRoute(new Request("http://localhost/x", json("POST", { email: `${unique("weak")}@example.com`, role: "auditor", password: "short-pw" })), undefined));
    secrets.push("short-pw");
    await verifyCredentials(db().prisma, { email, password: `${password}-wrong` });
    await verifyCredentials(db().prisma, { email, password });
    secrets.push(`${password}-wrong`);

    // API keys: valid, revoked, unknown.
    const apiKey = await createApiKey(db().prisma, { input: { name: unique("k"), scopes: ["access:read"] }, actor });
    const revoked = await createApiKey(db().prisma, { input: { name: unique("r"), scopes: ["admin"] }, actor });
    await revokeApiKey(db().prisma, { id: revoked.record.id, actor });
    secrets.push(apiKey.key, revoked.key, `cak_${"z".repeat(43)}`);
    for (const key of [apiKey.key, revoked.key, `cak_${"z".repeat(43)}`]) {
      await keep(await accessCheck(new Request(`http://localhost/api/v1/access/check?user=x&contract=y&key=${key}`, { headers: { authorization: `Bearer ${key}` } }), ctx({})));
    }

    // Fields named like credentials are redacted by the logger, however deep.
    log.info("credential fields", { authorization: `Bearer ${token}`, nested: { a: { b: { c: { d: { e: { f: { g: { password } } } } } } } } });
    await flushRequestLog();

    expect(errorBodies.length).toBeGreaterThan(8);
    expect(output).toContain('"level":"debug"'); // the capture works
    for (const secret of secrets) {
      expect(output.includes(secret), `a secret (${secret.slice(0, 8)}…) is in the log output`).toBe(false);
      for (const body of errorBodies) expect(body.includes(secret), `a secret (${secret.slice(0, 8)}…) is in an error body: ${body.slice(0, 200)}`).toBe(false);
    }
    // The SCIM request log (shown on the dashboard) keeps the query string, minus credential values.
    const logged = await db().prisma.requestLog.findMany({ where: { path: { contains: "access_token" } } });
    expect(logged.length).toBeGreaterThan(0);
    for (const row of logged) for (const secret of secrets) expect(row.path.includes(secret), row.path).toBe(false);
  });

  it("redacts credential keys at any depth", () => {
    let deep: Record<string, unknown> = { password: "p" };
    for (let i = 0; i < 20; i++) deep = { level: deep };
    expect(JSON.stringify(redact(deep))).not.toContain('"p"');
  });
});
