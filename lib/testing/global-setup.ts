// With TEST_DATABASE_URL set, the suite runs against PostgreSQL: it creates its own uniquely
// named database on that server, migrates it once, copies it as a template, and drops both
// afterwards; each database test file gets a copy of the template (CREATE DATABASE … TEMPLATE,
// ~0.2 s), so files can run side by side as they do on PGlite. On PGlite it migrates one data
// folder once, and each test file starts from a copy of it: creating a PGlite folder (its initdb,
// in WebAssembly) and migrating it cost each of 130 files 5-25 s.
import type { TestProject } from "vitest/node";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { openDatabase } from "../db/client";
import { migrate } from "../db/migrate";

declare module "vitest" {
  export interface ProvidedContext {
    testDatabaseUrl: string | undefined;
    /** PostgreSQL: the migrated database each test file copies (nobody connects to it). */
    testTemplateDatabase: string | undefined;
    pgliteTemplateDir: string | undefined;
  }
}

export default async function setup(project: TestProject) {
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl) {
    project.provide("testDatabaseUrl", undefined);
    project.provide("testTemplateDatabase", undefined);
    const root = mkdtempSync(path.join(os.tmpdir(), "custodian-test-template-"));
    const dir = path.join(root, "pglite");
    const db = await openDatabase({ databaseUrl: undefined, pgliteDataDir: dir });
    await db.withSession((s) => migrate(s));
    await db.close();
    project.provide("pgliteTemplateDir", dir);
    return () => rmSync(root, { recursive: true, force: true });
  }
  project.provide("pgliteTemplateDir", undefined);
  const name = `custodian_test_${Date.now()}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const db = await openDatabase({ databaseUrl: url.toString() });
  await db.withSession((s) => migrate(s));
  await db.close();
  // The template is a copy, not the shared database itself: files that use the shared one (not
  // through setupTestDatabase) stay connected to it, and a template must have no connections.
  const template = `${name}_template`;
  const copier = new pg.Client({ connectionString: serverUrl });
  await copier.connect();
  await copier.query(`CREATE DATABASE "${template}" TEMPLATE "${name}"`);
  await copier.end();
  project.provide("testDatabaseUrl", url.toString());
  project.provide("testTemplateDatabase", template);

  return async () => {
    const c = new pg.Client({ connectionString: serverUrl });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await c.query(`DROP DATABASE IF EXISTS "${template}" WITH (FORCE)`);
    await c.end();
  };
}
