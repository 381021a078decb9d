// One database handle per process: embedded PGlite when DATABASE_URL is unset, PostgreSQL via
// node-postgres otherwise. Same schema, same migrations, same Prisma client either way.
// Opened lazily (never at import time: `next build` imports route modules in worker processes).
import { createHash } from "node:crypto";
import path from "node:path";
import { mkdirSync } from "node:fs";
import { PrismaClient } from "@/lib/generated/prisma/client";
import { getConfig } from "@/lib/config";
import { log } from "@/lib/log";
import { acquireDataDirLock, releaseDataDirLock } from "./data-dir-lock";

/**
 * Defaults of every interactive transaction. Prisma's own — 2 s to get a connection, 5 s for the
 * whole transaction — turned contention into 500s: twenty membership PATCHes queueing on one
 * group's row lock (identity providers send them in bursts) take longer than 5 s together, and the
 * last in the queue were aborted (found by `npm run test:cluster`); at start-up, with migrations and
 * bootstrap running, 2 s to get a connection was too little for the first maintenance run. Waiting
 * is right — the locks are what keep memberships exact — so wait longer, and fail only when
 * something is really stuck. Long jobs pass their own timeout.
 */
const TRANSACTION_OPTIONS = { maxWait: 10_000, timeout: 30_000 };

export interface SqlTx {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Runs a script of several statements (no parameters). */
  exec(sql: string): Promise<void>;
}

export interface SqlSession extends SqlTx {
  transaction<T>(fn: (tx: SqlTx) => Promise<T>): Promise<T>;
}

export interface Database {
  kind: "pglite" | "postgres";
  /** Human-readable target for logs (never includes a password). */
  target: string;
  prisma: PrismaClient;
  /**
   * A client for reads that must finish within `statementTimeoutMs` (the access engine's), or
   * null when the database cannot bound statements per connection (PGlite: one connection).
   * PostgreSQL: a pool of its own whose connections carry `statement_timeout` from their start-up
   * packet, so a bounded read costs no extra round trip (no transaction, no SET LOCAL).
   */
  boundedReads(statementTimeoutMs: number): PrismaClient | null;
  /** A dedicated connection for work that needs session state (migrator, advisory locks). */
  withSession<T>(fn: (session: SqlSession) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface OpenOptions {
  databaseUrl?: string;
  pgliteDataDir?: string;
  poolMax?: number;
}

export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "postgres://(unparseable url)";
  }
}

/**
 * A statement of the access engine that begins with this comment runs, on PostgreSQL's bounded
 * pool, as a named (prepared) statement: each connection then parses it once, and after five
 * executions PostgreSQL keeps a generic plan when its estimate is no worse than the custom plans'
 * (plan_cache_mode auto). Planning was most of a single check's database time (reasonRows: about
 * 2 ms of planning for 0.5 ms of execution at full scale). Mark only statements whose best plan
 * does not depend on their parameters' values (one person, one contract); the answer never
 * depends on it, only the time. Pass one person or one contract as a scalar, not a one-element
 * array: the generic plan assumes ten elements for an array parameter, then costs more than the
 * custom plans and is never chosen (plan-cache.test.ts checks pg_prepared_statements.generic_plans).
 */
export const PLAN_CACHED = "/* plan-cached */ ";
/** Distinct plan-cached texts named per process (a bound: each named statement lives in every connection). */
const MAX_NAMED_STATEMENTS = 64;
const statementNames = new Map<string, string>();

/** The statement name of a plan-cached text, undefined (unnamed) for any other. */
export function statementNameOf(sql: string): string | undefined {
  if (!sql.startsWith(PLAN_CACHED)) return undefined;
  let name = statementNames.get(sql);
  if (name === undefined && statementNames.size < MAX_NAMED_STATEMENTS) {
    name = `custodian_${createHash("sha256").update(sql).digest("hex").slice(0, 24)}`;
    statementNames.set(sql, name);
  }
  return name;
}

/**
 * Databases by their process client, so a caller holding a client can find its bounded pool. On
 * globalThis, like the process database: the built server bundles this module into several chunks,
 * each with its own module state, and a map per copy did not know a client another copy opened
 * (access reads ran without their statement timeout; a campaign's population ran its temporary
 * tables outside a transaction, which dropped them at once: "_pop_cov does not exist").
 */
const globalForClients = globalThis as unknown as { __custodianDatabaseOfClient?: WeakMap<object, Database> };
const databaseOfClient = (globalForClients.__custodianDatabaseOfClient ??= new WeakMap<object, Database>());

/** The database `client` is the root client of, or undefined (a transaction client, or foreign). */
export function databaseOf(client: unknown): Database | undefined {
  return typeof client === "object" && client !== null ? databaseOfClient.get(client) : undefined;
}

