// Gives a test file the process database, a migrated one of its own: on PostgreSQL (the suite
// runs with TEST_DATABASE_URL) a copy of the suite's migrated template database, created and
// dropped around the file; else a copy of the suite's migrated PGlite folder. The migrator then
// runs and finds nothing to do, as on an upgraded installation. `{ empty: true }` is for the few
// tests whose subject needs an empty, unmigrated-by-the-suite database (the demo loader).
import { afterAll, beforeAll, inject } from "vitest";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { resetConfigForTests } from "../config";
import { closeDatabase, getDatabase, openDatabase, type Database } from "../db/client";
import { migrate } from "../db/migrate";

async function adminQuery(serverUrl: string, sql: string) {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export function setupTestDatabase(options: { empty?: boolean } = {}): { db: () => Database } {
  let db: Database | undefined;
  let dir: string | undefined;
  let ownDatabase: { serverUrl: string; name: string } | undefined;
  const sharedUrl = process.env.DATABASE_URL;
  beforeAll(async () => {
    if (sharedUrl) {
      const name = `custodian_test_own_${Date.now()}_${Math.random().toString(36).slice(2, 8)}`;
      ownDatabase = { serverUrl: sharedUrl, name };
      const template = options.empty ? undefined : inject("testTemplateDatabase");
      await adminQuery(sharedUrl, `CREATE DATABASE "${name}"${template ? ` TEMPLATE "${template}"` : ""}`);
      const url = new URL(sharedUrl);
      url.pathname = `/${name}`;
      process.env.DATABASE_URL = url.toString();
    } else {
      dir = mkdtempSync(path.join(os.tmpdir(), "custodian-test-"));
      process.env.PGLITE_DATA_DIR = path.join(dir, "pglite");
      // A copy of the suite's migrated folder (global-setup.ts); the migrator below then finds
      // nothing to do, as on an upgraded installation.
      const template = inject("pgliteTemplateDir");
      if (template) cpSync(template, process.env.PGLITE_DATA_DIR, { recursive: true });
    }
    resetConfigForTests();
    db = await getDatabase();
    await db.withSession((s) => migrate(s));
  });
  afterAll(async () => {
    await closeDatabase();
    if (dir) rmSync(dir, { recursive: true, force: true });
    if (ownDatabase) {
      process.env.DATABASE_URL = sharedUrl;
      resetConfigForTests();
      await adminQuery(ownDatabase.serverUrl, `DROP DATABASE IF EXISTS "${ownDatabase.name}" WITH (FORCE)`);
    }
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

/**
 * A database of its own, not migrated (migration tests migrate it step by step): a new database on
 * the TEST_DATABASE_URL server, else a PGlite folder. dispose() drops or removes it.
 */
export async function freshDatabase(prefix = "custodian_fresh"): Promise<{ db: Database; dispose: () => Promise<void> }> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (serverUrl) {
    const name = `${prefix}_${Date.now()}_${Math.random().toString(36).slice(2, 8)}`;
    await adminQuery(serverUrl, `CREATE DATABASE "${name}"`);
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    const db = await openDatabase({ databaseUrl: url.toString(), poolMax: 2 });
    return {
      db,
      dispose: async () => {
        await db.close();
        await adminQuery(serverUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      },
    };
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
  const db = await openDatabase({ pgliteDataDir: path.join(dir, "pglite") });
  return { db, dispose: async () => (await db.close(), rmSync(dir, { recursive: true, force: true })) };
}
