// `npm run bench:decisions`: the AuthZEN decision API over HTTP, against the built app (`npm run
// build` first) on a fresh PostgreSQL database filled with the access benchmark's organisation
// (scripts/generate-scale.ts; --scale 1 = full: 50,000 users, 200,000 contracts).
//
// Two servers of the same build on the same database: one with the decision log on (the default),
// one with it off (DECISION_LOG=0), both with the floor route on (BENCH_FLOOR_ROUTE=1: POST
// /api/bench/decision-floor, an authenticated route answering a constant decision). Each run
// measures, with the closed-loop load generator of bench/load.ts:
//   floor            POST /api/bench/decision-floor at --concurrency (default 8)
//   single           POST /access/v1/evaluation, random person × contract, at --concurrency
//   single, log off  the same against the log-off server (the decision log's overhead)
//                    (these three interleaved in 5 slices: bench/load.ts runInterleaved)
//   permits, log on / off   the person's own contracts (every answer a permit, so the log works
//                    on each), interleaved: the decision log's overhead where it has work
//   floor, c=1 / single, c=1   the same two at concurrency 1: on a 2-core machine a p95 at c=8 is
//                    mostly queueing (8 requests share 2 cores with the database), so issue 18's
//                    "single evaluation p95 < 5 ms" is read at c=1, beside the floor's own
//   batch 100        POST /access/v1/evaluations, 100 contracts for one person, concurrency 1
//   resource search  a page of 100 for the sampled person nearest 5,000 contracts, concurrency 1
//   subject search   a page of 100 readers of the widest contract, concurrency 1
// and prints every phase's rate and p50/p95/p99 beside the load average; then the medians over
// --runs (default 3) and the targets of issue 18. First, the database statements each request shape
// costs (BEGIN/COMMIT included; the API key look-up adds one), counted in process as node-postgres
// sends them — the figure to read beside the rates on a noisy machine.
//
//   npm run bench:decisions -- [--scale 1] [--runs 3] [--concurrency 8] [--seconds 10]
//                             [--requests 2000] [--port 3260]
//                             [--postgres postgresql://postgres@127.0.0.1:5432/postgres]
//                             [--database <url of a database `npm run db:generate-scale` filled>]
//                             [--phases floor,permits,c=1,evaluations,resource,subject]   (a subset)
// --database reuses a generated database (kept afterwards) instead of generating a fresh one; the
// server's CPU profile: BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" (bench/server.ts).
import { recordPgStatements } from "./pg-statements";
import os from "node:os";
import pg from "pg";
import { parseArgs } from "node:util";
import { createApiKey } from "@/lib/api-keys/service";
import { closeDatabase, getDatabase } from "@/lib/db/client";
import { mulberry32 } from "@/lib/random";
import { DEFAULT_SCALE, generateScale, scaleId, type ScaleOptions } from "../scripts/generate-scale";
import { median, runInterleaved, runPhase, type PhaseResult } from "./load";
import { freshPostgresDatabase, startBuiltServer } from "./server";
import { decisionSubjects } from "./decision-subjects";

