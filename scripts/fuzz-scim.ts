// `npm run test:fuzz`: hostile input against the live SCIM endpoint of the production build.
// Starts `next start` on a fresh embedded database (and on a fresh PostgreSQL database when
// DATABASE_URL / TEST_DATABASE_URL is set, or with --db both), checks the security headers and
// cookies, seeds users and groups over SCIM, then sends a fixed, seeded budget of random and
// mutated requests to every SCIM endpoint and method: bodies over the size limit, nesting 10,000
// deep, wrong types, invalid UTF-8, duplicate keys, __proto__ / constructor.prototype keys,
// content-type mismatches, SQL injection in filters and sort keys, unicode edge cases.
// Asserts: no 5xx (except 501 for the unsupported /Bulk), every SCIM error body is RFC 7644 §3.12
// error JSON, the server stays up, its RSS stays bounded, the data is unchanged by the phases that
// only send requests that must be rejected, no prototype is polluted, and no secret reaches the
// server's logs. Replay one failure with the printed --seed. Last, a ladder of nested groups (the
// paths double with every layer) must be answered quickly and stop at the nesting depth limit.
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { freshPostgresDatabase, startBuiltServer, type BenchServer } from "../bench/server";
import { mulberry32 } from "../lib/random";

const ERROR_URN = "urn:ietf:params:scim:api:messages:2.0:Error";
const USER = "urn:ietf:params:scim:schemas:core:2.0:User";
const GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group";
const ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
const PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
const MAX_BODY = 1024 * 1024;

const { values: args } = parseArgs({
  options: {
    requests: { type: "string", default: "3000" },
    seed: { type: "string", default: "1" },
    concurrency: { type: "string", default: "4" },
    db: { type: "string" },
    port: { type: "string" },
    "max-rss-mb": { type: "string", default: "1536" },
    help: { type: "boolean", default: false },
  },
});
if (args.help) {
  console.log("npm run test:fuzz -- [--requests 3000] [--seed 1] [--concurrency 4] [--db pglite|postgres|both] [--port N] [--max-rss-mb 1536]");
  process.exit(0);
}
const BUDGET = Number(args.requests);
const SEED = Number(args.seed);
const CONCURRENCY = Number(args.concurrency);
const postgresUrl = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL || undefined;
const dbs = args.db === "both" ? ["pglite", "postgres"] : args.db ? [args.db] : postgresUrl ? ["pglite", "postgres"] : ["pglite"];

const SECRETS = {
  token: `fuzz-${createHash("sha256").update(String(SEED)).digest("hex")}`,
  adminEmail: "fuzz-admin@fuzz.example",
  adminPassword: "fuzz-admin-password-xyz-1234",
};

// --- seeded randomness -------------------------------------------------------------------------

type Rng = () => number;
/** Percent-encoding that keeps what encodeURIComponent refuses: a lone surrogate becomes the
 * (invalid UTF-8) bytes of its code unit. */
function enc(text: string): string {
  return [...text]
    .map((ch) => {
      const code = ch.charCodeAt(0);
      return ch.length === 1 && code >= 0xd800 && code <= 0xdfff
        ? `%${(0xe0 | (code >> 12)).toString(16)}%${(0x80 | ((code >> 6) & 0x3f)).toString(16)}%${(0x80 | (code & 0x3f)).toString(16)}`.toUpperCase()
        : encodeURIComponent(ch);
    })
    .join("");
}
const pick = <T>(r: Rng, items: readonly T[]): T => items[Math.floor(r() * items.length)] as T;
const chance = (r: Rng, p: number) => r() < p;

// --- requests ----------------------------------------------------------------------------------

interface FuzzRequest {
  label: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Buffer;
}
interface Outcome {
  request: FuzzRequest;
  status: number;
  contentType: string;
  text: string;
}

const UNICODE = ["\u0000", "\ud800", "\udfff", "\ufeff", "\uffff", "\u202e", "e\u0301", "😀", "𝔘𝔫𝔦", "ǅ", "İ", "\u0085", "\u2028", "\t", "\\", '"', "'"];
const SQLI = [
  "' OR '1'='1",
  "\" OR \"1\"=\"1",
  "'; DROP TABLE \"User\"; --",
  "x\") OR 1=1 --",
  "%' OR 1=1 --",
  "\\'; SELECT pg_sleep(5); --",
  "$1",
  "?",
  "E'\\x00'",
  "1; DELETE FROM \"AuditEvent\"",
];
const FILTERS = [
  'userName eq "bjensen"',
  'userName sw "fuzz"',
  'emails[type eq "work" and value co "@"]',
  'name.givenName pr and not (title pr)',
  "meta.lastModified gt \"2020-01-01T00:00:00Z\"",
  'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq "Legal"',
  'displayName co "a" or externalId pr',
  'members[value eq "x"]',
  'active eq true',
  'id eq "1"',
];

function randomString(r: Rng, max = 24): string {
  const n = Math.floor(r() * max);
  let s = "";
  for (let i = 0; i < n; i++) s += chance(r, 0.15) ? pick(r, UNICODE) : String.fromCharCode(32 + Math.floor(r() * 95));
  return s;
}

