// Gives a test file the process database: PostgreSQL when the suite runs with TEST_DATABASE_URL
// (one database for the run, tests seed uniquely named data), else a fresh PGlite data folder of
// its own. Migrated with the real migrator.
import { afterAll, beforeAll } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { resetConfigForTests } from "../config";
import { closeDatabase, getDatabase, type Database } from "../db/client";
import { migrate } from "../db/migrate";

export function setupTestDatabase(): { db: () => Database } {
  let db: Database | undefined;
  let dir: string | undefined;
  beforeAll(async () => {
    if (!process.env.DATABASE_URL) {
      dir = mkdtempSync(path.join(os.tmpdir(), "custodian-test-"));
      process.env.PGLITE_DATA_DIR = path.join(dir, "pglite");
    }
    resetConfigForTests();
    db = await getDatabase();
    await db.withSession((s) => migrate(s));
  });
  afterAll(async () => {
    await closeDatabase();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  return {
    db: () => {
      if (!db) throw new Error("database not ready (use inside tests)");
      return db;
    },
  };
}

/** A short unique suffix for test data names. */
export const unique = (prefix = "t") => `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
