// Shared parts of the system tests (`npm run test:cluster`, `npm run test:crash`): they run the
// production build (`next start`) as real processes against a real database and talk to them over
// HTTP only, like an identity provider and a contract system would. Nothing here is mocked.
import { spawn, spawnSync } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { PATCH_OP } from "@/lib/scim/schema";
import { mulberry32 } from "@/lib/random";

export const root = path.resolve(import.meta.dirname, "..", "..");

// ---------------------------------------------------------------------------------------------
// Build and processes

/** Builds the app when the sources changed since the last build (start.mjs's source hash). */
export function ensureBuild(): void {
  const result = spawnSync(process.execPath, [path.join(root, "scripts", "start.mjs"), "--build", "--if-needed"], {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
  });
  if (result.status !== 0) throw new Error(`build failed (exit ${result.status})`);
}

export interface ProcessInfo {
  pid: number;
  ppid: number;
  /** The process title (`next-server (v16…)` once next start has renamed itself). */
  name: string;
}

function readProcess(pid: number): ProcessInfo | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Field 2 is "(comm)" and may contain spaces; the fields after the last ")" are fixed.
    const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean).join(" ");
    return { pid, ppid: Number(rest[1]), name: cmdline || stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")")) };
  } catch {
    return undefined; // exited meanwhile
  }
}

/** The process and all its descendants (Linux /proc), parents first. */
export function processTree(pid: number): ProcessInfo[] {
  const all = readdirSync("/proc")
    .filter((d) => /^\d+$/.test(d))
    .map((d) => readProcess(Number(d)))
    .filter((p): p is ProcessInfo => p !== undefined);
  const out: ProcessInfo[] = [];
  const self = all.find((p) => p.pid === pid);
  if (!self) return out;
  const queue = [self];
  while (queue.length) {
    const p = queue.shift()!;
    out.push(p);
    queue.push(...all.filter((c) => c.ppid === p.pid));
  }
  return out;
}

