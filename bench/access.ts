// `npm run bench:access`: the effective-access engine at scale. For each database (PostgreSQL: a
// fresh database created on --postgres and dropped afterwards; PGlite: a fresh temporary folder) it
// generates the scale organisation in-process (scripts/generate-scale.ts), then measures p50/p95
// of the engine's calls, each over at most --samples calls and --seconds seconds (after a short
// warm-up), with random inputs from a seeded generator. A primary-key SELECT on Contract through
// the same client, measured in the same run, is the baseline: read figures as ratios to it on a
// noisy machine.
//
//   npm run bench:access -- [--db both|postgres|pglite] [--users 50000] [--groups 2000]
//                           [--repositories 500] [--contracts 200000] [--rules 5000]
//                           [--pglite-scale 0.2] [--samples 200] [--seconds 60]
//                           [--postgres postgresql://postgres@127.0.0.1:5432/postgres]
//                           [--template perf_scale] [--runs 3] [--only REGEX] [--walls 200]
//
// Each measure is taken --runs times back to back (default 3); the table gives the median of the
// runs' p50 and p95, with the 1-minute load average when the measure ended (2 CPUs shared: read
// the figures beside it). --only REGEX measures only the matching measures (the baseline always).
//
// --template NAME (PostgreSQL): generate the organisation once into the database NAME on the
// server (created when missing, kept afterwards), and run each time on a copy of it
// (CREATE DATABASE … TEMPLATE NAME, dropped afterwards) — for iterating on query plans. The copy
// is migrated first, so new migrations (indexes) apply; the flags must match those that made it.
//
// --pglite-scale multiplies every count for the PGlite run (the embedded database is single-
// connection WebAssembly; 1 = full scale).
//
// Then the ladder (issue 15): 25 layers of two groups, each holding both groups of the layer below,
// all staff at the bottom (2^24 membership paths for every person), a rule on a top group; the
// access check is measured again and compared with the one without the ladder (target: within
// ±20%). Last, the closure maintenance of nesting a 5,000-member group into a parent group (the
// group service call a SCIM PATCH makes) is timed and printed. --ladder 0 skips both.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { checkAccess, contractsOfUser, whoCanAccessContract } from "@/lib/access/effective-access";
import { previewRuleChange } from "@/lib/access/impact";
import { previewWall } from "@/lib/access/walls";
import { openDatabase, type Database } from "@/lib/db/client";
import type { Actor } from "@/lib/audit/record";
import { createGroup, updateGroup } from "@/lib/groups/service";
import { createRule } from "@/lib/rules/service";
import { DEFAULT_SCALE, generateScale, groupLayout, scaleId, type ScaleOptions, type ScaleSummary } from "../scripts/generate-scale";
import { migrate } from "@/lib/db/migrate";
import pg from "pg";
import { percentile } from "./load";
import { freshPostgresDatabase } from "./server";
import { mulberry32 } from "@/lib/random";

