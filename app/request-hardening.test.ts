// Issue 14 (hardening), through the real route handlers found on disk (as the authorization matrix
// finds them): text PostgreSQL cannot store is a 400 naming the field on every route (item 13), and
// cookie-authenticated writes refuse cross-site callers and non-JSON bodies (item 18).
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it, vi } from "vitest";
import { createApiKey } from "@/lib/api-keys/service";
import { setupRoleAccounts } from "@/lib/testing/admin-session";
import { ROUTE_RULES } from "@/lib/testing/authorization-rules";
import { setupTestDatabase, unique } from "@/lib/testing/database";
import { newDirectory, SCIM_BASE } from "@/lib/testing/scim";

vi.mock("next-auth", async (importOriginal) => (await import("@/lib/testing/next-auth-session")).mockNextAuth(importOriginal));

const { db } = setupTestDatabase();
const { signInAs } = setupRoleAccounts(db);

const APP = path.resolve(import.meta.dirname);
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
const NUL = "\u0000";

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? walk(full) : [full];
  });
}

/** Every method of every JSON route behind the one wrapper (dashboard sessions and API keys). */
const routes = walk(path.join(APP, "api"))
  .filter((f) => path.basename(f) === "route.ts")
  .flatMap((file) => {
    const source = readFileSync(file, "utf8");
    const urlPath = `/${path.dirname(path.relative(APP, file)).split(path.sep).join("/")}`;
    return METHODS.filter((m) => new RegExp(`export\\s+const\\s+${m}\\s*=\\s*route\\(`).test(source)).map((method) => {
      const rule = ROUTE_RULES[`${method} ${urlPath}`];
      const params = [...urlPath.matchAll(/\[([^\]]+)\]/g)].map((m) => m[1]);
      // A JSON body is read by the wrapper when the route declares a body schema.
      const declaration = source.slice(source.search(new RegExp(`export\\s+const\\s+${method}\\b`)));
      const readsBody = /\bbody:\s*\w/.test(declaration.slice(0, declaration.indexOf("=>")));
      return { key: `${method} ${urlPath}`, method, file, urlPath, rule, params, readsBody };
    });
  })
  .filter((r) => r.rule?.kind === "admin" || r.rule?.kind === "api-key");

type Handler = (request: Request, context: { params: Promise<Record<string, unknown>> }) => Promise<Response>;
const handlerOf = async (file: string, method: string) => ((await import(/* @vite-ignore */ file)) as Record<string, Handler>)[method];

let adminKey: string;
async function send(r: (typeof routes)[number], options: { params?: Record<string, string>; query?: string; body?: string; headers?: Record<string, string> } = {}) {
  const params = Object.fromEntries(r.params.map((p) => [p, options.params?.[p] ?? "00000000-0000-0000-0000-000000000000"]));
  const url = `http://localhost${r.urlPath.replace(/\[([^\]]+)\]/g, (_, p: string) => encodeURIComponent(params[p]))}${options.query ?? ""}`;
  const auth: Record<string, string> = r.rule?.kind === "api-key" ? { authorization: `Bearer ${adminKey}` } : {};
  const body = options.body ?? (r.method === "GET" || r.method === "DELETE" ? undefined : "{}");
  const type = r.key === "POST /api/admin/contracts/import" ? "text/csv" : "application/json";
  const headers = { ...auth, ...(body !== undefined ? { "content-type": type } : {}), ...options.headers };
  return (await handlerOf(r.file, r.method))(new Request(url, { method: r.method, headers, body }), { params: Promise.resolve(params) });
}

/** What is wrong with an answer that should be a 400 naming `field` ([] = nothing). */
async function namesField(key: string, res: Response, field: string): Promise<string[]> {
  const text = await res.text();
  if (res.status !== 400) return [`${key}: ${res.status} ${text.slice(0, 120)}, expected 400 naming ${field}`];
  const details = (JSON.parse(text) as { error: { details?: { path: string }[] } }).error.details;
  return details?.some((d) => d.path === field) ? [] : [`${key}: 400 without ${field} in details: ${text.slice(0, 160)}`];
}