function randomFilter(r: Rng): string {
  switch (Math.floor(r() * 6)) {
    case 0:
      return pick(r, FILTERS);
    case 1:
      return `userName eq ${JSON.stringify(pick(r, SQLI))}`;
    case 2:
      return `${pick(r, ["userName", "displayName", "emails.value", "externalId", pick(r, SQLI)])} ${pick(r, ["eq", "co", "sw", "gt", "pr", "=", "like"])} "${randomString(r)}"`;
    case 3:
      return `userName eq "${pick(r, UNICODE)}${randomString(r, 6)}"`;
    case 4:
      return "(".repeat(Math.floor(r() * 80)) + 'userName pr' + ")".repeat(Math.floor(r() * 80));
    default:
      return randomString(r, 60);
  }
}

function validUser(r: Rng, tag: string, clean = false): Record<string, unknown> {
  return {
    schemas: [USER, ENTERPRISE],
    userName: `fuzz.${tag}@fuzz.example`,
    externalId: `ext-${tag}`,
    name: { givenName: (clean ? "" : randomString(r, 8)) || "Ada", familyName: "Fuzz" },
    displayName: `Fuzz ${tag}`,
    active: chance(r, 0.8),
    emails: [{ value: `fuzz.${tag}@fuzz.example`, type: "work", primary: true }],
    [ENTERPRISE]: { department: pick(r, ["Legal", "Sales", "IT"]), employeeNumber: String(Math.floor(r() * 1e6)) },
  };
}

function validGroup(r: Rng, tag: string, memberIds: string[]): Record<string, unknown> {
  return { schemas: [GROUP], displayName: `Fuzz group ${tag}`, members: memberIds.filter(() => chance(r, 0.3)).map((value) => ({ value })) };
}

function deep(depth: number, leaf: unknown = 1, kind: "array" | "object" = "array"): string {
  return kind === "array" ? "[".repeat(depth) + JSON.stringify(leaf) + "]".repeat(depth) : '{"a":'.repeat(depth) + JSON.stringify(leaf) + "}".repeat(depth);
}

function wrongType(r: Rng): unknown {
  return pick(r, [0, -1, 1e308, true, false, null, [], {}, [[]], "", { value: {} }, [1, "2", null], "x".repeat(2000)]);
}

/** Mutates a JSON value: change a type, drop or add a key, pollute, nest. */
function mutateValue(r: Rng, value: unknown, depth = 0): unknown {
  if (depth > 3 || chance(r, 0.2)) return wrongType(r);
  if (Array.isArray(value)) {
    const out = value.map((v) => (chance(r, 0.5) ? mutateValue(r, v, depth + 1) : v));
    if (chance(r, 0.2)) out.push(wrongType(r));
    return out;
  }
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = { ...(value as Record<string, unknown>) };
    const keys = Object.keys(out);
    const key = keys.length ? pick(r, keys) : "x";
    const action = Math.floor(r() * 5);
    if (action === 0) delete out[key];
    else if (action === 1) out[key] = mutateValue(r, out[key], depth + 1);
    else if (action === 2) out[pick(r, ["__proto__", "constructor", "prototype", "hasOwnProperty", "toString", "id", "meta", "schemas"])] = wrongType(r);
    else if (action === 3) out[randomString(r, 10)] = wrongType(r);
    else out[key] = key === "userName" ? `${pick(r, UNICODE)}${String(out[key])}` : wrongType(r);
    return out;
  }
  return wrongType(r);
}

/** Raw body text: JSON plus textual mutations JSON.stringify cannot produce. */
function rawBody(r: Rng, value: unknown): string | Buffer {
  const json = JSON.stringify(value);
  switch (Math.floor(r() * 12)) {
    case 0:
      return json.replace(/^\{/, '{"userName":"dup-a@fuzz.example","userName":"dup-b@fuzz.example",');
    case 1:
      return json.replace(/^\{/, '{"__proto__":{"active":false,"title":"polluted"},"constructor":{"prototype":{"title":"polluted"}},');
    case 2:
      return Buffer.concat([Buffer.from(json.slice(0, json.length >> 1)), Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0xed, 0xa0, 0x80]), Buffer.from(json.slice(json.length >> 1))]);
    case 3:
      return json.slice(0, Math.floor(r() * json.length));
    case 4:
      return "\ufeff" + json;
    case 5:
      return json.replace(/"([^"]*)"/, `"${"\\ud800"}$1"`);
    case 6:
      return json.replace(/:\s*"[^"]*"/, `:${deep(10_000, "x", chance(r, 0.5) ? "array" : "object")}`);
    default:
      return json;
  }
}

const RESOURCE_PATHS = ["/Users", "/Groups"];

interface World {
  userIds: string[];
  groupIds: string[];
  userNames: string[];
}