const { values } = parseArgs({
  options: {
    db: { type: "string", default: "both" },
    users: { type: "string", default: String(DEFAULT_SCALE.users) },
    groups: { type: "string", default: String(DEFAULT_SCALE.groups) },
    repositories: { type: "string", default: String(DEFAULT_SCALE.repositories) },
    contracts: { type: "string", default: String(DEFAULT_SCALE.contracts) },
    rules: { type: "string", default: String(DEFAULT_SCALE.rules) },
    seed: { type: "string", default: String(DEFAULT_SCALE.seed) },
    "pglite-scale": { type: "string", default: "0.2" },
    samples: { type: "string", default: "200" },
    seconds: { type: "string", default: "60" },
    postgres: { type: "string", default: process.env.BENCH_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres" },
    ladder: { type: "string", default: "25" },
    template: { type: "string" },
    runs: { type: "string", default: "3" },
    only: { type: "string" },
    walls: { type: "string", default: "0" },
  },
});

const SAMPLES = Number(values.samples);
const RUNS = Math.max(1, Number(values.runs));
const ONLY = values.only ? new RegExp(values.only, "i") : undefined;
const SECONDS = Number(values.seconds);
const FULL: ScaleOptions = {
  users: Number(values.users),
  groups: Number(values.groups),
  repositories: Number(values.repositories),
  contracts: Number(values.contracts),
  rules: Number(values.rules),
  seed: Number(values.seed),
};

function scaled(o: ScaleOptions, f: number): ScaleOptions {
  const n = (x: number, min: number) => Math.max(min, Math.round(x * f));
  return { ...o, users: n(o.users, 10), groups: n(o.groups, 5), repositories: n(o.repositories, 1), contracts: n(o.contracts, 1), rules: n(o.rules, 1) };
}

/** mulberry32: a small seeded generator, so every run asks the same questions. */
function prng(seed: number) {
  const next = mulberry32(seed);
  return (n: number) => 1 + Math.floor(next() * n);
}

interface Measure {
  name: string;
  n: number;
  p50: number;
  p95: number;
  max: number;
  note: string;
  target?: number;
  /** 1-minute load average when the measure ended. */
  load: number;
  skipped?: boolean;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];

/**
 * Runs `fn` up to SAMPLES times or SECONDS seconds, after `warmup` unmeasured calls; RUNS times.
 * p50 and p95 are the medians of the runs' p50 and p95.
 */
async function measure(name: string, fn: (i: number) => Promise<string | void>, options: { warmup?: number; target?: number } = {}): Promise<Measure> {
  if (ONLY && !ONLY.test(name) && !name.startsWith("baseline")) {
    return { name, n: 0, p50: NaN, p95: NaN, max: NaN, note: "", target: options.target, load: os.loadavg()[0], skipped: true };
  }
  for (let i = 0; i < (options.warmup ?? 3); i++) await fn(-1 - i);
  const notes = new Map<string, number>();
  const p50s: number[] = [];
  const p95s: number[] = [];
  let n = 0;
  let max = 0;
  for (let run = 0; run < RUNS; run++) {
    const times: number[] = [];
    const deadline = Date.now() + SECONDS * 1000;
    for (let i = 0; i < SAMPLES && Date.now() < deadline; i++) {
      const t = performance.now();
      const note = await fn(i);
      times.push(performance.now() - t);
      if (note) notes.set(note, (notes.get(note) ?? 0) + 1);
    }
    times.sort((a, b) => a - b);
    p50s.push(percentile(times, 50));
    p95s.push(percentile(times, 95));
    n += times.length;
    max = Math.max(max, times[times.length - 1]);
  }
  const note = [...notes].map(([k, v]) => (v === n ? k : `${k} ×${v}`)).join(", ");
  const m = { name, n, p50: median(p50s), p95: median(p95s), max, note, target: options.target, load: os.loadavg()[0] };
  process.stdout.write(
    `  ${name}: n=${m.n} p50=${m.p50.toFixed(1)} ms p95=${m.p95.toFixed(1)} ms (runs' p95: ${p95s.map((x) => x.toFixed(1)).join(", ")}; load ${m.load.toFixed(2)})\n`,
  );
  return m;
}

const loadAverage = () => os.loadavg().map((l) => l.toFixed(2)).join(" ");

async function run(db: Database, scale: ScaleOptions, label: string, generated?: ScaleSummary) {
  const load = loadAverage();
  let summary = generated;
  if (!summary) {
    process.stdout.write(`\n# ${label}: generating ${JSON.stringify(scale)} (load average ${load})\n`);
    summary = await generateScale(db, scale, (line) => process.stdout.write(`${line}\n`));
    process.stdout.write(`  generated in ${summary.seconds.toFixed(1)} s: ${JSON.stringify(summary.rows)}\n`);
  } else {
    process.stdout.write(`\n# ${label}: on a copy of the generated ${JSON.stringify(scale)} (load average ${load})\n`);
  }
  const p = db.prisma;
  const pick = prng(scale.seed * 7 + 1);
  const user = () => scaleId(scale.seed, "user", pick(scale.users));
  const contract = () => scaleId(scale.seed, "contract", pick(scale.contracts));
  const repository = () => scaleId(scale.seed, "repository", pick(scale.repositories));
  const L = groupLayout(scale.groups);
  const allStaff = scaleId(scale.seed, "group", L.allStaff);
  const past = new Date(Date.now() - 90 * 86_400_000);
  // The widest contract: public, not ended, in a repository an all-staff rule covers.
  const [widest] = await p.$queryRawUnsafe<{ id: string }[]>(
    `SELECT c.id FROM "AccessRuleVersion" v JOIN "Contract" c ON c."repositoryId" = v."repositoryId"
     WHERE v."groupId" = $1 AND v."recordedTo" IS NULL AND v.change <> 'deleted' AND v."validFrom" IS NULL
       AND jsonb_array_length(v."contractTypes") = 0 AND c.confidentiality = 0 AND c."endDate" IS NULL
     ORDER BY c.id LIMIT 1`,
    allStaff,
  );

  const results: Measure[] = [];
  results.push(
    await measure("baseline: Contract by primary key", async () => {
      await p.$queryRawUnsafe(`SELECT * FROM "Contract" WHERE id = $1`, contract());
    }),
  );
  results.push(
    await measure(
      "access check (random user × contract)",
      async () => ((await checkAccess(p, { userId: user(), contractId: contract() })).allowed ? "allowed" : "denied"),
      { target: 5 },
    ),
  );
  if (widest) {
    results.push(
      await measure(
        "access check (random user × widest contract)",
        async () => ((await checkAccess(p, { userId: user(), contractId: widest.id })).allowed ? "allowed" : "denied"),
        { target: 5 },
      ),
    );
  }
  results.push(
    await measure(
      "point-in-time check (90 days ago)",
      async () => ((await checkAccess(p, { userId: user(), contractId: contract(), at: past })).allowed ? "allowed" : "denied"),
    ),
  );
  let whoTotal = 0;
  results.push(
    await measure(
      "who-can-see contract, page 1 (50)",
      async () => {
        whoTotal = Math.max(whoTotal, (await whoCanAccessContract(p, { contractId: contract(), offset: 0, limit: 50 })).total);
      },
      { target: 50 },
    ),
  );
  results[results.length - 1].note = `largest total ${whoTotal}`;
  if (widest) {
    let total = 0;
    results.push(
      await measure(
        "who-can-see widest contract, page 1",
        async () => {
          total = (await whoCanAccessContract(p, { contractId: widest.id, offset: 0, limit: 50 })).total;
        },
        { target: 50 },
      ),
    );
    results[results.length - 1].note = `total ${total}`;
  }
  let mineMax = 0;
  results.push(
    await measure(
      "user's contracts, page 1 (50)",
      async () => {
        mineMax = Math.max(mineMax, (await contractsOfUser(p, { userId: user(), offset: 0, limit: 50 })).total);
      },
      { target: 50 },
    ),
  );
  results[results.length - 1].note = `largest total ${mineMax}`;
  let impact = "";
  results.push(
    await measure(
      "impact preview: all-staff rule on a repository",
      async () => {
        const r = await previewRuleChange(p, { after: { principalType: "group", groupId: allStaff, level: "edit", repositoryId: repository() } });
        impact = `last: ${r.totals.usersGaining} users gain, ${r.totals.grantsGained} grants`;
      },
      { warmup: 1, target: 300 },
    ),
  );
  results[results.length - 1].note = impact;
  const division = scaleId(scale.seed, "group", L.firstDivision);
  results.push(
    await measure(
      "impact preview: division rule on a repository",
      async () => {
        const r = await previewRuleChange(p, { after: { principalType: "group", groupId: division, level: "sign", repositoryId: repository() } });
        impact = `last: ${r.totals.usersGaining} users gain`;
      },
      { warmup: 1, target: 300 },
    ),
  );
  results[results.length - 1].note = impact;
  const wallCount = Number(values.walls);
  if (wallCount > 0) results.push(...(await wallMeasures(p, scale, wallCount, { user, contract, repository })));
  const layers = Number(values.ladder);
  // The table so far first: the ladder's rule summarises 47,500 people's access changes in the
  // rule service's transaction, which on a crowded machine may outlast its timeout.
  if (layers > 0) printTable(`${label} (before the ladder)`, scale, results, load);
  if (layers > 0) {
    try {
      const withoutLadder = results[1];
      const actor: Actor = { type: "system", label: "bench:access" };
      const directoryId = summary.directoryId;
      let below = [allStaff];
      const built = performance.now();
      for (let layer = 0; layer < layers; layer++) {
        const pair: string[] = [];
        for (const side of ["a", "b"]) {
          const g = await createGroup(p, { directoryId, data: { displayName: `Ladder ${layer}${side}`, externalId: null }, memberIds: below, actor });
          pair.push(g.id);
        }
        below = pair;
      }
      const ruled = performance.now();
      console.log(`ladder setup: ${layers * 2} groups in ${((ruled - built) / 1000).toFixed(1)} s (load ${loadAverage()})`);
      await createRule(p, { input: { name: `bench ladder top ${below[0]}`, groupId: below[0], level: "view", repositoryId: repository(), justification: "bench: a rule on the top of the ladder" }, actor });
      // The setup's two parts: the ladder's groups (SCIM-like creates, each maintaining the
      // closure), then the rule, which records every reached person's access change in its transaction.
      console.log(
        `ladder setup: the rule on its top in ${((performance.now() - ruled) / 1000).toFixed(1)} s (load ${loadAverage()})`,
      );
      const ladder = await measure(
        `access check (random user × contract), ladder of ${layers} layers + rule on its top`,
        async () => ((await checkAccess(p, { userId: user(), contractId: contract() })).allowed ? "allowed" : "denied"),
        { target: 5 },
      );
      const ratio = ladder.p95 / withoutLadder.p95;
      ladder.note = `p95 ÷ without the ladder: ${ratio.toFixed(2)} (target 0.8–1.2: ${ratio >= 0.8 && ratio <= 1.2 ? "met" : "not met"})`;
      results.push(ladder);
      // closure maintenance: a 5,000-member group nested into a parent group, one service call
      const people = Array.from({ length: Math.min(5_000, scale.users) }, (_, i) => scaleId(scale.seed, "user", i + 1));
      const big = await createGroup(p, { directoryId, data: { displayName: "Bench 5000", externalId: null }, memberIds: people, actor });
      const parent = await createGroup(p, { directoryId, data: { displayName: "Bench parent", externalId: null }, memberIds: [], actor });
      const t = performance.now();
      await updateGroup(p, { directoryId, id: parent.id, actor, memberSteps: [{ kind: "add", ids: [big.id] }] });
      const nestMs = performance.now() - t;
      console.log(`\nnesting a ${people.length}-member group into a parent group (group service, as one SCIM PATCH): ${nestMs.toFixed(0)} ms (target < 2000 ms)`);
      results.push({
        name: `nest a ${people.length}-member group into a parent (one PATCH's service call)`,
        n: 1,
        p50: nestMs,
        p95: nestMs,
        max: nestMs,
        target: 2000,
        note: "one call",
        load: os.loadavg()[0],
      });
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      console.error(`the ladder failed: ${message}`);
      results.push({ name: "ladder", n: 0, p50: NaN, p95: NaN, max: NaN, note: `failed: ${message.slice(0, 160)}`, load: os.loadavg()[0] });
    }
  }
  printTable(label, scale, results, load);
}

/**
 * --walls N (issue 20): the random check measured side by side without walls, then with N active
 * walls — a third each exclusionary, sides and inclusionary, each over 3 explicit contracts and a
 * counterparty (sides: one side on a repository), rosters of 5 people — and the ratio of the
 * p95s (target ≤ 1.2). Then the draft preview of a wall over ≥ 20,000 contracts (whole
 * repositories), exclusionary and inclusionary (target < 2 s). The walls are written with SQL
 * (the service's rows, without their audit events): the engine reads only these tables.
 */
async function wallMeasures(
  p: Database["prisma"],
  scale: ScaleOptions,
  count: number,
  pick: { user: () => string; contract: () => string; repository: () => string },
): Promise<Measure[]> {
  const out: Measure[] = [];
  const check = async () => ((await checkAccess(p, { userId: pick.user(), contractId: pick.contract() })).allowed ? "allowed" : "denied");
  const without = await measure("access check (random user × contract), side by side: no walls", check, { target: 5 });
  out.push(without);
  const activatedAt = new Date(Date.now() - 1000);
  const rows = { walls: [] as unknown[][], sides: [] as unknown[][], scope: [] as unknown[][], people: [] as unknown[][] };
  for (let i = 0; i < count; i++) {
    const id = scaleId(scale.seed, "wall", i + 1);
    const kind = ["exclusionary", "sides", "inclusionary"][i % 3];
    rows.walls.push([id, `Bench wall ${i + 1}`, `bench wall ${i + 1}`, kind, activatedAt]);
    const sideIds = kind === "sides" ? [scaleId(scale.seed, "wall-side-a", i + 1), scaleId(scale.seed, "wall-side-b", i + 1)] : [null];
    sideIds.forEach((sideId, n) => sideId && rows.sides.push([sideId, id, n === 0 ? "A" : "B", n]));
    sideIds.forEach((sideId, n) => {
      for (let k = 0; k < 3; k++) {
        const c = pick.contract();
        rows.scope.push([scaleId(scale.seed, `wall-scope-${n}-${k}`, i + 1), id, sideId, "contract", c, `c:${c}`]);
      }
      rows.scope.push([scaleId(scale.seed, `wall-scope-${n}-p`, i + 1), id, sideId, "counterparty", `bench counterparty ${i}`, `p:bench counterparty ${i}`]);
      if (kind === "sides" && n === 1) {
        const r = pick.repository();
        rows.scope.push([scaleId(scale.seed, `wall-scope-${n}-r`, i + 1), id, sideId, "repository", r, `r:${r}`]);
      }
      const people = new Set(Array.from({ length: 5 }, () => pick.user()));
      for (const u of people) rows.people.push([scaleId(scale.seed, `wall-person-${n}-${u}`, i + 1), id, sideId, u]);
    });
  }
  const insert = async (sql: string, list: unknown[][]) => {
    for (let i = 0; i < list.length; i += 500) await p.$executeRawUnsafe(sql, JSON.stringify(list.slice(i, i + 500)));
  };
  await insert(
    `INSERT INTO "Wall" (id, name, "nameKey", kind, state, "createdByType", "activatedAt", "activatedByType", "activationReason")
     SELECT r->>0, r->>1, r->>2, r->>3, 'active', 'system', (r->>4)::timestamp(3), 'system', 'bench' FROM jsonb_array_elements($1::jsonb) r`,
    rows.walls.map((r) => [r[0], r[1], r[2], r[3], (r[4] as Date).toISOString()]),
  );
  await insert(`INSERT INTO "WallSide" (id, "wallId", name, position) SELECT r->>0, r->>1, r->>2, (r->>3)::int FROM jsonb_array_elements($1::jsonb) r`, rows.sides);
  await insert(
    `INSERT INTO "WallScope" (id, "wallId", "sideId", kind, value, key, "validFrom")
     SELECT r->>0, r->>1, r->>2, r->>3, r->>4, r->>5, '${activatedAt.toISOString()}'::timestamptz AT TIME ZONE 'UTC' FROM jsonb_array_elements($1::jsonb) r`,
    rows.scope,
  );
  await insert(
    `INSERT INTO "WallPerson" (id, "wallId", "sideId", "userId", "validFrom")
     SELECT r->>0, r->>1, r->>2, r->>3, '${activatedAt.toISOString()}'::timestamptz AT TIME ZONE 'UTC' FROM jsonb_array_elements($1::jsonb) r`,
    rows.people,
  );
  await p.$executeRawUnsafe(`ANALYZE "Wall"`);
  await p.$executeRawUnsafe(`ANALYZE "WallScope"`);
  await p.$executeRawUnsafe(`ANALYZE "WallPerson"`);
  const withWalls = await measure(`access check (random user × contract), ${count} active walls`, check, { target: 5 });
  const ratio = withWalls.p95 / without.p95;
  withWalls.note = `${withWalls.note}; p95 ÷ without walls (side by side): ${ratio.toFixed(2)} (target ≤ 1.20: ${ratio <= 1.2 ? "met" : "not met"})`;
  out.push(withWalls);
  out.push(await measure(`point-in-time check (90 days ago), ${count} walls`, async () => ((await checkAccess(p, { userId: pick.user(), contractId: pick.contract(), at: new Date(Date.now() - 90 * 86_400_000) })).allowed ? "allowed" : "denied")));
  // A slow measure (a statement timeout) is reported as failed, not fatal: the previews still run.
  const attempt = async (name: string, run: () => Promise<Measure>) => {
    try {
      out.push(await run());
    } catch (err) {
      out.push({ name, n: 0, p50: NaN, p95: NaN, max: NaN, note: `failed: ${(err instanceof Error ? err.message : String(err)).slice(0, 160)}`, load: os.loadavg()[0] });
    }
  };
  let mineMax = 0;
  await attempt(`user's contracts, page 1 (50), ${count} walls`, () =>
    measure(`user's contracts, page 1 (50), ${count} walls`, async () => {
      mineMax = Math.max(mineMax, (await contractsOfUser(p, { userId: pick.user(), offset: 0, limit: 50 })).total);
    }),
  );
  out[out.length - 1].note ||= `largest total ${mineMax}`;
  // The draft preview over whole repositories holding at least 20,000 contracts.
  const repos = await p.$queryRawUnsafe<{ id: string; n: number }[]>(
    `SELECT "repositoryId" AS id, count(*)::int AS n FROM "Contract" GROUP BY "repositoryId" ORDER BY count(*) DESC, "repositoryId"`,
  );
  const chosen: string[] = [];
  let covered = 0;
  for (const r of repos) {
    if (covered >= 20_000) break;
    chosen.push(r.id);
    covered += Number(r.n);
  }
  for (const kind of ["exclusionary", "inclusionary"] as const) {
    const id = scaleId(scale.seed, `wall-draft-${kind}`, 1);
    await p.$executeRawUnsafe(`INSERT INTO "Wall" (id, name, "nameKey", kind, state, "createdByType") VALUES ($1, $2, $2, $3, 'draft', 'system')`, id, `bench draft ${kind}`, kind);
    await p.$executeRawUnsafe(
      `INSERT INTO "WallScope" (id, "wallId", kind, value, key, "validFrom") SELECT gen_random_uuid()::text, $1, 'repository', r, 'r:' || r, now() AT TIME ZONE 'UTC' - interval '1 second' FROM unnest($2::text[]) r`,
      id,
      chosen,
    );
    const people = Array.from({ length: 50 }, () => pick.user());
    await p.$executeRawUnsafe(
      `INSERT INTO "WallPerson" (id, "wallId", "userId", "validFrom") SELECT gen_random_uuid()::text, $1, u, now() AT TIME ZONE 'UTC' - interval '1 second' FROM unnest($2::text[]) u`,
      id,
      [...new Set(people)],
    );
    let note = "";
    const name = `draft preview, ${kind} wall over ${covered} contracts (by person, page 1)`;
    await attempt(name, async () => {
      const m = await measure(
        name,
        async () => {
          const r = await previewWall(p, { wallId: id, by: "person", offset: 0, limit: 50 });
          note = `${r.pairs} pairs, ${r.people} people, ${r.contracts} contracts would lose access`;
        },
        { warmup: 1, target: 2000 },
      );
      m.note = note;
      return m;
    });
  }
  return out;
}

function printTable(label: string, scale: ScaleOptions, rows: Measure[], loadBefore: string) {
  const base = rows[0].p50;
  console.log(`\n## ${label} — ${scale.users} users, ${scale.groups} groups, ${scale.repositories} repositories, ${scale.contracts} contracts, ${scale.rules} rules`);
  console.log(`load average before ${loadBefore}, after ${loadAverage()} (${os.cpus().length} CPUs); p50/p95: medians of ${RUNS} run(s)`);
  console.log("| measure | n | p50 ms | p95 ms | target p95 | met? | load | p50 ÷ baseline | notes |");
  console.log("|---|---:|---:|---:|---|---|---:|---:|---|");
  for (const r of rows.filter((x) => !x.skipped)) {
    const target = r.target === undefined ? "—" : `< ${r.target} ms`;
    const met = r.target === undefined ? "" : r.p95 < r.target ? "yes" : "NO";
    console.log(
      `| ${r.name} | ${r.n} | ${r.p50.toFixed(1)} | ${r.p95.toFixed(1)} | ${target} | ${met} | ${r.load.toFixed(2)} | ${(r.p50 / base).toFixed(0)}× | ${r.note} |`,
    );
  }
}

/** With --template: the template database generated (once), then a fresh copy of it to run on. */
async function copyOfTemplate(serverUrl: string, template: string): Promise<{ url: string; drop(): Promise<void>; summary: ScaleSummary }> {
  if (!/^[a-z_][a-z0-9_]*$/.test(template)) throw new Error("--template must be a plain lower-case database name");
  const urlOf = (name: string) => {
    const u = new URL(serverUrl);
    u.pathname = `/${name}`;
    return u.toString();
  };
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    const exists = (await admin.query(`SELECT 1 FROM pg_database WHERE datname = $1`, [template])).rowCount! > 0;
    let summary: ScaleSummary;
    if (!exists) {
      await admin.query(`CREATE DATABASE "${template}"`);
      const db = await openDatabase({ databaseUrl: urlOf(template), poolMax: 2 });
      try {
        process.stdout.write(`\n# generating ${JSON.stringify(FULL)} into the template database ${template} (kept)\n`);
        summary = await generateScale(db, FULL, (line) => process.stdout.write(`${line}\n`));
      } finally {
        await db.close();
      }
    } else {
      const c = new pg.Client({ connectionString: urlOf(template) });
      await c.connect();
      try {
        const [row] = (await c.query(`SELECT count(*)::int AS n FROM "User" WHERE "directoryId" = $1`, [scaleId(FULL.seed, "directory", 1)])).rows;
        if (row.n !== FULL.users) throw new Error(`template ${template} holds ${row.n} users of seed ${FULL.seed}, not --users ${FULL.users}`);
      } finally {
        await c.end();
      }
      summary = { options: FULL, directoryId: scaleId(FULL.seed, "directory", 1), rows: {}, seconds: 0 };
    }
    const t = performance.now();
    const copy = await freshPostgresDatabase(serverUrl, `${template}_run`, template);
    process.stdout.write(`  copied ${template} → ${copy.name} in ${((performance.now() - t) / 1000).toFixed(1)} s\n`);
    return { ...copy, summary };
  } finally {
    await admin.end();
  }
}

async function benchPostgres() {
  const copy = values.template ? await copyOfTemplate(values.postgres!, values.template) : undefined;
  const database = copy ?? (await freshPostgresDatabase(values.postgres!));
  try {
    const db = await openDatabase({ databaseUrl: database.url, poolMax: 4 });
    try {
      if (copy) await db.withSession((s) => migrate(s));
      await run(db, FULL, "PostgreSQL", copy?.summary);
    } finally {
      await db.close();
    }
  } finally {
    await database.drop();
  }
}

async function benchPglite() {
  const dir = mkdtempSync(path.join(os.tmpdir(), "custodian-bench-access-"));
  try {
    const db = await openDatabase({ pgliteDataDir: path.join(dir, "pglite") });
    try {
      const f = Number(values["pglite-scale"]);
      await run(db, scaled(FULL, f), `PGlite (embedded, scale ${f})`);
    } finally {
      await db.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  if (!["both", "postgres", "pglite"].includes(values.db!)) throw new Error("--db must be both, postgres or pglite");
  if (values.db === "postgres" || values.db === "both") await benchPostgres();
  if (values.db === "pglite" || values.db === "both") await benchPglite();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
