// `npm run bench:scim`: an Entra/Okta-shaped provisioning cycle against the built server (run
// `npm run build` first). Each run measures, in the same server and with the same load generator,
// the ceiling — a trivial route handler of the same build (GET /api/health/live: no database, no
// logging), taken before and after the SCIM phases — and the app's three floors, the cheapest
// routes of each kind of database work (BENCH_FLOOR_ROUTE=1 turns them on; each through the app's
// pool, no authentication, no logging): the read floor (GET /api/bench/floor: one primary-key
// SELECT), the list floor (GET /api/bench/floor/list: one SELECT of 100 rows with their total) and
// the write floor (POST /api/bench/floor/write: one single-row UPDATE … RETURNING), each after the
// users exist and again after the last phase that leaves them (DELETE removes the rows the read and
// list floors read, so it runs after). Every phase is printed as a ratio to ITS floor (reads → read
// floor, the list page → list floor, writes → write floor), with its p99 and the target (issue 17)
// it has to meet, and as a ratio to the ceiling. Raw parameterised INSERT/SELECT
// statements through `pg`, from this process, are measured in the same run as the database's own
// speed. `--runs 3` prints medians. Each phase also gets its CPU time per request — the server's
// process tree, all postgres processes and this load generator, read from /proc — which says where
// a phase's time goes on a machine whose cores the three share.
//
//   npm run bench:scim -- [--users 2000] [--groups 50] [--concurrency 8] [--runs 1]
//                         [--db postgres|pglite|both] [--port 0]
//                         [--postgres postgresql://postgres@127.0.0.1:5432/postgres]
import { parseArgs } from "node:util";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { PGlite } from "@electric-sql/pglite";
import { median, runPhase, type PhaseResult } from "./load";
import { freshPostgresDatabase, startBuiltServer } from "./server";

