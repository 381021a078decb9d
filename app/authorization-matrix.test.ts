// The authorization matrix: every route method, page and server action found on the file system
// must have a rule in lib/testing/authorization-rules.ts, and the real handlers must answer every
// kind of caller exactly as the rule says — anonymous, auditor, compliance, admin (sessions as in
// lib/testing/admin-session.ts), API keys (revoked, expired, without the scope), SCIM tokens
// (another directory's, revoked, expired). Pages are checked through their server guard: called
// per role, they must send the anonymous to /login and a forbidden role to "Not allowed".
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it, vi } from "vitest";
import { createApiKey, revokeApiKey, API_SCOPES, type ApiScope } from "@/lib/api-keys/service";
import { can, ROLES, type Role } from "@/lib/auth/permissions";
import { resetConfigForTests } from "@/lib/config";
import { createScimToken, revokeScimToken } from "@/lib/directories/service";
import { setupRoleAccounts } from "@/lib/testing/admin-session";
import { PAGE_RULES, ROUTE_RULES, SERVER_ACTION_RULES, type PageRule, type RouteRule } from "@/lib/testing/authorization-rules";
import { setupTestDatabase, unique } from "@/lib/testing/database";
import { newDirectory, SCIM_BASE } from "@/lib/testing/scim";
import { testSession } from "@/lib/testing/next-auth-session";
import { USER_SCHEMA } from "@/lib/scim/schema";

vi.mock("next-auth", async (importOriginal) => (await import("@/lib/testing/next-auth-session")).mockNextAuth(importOriginal));

const { db } = setupTestDatabase();
const { signInAs } = setupRoleAccounts(db);

const APP = path.resolve(import.meta.dirname);
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"] as const;
const MISSING_ID = "00000000-0000-0000-0000-000000000000";
const actor = { type: "system" as const, label: "authorization matrix" };

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? walk(full) : [full];
  });
}

/** app/api/admin/users/[id]/route.ts → /api/admin/users/[id]; route groups `(x)` vanish. */
function urlPathOf(file: string): string {
  const dir = path.dirname(path.relative(APP, file));
  const segments = dir === "." ? [] : dir.split(path.sep).filter((s) => !/^\(.*\)$/.test(s));
  return `/${segments.join("/")}`;
}

function exportedMethods(source: string): string[] {
  const found = new Set<string>();
  for (const m of source.matchAll(/export\s+(?:const|async\s+function|function)\s+([A-Z]+)\b/g)) found.add(m[1]);
  for (const m of source.matchAll(/export\s*\{([^}]*)\}/g)) {
    for (const part of m[1].split(",")) found.add(part.trim().split(/\s+as\s+/).pop()!.trim());
  }
  return [...found].filter((name) => (METHODS as readonly string[]).includes(name));
}

const files = walk(APP).filter((f) => !f.includes(`${path.sep}node_modules${path.sep}`));
const routes = files
  .filter((f) => path.basename(f) === "route.ts")
  .flatMap((file) => {
    const source = readFileSync(file, "utf8");
    return exportedMethods(source).map((method) => ({ key: `${method} ${urlPathOf(file)}`, method, file, source }));
  });
