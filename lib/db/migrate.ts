// The project's own migrator. Prisma 7's `migrate deploy` needs a native engine that cannot be
// downloaded everywhere and cannot reach PGlite at all, so we apply prisma/migrations/* ourselves
// with Prisma's bookkeeping (`_prisma_migrations`, SHA-256 checksums) so both stay compatible.
import { createHash, randomUUID } from "node:crypto";
import { readdirSync, readFileSync, existsSync } from "node:fs";
import path from "node:path";
import type { SqlSession, SqlTx } from "./client";

export interface MigrationFile {
  name: string;
  sql: string;
  checksum: string;
}

export interface MigrationStatus {
  applied: string[];
  pending: string[];
}

export class MigrationChecksumError extends Error {
  constructor(readonly migration: string) {
    super(
      `Migration ${migration} was changed after it was applied (checksum mismatch). ` +
        `Applied migrations must never be edited: restore the original file and add a new migration instead.`,
    );
    this.name = "MigrationChecksumError";
  }
}

// Arbitrary constant shared by every instance: the key of the advisory lock that serialises
// migrations across processes.
const MIGRATION_LOCK_KEY = 72_707_372_391;

export const defaultMigrationsDir = () => path.join(process.cwd(), "prisma", "migrations");

export function readMigrations(dir = defaultMigrationsDir()): MigrationFile[] {
  if (!existsSync(/*turbopackIgnore: true*/ dir)) return [];
  return readdirSync(/*turbopackIgnore: true*/ dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(/*turbopackIgnore: true*/ path.join(dir, d.name, "migration.sql")))
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(/*turbopackIgnore: true*/ path.join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    });
}

const BOOKKEEPING_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id" VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum" VARCHAR(64) NOT NULL,
    "finished_at" TIMESTAMPTZ,
    "migration_name" VARCHAR(255) NOT NULL,
    "logs" TEXT,
    "rolled_back_at" TIMESTAMPTZ,
    "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

interface AppliedRow {
  migration_name: string;
  checksum: string;
}

async function appliedMigrations(tx: SqlTx): Promise<Map<string, string>> {
  const [{ exists }] = await tx.query<{ exists: boolean }>(
    `SELECT to_regclass('"_prisma_migrations"') IS NOT NULL AS "exists"`,
  );
  if (!exists) return new Map();
  const rows = await tx.query<AppliedRow>(
    `SELECT migration_name, checksum FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
  );
  return new Map(rows.map((r) => [r.migration_name, r.checksum]));
}

function verifyChecksums(files: MigrationFile[], applied: Map<string, string>): void {
  for (const f of files) {
    const recorded = applied.get(f.name);
    if (recorded !== undefined && recorded !== f.checksum) throw new MigrationChecksumError(f.name);
  }
}

export async function migrationStatus(session: SqlTx, files = readMigrations()): Promise<MigrationStatus> {
  const applied = await appliedMigrations(session);
  verifyChecksums(files, applied);
  return {
    applied: files.filter((f) => applied.has(f.name)).map((f) => f.name),
    pending: files.filter((f) => !applied.has(f.name)).map((f) => f.name),
  };
}

/**
 * Applies pending migrations in name order, each in its own transaction, under a session-level
 * advisory lock so that several instances starting together apply each migration exactly once.
 * Returns the names this call applied.
 */
export async function migrate(session: SqlSession, files = readMigrations()): Promise<string[]> {
  const appliedNow: string[] = [];
  await session.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK_KEY]);
  try {
    await session.exec(BOOKKEEPING_TABLE);
    // Read only after taking the lock: another instance may have just finished.
    const applied = await appliedMigrations(session);
    verifyChecksums(files, applied);
    for (const file of files) {
      if (applied.has(file.name)) continue;
      await session.transaction(async (tx) => {
        const id = randomUUID();
        await tx.exec(file.sql);
        await tx.query(
          `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, finished_at, applied_steps_count)
           VALUES ($1, $2, $3, now(), now(), 1)`,
          [id, file.checksum, file.name],
        );
      });
      appliedNow.push(file.name);
    }
  } finally {
    await session.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK_KEY]);
  }
  return appliedNow;
}