describe("text PostgreSQL cannot store (issue 14 item 13)", () => {
  it("finds the wrapped routes", () => {
    expect(routes.length).toBeGreaterThan(50);
    expect(routes.filter((r) => r.readsBody).length).toBeGreaterThan(20);
    for (const named of ["GET /api/admin/users/[id]", "GET /api/v1/access/check", "POST /api/admin/accounts", "PATCH /api/v1/rules/[id]"]) {
      expect(routes.map((r) => r.key)).toContain(named);
    }
  });

  it("a NUL in any route parameter, query parameter or JSON string is 400 naming the field, on every route", async () => {
    adminKey = (await createApiKey(db().prisma, { input: { name: unique("nul"), scopes: ["admin"] }, actor: { type: "system", label: "test" } })).key;
    signInAs("admin");
    const problems: string[] = [];
    for (const r of routes) {
      for (const param of r.params) problems.push(...(await namesField(`${r.key} [${param}]`, await send(r, { params: { [param]: `a${NUL}b` } }), param)));
      // The parameters the issue names, and one no route knows (refused all the same).
      for (const name of ["q", "actor", "path", "user", "unknownparameter"]) {
        problems.push(...(await namesField(`${r.key} ?${name}`, await send(r, { query: `?${name}=a%00b` }), name)));
      }
      if (r.readsBody) {
        problems.push(...(await namesField(`${r.key} body name`, await send(r, { body: JSON.stringify({ name: `x${NUL}`, description: "ok" }) }), "name")));
        const nested = JSON.stringify({ items: [{ ok: "fine" }, { title: `${NUL}` }] });
        problems.push(...(await namesField(`${r.key} body items.1.title`, await send(r, { body: nested }), "items.1.title")));
      }
    }
    signInAs(null);
    expect(problems).toEqual([]);
  });

  it("SCIM query parameters with a NUL are 400 invalidValue in RFC 7644 error JSON", async () => {
    const dir = await newDirectory();
    for (const query of ["?sortBy=userName%00", "?attributes=a%00", "?excludedAttributes=%00", "?startIndex=1%00"]) {
      const res = await dir.scim.get(`/Users${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body).toMatchObject({ schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"], status: "400", scimType: "invalidValue" });
      expect(String(res.body.detail)).toMatch(/NUL/);
    }
    expect(SCIM_BASE).toMatch(/scim\/v2$/);
  });
});

describe("cross-site requests with the admin's cookie (issue 14 item 18)", () => {
  const accounts = routes.find((r) => r.key === "POST /api/admin/accounts")!;
  const createAccount = (headers: Record<string, string>, email: string) =>
    send(accounts, { body: JSON.stringify({ email, role: "admin", password: "a-long-password-1" }), headers });
  const created = async (email: string) => (await db().prisma.adminAccount.count({ where: { email } })) > 0;

  it("refuses a cross-site text/plain form post that would create an admin account, and creates nothing", async () => {
    signInAs("admin");
    const email = `${unique("csrf")}@example.com`;
    // What a page on another site can send without a preflight: a form or no-cors fetch, text/plain.
    const res = await createAccount({ "content-type": "text/plain", origin: "https://evil.example", "sec-fetch-site": "cross-site" }, email);
    expect(res.status).toBe(403);
    expect(await created(email)).toBe(false);
    signInAs(null);
  });

  it("refuses a non-JSON body (415) and a cross-site Origin or Sec-Fetch-Site (403) on every cookie-authenticated write", async () => {
    signInAs("admin");
    const problems: string[] = [];
    for (const r of routes.filter((x) => x.rule?.kind === "admin" && x.method !== "GET")) {
      const csv = r.key === "POST /api/admin/contracts/import";
      for (const type of ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"]) {
        const res = await send(r, { body: "{}", headers: { "content-type": type } });
        if (res.status !== 415) problems.push(`${r.key} with ${type}: ${res.status}, expected 415`);
      }
      const crossSite: Record<string, string>[] = [{ "sec-fetch-site": "cross-site" }, { "sec-fetch-site": "same-site" }, { origin: "https://evil.example" }, { origin: "null" }];
      for (const headers of crossSite) {
        const res = await send(r, { headers: { ...headers, ...(csv ? { "content-type": "text/csv" } : {}) } });
        if (res.status !== 403) problems.push(`${r.key} with ${JSON.stringify(headers)}: ${res.status}, expected 403`);
      }
    }
    signInAs(null);
    expect(problems).toEqual([]);
  });

  it("lets the dashboard through: same-origin JSON, a body-less DELETE, the CSV import as text/csv, and clients that send no Origin", async () => {
    signInAs("admin");
    const email = `${unique("ok")}@example.com`;
    const res = await createAccount({ "content-type": "application/json; charset=utf-8", origin: "http://localhost", "sec-fetch-site": "same-origin" }, email);
    expect(res.status).toBe(201);
    expect(await created(email)).toBe(true);
    const noOrigin = `${unique("cli")}@example.com`;
    expect((await createAccount({}, noOrigin)).status).toBe(201);
    const importRoute = routes.find((r) => r.key === "POST /api/admin/contracts/import")!;
    const imported = await send(importRoute, { query: "?dryRun=true", body: "title\n", headers: { "content-type": "text/csv", "sec-fetch-site": "same-origin" } });
    expect(imported.status).not.toBe(415);
    expect(imported.status).not.toBe(403);
    const del = routes.find((r) => r.key === "DELETE /api/admin/webhooks/[id]")!;
    expect([403, 415]).not.toContain((await send(del, { headers: { "sec-fetch-site": "same-origin", origin: "http://localhost" } })).status);
    signInAs(null);
  });

  it("leaves bearer-token routes (API keys) as they are: they carry no cookie to forge", async () => {
    adminKey = (await createApiKey(db().prisma, { input: { name: unique("csrf"), scopes: ["admin"] }, actor: { type: "system", label: "test" } })).key;
    const rules = routes.find((r) => r.key === "POST /api/v1/rules")!;
    const res = await send(rules, { body: "{}", headers: { "sec-fetch-site": "cross-site", origin: "https://evil.example" } });
    expect(res.status).toBe(400);
  });
});