/** A random or mutated request: may be valid, may be anything. */
function mixedRequest(r: Rng, world: World, token: string, n: number): FuzzRequest {
  const auth = { authorization: `Bearer ${token}` };
  const json = { ...auth, "content-type": pick(r, ["application/scim+json", "application/json", "application/scim+json; charset=utf-8"]) };
  const resource = pick(r, RESOURCE_PATHS);
  const ids = resource === "/Users" ? world.userIds : world.groupIds;
  const someId = chance(r, 0.8) && ids.length ? pick(r, ids) : pick(r, ["nope", "00000000-0000-0000-0000-000000000000", "..%2F..%2Fetc", "%FF%FE", "%00", "a".repeat(300), enc(pick(r, SQLI))]);
  const tag = `m${n}`;
  const baseBody = resource === "/Users" ? validUser(r, tag) : validGroup(r, tag, world.userIds);
  const body = chance(r, 0.7) ? mutateValue(r, baseBody) : baseBody;
  const kind = Math.floor(r() * 12);
  switch (kind) {
    case 0:
    case 1: {
      const params = new URLSearchParams();
      if (chance(r, 0.8)) params.set("filter", randomFilter(r));
      if (chance(r, 0.3)) params.set("sortBy", pick(r, ["userName", "meta.created", "emails", pick(r, SQLI), randomString(r, 10)]));
      if (chance(r, 0.3)) params.set("sortOrder", pick(r, ["ascending", "descending", "sideways", "1; --"]));
      if (chance(r, 0.3)) params.set("startIndex", pick(r, ["1", "0", "-5", "1e309", "abc", "99999999999999999999", "2.5"]));
      if (chance(r, 0.3)) params.set("count", pick(r, ["0", "-1", "1000000", "NaN", "10"]));
      if (chance(r, 0.3)) params.set(pick(r, ["attributes", "excludedAttributes"]), pick(r, ["userName", "emails.value,name", "members", randomString(r, 20), "urn:x:y:z"]));
      return { label: "list with query", method: "GET", path: `${resource}?${params}`, headers: auth };
    }
    case 2:
      return { label: "get one", method: "GET", path: `${resource}/${someId}${chance(r, 0.3) ? "?attributes=" + enc(randomString(r, 12)) : ""}`, headers: { ...auth, ...(chance(r, 0.2) ? { "if-none-match": pick(r, ['W/"1"', "*", "garbage"]) } : {}) } };
    case 3:
      return { label: "create", method: "POST", path: resource, headers: json, body: rawBody(r, body) };
    case 4:
      return { label: "replace", method: "PUT", path: `${resource}/${someId}`, headers: { ...json, ...(chance(r, 0.2) ? { "if-match": pick(r, ['W/"1"', '"999"', "*", "x"]) } : {}) }, body: rawBody(r, body) };
    case 5:
    case 6: {
      const op = (): unknown => ({
        op: pick(r, ["add", "replace", "remove", "Replace", "move", 5]),
        ...(chance(r, 0.8)
          ? { path: pick(r, ["userName", "active", "displayName", "name.givenName", 'emails[type eq "work"].value', "emails", "members", 'members[value eq "x"]', `${ENTERPRISE}:manager`, "__proto__", "constructor.prototype", "meta.version", "id", randomString(r, 15), `emails[${pick(r, SQLI)}]`]) }
          : {}),
        ...(chance(r, 0.85) ? { value: chance(r, 0.5) ? mutateValue(r, pick(r, ["x@fuzz.example", true, { givenName: "A" }, [{ value: someId }], { active: false }, { __proto__: { polluted: 1 } }])) : wrongType(r) } : {}),
      });
      const patch = { schemas: [PATCH_OP], Operations: Array.from({ length: 1 + Math.floor(r() * 4) }, op) };
      return { label: "patch", method: "PATCH", path: `${resource}/${someId}`, headers: json, body: rawBody(r, chance(r, 0.8) ? patch : mutateValue(r, patch)) };
    }
    case 7:
      return { label: "delete", method: "DELETE", path: `${resource}/${chance(r, 0.5) ? someId : "nope-" + n}`, headers: auth };
    case 8:
      return {
        label: "search",
        method: "POST",
        path: pick(r, ["/.search", "/Users/.search", "/Groups/.search"]),
        headers: json,
        body: rawBody(r, mutateValue(r, { schemas: ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"], filter: randomFilter(r), startIndex: 1, count: 5, attributes: ["userName"] })),
      };
    case 9:
      return {
        label: "discovery",
        method: pick(r, ["GET", "GET", "POST", "PUT", "DELETE", "PATCH"]),
        path: pick(r, ["/ServiceProviderConfig", "/ResourceTypes", "/ResourceTypes/User", "/ResourceTypes/Nope", "/Schemas", `/Schemas/${USER}`, "/Schemas/%FF", "/Bulk", "/Nope", "/Users/a/b/c", "/%E0%A4%A", "/"]),
        headers: json,
        ...(chance(r, 0.5) ? { body: rawBody(r, body) } : {}),
      };
    case 10:
      return {
        label: "content type",
        method: pick(r, ["POST", "PUT", "PATCH"]),
        path: pick(r, [resource, `${resource}/${someId}`]),
        headers: { ...auth, "content-type": pick(r, ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/xml", "application/jsonx", "", "application/json; charset=latin1"]) },
        body: JSON.stringify(body),
      };
    default:
      return { label: "method", method: pick(r, ["HEAD", "OPTIONS", "DELETE", "PUT"]), path: pick(r, [resource, "/.search", "/Schemas"]), headers: auth };
  }
}

/** A request that must be rejected (4xx) and change nothing. */
function rejectedRequest(r: Rng, world: World, token: string, n: number): FuzzRequest & { expect: (status: number) => boolean } {
  const auth = { authorization: `Bearer ${token}` };
  const json = { ...auth, "content-type": "application/scim+json" };
  const userId = pick(r, world.userIds);
  const groupId = pick(r, world.groupIds);
  const is4xx = (s: number) => s >= 400 && s < 500;
  const tag = `r${n}`;
  const kind = Math.floor(r() * 16);
  switch (kind) {
    case 0:
      return { label: "no or bad credentials", method: pick(r, ["GET", "POST", "DELETE", "PATCH"]), path: `/Users/${userId}`, headers: pick<Record<string, string>>(r, [{}, { authorization: "Bearer nope" }, { authorization: `Basic ${Buffer.from("a:b").toString("base64")}` }, { authorization: `Bearer ${"x".repeat(5000)}` }, { authorization: `Bearer ${token}x` }, { authorization: `Bearer ${token.slice(0, -1)}` }]), body: JSON.stringify({ schemas: [PATCH_OP], Operations: [{ op: "remove", path: "emails" }] }), expect: (s) => s === 401 };
    case 1: {
      // Over the limit, declared honestly or streamed without a length.
      const size = MAX_BODY + 1 + Math.floor(r() * 64 * 1024);
      const payload = JSON.stringify({ ...validUser(r, tag, true), title: "x".repeat(size) });
      return { label: "huge body", method: pick(r, ["POST", "PUT", "PATCH"]), path: pick(r, ["/Users", `/Users/${userId}`, `/Groups/${groupId}`, "/.search"]), headers: json, body: Buffer.from(payload), expect: (s) => s === 413 || s === 405 };
    }
    case 2:
      return { label: "invalid UTF-8", method: "POST", path: "/Users", headers: json, body: Buffer.concat([Buffer.from(`{"schemas":["${USER}"],"userName":"`), Buffer.from([0xc3, 0x28, 0xff, 0xa0, 0xa1]), Buffer.from('"}')]), expect: (s) => s === 400 };
    case 3:
      return { label: "not JSON", method: pick(r, ["POST", "PUT", "PATCH"]), path: pick(r, ["/Users", `/Users/${userId}`, `/Groups/${groupId}`]), headers: json, body: pick(r, ["", "{", "nul", "[1,]", "{'a':1}", "\u0000", '{"a":1}{"b":2}', "NaN"]), expect: (s) => s === 400 || s === 405 };
    case 4:
      return { label: "nesting 10,000 deep", method: "POST", path: pick(r, ["/Users", "/Groups"]), headers: json, body: `{"schemas":["${USER}","${GROUP}"],"userName":${deep(10_000)},"displayName":${deep(10_000, "x", "object")}}`, expect: is4xx };
    case 5:
      return { label: "wrong types", method: "POST", path: "/Users", headers: json, body: JSON.stringify({ ...validUser(r, tag, true), userName: pick(r, [5, true, [], {}, null, ["a"], { value: "a" }]) }), expect: (s) => s === 400 };
    case 6:
      return { label: "prototype keys with an invalid body", method: "POST", path: "/Users", headers: json, body: `{"__proto__":{"userName":"proto@fuzz.example","active":false},"constructor":{"prototype":{"userName":"ctor@fuzz.example"}},"schemas":["${USER}"]}`, expect: (s) => s === 400 };
    case 7:
      return { label: "content-type mismatch", method: pick(r, ["POST", "PUT", "PATCH"]), path: pick(r, ["/Users", `/Users/${userId}`]), headers: { ...auth, "content-type": pick(r, ["text/plain", "application/x-www-form-urlencoded", "application/xml", "multipart/form-data; boundary=zz"]) }, body: JSON.stringify(validUser(r, tag, true)), expect: (s) => s === 415 || s === 405 };
    case 8:
      return { label: "invalid PATCH", method: "PATCH", path: `/Users/${userId}`, headers: json, body: JSON.stringify({ schemas: [PATCH_OP], Operations: [{ op: "replace", path: "active", value: false }, pick(r, [{ op: "move", path: "userName" }, { op: "replace", path: 'emails[type eq "work"', value: "x" }, { op: "add", path: "userName" }, { op: "remove" }, { op: "replace", path: "id", value: "x" }, { op: "add", path: "name.nope", value: "x" }, { op: "replace", path: "userName", value: 5 }, { op: "replace", path: "__proto__", value: { active: false } }, { op: "add", path: `emails[value eq ${JSON.stringify(pick(r, SQLI))}].nope`, value: "x" }])] }), expect: (s) => s === 400 };
    case 9:
      return { label: "stale If-Match", method: pick(r, ["PUT", "PATCH", "DELETE"]), path: `/Users/${userId}`, headers: { ...json, "if-match": 'W/"987654"' }, body: JSON.stringify({ schemas: [PATCH_OP], Operations: [{ op: "replace", path: "active", value: false }], ...validUser(r, tag, true) }), expect: (s) => s === 412 };
    case 10:
      return { label: "duplicate userName", method: "POST", path: "/Users", headers: json, body: JSON.stringify({ ...validUser(r, tag, true), userName: pick(r, world.userNames).toUpperCase() }), expect: (s) => s === 409 };
    case 11:
      return { label: "invalid filter", method: "GET", path: `/Users?filter=${enc(pick(r, ["userName eq 'x' OR 1=1", "userName eq", ") or (", 'userName eq "x" ; DROP TABLE "User"', "emails[value[value eq 1]]", "userName eq \"\\u0000", "a".repeat(10_001)]))}`, headers: auth, expect: (s) => s === 400 };
    case 12:
      return { label: "injection in a valid filter", method: pick(r, ["GET", "GET", "POST"]), path: "/Users?filter=" + enc(`userName eq ${JSON.stringify(pick(r, SQLI))} or displayName co ${JSON.stringify(pick(r, SQLI))}`) + `&sortBy=${enc(pick(r, ["userName", pick(r, SQLI)]))}`, headers: auth, expect: (s) => s === 200 || s === 400 || s === 405 };
    case 13:
      return { label: "unsupported method", method: pick(r, ["POST", "PUT", "DELETE", "PATCH"]), path: pick(r, ["/ServiceProviderConfig", "/Schemas", "/ResourceTypes", `/Users/${userId}/.search`, "/Users/.search/x"]), headers: json, body: "{}", expect: (s) => s === 405 || s === 404 };
    case 14:
      return { label: "unknown resource", method: pick(r, ["GET", "PUT", "PATCH", "DELETE"]), path: `/${pick(r, ["Users", "Groups"])}/${pick(r, ["nope", "%FF", "..%2F", "00000000-0000-0000-0000-000000000000", enc("' OR 1=1 --")])}`, headers: json, body: JSON.stringify({ schemas: [PATCH_OP], Operations: [{ op: "remove", path: "members" }], ...validGroup(r, tag, []) }), expect: (s) => s === 404 || s === 400 };
    default:
      return { label: "invalid group member", method: "PATCH", path: `/Groups/${groupId}`, headers: json, body: JSON.stringify({ schemas: [PATCH_OP], Operations: [{ op: "add", path: "members", value: [{ value: pick(r, ["nope", 5, null, { x: 1 }, "00000000-0000-0000-0000-000000000000", "' OR 1=1 --"]) }] }] }), expect: (s) => s === 400 || s === 404 };
  }
}

// --- running ----------------------------------------------------------------------------------

class Failures {
  readonly list: string[] = [];
  add(message: string) {
    if (this.list.length < 200) this.list.push(message);
  }
}

async function send(baseUrl: string, req: FuzzRequest): Promise<Outcome> {
  const res = await fetch(`${baseUrl}/scim/v2${req.path}`, {
    method: req.method,
    headers: req.headers,
    body: req.method === "GET" || req.method === "HEAD" || req.body === undefined ? undefined : typeof req.body === "string" ? req.body : new Uint8Array(req.body),
  });
  const text = req.method === "HEAD" ? "" : await res.text();
  return { request: req, status: res.status, contentType: res.headers.get("content-type") ?? "", text };
}

function describeRequest(req: FuzzRequest): string {
  const body = req.body === undefined ? "" : ` body[${req.body.length}]=${String(req.body).slice(0, 120).replace(/\s+/g, " ")}`;
  return `${req.label}: ${req.method} ${req.path.slice(0, 160)}${body}`;
}

/** RFC 7644 §3.12 error JSON for every SCIM error; 5xx never (501 for the unsupported /Bulk). */
function checkOutcome(o: Outcome, failures: Failures, where: string) {
  const { request: req, status } = o;
  if (status >= 500 && !(status === 501 && req.path.startsWith("/Bulk"))) {
    failures.add(`${where}: ${status} for ${describeRequest(req)} → ${o.text.slice(0, 300)}`);
    return;
  }
  if (status < 400 || req.method === "HEAD" || req.path.startsWith("/oauth")) return;
  let body: { schemas?: unknown; status?: unknown; detail?: unknown };
  try {
    body = JSON.parse(o.text);
  } catch {
    failures.add(`${where}: ${status} without JSON for ${describeRequest(req)} → ${o.contentType} ${o.text.slice(0, 200)}`);
    return;
  }
  const ok =
    /^application\/scim\+json/.test(o.contentType) &&
    Array.isArray(body.schemas) &&
    body.schemas.includes(ERROR_URN) &&
    body.status === String(status) &&
    typeof body.detail === "string";
  if (!ok) failures.add(`${where}: ${status} is not RFC 7644 error JSON for ${describeRequest(req)} → ${o.contentType} ${o.text.slice(0, 200)}`);
}

async function runPool<T>(count: number, make: (i: number) => T, run: (item: T, i: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) {
        const i = next++;
        await run(make(i), i);
      }
    }),
  );
}

/** The RSS of the server process and its children, in MiB (Linux /proc). */
function rssMiB(pid: number): number {
  const pids = [pid];
  try {
    for (const entry of readdirSafe("/proc")) {
      if (!/^\d+$/.test(entry)) continue;
      const stat = readFileSafe(`/proc/${entry}/stat`);
      const ppid = stat ? Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) : NaN;
      if (pids.includes(ppid)) pids.push(Number(entry));
    }
  } catch {
    // not Linux: the server's own figure only
  }
  let kib = 0;
  for (const p of pids) {
    const m = /VmRSS:\s+(\d+)/.exec(readFileSafe(`/proc/${p}/status`) ?? "");
    if (m) kib += Number(m[1]);
  }
  return Math.round(kib / 1024);
}
function readFileSafe(file: string): string | undefined {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}
function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

// --- snapshots through the public surfaces ----------------------------------------------------

async function scimAll(baseUrl: string, token: string, resource: string): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  for (let start = 1; ; start += 200) {
    const res = await fetch(`${baseUrl}/scim/v2/${resource}?startIndex=${start}&count=200`, { headers: { authorization: `Bearer ${token}` } });
    if (res.status !== 200) throw new Error(`snapshot: ${resource} answered ${res.status}`);
    const page = (await res.json()) as { Resources?: Record<string, unknown>[]; totalResults: number };
    out.push(...(page.Resources ?? []));
    if (start + 200 > page.totalResults) break;
  }
  return out.sort((a, b) => String(a.id).localeCompare(String(b.id)));
}