const pages = files.filter((f) => path.basename(f) === "page.tsx").map((file) => ({ key: urlPathOf(file), file }));
const serverActionFiles = [...files, ...walk(path.join(APP, "..", "lib")), ...walk(path.join(APP, "..", "components"))].filter(
  (f) => /\.(ts|tsx)$/.test(f) && !f.includes(`${path.sep}generated${path.sep}`) && /^\s*["']use server["']/m.test(readFileSync(f, "utf8")),
);

/** A dashboard route refuses with 401 whoever is not signed in: nobody, an API key, a SCIM token. */
async function signedOutRefusals(r: { key: string; file: string; method: string }, credentials: { apiKey: string; scimToken: string }): Promise<string[]> {
  signInAs(null);
  const refused: string[] = [];
  for (const [who, headers] of [["anonymous", {}], ["API key", bearer(credentials.apiKey)], ["SCIM token", bearer(credentials.scimToken)]] as const) {
    const res = await call(r.key, r.file, r.method, headers);
    if (res.status !== 401) refused.push(`${r.key} as ${who}: ${res.status}, expected 401`);
  }
  return refused;
}

describe("every route, page and server action has a rule", () => {
  it("finds the routes and pages on the file system", () => {
    expect(routes.length).toBeGreaterThan(50);
    expect(pages.length).toBeGreaterThan(20);
  });

  it("has a rule for every route method", () => {
    const missing = routes.filter((r) => !(r.key in ROUTE_RULES)).map((r) => `${r.key}  (${path.relative(path.join(APP, ".."), r.file)})`);
    expect(missing, `routes without a rule in lib/testing/authorization-rules.ts ROUTE_RULES:\n${missing.join("\n")}`).toEqual([]);
  });

  it("has no rule for a route method that does not exist", () => {
    const existing = new Set(routes.map((r) => r.key));
    expect(Object.keys(ROUTE_RULES).filter((k) => !existing.has(k))).toEqual([]);
  });

  it("has a rule for every page", () => {
    const missing = pages.filter((p) => !(p.key in PAGE_RULES)).map((p) => `${p.key}  (${path.relative(path.join(APP, ".."), p.file)})`);
    expect(missing, `pages without a rule in lib/testing/authorization-rules.ts PAGE_RULES:\n${missing.join("\n")}`).toEqual([]);
    const existing = new Set(pages.map((p) => p.key));
    expect(Object.keys(PAGE_RULES).filter((k) => !existing.has(k))).toEqual([]);
  });

  it("has a rule for every server action", () => {
    const missing = serverActionFiles.flatMap((file) => {
      const rel = path.relative(path.join(APP, ".."), file);
      const names = [...readFileSync(file, "utf8").matchAll(/export\s+async\s+function\s+(\w+)/g)].map((m) => `${rel}#${m[1]}`);
      return (names.length ? names : [`${rel}#?`]).filter((n) => !(n in SERVER_ACTION_RULES));
    });
    expect(missing, `server actions without a rule in SERVER_ACTION_RULES:\n${missing.join("\n")}`).toEqual([]);
  });

  it("names the same permission in the route file as in the rule", () => {
    const mismatched = routes.flatMap((r) => {
      const rule = ROUTE_RULES[r.key];
      const declared = new RegExp(
        `export\\s+const\\s+${r.method}\\s*=\\s*route\\(\\s*\\{\\s*auth:\\s*(?:\\{\\s*(permission|scope):\\s*(\\[[^\\]]*\\]|"[^"]*")|("none"))`,
      ).exec(r.source);
      if (!rule) return [];
      // A session or API-key rule needs the wrapper's declaration to compare with.
      if (!declared) return rule.kind === "admin" || rule.kind === "api-key" ? [`${r.key}: no route({ auth: … }) declaration`] : [];
      const mode = declared[1] ?? "none";
      const named = [...(declared[2] ?? "").matchAll(/"([^"]+)"/g)].map((m) => m[1]).sort();
      const expected = rule.kind === "admin" ? [rule.action] : rule.kind === "api-key" ? [...rule.scopes].sort() : [];
      const expectedMode = rule.kind === "admin" ? "permission" : rule.kind === "api-key" ? "scope" : "none";
      return mode === expectedMode && JSON.stringify(named) === JSON.stringify(expected) ? [] : [`${r.key}: declares ${mode} ${named.join(", ")} but the rule says ${JSON.stringify(rule)}`];
    });
    expect(mismatched).toEqual([]);
  });
});

// --- calling the handlers ---------------------------------------------------------------------

type Handler = (request: Request, context: { params: Promise<Record<string, unknown>> }) => Promise<Response>;

async function handlerOf(file: string, method: string): Promise<Handler> {
  const mod = (await import(/* @vite-ignore */ file)) as Record<string, Handler>;
  return mod[method];
}

/** Route params for a path: every [x] gets an id that names nothing. */
function paramsOf(key: string): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const m of key.matchAll(/\[(\.\.\.)?([^\]]+)\]/g)) params[m[2]] = m[1] ? [] : MISSING_ID;
  return params;
}