const { values } = parseArgs({
  options: {
    users: { type: "string", default: "2000" },
    groups: { type: "string", default: "50" },
    concurrency: { type: "string", default: "8" },
    runs: { type: "string", default: "1" },
    db: { type: "string", default: "postgres" },
    port: { type: "string", default: process.env.BENCH_PORT ?? "0" },
    postgres: { type: "string", default: process.env.BENCH_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres" },
  },
});
const N = Number(values.users);
const G = Number(values.groups);
const C = Number(values.concurrency);
const RUNS = Math.max(1, Number(values.runs));
const PORT = Number(values.port);
const TOKEN = "bench-token-" + "x".repeat(40);
const CORE = "urn:ietf:params:scim:schemas:core:2.0:User";
const ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
const PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
const CEILING = "ceiling: GET /api/health/live (no DB)";
const CEILING_REQUESTS = Math.max(2000, N);
type FloorKind = "read" | "list" | "write";
const FLOORS: Record<FloorKind, string> = {
  read: "read floor: GET /api/bench/floor (one SELECT by id, no auth)",
  list: "list floor: GET /api/bench/floor/list (one SELECT of 100 rows + total, no auth)",
  write: "write floor: POST /api/bench/floor/write (one UPDATE … RETURNING, no auth)",
};

/** A measured phase with what it must reach: request rate ≥ `target` × its floor's, p99 ≤ 50 ms. */
interface Row extends PhaseResult {
  /** HTTP requests per operation (the existence check + create is two). */
  perOp: number;
  /** The floor of its kind of database work, which `target` is a ratio to. */
  floor?: FloorKind;
  target?: number;
  /** Not a SCIM phase (ceiling, calibration, raw database statements). */
  reference?: boolean;
  /** CPU milliseconds per HTTP request: the server process tree, all postgres processes, this process. */
  cpu?: { server: number; postgres: number; bench: number };
}
const P99_TARGET_MS = 50;

type Call = (method: string, p: string, body?: unknown) => Promise<{ status: number; body: any }>; // eslint-disable-line @typescript-eslint/no-explicit-any

// The load generator shares the machine's cores with the server and the database, so it should
// cost as little as it can: node:http on keep-alive connections takes a quarter to a half of the CPU
// per request that fetch did (measured: ~1.0–2.2 → 0.24–0.47 ms), CPU fetch took from the server
// under test. It sends no Accept-Encoding, so responses are not compressed (fetch asked for gzip).
// The ceiling and every phase use this same client.
const agent = new http.Agent({ keepAlive: true, maxSockets: C });

function send(baseUrl: string, method: string, p: string, headers: Record<string, string>, body?: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${baseUrl}${p}`, { method, agent, headers: body === undefined ? headers : { ...headers, "content-length": Buffer.byteLength(body) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  });
}

function client(baseUrl: string): Call {
  const headers = { authorization: `Bearer ${TOKEN}`, "content-type": "application/scim+json" };
  return async (method, p, body) => {
    const res = await send(baseUrl, method, `/scim/v2${p}`, headers, body === undefined ? undefined : JSON.stringify(body));
    return { status: res.status, body: res.text ? JSON.parse(res.text) : undefined };
  };
}

const userName = (i: number) => `bench.user${String(i).padStart(6, "0")}@example.com`;
const filterPath = (f: string) => `/Users?filter=${encodeURIComponent(f)}`;

/** The server under test, whose CPU time each phase reads from /proc. */
let serverPid: number | undefined;

/** CPU clock ticks (utime + stime) of the server's process tree and of every postgres process (Linux /proc). */
function cpuTicks(): { server: number; postgres: number } | undefined {
  if (serverPid === undefined || !existsSync("/proc/self/stat")) return undefined;
  let server = 0;
  let postgres = 0;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, "utf8");
    } catch {
      continue; // exited meanwhile
    }
    const command = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ticks = Number(fields[11]) + Number(fields[12]);
    if (command.startsWith("postgres")) postgres += ticks;
    else if (Number(entry) === serverPid || Number(fields[1]) === serverPid) server += ticks;
  }
  return { server, postgres };
}

const TICK_MS = 10; // USER_HZ is 100 on Linux

async function phase(name: string, count: number, request: (i: number) => Promise<boolean>, extra: Partial<Row> = {}): Promise<Row> {
  const before = cpuTicks();
  const own = process.cpuUsage();
  const result = await runPhase(name, count, C, request);
  const after = cpuTicks();
  const ownMs = (({ user, system }) => (user + system) / 1000)(process.cpuUsage(own));
  const perOp = extra.perOp ?? 1;
  const perRequest = (ms: number) => ms / (result.requests * perOp);
  const cpu =
    before && after
      ? { server: perRequest((after.server - before.server) * TICK_MS), postgres: perRequest((after.postgres - before.postgres) * TICK_MS), bench: perRequest(ownMs) }
      : undefined;
  return { ...result, perOp: 1, cpu, ...extra };
}

async function ceiling(baseUrl: string): Promise<Row> {
  return phase(CEILING, CEILING_REQUESTS, async () => (await send(baseUrl, "GET", "/api/health/live", {})).status === 200, { reference: true });
}

async function scimPhases(baseUrl: string): Promise<Row[]> {
  const scim = client(baseUrl);
  const ids: string[] = new Array(N);
  const groupIds: string[] = new Array(G);
  const rows: Row[] = [];
  const ok = (s: number, ...expected: number[]) => expected.includes(s);
  // Warm-up: the first requests of a route compile and load modules, and the JIT needs load.
  await phase("warm-up", 1000, async () => (await scim("GET", "/ServiceProviderConfig")).status === 200);
  rows.push(
    await phase("auth only: GET /ServiceProviderConfig", CEILING_REQUESTS, async () => (await scim("GET", "/ServiceProviderConfig")).status === 200, {
      reference: true,
    }),
  );
  rows.push(
    await phase("existence check + create (2 req/op)", N, async (i) => {
      const found = await scim("GET", filterPath(`userName eq "${userName(i)}"`));
      if (found.status !== 200 || found.body.totalResults !== 0) return false;
      const created = await scim("POST", "/Users", {
        schemas: [CORE, ENTERPRISE],
        externalId: `ext-${i}`,
        userName: userName(i),
        active: true,
        displayName: `Bench User ${i}`,
        name: { givenName: "Bench", familyName: `User ${i}` },
        emails: [{ primary: true, type: "work", value: userName(i) }],
        title: "Analyst",
        [ENTERPRISE]: { department: `Dept ${i % 10}`, employeeNumber: String(i) },
        roles: [],
      });
      ids[i] = created.body?.id;
      return created.status === 201;
    }, { perOp: 2, floor: "write", target: 0.7 }),
  );
  const pages = Math.ceil(N / 100);
  const floors = async (when: string) => {
    const measured = [
      await phase(FLOORS.read, CEILING_REQUESTS, async (i) => {
        const res = await send(baseUrl, "GET", `/api/bench/floor?id=${ids[i % N]}`, {});
        return res.status === 200 && JSON.parse(res.text).user?.id === ids[i % N];
      }, { reference: true }),
      await phase(FLOORS.list, Math.max(200, pages), async (i) => {
        const res = await send(baseUrl, "GET", `/api/bench/floor/list?offset=${(i % pages) * 100}`, {});
        const body = res.status === 200 ? JSON.parse(res.text) : undefined;
        return body?.total === N && body.rows.length === Math.min(100, N - (i % pages) * 100);
      }, { reference: true }),
      await phase(FLOORS.write, CEILING_REQUESTS, async (i) => {
        const res = await send(baseUrl, "POST", `/api/bench/floor/write?key=${i}`, {}, "");
        return res.status === 200 && JSON.parse(res.text).row?.id === i % 1024;
      }, { reference: true }),
    ];
    return measured.map((r) => ({ ...r, phase: `${r.phase} — ${when}` }));
  };
  rows.push(...(await floors("before")));
  rows.push(
    await phase("group create", G, async (g) => {
      const res = await scim("POST", "/Groups", { schemas: ["urn:ietf:params:scim:schemas:core:2.0:Group"], displayName: `Bench Group ${g}`, externalId: `g-${g}` });
      groupIds[g] = res.body?.id;
      return res.status === 201;
    }),
  );
  rows.push(
    await phase("group member add PATCH", N, async (i) =>
      ok((await scim("PATCH", `/Groups/${groupIds[i % G]}`, { schemas: [PATCH_OP], Operations: [{ op: "Add", path: "members", value: [{ value: ids[i] }] }] })).status, 204),
    { floor: "write", target: 0.5 }),
  );
  rows.push(await phase("GET by id", N, async (i) => (await scim("GET", `/Users/${ids[i]}`)).status === 200, { floor: "read", target: 0.8 }));
  const one = (r: { status: number; body: { totalResults?: number } }) => r.status === 200 && r.body.totalResults === 1;
  rows.push(await phase("filter userName eq", N, async (i) => one(await scim("GET", filterPath(`userName eq "${userName(i)}"`))), { floor: "read", target: 0.8 }));
  rows.push(await phase("filter externalId eq", N, async (i) => one(await scim("GET", filterPath(`externalId eq "ext-${i}"`))), { floor: "read", target: 0.8 }));
  const pad = (i: number) => String(i).padStart(6, "0");
  rows.push(await phase("filter userName co", N, async (i) => one(await scim("GET", filterPath(`userName co "user${pad(i)}@"`))), { floor: "read", target: 0.7 }));
  rows.push(
    await phase("filter co and eq", N, async (i) => one(await scim("GET", filterPath(`userName co "user${pad(i)}@" and active eq true`))), { floor: "read", target: 0.7 }),
  );
  rows.push(
    await phase("filter eq or eq", N, async (i) => one(await scim("GET", filterPath(`userName eq "${userName(i)}" or externalId eq "none-${i}"`))), {
      floor: "read",
      target: 0.7,
    }),
  );
  rows.push(
    await phase("list page of 100", Math.max(50, pages), async (i) => {
      const r = await scim("GET", `/Users?startIndex=${(i % pages) * 100 + 1}&count=100`);
      return r.status === 200 && r.body.totalResults === N && r.body.Resources.length === Math.min(100, N - (i % pages) * 100);
    }, { floor: "list", target: 0.5 }),
  );
  rows.push(
    await phase("PATCH (Entra, path-less multi-key)", N, async (i) =>
      ok(
        (await scim("PATCH", `/Users/${ids[i]}`, {
          schemas: [PATCH_OP],
          Operations: [{ op: "replace", value: { displayName: `Bench ${i} v2`, "name.givenName": "Benchy", [`${ENTERPRISE}:employeeNumber`]: `E${i}` } }],
        })).status,
        200,
      ),
    { floor: "write", target: 0.5 }),
  );
  rows.push(
    await phase("PUT (Okta, full object)", N, async (i) =>
      ok(
        (await scim("PUT", `/Users/${ids[i]}`, {
          schemas: [CORE],
          id: ids[i],
          userName: userName(i),
          name: { givenName: "Okta", familyName: `User ${i}` },
          emails: [{ primary: true, type: "work", value: userName(i) }],
          displayName: `Okta User ${i}`,
          active: true,
          password: "placeholder-Passw0rd!",
          groups: [],
        })).status,
        200,
      ),
    { floor: "write", target: 0.5 }),
  );
  rows.push(
    await phase("group member remove PATCH", N, async (i) =>
      ok((await scim("PATCH", `/Groups/${groupIds[i % G]}`, { schemas: [PATCH_OP], Operations: [{ op: "Remove", path: "members", value: [{ value: ids[i] }] }] })).status, 204),
    { floor: "write", target: 0.5 }),
  );
  rows.push(
    await phase("PATCH (Okta, deactivate: replace value {active:false})", N, async (i) =>
      ok((await scim("PATCH", `/Users/${ids[i]}`, { schemas: [PATCH_OP], Operations: [{ op: "replace", value: { active: false } }] })).status, 200),
    { floor: "write", target: 0.5 }),
  );
  rows.push(
    await phase("PATCH (Entra, reactivate: Replace path active \"True\")", N, async (i) =>
      ok((await scim("PATCH", `/Users/${ids[i]}`, { schemas: [PATCH_OP], Operations: [{ op: "Replace", path: "active", value: "True" }] })).status, 200),
    { floor: "write", target: 0.5 }),
  );
  rows.push(
    await phase("PATCH (Entra, e-mail value path emails[type eq \"work\"].value)", N, async (i) =>
      ok((await scim("PATCH", `/Users/${ids[i]}`, { schemas: [PATCH_OP], Operations: [{ op: "Replace", path: 'emails[type eq "work"].value', value: `work.${userName(i)}` }] })).status, 200),
    { floor: "write", target: 0.5 }),
  );
  rows.push(...(await floors("after")));
  // Last: it removes the rows the read and list floors read. Each DELETE erases the person's data.
  rows.push(await phase("DELETE /Users/{id} (with erasure)", N, async (i) => ok((await scim("DELETE", `/Users/${ids[i]}`)).status, 204), { floor: "write", target: 0.5 }));
  return rows;
}

const RAW_TABLE = `CREATE TABLE IF NOT EXISTS bench_raw (id text PRIMARY KEY, user_name text NOT NULL UNIQUE, external_id text,
  display_name text, given_name text, family_name text, department text, emails jsonb, active boolean, created_at timestamptz DEFAULT now())`;
const RAW_INSERT = `INSERT INTO bench_raw (id, user_name, external_id, display_name, given_name, family_name, department, emails, active)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, true)`;
const RAW_SELECT = `SELECT * FROM bench_raw WHERE user_name = $1`;
const rawParams = (i: number) => [`raw-${i}`, userName(i), `ext-${i}`, `Bench ${i}`, "Bench", `User ${i}`, `Dept ${i % 10}`, JSON.stringify([{ value: userName(i) }])];

async function rawPostgres(url: string): Promise<Row[]> {
  const pool = new pg.Pool({ connectionString: url, max: C });
  // pool.end() can resolve before every socket has closed; dropping the database then terminates
  // that connection, whose error event, unheard, ended a --runs 3 benchmark after its second run.
  pool.on("error", () => {});
  await pool.query(RAW_TABLE);
  const out = [
    await phase("raw INSERT (pg, bench process)", N, async (i) => (await pool.query(RAW_INSERT, rawParams(i))).rowCount === 1, { reference: true }),
    await phase("raw SELECT (pg, bench process)", N, async (i) => (await pool.query(RAW_SELECT, [userName(i)])).rowCount === 1, { reference: true }),
  ];
  await pool.query("DROP TABLE bench_raw");
  await pool.end();
  return out;
}

async function rawPglite(): Promise<Row[]> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "custodian-bench-raw-"));
  const db = new PGlite(path.join(dir, "db"));
  await db.exec(RAW_TABLE);
  const out = [
    await phase("raw INSERT (PGlite, bench process)", N, async (i) => (await db.query(RAW_INSERT, rawParams(i))).affectedRows === 1, { reference: true }),
    await phase("raw SELECT (PGlite, bench process)", N, async (i) => (await db.query(RAW_SELECT, [userName(i)])).rows.length === 1, { reference: true }),
  ];
  await db.close();
  rmSync(dir, { recursive: true, force: true });
  return out;
}

const loadAverage = () => os.loadavg().map((l) => l.toFixed(2)).join(" ");

/** The mean rate of the phases measuring one reference route (taken before and after the SCIM phases). */
function meanRps(rows: Row[], reference: string): number {
  const measured = rows.filter((r) => r.phase.startsWith(reference));
  return measured.reduce((s, r) => s + r.rps, 0) / measured.length;
}

type FloorRates = Record<FloorKind, number>;

interface RunResult {
  rows: Row[];
  ceilingRps: number;
  floorRps: FloorRates;
  load: string;
}

/** One run: a fresh database and server; the ceiling is the mean of its rate before and after the SCIM phases. */
async function oneRun(kind: "postgres" | "pglite", run: number): Promise<RunResult> {
  const loadBefore = loadAverage();
  process.stderr.write(`run ${run} (${kind}), load average ${loadBefore}\n`);
  const database = kind === "postgres" ? await freshPostgresDatabase(values.postgres!) : undefined;
  try {
    const server = await startBuiltServer({
      port: PORT || undefined,
      env: { ...(database ? { DATABASE_URL: database.url } : {}), SCIM_BOOTSTRAP_TOKEN: TOKEN, SCIM_RATE_LIMIT_PER_MINUTE: "1000000", BENCH_FLOOR_ROUTE: "1" },
    });
    serverPid = server.pid;
    let rows: Row[];
    try {
      // Warm-up under the same load, so the first ceiling is not measured on a cold JIT (it came out
      // at half the later one, which flattered every ratio).
      await ceiling(server.baseUrl);
      const before = await ceiling(server.baseUrl);
      const scim = await scimPhases(server.baseUrl);
      const after = await ceiling(server.baseUrl);
      rows = [{ ...before, phase: `${CEILING} — before` }, ...scim, { ...after, phase: `${CEILING} — after` }];
    } finally {
      await server.stop();
    }
    rows.push(...(database ? await rawPostgres(database.url) : await rawPglite()));
    const ceilingRps = meanRps(rows, CEILING);
    const floorRps: FloorRates = { read: meanRps(rows, FLOORS.read), list: meanRps(rows, FLOORS.list), write: meanRps(rows, FLOORS.write) };
    const load = `${loadBefore} → ${loadAverage()}`;
    printTable(`${kind === "postgres" ? "PostgreSQL" : "PGlite (embedded)"} — run ${run}`, rows.map((r) => cells(r, ceilingRps, floorRps)), load);
    printProvisioning(rows);
    return { rows, ceilingRps, floorRps, load };
  } finally {
    await database?.drop();
  }
}

interface Cells {
  phase: string;
  requests: number;
  errors: number;
  rps: number;
  ratio: number;
  /** Rate ÷ its floor's rate (the read floor for reference rows). */
  floorRatio: number;
  floor?: FloorKind;
  p50: number;
  p99: number;
  target?: number;
  reference?: boolean;
  cpu?: Row["cpu"];
}

/** Request rate (HTTP requests per second, whatever the requests per operation) and its ratios to the ceiling and the floor. */
function cells(r: Row, ceilingRps: number, floorRps: FloorRates): Cells {
  const rps = r.rps * r.perOp;
  const floor = r.floor ?? "read";
  return { phase: r.phase, requests: r.requests * r.perOp, errors: r.errors, rps, ratio: rps / ceilingRps, floorRatio: rps / floorRps[floor], floor: r.floor, p50: r.p50, p99: r.p99, target: r.target, reference: r.reference, cpu: r.cpu };
}

function verdict(c: Cells): string {
  if (c.target === undefined) return "";
  const rateOk = c.floorRatio >= c.target;
  const p99Ok = c.p99 <= P99_TARGET_MS;
  return `≥ ${c.target} of ${c.floor} floor ${rateOk ? "✓" : "✗"}, p99 ${p99Ok ? "✓" : "✗"}`;
}

/** Provisioning speed (the PGlite target): users created per second, existence check included. */
function printProvisioning(rows: Row[]) {
  const create = rows.find((r) => r.phase.startsWith("existence check + create"));
  if (create) console.log(`provisioning: ${create.rps.toFixed(0)} users/s (existence check + create, concurrency ${C}; target on PGlite ≥ 150)`);
}

const cpuCell = (cpu: Row["cpu"]) => (cpu ? `${cpu.server.toFixed(2)} · ${cpu.postgres.toFixed(2)} · ${cpu.bench.toFixed(2)}` : "");

function printTable(title: string, rows: Cells[], load: string) {
  console.log(`\n## ${title} — ${N} users, ${G} groups, concurrency ${C}`);
  console.log(`load average (1/5/15 min) ${load}; ${os.cpus().length} CPUs`);
  console.log("| phase | requests | errors | req/s | ÷ ceiling | ÷ its floor | p50 ms | p99 ms | target (rate ÷ its floor, p99 ≤ 50 ms) | CPU ms/request: server · postgres · bench |");
  console.log("|---|---:|---:|---:|---:|---:|---:|---:|---|---|");
  for (const c of rows) {
    console.log(
      `| ${c.phase} | ${c.requests} | ${c.errors} | ${c.rps.toFixed(0)} | ${c.ratio.toFixed(2)} | ${c.floorRatio.toFixed(2)} | ${c.p50.toFixed(1)} | ${c.p99.toFixed(1)} | ${verdict(c)} | ${cpuCell(c.cpu)} |`,
    );
  }
}