async function adminSession(baseUrl: string): Promise<string> {
  const csrfRes = await fetch(`${baseUrl}/api/auth/csrf`);
  const { csrfToken } = (await csrfRes.json()) as { csrfToken: string };
  const jar = csrfRes.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  const res = await fetch(`${baseUrl}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: jar },
    body: new URLSearchParams({ csrfToken, email: SECRETS.adminEmail, password: SECRETS.adminPassword, json: "true" }),
  });
  const session = res.headers.getSetCookie().map((c) => c.split(";")[0]).find((c) => c.includes("session-token"));
  if (!session) throw new Error(`admin sign-in failed (${res.status})`);
  return session;
}

interface Snapshot {
  users: number;
  groups: number;
  memberships: number;
  auditHead: string;
  hash: string;
}

async function snapshot(baseUrl: string, token: string, cookie: string): Promise<Snapshot> {
  const users = await scimAll(baseUrl, token, "Users");
  const groups = await scimAll(baseUrl, token, "Groups");
  const auditRes = await fetch(`${baseUrl}/api/admin/audit?limit=50`, { headers: { cookie } });
  if (auditRes.status !== 200) throw new Error(`snapshot: audit answered ${auditRes.status}`);
  const audit = (await auditRes.json()) as { items: { id: string; seq: string }[] };
  const memberships = groups.reduce((n, g) => n + (Array.isArray(g.members) ? g.members.length : 0), 0);
  const hash = createHash("sha256").update(JSON.stringify({ users, groups, audit: audit.items })).digest("hex").slice(0, 16);
  return { users: users.length, groups: groups.length, memberships, auditHead: audit.items[0]?.seq ?? "none", hash };
}

// --- one database ------------------------------------------------------------------------------

async function checkHeaders(baseUrl: string, failures: Failures) {
  const expectHeader = (res: Response, name: string, pattern: RegExp, where: string) => {
    const value = res.headers.get(name);
    if (!value || !pattern.test(value)) failures.add(`headers: ${where} ${name} = ${value}`);
  };
  for (const [pathName, kind] of [["/", "page"], ["/login", "page"], ["/scim/v2/Users", "api"], ["/api/health", "api"], ["/_next/static/missing.js", "static"]] as const) {
    for (const https of [false, true]) {
      const res = await fetch(`${baseUrl}${pathName}`, { headers: https ? { "x-forwarded-proto": "https" } : {}, redirect: "manual" });
      const where = `${pathName}${https ? " (https)" : ""}`;
      expectHeader(res, "x-frame-options", /^DENY$/, where);
      expectHeader(res, "x-content-type-options", /^nosniff$/, where);
      expectHeader(res, "referrer-policy", /^no-referrer$/, where);
      expectHeader(res, "permissions-policy", /camera=\(\)/, where);
      if (kind !== "static") expectHeader(res, "content-security-policy", /frame-ancestors 'none'/, where);
      if (kind === "page") {
        const csp = res.headers.get("content-security-policy") ?? "";
        const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
        if (!nonce || /script-src[^;]*'unsafe-inline'/.test(csp)) failures.add(`headers: ${where} script-src without a nonce or with 'unsafe-inline': ${csp}`);
        const html = await res.text();
        const scripts = html.match(/<script\b[^>]*>/g) ?? [];
        if (scripts.length === 0 || scripts.some((s) => !s.includes(`nonce="${nonce}"`))) failures.add(`headers: ${where} has scripts without this response's nonce`);
      }
      const hsts = res.headers.get("strict-transport-security");
      if (https && !/max-age=\d{7,}/.test(hsts ?? "")) failures.add(`headers: ${where} no HSTS over HTTPS`);
      if (!https && hsts) failures.add(`headers: ${where} HSTS over plain HTTP`);
      if (res.headers.get("x-powered-by")) failures.add(`headers: ${where} X-Powered-By is sent`);
    }
  }
  for (const https of [false, true]) {
    const res = await fetch(`${baseUrl}/api/auth/csrf`, { headers: https ? { "x-forwarded-proto": "https" } : {} });
    const cookies = res.headers.getSetCookie();
    const csrf = cookies.find((c) => c.includes("next-auth.csrf-token"));
    if (!csrf || !/HttpOnly/i.test(csrf) || !/SameSite=Lax/i.test(csrf)) failures.add(`cookies: csrf cookie ${csrf}`);
    if (https && !(csrf?.startsWith("__Host-") && /;\s*Secure/i.test(csrf))) failures.add(`cookies: over HTTPS the csrf cookie must be __Host- and Secure: ${csrf}`);
  }
}