async function call(key: string, file: string, method: string, headers: Record<string, string> = {}): Promise<Response> {
  const url = `http://localhost${key.split(" ")[1].replace(/\[+\.*([^\]]+)\]+/g, MISSING_ID)}`;
  const hasBody = method !== "GET" && method !== "HEAD" && method !== "DELETE";
  const request = new Request(url, { method, headers: { ...(hasBody ? { "content-type": "application/json" } : {}), ...headers }, body: hasBody ? "{}" : undefined });
  return (await handlerOf(file, method))(request, { params: Promise.resolve(paramsOf(key)) });
}

const bearer = (secret: string) => ({ authorization: `Bearer ${secret}` });

async function apiKeyOf(scopes: ApiScope[]) {
  return (await createApiKey(db().prisma, { input: { name: unique("matrix"), scopes }, actor })).key;
}

describe("route handlers answer every caller as their rule says", () => {
  const byKind = (kind: RouteRule["kind"]) => routes.filter((r) => ROUTE_RULES[r.key]?.kind === kind);

  it("dashboard JSON: 401 signed out (also with an API key or SCIM token), 403 without the permission, through with it", async () => {
    const otherKey = await apiKeyOf(["admin"]);
    const { token } = await newDirectory();
    const problems: string[] = [];
    for (const r of byKind("admin")) {
      const rule = ROUTE_RULES[r.key] as Extract<RouteRule, { kind: "admin" }>;
      problems.push(...(await signedOutRefusals(r, { apiKey: otherKey, scimToken: token })));
      for (const role of ROLES) {
        signInAs(role);
        const res = await call(r.key, r.file, r.method);
        const allowed = can([role], rule.action);
        if (!allowed && res.status !== 403) problems.push(`${r.key} as ${role}: ${res.status}, expected 403`);
        if (!allowed && res.status === 403) expect((await res.json()).error.code).toBe("forbidden");
        if (allowed && (res.status === 401 || res.status === 403 || res.status >= 500)) problems.push(`${r.key} as ${role}: ${res.status}, expected it to pass the permission check`);
      }
    }
    signInAs(null);
    expect(problems).toEqual([]);
  });

  it("reviewer routes: 401 signed out (also with an API key or SCIM token), 403 for an account that is no directory person, through for a person without any role", async () => {
    const otherKey = await apiKeyOf(["admin"]);
    const { token, scim } = await newDirectory();
    const email = `${unique("reviewer")}@example.com`;
    const person = (await scim.post<{ id: string }>("/Users", { schemas: [USER_SCHEMA], userName: email, emails: [{ value: email, primary: true }], active: true })).body;
    const issuer = "https://idp.matrix.test";
    const subject = unique("sub");
    await db().prisma.ssoIdentity.create({ data: { issuer, subject, userId: person.id } });
    const problems: string[] = [];
    for (const r of byKind("reviewer")) {
      problems.push(...(await signedOutRefusals(r, { apiKey: otherKey, scimToken: token })));
      // the role accounts' e-mails name no directory person: they have no reviews
      for (const role of ROLES) {
        signInAs(role);
        const res = await call(r.key, r.file, r.method);
        if (res.status !== 403) problems.push(`${r.key} as ${role} (no directory person): ${res.status}, expected 403`);
      }
      testSession.current = { kind: "sso", ssoIssuer: issuer, ssoSubject: subject, user: { email } };
      const res = await call(r.key, r.file, r.method);
      if (res.status === 401 || res.status === 403 || res.status >= 500) problems.push(`${r.key} as a person without a role: ${res.status}, expected it to pass`);
    }
    signInAs(null);
    expect(problems).toEqual([]);
  });

  it("/api/v1: 401 without a live key (none, revoked, expired, a session, a SCIM token), 403 without the scope, through with it", async () => {
    const revoked = await createApiKey(db().prisma, { input: { name: unique("revoked"), scopes: ["admin"] }, actor });
    await revokeApiKey(db().prisma, { id: revoked.record.id, actor });
    const expired = await createApiKey(db().prisma, { input: { name: unique("expired"), scopes: ["admin"] }, actor });
    await db().prisma.apiKey.update({ where: { id: expired.record.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const { token } = await newDirectory();
    const keys = new Map<ApiScope, string>();
    for (const scope of API_SCOPES) keys.set(scope, await apiKeyOf([scope]));
    const problems: string[] = [];
    for (const r of byKind("api-key")) {
      const rule = ROUTE_RULES[r.key] as Extract<RouteRule, { kind: "api-key" }>;
      signInAs("admin");
      const session = await call(r.key, r.file, r.method);
      if (session.status !== 401) problems.push(`${r.key} with an admin session and no key: ${session.status}, expected 401`);
      signInAs(null);
      for (const [who, headers] of [["anonymous", {}], ["revoked key", bearer(revoked.key)], ["expired key", bearer(expired.key)], ["SCIM token", bearer(token)]] as const) {
        const res = await call(r.key, r.file, r.method, headers);
        if (res.status !== 401) problems.push(`${r.key} with ${who}: ${res.status}, expected 401`);
      }
      for (const scope of API_SCOPES) {
        const res = await call(r.key, r.file, r.method, bearer(keys.get(scope)!));
        const allowed = scope === "admin" || rule.scopes.includes(scope);
        if (!allowed && res.status !== 403) problems.push(`${r.key} with a ${scope} key: ${res.status}, expected 403`);
        if (allowed && (res.status === 401 || res.status === 403 || res.status >= 500)) problems.push(`${r.key} with a ${scope} key: ${res.status}, expected it to pass the scope check`);
      }
    }
    expect(problems).toEqual([]);
  });

  it("/scim/v2: 401 without a live token of a directory (none, revoked, expired, API key, session); another directory's data is 404", async () => {
    const a = await newDirectory();
    const b = await newDirectory();
    const bUser = (await b.scim.post<{ id: string; userName: string }>("/Users", { schemas: [USER_SCHEMA], userName: `${unique("b")}@example.com` })).body;
    const revoked = await createScimToken(db().prisma, { directoryId: a.directory.id, actor });
    await revokeScimToken(db().prisma, { tokenId: revoked.record.id, actor });
    const expired = await createScimToken(db().prisma, { directoryId: a.directory.id, actor });
    await db().prisma.scimToken.update({ where: { id: expired.record.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const apiKey = await apiKeyOf(["admin"]);
    const problems: string[] = [];
    for (const r of byKind("scim")) {
      const handler = await handlerOf(r.file, r.method);
      const target = r.method === "POST" ? `${SCIM_BASE}/Users/.search` : `${SCIM_BASE}/Users/${bUser.id}`;
      const body = r.method === "POST" ? { filter: `userName eq "${bUser.userName}"` } : r.method === "GET" || r.method === "DELETE" ? undefined : { schemas: [USER_SCHEMA], userName: bUser.userName, Operations: [{ op: "replace", path: "active", value: false }] };
      const send = (headers: Record<string, string>) =>
        handler(new Request(target, { method: r.method, headers: { "content-type": "application/scim+json", ...headers }, body: body && JSON.stringify(body) }), { params: Promise.resolve({}) });
      signInAs("admin");
      for (const [who, headers] of [["an admin session", {}], ["revoked token", bearer(revoked.token)], ["expired token", bearer(expired.token)], ["API key", bearer(apiKey)]] as const) {
        const res = await send(headers);
        if (res.status !== 401) problems.push(`${r.key} with ${who}: ${res.status}, expected 401`);
      }
      signInAs(null);
      const foreign = await send(bearer(a.token));
      if (r.method === "POST") {
        const found = (await foreign.json()) as { totalResults?: number };
        if (foreign.status !== 200 || found.totalResults !== 0) problems.push(`${r.key} search with another directory's token found ${JSON.stringify(found)}`);
      } else if (foreign.status !== 404) problems.push(`${r.key} with another directory's token: ${foreign.status}, expected 404`);
    }
    expect(problems).toEqual([]);
    const own = await b.scim.get(`/Users/${bUser.id}`);
    expect(own.status).toBe(200);
    expect(own.body.active).not.toBe(false);
  });

  it("/api/metrics: 404 while METRICS_TOKEN is unset; then 401 for sessions, API keys and SCIM tokens, 200 only with the metrics token", async () => {
    const metricsToken = "m".repeat(24) + unique("t");
    const dir = await newDirectory();
    const apiKey = await apiKeyOf(["admin"]);
    const problems: string[] = [];
    try {
      for (const r of byKind("metrics-token")) {
        const handler = await handlerOf(r.file, r.method);
        const send = (headers: Record<string, string>) => handler(new Request(`http://localhost${r.key.split(" ")[1]}`, { headers }), { params: Promise.resolve({}) });
        delete process.env.METRICS_TOKEN;
        resetConfigForTests();
        signInAs("admin");
        if ((await send({})).status !== 404) problems.push(`${r.key} without METRICS_TOKEN: expected 404`);
        process.env.METRICS_TOKEN = metricsToken;
        resetConfigForTests();
        for (const [who, headers] of [["an admin session", {}], ["a SCIM token", bearer(dir.token)], ["an API key", bearer(apiKey)], ["a wrong token", bearer(metricsToken + "x")]] as const) {
          const res = await send(headers);
          if (res.status !== 401) problems.push(`${r.key} with ${who}: ${res.status}, expected 401`);
        }
        signInAs(null);
        const ok = await send(bearer(metricsToken));
        if (ok.status !== 200) problems.push(`${r.key} with the metrics token: ${ok.status}, expected 200`);
      }
    } finally {
      delete process.env.METRICS_TOKEN;
      resetConfigForTests();
    }
    expect(problems).toEqual([]);
  });

  it("/api/bench/floor/**: 404 for every caller unless BENCH_FLOOR_ROUTE=1, then ids, versions and counters to anyone", async () => {
    const dir = await newDirectory();
    const created = await dir.scim.post("/Users", { schemas: [USER_SCHEMA], userName: `${unique("floor")}@example.com` });
    const row = { id: created.body.id as string };
    const problems: string[] = [];
    // What each floor may answer when on: no personal data, only ids, versions, counters and totals.
    const answers: Record<string, (body: Record<string, unknown>) => boolean> = {
      "GET /api/bench/floor": (b) => {
        const user = b.user as Record<string, unknown> | null;
        return user?.id === row.id && Object.keys(user).sort().join() === "id,version";
      },
      "GET /api/bench/floor/list": (b) => {
        const rows = b.rows as Record<string, unknown>[];
        return Object.keys(b).sort().join() === "rows,total" && (b.total as number) >= 1 && rows.length >= 1 && rows.length <= 100 && rows.every((r) => Object.keys(r).sort().join() === "id,version");
      },
      "POST /api/bench/floor/write": (b) => {
        const written = b.row as Record<string, unknown>;
        return Object.keys(written).sort().join() === "id,n" && written.id === 7 && (written.n as number) >= 1;
      },
    };
    try {
      const rules = byKind("bench-floor");
      expect(rules.map((r) => r.key).sort()).toEqual(Object.keys(answers).sort());
      for (const r of rules) {
        const handler = await handlerOf(r.file, r.method);
        const send = (headers: Record<string, string>) =>
          handler(new Request(`http://localhost${r.key.split(" ")[1]}?id=${row.id}&key=7&offset=0`, { method: r.method, headers }), { params: Promise.resolve({}) });
        delete process.env.BENCH_FLOOR_ROUTE;
        resetConfigForTests();
        for (const [who, headers, session] of [["anonymous", {}, null], ["an admin session", {}, "admin"], ["a SCIM token", bearer(dir.token), null]] as const) {
          signInAs(session);
          const res = await send(headers);
          if (res.status !== 404) problems.push(`${r.key} off, ${who}: ${res.status}, expected 404`);
        }
        process.env.BENCH_FLOOR_ROUTE = "1";
        resetConfigForTests();
        signInAs(null);
        const on = await send({});
        const body = (await on.json()) as Record<string, unknown>;
        if (on.status !== 200 || !answers[r.key](body)) problems.push(`${r.key} on, anonymous: ${on.status} ${JSON.stringify(body).slice(0, 120)}`);
      }
    } finally {
      delete process.env.BENCH_FLOOR_ROUTE;
      resetConfigForTests();
    }
    expect(problems).toEqual([]);
  });

  it("public routes answer anonymous callers", async () => {
    signInAs(null);
    for (const r of byKind("public")) {
      const res = await call(r.key, r.file, r.method);
      expect(res.status, r.key).toBeLessThan(300);
    }
  });
});

// --- pages ------------------------------------------------------------------------------------

/** Runs a page (or layout) function; a redirect() comes back as its target. */
async function render(file: string, props: Record<string, unknown> = {}): Promise<{ redirect?: string; result?: unknown; error?: unknown }> {
  const mod = (await import(/* @vite-ignore */ file)) as { default: (props: unknown) => unknown };
  try {
    return { result: await mod.default(props) };
  } catch (err) {
    const digest = (err as { digest?: unknown }).digest;
    if (typeof digest === "string" && digest.startsWith("NEXT_REDIRECT")) return { redirect: digest.split(";")[2] };
    return { error: err };
  }
}

describe("pages run their guard on the server", () => {
  const pageProps = (key: string) => ({ params: Promise.resolve(paramsOf(key)), searchParams: Promise.resolve({}) });

  it("the dashboard layout sends the signed-out to /login", async () => {
    signInAs(null);
    expect((await render(path.join(APP, "dashboard", "layout.tsx"), { children: null })).redirect).toBe("/login");
  });

  it('forbidden roles land on "Not allowed"; signed-out callers on /login; permitted roles pass', async () => {
    const problems: string[] = [];
    for (const p of pages) {
      const rule: PageRule | undefined = PAGE_RULES[p.key];
      if (!rule || rule.kind !== "page") continue;
      signInAs(null);
      const anonymous = await render(p.file, pageProps(p.key));
      if (anonymous.redirect !== "/login") problems.push(`${p.key} signed out: ${JSON.stringify(anonymous.redirect ?? anonymous.error)}, expected /login`);
      for (const role of ROLES as readonly Role[]) {
        signInAs(role);
        const outcome = await render(p.file, pageProps(p.key));
        const allowed = can([role], rule.action);
        if (!allowed && outcome.redirect !== "/dashboard/forbidden") problems.push(`${p.key} as ${role}: ${JSON.stringify(outcome.redirect ?? "rendered")}, expected /dashboard/forbidden`);
        if (allowed && (outcome.redirect === "/login" || outcome.redirect === "/dashboard/forbidden")) problems.push(`${p.key} as ${role}: sent to ${outcome.redirect}`);
      }
    }
    signInAs(null);
    expect(problems).toEqual([]);
  });

  it('the forbidden page says "Not allowed"', async () => {
    const { result } = await render(path.join(APP, "dashboard", "forbidden", "page.tsx"));
    expect(renderToStaticMarkup(result as React.ReactElement)).toContain("Not allowed");
  });
});
