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
import { openDatabase, type Database } from "@/lib/db/client";
import type { Actor } from "@/lib/audit/record";
import { createGroup, updateGroup } from "@/lib/groups/service";
import { createRule } from "@/lib/rules/service";
import { DEFAULT_SCALE, generateScale, groupLayout, scaleId, type ScaleOptions } from "../scripts/generate-scale";
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
  },
});

const SAMPLES = Number(values.samples);
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
}

/** Runs `fn` up to SAMPLES times or SECONDS seconds, after `warmup` unmeasured calls. */
async function measure(name: string, fn: (i: number) => Promise<string | void>, options: { warmup?: number; target?: number } = {}): Promise<Measure> {
  for (let i = 0; i < (options.warmup ?? 3); i++) await fn(-1 - i);
  const times: number[] = [];
  const notes = new Map<string, number>();
  const deadline = Date.now() + SECONDS * 1000;
  for (let i = 0; i < SAMPLES && Date.now() < deadline; i++) {
    const t = performance.now();
    const note = await fn(i);
    times.push(performance.now() - t);
    if (note) notes.set(note, (notes.get(note) ?? 0) + 1);
  }
  times.sort((a, b) => a - b);
  const note = [...notes].map(([k, v]) => (v === times.length ? k : `${k} ×${v}`)).join(", ");
  const m = { name, n: times.length, p50: percentile(times, 50), p95: percentile(times, 95), max: times[times.length - 1], note, target: options.target };
  process.stdout.write(`  ${name}: n=${m.n} p50=${m.p50.toFixed(1)} ms p95=${m.p95.toFixed(1)} ms\n`);
  return m;
}

async function run(db: Database, scale: ScaleOptions, label: string) {
  const load = os.loadavg().map((l) => l.toFixed(2)).join(" ");
  process.stdout.write(`\n# ${label}: generating ${JSON.stringify(scale)} (load average ${load})\n`);
  const summary = await generateScale(db, scale, (line) => process.stdout.write(`${line}\n`));
  process.stdout.write(`  generated in ${summary.seconds.toFixed(1)} s: ${JSON.stringify(summary.rows)}\n`);
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
      { target: 20 },
    ),
  );
  if (widest) {
    results.push(
      await measure(
        "access check (random user × widest contract)",
        async () => ((await checkAccess(p, { userId: user(), contractId: widest.id })).allowed ? "allowed" : "denied"),
        { target: 20 },
      ),
    );
  }
  results.push(
    await measure(
      "point-in-time check (90 days ago)",
      async () => ((await checkAccess(p, { userId: user(), contractId: contract(), at: past })).allowed ? "allowed" : "denied"),
      { target: 20 },
    ),
  );
  let whoTotal = 0;
  results.push(
    await measure(
      "who-can-see contract, page 1 (50)",
      async () => {
        whoTotal = Math.max(whoTotal, (await whoCanAccessContract(p, { contractId: contract(), offset: 0, limit: 50 })).total);
      },
      { target: 200 },
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
        { target: 200 },
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
      { target: 200 },
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
      { warmup: 1, target: 2000 },
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
      { warmup: 1, target: 2000 },
    ),
  );
  results[results.length - 1].note = impact;
  const layers = Number(values.ladder);
  if (layers > 0) {
    const withoutLadder = results[1];
    const actor: Actor = { type: "system", label: "bench:access" };
    const directoryId = summary.directoryId;
    let below = [allStaff];
    for (let layer = 0; layer < layers; layer++) {
      const pair: string[] = [];
      for (const side of ["a", "b"]) {
        const g = await createGroup(p, { directoryId, data: { displayName: `Ladder ${layer}${side}`, externalId: null }, memberIds: below, actor });
        pair.push(g.id);
      }
      below = pair;
    }
    await createRule(p, { input: { name: `bench ladder top ${below[0]}`, groupId: below[0], level: "view", repositoryId: repository(), justification: "bench: a rule on the top of the ladder" }, actor });
    const ladder = await measure(
      `access check (random user × contract), ladder of ${layers} layers + rule on its top`,
      async () => ((await checkAccess(p, { userId: user(), contractId: contract() })).allowed ? "allowed" : "denied"),
      { target: 5 },
    );
    ladder.note = `p95 ÷ without the ladder: ${(ladder.p95 / withoutLadder.p95).toFixed(2)} (target 0.8–1.2)`;
    results.push(ladder);
    // closure maintenance: a 5,000-member group nested into a parent group, one service call
    const people = Array.from({ length: Math.min(5_000, scale.users) }, (_, i) => scaleId(scale.seed, "user", i + 1));
    const big = await createGroup(p, { directoryId, data: { displayName: "Bench 5000", externalId: null }, memberIds: people, actor });
    const parent = await createGroup(p, { directoryId, data: { displayName: "Bench parent", externalId: null }, memberIds: [], actor });
    const t = performance.now();
    await updateGroup(p, { directoryId, id: parent.id, actor, memberSteps: [{ kind: "add", ids: [big.id] }] });
    const nestMs = performance.now() - t;
    console.log(`\nnesting a ${people.length}-member group into a parent group (group service, as one SCIM PATCH): ${nestMs.toFixed(0)} ms (target < 2000 ms)`);
    results.push({ name: `nest a ${people.length}-member group into a parent (one PATCH's service call)`, n: 1, p50: nestMs, p95: nestMs, max: nestMs, target: 2000, note: "" });
  }
  printTable(label, scale, results, load);
}

function printTable(label: string, scale: ScaleOptions, rows: Measure[], loadBefore: string) {
  const base = rows[0].p50;
  console.log(`\n## ${label} — ${scale.users} users, ${scale.groups} groups, ${scale.repositories} repositories, ${scale.contracts} contracts, ${scale.rules} rules`);
  console.log(`load average before ${loadBefore}, after ${os.loadavg().map((l) => l.toFixed(2)).join(" ")} (${os.cpus().length} CPUs)`);
  console.log("| measure | n | p50 ms | p95 ms | max ms | p50 ÷ baseline | target p95 | notes |");
  console.log("|---|---:|---:|---:|---:|---:|---|---|");
  for (const r of rows) {
    const target = r.target === undefined ? "" : `< ${r.target} ms ${r.p95 < r.target ? "✓" : "✗"}`;
    console.log(
      `| ${r.name} | ${r.n} | ${r.p50.toFixed(1)} | ${r.p95.toFixed(1)} | ${r.max.toFixed(1)} | ${(r.p50 / base).toFixed(0)}× | ${target} | ${r.note} |`,
    );
  }
}

async function benchPostgres() {
  const database = await freshPostgresDatabase(values.postgres!);
  try {
    const db = await openDatabase({ databaseUrl: database.url, poolMax: 4 });
    try {
      await run(db, FULL, "PostgreSQL");
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
