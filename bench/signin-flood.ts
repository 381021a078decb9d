// `npm run bench:signin-flood`: does a flood of password sign-ins stall the dashboard? In one
// process (as a server runs: the database client, or embedded PGlite, on the main thread; scrypt on
// libuv's pool), it measures the overview read (lib/overview/queries getOverview, what
// /api/admin/overview answers) with no flood, then while C concurrent clients sign in with unknown
// e-mails from distinct IPs (so the per-IP and per-account rate limits never apply: only the bound
// on concurrent hashing protects), once with that bound and once without it (the old behaviour).
// Prints medians, the ratios and the machine's load. Read the ratios, not the absolute numbers.
//
//   npm run bench:signin-flood -- [--clients 30] [--seconds 8] [--pause-ms 50] [--postgres postgresql://postgres@127.0.0.1:5432/postgres]
import { execSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { percentile } from "./load";
import { freshPostgresDatabase } from "./server";

const { values } = parseArgs({
  options: {
    clients: { type: "string", default: "30" },
    seconds: { type: "string", default: "8" },
    "pause-ms": { type: "string", default: "50" },
    postgres: { type: "string" },
  },
});

async function main() {
  const clients = Math.min(200, Math.max(1, Number(values.clients)));
  const seconds = Math.min(120, Math.max(1, Number(values.seconds)));
  // Between one client's attempts (an HTTP round trip would take at least this): without it a
  // client refused at once would spin on microtasks, which no real network client can.
  const pauseMs = Math.min(10_000, Math.max(1, Number(values["pause-ms"])));
  const fresh = values.postgres ? await freshPostgresDatabase(values.postgres, "custodian_signin_flood") : undefined;
  const dir = fresh ? undefined : mkdtempSync(path.join(os.tmpdir(), "custodian-signin-flood-"));
  process.env.DATABASE_URL = fresh?.url ?? "";
  if (dir) process.env.PGLITE_DATA_DIR = path.join(dir, "pglite");
  process.env.LOG_LEVEL = "error";
  // Loaded after the environment is set: the configuration is read once.
  const { getDatabase, closeDatabase } = await import("@/lib/db/client");
  const { migrate } = await import("@/lib/db/migrate");
  const { loadDemo } = await import("@/lib/demo/organisation");
  const { getOverview } = await import("@/lib/overview/queries");
  const { buildAuthOptions } = await import("@/lib/auth/options");
  const { passwordHashGate } = await import("@/lib/auth/passwords");
  try {
    const db = await getDatabase();
    await db.withSession((s) => migrate(s));
    await loadDemo(db.prisma);
    const options = await buildAuthOptions();
    const authorize = (options.providers[0] as unknown as { options: { authorize: (c: unknown, r: unknown) => Promise<unknown> } }).options
      .authorize;

    const readOverview = async () => {
      const start = performance.now();
      await getOverview(db.prisma, {});
      return performance.now() - start;
    };
    const measure = async (flood: boolean) => {
      const until = Date.now() + seconds * 1000;
      const outcomes = { attempts: 0, refusedBusy: 0 };
      let n = 0;
      const flooders = flood
        ? Array.from({ length: clients }, async () => {
            while (Date.now() < until) {
              n++;
              outcomes.attempts++;
              const req = { headers: { "x-forwarded-for": `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}` } };
              await authorize({ email: `nobody-${n}@flood.example`, password: "guess" }, req).catch((err: Error) => {
                if (err.message === "TooManyAttempts") outcomes.refusedBusy++;
              });
              await new Promise((r) => setTimeout(r, pauseMs));
            }
          })
        : [];
      const reads: number[] = [];
      // A macrotask between reads, as between HTTP requests: embedded PGlite answers through
      // microtasks, and a tight loop of them would starve the flooders' timers.
      while (Date.now() < until) {
        reads.push(await readOverview());
        await new Promise((r) => setImmediate(r));
      }
      await Promise.all(flooders);
      reads.sort((a, b) => a - b);
      return { median: percentile(reads, 50), p95: percentile(reads, 95), reads: reads.length, ...outcomes };
    };

    await measure(false); // warm-up
    const quiet = await measure(false);
    const bounded = await measure(true);
    // The old behaviour, for comparison: every attempt hashes at once.
    const gate = passwordHashGate as unknown as { limit: number; queue: number };
    const saved = { limit: gate.limit, queue: gate.queue };
    Object.assign(gate, { limit: 10_000, queue: 0 });
    const unbounded = await measure(true);
    Object.assign(gate, saved);

    const row = (name: string, r: Awaited<ReturnType<typeof measure>>) =>
      `${name.padEnd(26)} median ${r.median.toFixed(1).padStart(8)} ms   p95 ${r.p95.toFixed(1).padStart(8)} ms   reads ${String(r.reads).padStart(5)}` +
      (r.attempts ? `   sign-ins ${r.attempts} (refused fast: ${r.refusedBusy})` : "");
    console.log(`database: ${db.kind}; ${os.availableParallelism()} cores; hashing bound ${saved.limit} + queue ${saved.queue}; ${clients} flooding clients (${pauseMs} ms between a client's attempts), ${seconds} s per phase`);
    console.log(row("no flood", quiet));
    console.log(row("flood, bounded hashing", bounded));
    console.log(row("flood, unbounded (old)", unbounded));
    console.log(`ratio bounded/no flood: ${(bounded.median / quiet.median).toFixed(2)}   unbounded/no flood: ${(unbounded.median / quiet.median).toFixed(2)}`);
    console.log(`load: ${execSync("uptime").toString().trim()}`);
  } finally {
    await closeDatabase();
    if (dir) rmSync(dir, { recursive: true, force: true });
    await fresh?.drop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