/** SIGKILLs the process and everything it spawned, at once; returns what was killed. */
export function killTree(pid: number): ProcessInfo[] {
  const tree = processTree(pid);
  for (const p of tree) {
    try {
      process.kill(p.pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
  return tree;
}

export interface CommandResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command in the repository with extra environment, capturing its output. */
export function runCommand(command: string, args: string[], env: Record<string, string>, timeoutMs = 120_000): Promise<CommandResult> {
  const child = spawn(command, args, { cwd: root, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Environment for scripts run against a test database (never the developer's own). */
export function databaseEnv(target: { databaseUrl?: string; pgliteDataDir?: string }): Record<string, string> {
  return target.databaseUrl
    ? { DATABASE_URL: target.databaseUrl, PGLITE_DATA_DIR: "" }
    : { DATABASE_URL: "", PGLITE_DATA_DIR: target.pgliteDataDir ?? "" };
}

/** JSON log lines of a server log (lib/log.ts writes one object per line). */
export function logLines(file: string): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const line of readFileSync(file, "utf8").split("\n")) {
    if (!line.startsWith("{")) continue;
    try {
      out.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      // not a log line
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Checks and the summary

export class Report {
  private readonly results: { section: string; name: string; status: "ok" | "FAIL" | "SKIPPED"; detail?: string }[] = [];
  private section = "";
  private readonly started = Date.now();

  constructor(private readonly title: string) {}

  begin(section: string): void {
    this.section = section;
    console.log(`\n── ${section} (${this.elapsed()})`);
  }

  check(name: string, ok: boolean, detail?: string): boolean {
    this.results.push({ section: this.section, name, status: ok ? "ok" : "FAIL", detail });
    console.log(`  ${ok ? "ok  " : "FAIL"} ${name}${detail && (!ok || detail.length < 160) ? ` — ${detail}` : ""}`);
    return ok;
  }

  /** Compares as JSON; the detail names both values when they differ. */
  equal(name: string, actual: unknown, expected: unknown): boolean {
    const a = JSON.stringify(actual);
    const e = JSON.stringify(expected);
    return this.check(name, a === e, a === e ? String(a).slice(0, 100) : `expected ${e.slice(0, 600)}, got ${a.slice(0, 600)}`);
  }

  skip(name: string, reason: string): void {
    this.results.push({ section: this.section, name, status: "SKIPPED", detail: reason });
    console.log(`  SKIPPED ${name} — ${reason}`);
  }

  info(message: string): void {
    console.log(`  · ${message}`);
  }

  elapsed(): string {
    return `${((Date.now() - this.started) / 1000).toFixed(1)} s`;
  }

  get failed(): number {
    return this.results.filter((r) => r.status === "FAIL").length;
  }

  /** Prints the summary; returns the exit code. */
  finish(error?: unknown): number {
    if (error) {
      this.results.push({ section: this.section, name: "the test ran to the end", status: "FAIL", detail: error instanceof Error ? error.stack : String(error) });
    }
    const count = (s: string) => this.results.filter((r) => r.status === s).length;
    console.log(`\n===== ${this.title}: ${count("ok")} ok, ${count("FAIL")} failed, ${count("SKIPPED")} skipped (${this.elapsed()}) =====`);
    for (const r of this.results.filter((x) => x.status !== "ok")) {
      console.log(`${r.status.padEnd(7)} [${r.section}] ${r.name}${r.detail ? `\n        ${r.detail.replace(/\n/g, "\n        ")}` : ""}`);
    }
    return count("FAIL") > 0 ? 1 : 0;
  }
}

/** The audit hash chain check: `npm run audit:verify` against the test database (exit code ≠ 0 = broken chain). */
export async function verifyAuditChain(report: Report, target: { databaseUrl?: string; pgliteDataDir?: string }): Promise<void> {
  const result = await runCommand("npm", ["run", "--silent", "audit:verify"], { ...databaseEnv(target), LOG_LEVEL: "warn" }, 300_000);
  report.check("audit chain verifies (npm run audit:verify)", result.code === 0, result.code === 0 ? undefined : `exit ${result.code}\n${result.stdout}\n${result.stderr}`.trim().slice(-2000));
}

// ---------------------------------------------------------------------------------------------
// HTTP clients (real requests to the real servers)

export interface HttpResult<T = Record<string, unknown>> {
  /** 0 when no response arrived (connection refused or reset: the outcome is unknown). */
  status: number;
  body: T;
  /** The id this client sent as X-Request-Id: the server keeps it as the audit event's clientRequestId. */
  requestId: string;
  /** The server's own request id (its X-Request-Id answer); absent without a response. */
  serverRequestId?: string;
  error?: string;
}

let requestCounter = 0;

/**
 * A request id of our own, sent as X-Request-Id, so each audit event can be matched to its request
 * (the server stores it as clientRequestId beside its own requestId).
 */
export function newRequestId(label: string): string {
  return `${label}-${process.pid}-${Date.now().toString(36)}-${(requestCounter++).toString(36)}`;
}

export async function httpCall<T = Record<string, unknown>>(
  baseUrl: string,
  method: string,
  urlPath: string,
  options: { token?: string; body?: unknown; headers?: Record<string, string>; requestId?: string; contentType?: string; timeoutMs?: number } = {},
): Promise<HttpResult<T>> {
  const requestId = options.requestId ?? newRequestId(method.toLowerCase());
  try {
    const res = await fetch(`${baseUrl}${urlPath}`, {
      method,
      headers: {
        "x-request-id": requestId,
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        ...(options.body !== undefined ? { "content-type": options.contentType ?? "application/json" } : {}),
        ...options.headers,
      },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: AbortSignal.timeout(options.timeoutMs ?? 60_000),
    });
    const text = await res.text();
    let body: unknown = undefined;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = { text: text.slice(0, 500) };
    }
    // The server answers with its own id, never the caller's (so no two requests share one).
    const serverRequestId = res.headers.get("x-request-id");
    if (!serverRequestId || serverRequestId === requestId) {
      throw new Error(`the response to ${method} ${urlPath} carries request id ${serverRequestId}, not one of the server's own`);
    }
    return { status: res.status, body: body as T, requestId, serverRequestId };
  } catch (err) {
    if (err instanceof Error && err.message.startsWith("the response to")) throw err;
    return { status: 0, body: undefined as T, requestId, error: err instanceof Error ? `${err.message}${err.cause ? ` (${String(err.cause)})` : ""}` : String(err) };
  }
}

export const SCIM_JSON = "application/scim+json";

/** A SCIM client for one server and bearer token. */
export function scimHttp(baseUrl: string, token: string) {
  const call = <T = Record<string, unknown>>(method: string, p: string, body?: unknown, requestId?: string) =>
    httpCall<T>(baseUrl, method, `/scim/v2${p}`, { token, body, requestId, contentType: SCIM_JSON });
  return {
    baseUrl,
    get: <T = Record<string, unknown>>(p: string) => call<T>("GET", p),
    post: <T = Record<string, unknown>>(p: string, body: unknown, requestId?: string) => call<T>("POST", p, body, requestId),
    patch: <T = Record<string, unknown>>(p: string, operations: unknown[], requestId?: string) =>
      call<T>("PATCH", p, { schemas: [PATCH_OP], Operations: operations }, requestId),
  };
}
export type ScimHttp = ReturnType<typeof scimHttp>;

/** An /api/v1 client for one server and API key. */
export function apiHttp(baseUrl: string, key: string) {
  return {
    baseUrl,
    call: <T = Record<string, unknown>>(method: string, p: string, body?: unknown, headers?: Record<string, string>, requestId?: string) =>
      httpCall<T>(baseUrl, method, `/api/v1${p}`, { token: key, body, headers, requestId }),
  };
}
export type ApiHttp = ReturnType<typeof apiHttp>;

/** Every member of a SCIM group, by id (Custodian returns all members in a GET). */
export function memberIds(group: { members?: { value: string }[] } | undefined): string[] {
  return (group?.members ?? []).map((m) => m.value).sort();
}

// ---------------------------------------------------------------------------------------------
// Small utilities

/** Runs fn over items with at most `limit` in flight; results in input order. */
export async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i], i);
    }
  });
  await Promise.all(workers);
  return results;
}

/** A small seeded PRNG (mulberry32): the traffic is random but repeatable with SEED. */
export function prng(seed: number) {
  const next = mulberry32(seed);
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    pick: <T>(list: T[]): T => list[Math.floor(next() * list.length)],
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export const sortedCounts = (values: number[]) => {
  const m = new Map<number, number>();
  for (const v of values) m.set(v, (m.get(v) ?? 0) + 1);
  return Object.fromEntries([...m.entries()].sort((a, b) => a[0] - b[0]));
};

/**
 * Signs in to the dashboard over HTTP with next-auth's credentials provider (CSRF token, then the
 * callback), like the login page does; returns the Cookie header of the session.
 */
export async function signIn(baseUrl: string, email: string, password: string): Promise<string> {
  const jar = new Map<string, string>();
  const keep = (res: Response) => {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(";");
      const i = pair.indexOf("=");
      jar.set(pair.slice(0, i), pair.slice(i + 1));
    }
  };
  const cookie = () => [...jar.entries()].map(([k, v]) => `${k}=${v}`).join("; ");
  const csrf = await fetch(`${baseUrl}/api/auth/csrf`);
  keep(csrf);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const res = await fetch(`${baseUrl}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookie() },
    body: new URLSearchParams({ csrfToken, email, password, callbackUrl: `${baseUrl}/dashboard`, json: "true" }),
  });
  keep(res);
  if (![...jar.keys()].some((k) => k.endsWith("next-auth.session-token"))) {
    throw new Error(`sign-in as ${email} failed: HTTP ${res.status} ${(await res.text()).slice(0, 300)}`);
  }
  return cookie();
}

/** A client for the dashboard's JSON routes (/api/admin/**) with a session cookie. */
export function adminHttp(baseUrl: string, cookie: string) {
  return {
    baseUrl,
    call: <T = Record<string, unknown>>(method: string, p: string, body?: unknown, headers?: Record<string, string>, requestId?: string) =>
      httpCall<T>(baseUrl, method, `/api/admin${p}`, { body, requestId, headers: { ...headers, cookie, origin: baseUrl } }),
  };
}