async function bench(kind: "postgres" | "pglite") {
  const runs: RunResult[] = [];
  for (let run = 1; run <= RUNS; run++) runs.push(await oneRun(kind, run));
  if (RUNS === 1) return;
  const perRun = runs.map((r) => r.rows.map((row) => cells(row, r.ceilingRps, r.floorRps)));
  const merged: Cells[] = perRun[0].map((first, i) => {
    const col = perRun.map((rows) => rows[i]);
    return {
      ...first,
      requests: col.reduce((s, c) => s + c.requests, 0),
      errors: col.reduce((s, c) => s + c.errors, 0),
      rps: median(col.map((c) => c.rps)),
      ratio: median(col.map((c) => c.ratio)),
      floorRatio: median(col.map((c) => c.floorRatio)),
      p50: median(col.map((c) => c.p50)),
      p99: median(col.map((c) => c.p99)),
      cpu: col.every((c) => c.cpu)
        ? {
            server: median(col.map((c) => c.cpu!.server)),
            postgres: median(col.map((c) => c.cpu!.postgres)),
            bench: median(col.map((c) => c.cpu!.bench)),
          }
        : undefined,
    };
  });
  printTable(
    `${kind === "postgres" ? "PostgreSQL" : "PGlite (embedded)"} — median of ${RUNS} runs (each column's median; ratios are medians of per-run ratios)`,
    merged,
    runs.map((r) => r.load).join("; "),
  );
}

async function main() {
  if (!["postgres", "pglite", "both"].includes(values.db!)) throw new Error("--db must be postgres, pglite or both");
  if (values.db === "postgres" || values.db === "both") await bench("postgres");
  if (values.db === "pglite" || values.db === "both") await bench("pglite");
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