const { values } = parseArgs({
  options: {
    scale: { type: "string", default: "1" },
    runs: { type: "string", default: "3" },
    concurrency: { type: "string", default: "8" },
    seconds: { type: "string", default: "10" },
    requests: { type: "string", default: "2000" },
    port: { type: "string", default: "3260" },
    postgres: { type: "string", default: process.env.BENCH_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres" },
    database: { type: "string" },
    phases: { type: "string" },
  },
});

const SCALE = Number(values.scale);
const RUNS = Number(values.runs);
const CONCURRENCY = Number(values.concurrency);
const SECONDS = Number(values.seconds);
const REQUESTS = Number(values.requests);
const PORT = Number(values.port);

const statements = recordPgStatements();

const load = () => os.loadavg().map((l) => l.toFixed(2)).join(" ");

function scaled(f: number): ScaleOptions {
  const n = (x: number, min: number) => Math.max(min, Math.round(x * f));
  const o = DEFAULT_SCALE;
  return { ...o, users: n(o.users, 10), groups: n(o.groups, 5), repositories: n(o.repositories, 1), contracts: n(o.contracts, 1), rules: n(o.rules, 1) };
}

async function main() {
  const scale = scaled(SCALE);
  process.stdout.write(`# bench:decisions — scale ${SCALE} ${JSON.stringify(scale)}, ${RUNS} runs, concurrency ${CONCURRENCY} (load average ${load()})\n`);
  const database = values.database
    ? { url: values.database, drop: async () => undefined, reused: true }
    : { ...(await freshPostgresDatabase(values.postgres!, "custodian_bench_decisions")), reused: false };
  const servers: { stop(): Promise<void> }[] = [];
  try {
    // The engine's reads take the process database (lib/access/sql.ts): make it the bench's. The
    // counted calls below log no permits from this process (the servers get DECISION_LOG explicitly).
    process.env.DATABASE_URL = database.url;
    process.env.DECISION_LOG = "0";
    const db = await getDatabase();
    if (!database.reused) {
      const summary = await generateScale(db, scale, (line) => process.stdout.write(`  ${line}\n`));
      process.stdout.write(`  generated in ${summary.seconds.toFixed(1)} s\n`);
    }
    // The servers' maintenance job runs at start-up: on a freshly generated organisation its
    // timed-effects job then records the last 30 days' expiries — many minutes of work at full
    // scale, in 20,000-item runs every 5 minutes — while the phases run (it held a core through
    // the whole of the first runs). A live server has no such backlog, so the bench holds every
    // job's advisory lock for its duration: to the servers, another instance is running the jobs.
    const jobLocks = new pg.Client({ connectionString: database.url });
    await jobLocks.connect();
    const { JOB_LOCK_KEYS } = await import("@/lib/jobs/maintenance");
    for (const k of Object.values(JOB_LOCK_KEYS)) await jobLocks.query("SELECT pg_advisory_lock($1)", [k]);
    servers.push({ stop: () => jobLocks.end() });
    const { key } = await createApiKey(db.prisma, { input: { name: "bench:decisions", scopes: ["access:decide"] }, actor: { type: "system", label: "bench:decisions" } });

    const { person, personContracts, widest } = await decisionSubjects(db.prisma, scale);
    const { evaluate, evaluateMany, searchResources, searchSubjects } = await import("@/lib/authzen/decisions");
    const count = async (name: string, fn: () => Promise<unknown>) => {
      await fn();
      statements.length = 0;
      const answer = JSON.stringify(await fn());
      process.stdout.write(`  statements: ${name.padEnd(44)} ${String(statements.length).padStart(3)}   ${answer.slice(0, 60)}\n`);
    };
    const granted = personContracts[0];
    const someone = scaleId(scale.seed, "user", scale.users);
    const ev = (subject: string, contract: string) => ({ subject: { type: "user", id: subject }, action: { name: "view" }, resource: { type: "contract", id: contract } });
    await count("evaluation (permit)", () => evaluate(db.prisma, { body: ev(person.id, granted) }));
    await count("evaluation (deny)", () => evaluate(db.prisma, { body: ev(someone, scaleId(scale.seed, "contract", 1)) }));
    await count("evaluations (100 contracts, one person)", () =>
      evaluateMany(db.prisma, { body: { ...ev(person.id, granted), evaluations: personContracts.slice(0, 100).map((id) => ({ resource: { type: "contract", id } })) } }),
    );
    await count("search/resource (page of 100)", () => searchResources(db.prisma, { body: { subject: { type: "user", id: person.id }, action: { name: "view" }, resource: { type: "contract" }, page: { limit: 100 } } }));
    await count("search/subject (page of 100, widest)", () => searchSubjects(db.prisma, { body: { subject: { type: "user" }, action: { name: "view" }, resource: { type: "contract", id: widest?.id ?? "none" }, page: { limit: 100 } } }));
    await closeDatabase();
    process.stdout.write(`  person ${person.id}: ${person.total} contracts; widest contract ${widest?.id ?? "(none)"}\n`);

    const env = { DATABASE_URL: database.url, BENCH_FLOOR_ROUTE: "1", DECISION_LOG: "1", DECISION_LOG_FLUSH_MS: "1000" };
    const on = await startBuiltServer({ env, port: PORT });
    servers.push(on);
    const off = await startBuiltServer({ env: { ...env, DECISION_LOG: "0" }, port: PORT + 1 });
    servers.push(off);

    const rand = mulberry32(scale.seed * 13 + 5);
    const pick = (n: number) => 1 + Math.floor(rand() * n);
    const post = async (base: string, path: string, body: unknown) => {
      const res = await fetch(`${base}${path}`, { method: "POST", headers: { authorization: `Bearer ${key}`, "content-type": "application/json" }, body: JSON.stringify(body) });
      await res.arrayBuffer();
      return res.status === 200;
    };
    const single = () => ({
      subject: { type: "user", id: scaleId(scale.seed, "user", pick(scale.users)) },
      action: { name: "view" },
      resource: { type: "contract", id: scaleId(scale.seed, "contract", pick(scale.contracts)) },
    });
    const batch = () => {
      const start = pick(Math.max(1, personContracts.length - 100)) - 1;
      const ids = personContracts.length >= 100 ? personContracts.slice(start, start + 100) : Array.from({ length: 100 }, () => scaleId(scale.seed, "contract", pick(scale.contracts)));
      return { subject: { type: "user", id: person.id }, action: { name: "view" }, evaluations: ids.map((id) => ({ resource: { type: "contract", id } })) };
    };
    const limit = { timeLimitMs: SECONDS * 1000 };
    const permit = () => ({ subject: { type: "user", id: person.id }, action: { name: "view" }, resource: { type: "contract", id: personContracts[pick(personContracts.length) - 1] } });
    const search = {
      resource: { subject: { type: "user", id: person.id }, action: { name: "view" }, resource: { type: "contract" }, page: { limit: 100 } },
      subject: { subject: { type: "user" }, action: { name: "view" }, resource: { type: "contract", id: widest?.id ?? "none" }, page: { limit: 100 } },
    };
    // Phases compared with each other run interleaved (bench/load.ts runInterleaved): the floor
    // beside the single evaluation (their ratio), the log on beside the log off (its overhead).
    const slices = { slices: 5, sliceMs: (SECONDS * 1000) / 5 };
    const all: [string, () => Promise<PhaseResult[]>][] = [
      [
        "floor",
        () =>
          runInterleaved(
            [
              { phase: "floor", concurrency: CONCURRENCY, request: () => post(on.baseUrl, "/api/bench/decision-floor", single()) },
              { phase: "single evaluation", concurrency: CONCURRENCY, request: () => post(on.baseUrl, "/access/v1/evaluation", single()) },
              { phase: "single evaluation, log off", concurrency: CONCURRENCY, request: () => post(off.baseUrl, "/access/v1/evaluation", single()) },
            ],
            slices,
          ),
      ],
      [
        "permits",
        () =>
          runInterleaved(
            [
              { phase: "permits, log on", concurrency: CONCURRENCY, request: () => post(on.baseUrl, "/access/v1/evaluation", permit()) },
              { phase: "permits, log off", concurrency: CONCURRENCY, request: () => post(off.baseUrl, "/access/v1/evaluation", permit()) },
            ],
            slices,
          ),
      ],
      [
        "c=1",
        () =>
          runInterleaved(
            [
              { phase: "floor, c=1", concurrency: 1, request: () => post(on.baseUrl, "/api/bench/decision-floor", single()) },
              { phase: "single evaluation, c=1", concurrency: 1, request: () => post(on.baseUrl, "/access/v1/evaluation", single()) },
            ],
            slices,
          ),
      ],
      ["evaluations", async () => [await runPhase("evaluations: 100 contracts", REQUESTS, 1, () => post(on.baseUrl, "/access/v1/evaluations", batch()), limit)]],
      ["resource", async () => [await runPhase("resource search: page of 100", REQUESTS, 1, () => post(on.baseUrl, "/access/v1/search/resource", search.resource), limit)]],
      ["subject", async () => [await runPhase("subject search: page of 100, widest", REQUESTS, 1, () => post(on.baseUrl, "/access/v1/search/subject", search.subject), limit)]],
    ];
    const wantedPhases = values.phases ? values.phases.split(",").map((p) => p.trim()) : null;
    const selected = all.filter(([name]) => !wantedPhases || wantedPhases.includes(name));
    const phases = async (): Promise<PhaseResult[]> => {
      const results: PhaseResult[] = [];
      for (const [, run] of selected) results.push(...(await run()));
      return results;
    };
    // Warm-up (JIT, pools, plans): one short pass, not reported.
    await runPhase("warm-up", 200, CONCURRENCY, () => post(on.baseUrl, "/access/v1/evaluation", single()), { timeLimitMs: 5000 });
    await runPhase("warm-up", 200, CONCURRENCY, () => post(off.baseUrl, "/access/v1/evaluation", single()), { timeLimitMs: 5000 });
    const runs: PhaseResult[][] = [];
    for (let r = 1; r <= RUNS; r++) {
      const results = await phases();
      runs.push(results);
      process.stdout.write(`\n## run ${r} (load average ${load()})\n`);
      for (const p of results) {
        process.stdout.write(`  ${p.phase.padEnd(38)} ${p.rps.toFixed(0).padStart(6)} req/s  p50 ${p.p50.toFixed(1)}  p95 ${p.p95.toFixed(1)}  p99 ${p.p99.toFixed(1)} ms  (${p.requests} req, ${p.errors} errors)\n`);
      }
    }
    const has = (phase: string) => runs[0].some((p) => p.phase === phase);
    const at = (rs: PhaseResult[], phase: string) => rs.find((p) => p.phase === phase)!;
    const med = (phase: string, f: (p: PhaseResult) => number) => median(runs.map((rs) => f(at(rs, phase))));
    const rows: [string, string, string, boolean][] = [];
    if (has("floor") && has("single evaluation")) {
      const ratio = median(runs.map((rs) => at(rs, "single evaluation").rps / at(rs, "floor").rps));
      rows.push(["single evaluation ÷ floor (c=" + CONCURRENCY + ")", ratio.toFixed(2), "≥ 0.6", ratio >= 0.6]);
    }
    const p95 = (name: string, phase: string, target: number) => {
      if (has(phase)) rows.push([name, `${med(phase, (p) => p.p95).toFixed(1)} ms`, `< ${target} ms`, med(phase, (p) => p.p95) < target]);
    };
    p95("single evaluation p95, c=1", "single evaluation, c=1", 5);
    if (has("floor, c=1")) rows.push(["  (floor p95, c=1)", `${med("floor, c=1", (p) => p.p95).toFixed(1)} ms`, "", true]);
    p95(`single evaluation p95, c=${CONCURRENCY}`, "single evaluation", 5);
    if (has("floor")) rows.push([`  (floor p95, c=${CONCURRENCY})`, `${med("floor", (p) => p.p95).toFixed(1)} ms`, "", true]);
    p95("evaluations of 100 p95", "evaluations: 100 contracts", 20);
    p95("resource search page p95", "resource search: page of 100", 30);
    p95("subject search page p95", "subject search: page of 100, widest", 50);
    const overhead = (on: string, off: string, name: string) => {
      if (!has(on) || !has(off)) return;
      const value = median(runs.map((rs) => 1 - at(rs, on).rps / at(rs, off).rps));
      rows.push([name, `${(value * 100).toFixed(1)} %`, "< 5 %", value < 0.05]);
    };
    // Random pairs are mostly denied (the log records permits only): both workloads are shown.
    overhead("permits, log on", "permits, log off", "decision log overhead, permits");
    overhead("single evaluation", "single evaluation, log off", "decision log overhead, random pairs");
    process.stdout.write(`\n## medians of ${RUNS} runs, scale ${SCALE} (load average ${load()})\n`);
    for (const [name, value, target, met] of rows) process.stdout.write(`  ${name.padEnd(38)} ${value.padStart(10)}   ${target ? `target ${target.padEnd(7)} ${met ? "met" : "NOT met"}` : ""}\n`);
  } finally {
    for (const s of servers.reverse()) await s.stop();
    await database.drop();
  }
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