async function openPostgres(url: string, poolMax: number): Promise<Database> {
  const [{ default: pg }, { PrismaPg }] = await Promise.all([import("pg"), import("@prisma/adapter-pg")]);
  const newPool = (settings: string, name: string) => {
    const p = new pg.Pool({
      connectionString: url,
      max: poolMax,
      idleTimeoutMillis: 30_000,
      connectionTimeoutMillis: 10_000,
      application_name: name,
      // JIT compilation costs more than it saves on these short OLTP queries (measured: a 65 ms
      // access query took 1.4 s with JIT on; the planner cannot estimate the access engine's
      // recursive CTEs and lands above jit_above_cost). Set per connection, so no query pays a
      // round trip for `SET LOCAL jit = off` (PGlite has no JIT).
      options: `-c jit=off${settings}`,
    });
    p.on("error", (err) => log.error("postgres pool error", { err: err.message }));
    return p;
  };
  const pool = newPool("", "custodian");
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool), transactionOptions: TRANSACTION_OPTIONS });
  // One bounded pool per timeout value (the setting is read once per process; tests change it).
  const bounded = new Map<number, { pool: InstanceType<typeof pg.Pool>; prisma: PrismaClient }>();
  const database: Database = {
    kind: "postgres",
    target: redactUrl(url),
    prisma,
    boundedReads(ms) {
      const key = Math.trunc(ms);
      let entry = bounded.get(key);
      if (!entry) {
        const p = newPool(` -c statement_timeout=${key}`, "custodian-access");
        // The adapter's type says string; undefined sends the statement unnamed, as without the option.
        const statementNameGenerator = (query: { sql: string }) => statementNameOf(query.sql) as string;
        entry = { pool: p, prisma: new PrismaClient({ adapter: new PrismaPg(p, { statementNameGenerator }) }) };
        bounded.set(key, entry);
      }
      return entry.prisma;
    },
    async withSession(fn) {
      const client = await pool.connect();
      const tx: SqlTx = {
        query: async (sql, params) => (await client.query(sql, params)).rows,
        exec: async (sql) => void (await client.query(sql)),
      };
      try {
        return await fn({
          ...tx,
          async transaction(body) {
            await client.query("BEGIN");
            try {
              const result = await body(tx);
              await client.query("COMMIT");
              return result;
            } catch (err) {
              await client.query("ROLLBACK");
              throw err;
            }
          },
        });
      } finally {
        client.release();
      }
    },
    async close() {
      for (const entry of bounded.values()) {
        await entry.prisma.$disconnect();
        await entry.pool.end();
      }
      await prisma.$disconnect();
      await pool.end();
    },
  };
  databaseOfClient.set(prisma, database);
  return database;
}

async function openPglite(dataDir: string): Promise<Database> {
  const dir = path.resolve(dataDir);
  // PGlite does not create missing parent folders, and has no cross-process lock of its own.
  mkdirSync(path.dirname(dir), { recursive: true });
  acquireDataDirLock(dir);
  const [{ PGlite }, { PrismaPGlite }] = await Promise.all([
    import("@electric-sql/pglite"),
    import("pglite-prisma-adapter"),
  ]);
  const client = new PGlite(dir);
  await client.waitReady;
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(client), transactionOptions: TRANSACTION_OPTIONS });
  const asTx = (q: Pick<typeof client, "query" | "exec">): SqlTx => ({
    query: async <T>(sql: string, params?: unknown[]) => (await q.query<T>(sql, params)).rows,
    exec: async (sql: string) => void (await q.exec(sql)),
  });
  const database: Database = {
    kind: "pglite",
    target: dir,
    prisma,
    boundedReads: () => null,
    // PGlite is one connection; its transaction() holds it exclusively for the callback.
    withSession: (fn) =>
      fn({ ...asTx(client), transaction: (body) => client.transaction((t) => body(asTx(t))) }),
    async close() {
      await prisma.$disconnect();
      await client.close();
      releaseDataDirLock(dir);
    },
  };
  databaseOfClient.set(prisma, database);
  return database;
}

export async function openDatabase(options: OpenOptions): Promise<Database> {
  if (options.databaseUrl) return openPostgres(options.databaseUrl, options.poolMax ?? 10);
  return openPglite(options.pgliteDataDir ?? "./data/pglite");
}

const globalForDb = globalThis as unknown as { __custodianDb?: Promise<Database> };

/** The process-wide database (a globalThis singleton, so dev hot reload does not open it twice). */
export function getDatabase(): Promise<Database> {
  if (!globalForDb.__custodianDb) {
    const config = getConfig();
    globalForDb.__custodianDb = openDatabase({
      databaseUrl: config.DATABASE_URL,
      pgliteDataDir: config.PGLITE_DATA_DIR,
      poolMax: config.DATABASE_POOL_MAX,
    }).catch((err) => {
      globalForDb.__custodianDb = undefined;
      throw err;
    });
  }
  return globalForDb.__custodianDb;
}

export async function getPrisma(): Promise<PrismaClient> {
  return (await getDatabase()).prisma;
}

/**
 * A domain query bound to the process client. Pages never hold the database client: a domain
 * exports the reads its pages use made with this (`<domain>ForPages`), while routes and tests
 * call the same query with the client or transaction they already have.
 */
export function onProcessClient<A extends unknown[], R>(query: (prisma: PrismaClient, ...args: A) => Promise<R>) {
  return async (...args: A): Promise<R> => query(await getPrisma(), ...args);
}

export async function closeDatabase(): Promise<void> {
  const db = globalForDb.__custodianDb;
  globalForDb.__custodianDb = undefined;
  if (db) await (await db).close();
}