async function seed(baseUrl: string, token: string, r: Rng): Promise<World> {
  const world: World = { userIds: [], groupIds: [], userNames: [] };
  const post = async (p: string, body: unknown) => {
    const res = await fetch(`${baseUrl}/scim/v2${p}`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/scim+json" }, body: JSON.stringify(body) });
    if (res.status !== 201) throw new Error(`seed: POST ${p} answered ${res.status}: ${await res.text()}`);
    return (await res.json()) as { id: string; userName?: string };
  };
  for (let i = 0; i < 30; i++) {
    const u = await post("/Users", validUser(r, `seed${i}`, true));
    world.userIds.push(u.id);
    world.userNames.push(u.userName!);
  }
  for (let i = 0; i < 6; i++) world.groupIds.push((await post("/Groups", validGroup(r, `seed${i}`, world.userIds))).id);
  return world;
}

async function currentWorld(baseUrl: string, token: string): Promise<World> {
  const users = await scimAll(baseUrl, token, "Users");
  const groups = await scimAll(baseUrl, token, "Groups");
  const plain = users.filter((u) => /^[a-z0-9.]+@fuzz\.example$/.test(String(u.userName)));
  if (plain.length === 0 || groups.length === 0) throw new Error("the mixed phase left no plain user or no group to target");
  return { userIds: plain.map((u) => String(u.id)), userNames: plain.map((u) => String(u.userName)), groupIds: groups.map((g) => String(g.id)) };
}

async function prototypeProbe(baseUrl: string, token: string, failures: Failures) {
  const headers = { authorization: `Bearer ${token}`, "content-type": "application/scim+json" };
  const polluting = `{"schemas":["${USER}"],"userName":"proto.probe@fuzz.example","__proto__":{"title":"polluted","active":false},"constructor":{"prototype":{"title":"polluted"}}}`;
  const created = await fetch(`${baseUrl}/scim/v2/Users`, { method: "POST", headers, body: polluting });
  const probe = (await created.json()) as { id?: string; title?: string; active?: boolean };
  if (created.status !== 201 || probe.title !== undefined || probe.active === false) failures.add(`prototype: POST with __proto__ keys → ${created.status} ${JSON.stringify(probe)}`);
  const patched = await fetch(`${baseUrl}/scim/v2/Users/${probe.id}`, {
    method: "PATCH",
    headers,
    body: `{"schemas":["${PATCH_OP}"],"Operations":[{"op":"add","value":{"__proto__":{"title":"polluted"},"constructor":{"prototype":{"nickName":"polluted"}}}},{"op":"replace","path":"name","value":{"__proto__":{"givenName":"polluted"}}}]}`,
  });
  if (patched.status >= 500) failures.add(`prototype: PATCH with __proto__ keys → ${patched.status}`);
  const fresh = await fetch(`${baseUrl}/scim/v2/Users`, { method: "POST", headers, body: JSON.stringify({ schemas: [USER], userName: "proto.after@fuzz.example" }) });
  const after = (await fresh.json()) as Record<string, unknown>;
  if ("title" in after || "nickName" in after || (after.name as Record<string, unknown> | undefined)?.givenName) failures.add(`prototype: a later user inherits polluted attributes: ${JSON.stringify(after)}`);
}

/**
 * The ladder (issue 15): layers of two groups, each holding both groups of the layer below, a
 * person at the bottom — the membership paths double with every layer, which once stalled the
 * server. Every request must answer quickly; nesting past the depth limit (32) must be refused
 * with 400 invalidValue naming it.
 */
async function ladderPhase(baseUrl: string, token: string, failures: Failures): Promise<string> {
  const headers = { authorization: `Bearer ${token}`, "content-type": "application/scim+json" };
  const call = async (method: string, p: string, body?: unknown) => {
    const t = Date.now();
    const res = await fetch(`${baseUrl}/scim/v2${p}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const json = (await res.json().catch(() => ({}))) as Record<string, unknown>;
    const ms = Date.now() - t;
    if (ms > 5_000) failures.add(`ladder: ${method} ${p} took ${ms} ms`);
    return { status: res.status, json, ms };
  };
  const tag = `ladder-${SEED}-${Date.now().toString(36)}`;
  const person = await call("POST", "/Users", { schemas: [USER], userName: `${tag}@example.com` });
  if (person.status !== 201) {
    failures.add(`ladder: creating the person answered ${person.status}`);
    return "ladder phase: not run";
  }
  let below = [String(person.json.id)];
  let slowest = 0;
  let layers = 0;
  let refused: { status: number; json: Record<string, unknown> } | undefined;
  for (let layer = 0; layer < 40 && !refused; layer++) {
    const pair: string[] = [];
    for (const side of ["a", "b"]) {
      const res = await call("POST", "/Groups", { schemas: [GROUP], displayName: `${tag} ${layer}${side}`, members: below.map((value) => ({ value })) });
      slowest = Math.max(slowest, res.ms);
      if (res.status === 201) pair.push(String(res.json.id));
      else {
        refused = res;
        break;
      }
    }
    if (!refused) {
      below = pair;
      layers++;
    }
  }
  // 33 layers of groups hold 32 hops of nesting: the 34th layer is one too many
  if (!refused) failures.add("ladder: 40 layers of nested groups were accepted (limit 32 levels)");
  else if (refused.status !== 400 || refused.json.scimType !== "invalidValue" || !/GROUP_NESTING_MAX_DEPTH/.test(String(refused.json.detail)))
    failures.add(`ladder: nesting past the limit answered ${refused.status} ${JSON.stringify(refused.json).slice(0, 200)}`);
  else if (layers !== 33) failures.add(`ladder: refused after ${layers} layers (expected 33 layers = 32 levels)`);
  const top = await call("GET", `/Groups/${below[0]}`);
  const user = await call("GET", `/Users/${person.json.id}`);
  slowest = Math.max(slowest, top.ms, user.ms);
  if (top.status !== 200 || user.status !== 200) failures.add(`ladder: reading the top group / the person answered ${top.status} / ${user.status}`);
  return `ladder phase: ${layers} layers of 2 groups accepted, the next refused (${refused?.status ?? "-"}); slowest request ${slowest} ms`;
}

async function runOne(db: string): Promise<{ failures: string[]; lines: string[] }> {
  const failures = new Failures();
  const lines: string[] = [];
  const dir = mkdtempSync(path.join(os.tmpdir(), "custodian-fuzz-"));
  const logFile = path.join(dir, "server.log");
  const pgDb = db === "postgres" ? await freshPostgresDatabase(postgresUrl ?? "postgresql://postgres@127.0.0.1:5432/postgres") : undefined;
  let server: BenchServer | undefined;
  const started = Date.now();
  try {
    server = await startBuiltServer({
      port: args.port ? Number(args.port) : undefined,
      logFile,
      env: {
        PGLITE_DATA_DIR: path.join(dir, "pglite"),
        DATABASE_URL: pgDb?.url ?? "",
        SCIM_BOOTSTRAP_TOKEN: SECRETS.token,
        SCIM_RATE_LIMIT_PER_MINUTE: "1000000",
        ADMIN_EMAIL: SECRETS.adminEmail,
        ADMIN_PASSWORD: SECRETS.adminPassword,
        LOG_LEVEL: "info",
        AUTH_TRUST_HOST: "true",
      },
    });
    const { baseUrl, pid } = server;
    let maxRss = rssMiB(pid);
    const baseRss = maxRss;
    const sampler = setInterval(() => (maxRss = Math.max(maxRss, rssMiB(pid))), 200);

    await checkHeaders(baseUrl, failures);
    const r = mulberry32(SEED);
    const world = await seed(baseUrl, SECRETS.token, r);
    const cookie = await adminSession(baseUrl);
    await prototypeProbe(baseUrl, SECRETS.token, failures);

    const counts = { rejected: 0, mixed: 0, statuses: new Map<number, number>() };
    const tally = (s: number) => counts.statuses.set(s, (counts.statuses.get(s) ?? 0) + 1);
    const rejectedPhase = async (name: string, n: number, offset: number) => {
      const before = await snapshot(baseUrl, SECRETS.token, cookie);
      await runPool(
        n,
        (i) => rejectedRequest(mulberry32(SEED * 1_000_003 + offset + i), world, SECRETS.token, offset + i),
        async (req) => {
          const o = await send(baseUrl, req);
          counts.rejected++;
          tally(o.status);
          checkOutcome(o, failures, name);
          if (o.status < 500 && !req.expect(o.status)) failures.add(`${name}: unexpected ${o.status} for ${describeRequest(req)} → ${o.text.slice(0, 200)}`);
        },
      );
      const after = await snapshot(baseUrl, SECRETS.token, cookie);
      if (JSON.stringify(before) !== JSON.stringify(after)) failures.add(`${name}: the data changed: before ${JSON.stringify(before)} after ${JSON.stringify(after)}`);
      lines.push(`  ${name}: ${n} requests; data unchanged: ${JSON.stringify(after) === JSON.stringify(before)} (${after.users} users, ${after.groups} groups, ${after.memberships} memberships, audit head ${after.auditHead}, hash ${after.hash})`);
    };

    const rejectedFirst = Math.floor(BUDGET * 0.35);
    const rejectedLast = Math.floor(BUDGET * 0.15);
    const mixed = BUDGET - rejectedFirst - rejectedLast;
    await rejectedPhase("rejected-only phase 1", rejectedFirst, 0);
    await runPool(
      mixed,
      (i) => mixedRequest(mulberry32(SEED * 7_919 + i), world, SECRETS.token, i),
      async (req) => {
        const o = await send(baseUrl, req);
        counts.mixed++;
        tally(o.status);
        checkOutcome(o, failures, "mixed phase");
      },
    );
    lines.push(`  mixed phase: ${mixed} requests`);
    // The mixed phase deleted and created resources: the last phase targets what exists now.
    Object.assign(world, await currentWorld(baseUrl, SECRETS.token));
    await rejectedPhase("rejected-only phase 2", rejectedLast, rejectedFirst);

    lines.push(`  ${await ladderPhase(baseUrl, SECRETS.token, failures)}`);

    const health = await fetch(`${baseUrl}/api/health`);
    if (health.status !== 200) failures.add(`health answers ${health.status} after the run`);
    clearInterval(sampler);
    maxRss = Math.max(maxRss, rssMiB(pid));
    if (maxRss > Number(args["max-rss-mb"])) failures.add(`RSS reached ${maxRss} MiB (limit ${args["max-rss-mb"]})`);
    const statuses = [...counts.statuses.entries()].sort((a, b) => a[0] - b[0]).map(([s, n]) => `${s}×${n}`).join(" ");
    lines.unshift(`${db}: ${counts.rejected + counts.mixed} fuzz requests in ${((Date.now() - started) / 1000).toFixed(1)} s (seed ${SEED}); statuses ${statuses}; RSS ${baseRss} → max ${maxRss} MiB`);
  } finally {
    await server?.stop();
    await pgDb?.drop();
  }
  const log = readFileSafe(logFile) ?? "";
  for (const [name, secret] of Object.entries({ token: SECRETS.token, adminPassword: SECRETS.adminPassword })) {
    if (log.includes(secret)) failures.add(`logs: the ${name} appears in the server log (${logFile})`);
  }
  const errors = log.split("\n").filter((l) => /"level":"error"/.test(l));
  if (failures.list.length > 0 && errors.length > 0) lines.push(`  server errors (first 5):\n${errors.slice(0, 5).map((l) => "    " + l.slice(0, 600)).join("\n")}`);
  if (failures.list.length === 0) rmSync(dir, { recursive: true, force: true });
  else lines.push(`  server log kept: ${logFile}`);
  return { failures: failures.list, lines };
}

async function main() {
  let failed = 0;
  for (const db of dbs) {
    const { failures, lines } = await runOne(db);
    console.log(lines.join("\n"));
    if (failures.length) {
      failed += failures.length;
      console.log(`  ${failures.length} failure(s):`);
      for (const f of failures.slice(0, 40)) console.log(`  ✗ ${f}`);
    } else {
      console.log("  ✓ no 5xx, RFC 7644 errors, headers and cookies, data unchanged by rejected requests, no secrets in logs");
    }
  }
  process.exit(failed ? 1 : 0);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
