// Starts the built app (`next start`) on a free port against a fresh database, for benchmarks and
// the system tests (scripts/test-cluster.ts, scripts/test-crash.ts).
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, existsSync, openSync, closeSync } from "node:fs";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import pg from "pg";

export interface BenchServer {
  baseUrl: string;
  databaseUrl?: string;
  /** The pid of the spawned `next start` process (see processTree for what it spawned). */
  pid: number;
  child: ChildProcess;
  /** Resolves when the process has exited. */
  exited: Promise<void>;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
    srv.on("error", reject);
  });
}

/**
 * A fresh, uniquely named database on a PostgreSQL server (a copy of `template` when given);
 * dropped by the returned function.
 */
export async function freshPostgresDatabase(
  serverUrl: string,
  prefix = "custodian_bench",
  template?: string,
): Promise<{ url: string; name: string; drop(): Promise<void> }> {
  const name = `${prefix}_${Date.now()}_${Math.random().toString(36).slice(2, 6)}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"${template ? ` TEMPLATE "${template}"` : ""}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    async drop() {
      const c = new pg.Client({ connectionString: serverUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await c.end();
    },
  };
}

export async function startBuiltServer(options: {
  env: Record<string, string>;
  readyPath?: string;
  /** Default: a free port. */
  port?: number;
  /** Append the server's stdout and stderr to this file (default: stdout ignored, stderr inherited). */
  logFile?: string;
  readyTimeoutMs?: number;
}): Promise<BenchServer> {
  const root = path.resolve(import.meta.dirname, "..");
  if (!existsSync(path.join(root, ".next", "BUILD_ID"))) throw new Error("No build found: run `npm run build` first");
  const port = options.port ?? (await freePort());
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    LOG_LEVEL: "warn",
    PGLITE_DATA_DIR: path.join(mkdtempSync(path.join(os.tmpdir(), "custodian-bench-")), "pglite"),
    DATABASE_URL: "",
    ...options.env,
  };
  const logFd = options.logFile ? openSync(options.logFile, "a") : undefined;
  // BENCH_NODE_ARGS: extra node flags for the server (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"),
  // which NODE_OPTIONS does not accept.
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? "").split(" ").filter(Boolean);
  const nextBin = path.join(root, "node_modules", "next", "dist", "bin", "next");
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, nextBin, "start", "-p", String(port), "-H", "127.0.0.1"], {
    cwd: root,
    env: env as NodeJS.ProcessEnv,
    stdio: ["ignore", logFd ?? "ignore", logFd ?? "inherit"],
  });
  if (logFd !== undefined) closeSync(logFd);
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once("exit", () => resolve());
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  const readyTimeoutMs = options.readyTimeoutMs ?? 120_000;
  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with code ${child.exitCode}${options.logFile ? ` (log: ${options.logFile})` : ""}`);
    try {
      const res = await fetch(`${baseUrl}${options.readyPath ?? "/api/health"}`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`server did not become ready in ${readyTimeoutMs / 1000} s`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    baseUrl,
    databaseUrl: env.DATABASE_URL || undefined,
    pid: child.pid!,
    child,
    exited,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}
