// Several instances starting together must apply each migration exactly once (the migrator holds
// a PostgreSQL advisory lock). PostgreSQL only: PGlite is single-process by design.
import { afterAll, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import path from "node:path";
import pg from "pg";
import { openDatabase } from "./client";
import { migrate, readMigrations } from "./migrate";
import { diffSchemas } from "./schema-drift";
import { introspectDatabase } from "./schema-drift-introspect";
import { parsePrismaSchema } from "./schema-drift-parse";
import { readFileSync } from "node:fs";

const serverUrl = process.env.TEST_DATABASE_URL;

interface ProcessResult {
  code: number | null;
  stdout: string;
  stderr: string;
  applied: string[] | undefined;
}

/** Runs `tsx scripts/migrate.ts` against databaseUrl; `applied` comes from its JSON log line. */
function runMigrateScript(databaseUrl: string): Promise<ProcessResult> {
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: "info" };
  for (const key of Object.keys(env))
    if (key.startsWith("VITEST") || key === "TEST_DATABASE_URL") delete env[key];
  const child = spawn(path.join("node_modules", ".bin", "tsx"), ["scripts/migrate.ts"], {
    cwd: process.cwd(),
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), 90_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      let applied: string[] | undefined;
      for (const line of stdout.split("\n")) {
        if (!line.trim().startsWith("{")) continue;
        try {
          const entry = JSON.parse(line) as { msg?: string; applied?: unknown };
          if (entry.msg === "migrations applied" && Array.isArray(entry.applied))
            applied = entry.applied as string[];
        } catch {
          // not a JSON log line
        }
      }
      resolve({ code, stdout, stderr, applied });
    });
  });
}

async function recordedMigrations(databaseUrl: string) {
  const c = new pg.Client({ connectionString: databaseUrl });
  await c.connect();
  try {
    const { rows } = await c.query<{ migration_name: string; n: number; finished: number }>(
      `SELECT migration_name, count(*)::int AS n, count(finished_at)::int AS finished
         FROM "_prisma_migrations" WHERE rolled_back_at IS NULL
        GROUP BY migration_name ORDER BY migration_name`,
    );
    return rows;
  } finally {
    await c.end();
  }
}

describe.skipIf(!serverUrl)("migrator under concurrency (PostgreSQL)", () => {
  const created: string[] = [];
  const allNames = readMigrations().map((m) => m.name);

  async function createDatabase(label: string): Promise<string> {
    const name = `custodian_migconc_${label}_${Date.now()}_${Math.random().toString(36).slice(2, 8)}`;
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE "${name}"`);
    } finally {
      await admin.end();
    }
    created.push(name);
    const url = new URL(serverUrl!);
    url.pathname = `/${name}`;
    return url.toString();
  }

  afterAll(async () => {
    if (created.length === 0) return;
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    try {
      for (const name of created) await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    } finally {
      await admin.end();
    }
  });

  function expectExactlyOnce(appliedLists: string[][]) {
    const all = appliedLists.flat();
    expect(new Set(all).size, `a migration was applied twice: ${JSON.stringify(appliedLists)}`).toBe(
      all.length,
    );
    expect([...all].sort()).toEqual([...allNames].sort());
  }

  async function expectRecordedOnce(databaseUrl: string) {
    const rows = await recordedMigrations(databaseUrl);
    expect(rows.map((r) => r.migration_name)).toEqual([...allNames].sort());
    for (const r of rows) {
      expect(r.n, `${r.migration_name} recorded ${r.n} times`).toBe(1);
      expect(r.finished, `${r.migration_name} not finished`).toBe(1);
    }
  }

  it("two `scripts/migrate.ts` processes started at once apply each migration exactly once", async () => {
    expect(allNames.length).toBeGreaterThan(0);
    const url = await createDatabase("proc");
    const [a, b] = await Promise.all([runMigrateScript(url), runMigrateScript(url)]);
    for (const r of [a, b]) {
      expect(r.code, `migrate.ts exited ${r.code}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`).toBe(0);
      expect(r.applied, `no "migrations applied" line in stdout:\n${r.stdout}`).toBeDefined();
    }
    expectExactlyOnce([a.applied!, b.applied!]);
    await expectRecordedOnce(url);

    // And the result is the complete schema, not a half-applied one.
    const db = await openDatabase({ databaseUrl: url, poolMax: 1 });
    try {
      const actual = await db.withSession((s) => introspectDatabase(s));
      const diff = diffSchemas(
        parsePrismaSchema(readFileSync(path.join("prisma", "schema.prisma"), "utf8")),
        actual,
      );
      expect(diff, diff.join("\n")).toEqual([]);
    } finally {
      await db.close();
    }
  }, 120_000);

  it("two in-process handles migrating concurrently apply each migration exactly once", async () => {
    const url = await createDatabase("inproc");
    const [a, b] = await Promise.all([
      openDatabase({ databaseUrl: url, poolMax: 2 }),
      openDatabase({ databaseUrl: url, poolMax: 2 }),
    ]);
    try {
      const applied = await Promise.all([a.withSession((s) => migrate(s)), b.withSession((s) => migrate(s))]);
      expectExactlyOnce(applied);
      await expectRecordedOnce(url);
      // A third run finds nothing to do.
      expect(await a.withSession((s) => migrate(s))).toEqual([]);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  }, 120_000);
});
