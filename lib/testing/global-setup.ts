// With TEST_DATABASE_URL set, the suite runs against PostgreSQL: it creates its own uniquely
// named database on that server, migrates it once, and drops it afterwards.
import type { TestProject } from "vitest/node";
import pg from "pg";
import { openDatabase } from "../db/client";
import { migrate } from "../db/migrate";

declare module "vitest" {
  export interface ProvidedContext {
    testDatabaseUrl: string | undefined;
  }
}

export default async function setup(project: TestProject) {
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl) {
    project.provide("testDatabaseUrl", undefined);
    return;
  }
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
  project.provide("testDatabaseUrl", url.toString());

  return async () => {
    const c = new pg.Client({ connectionString: serverUrl });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await c.end();
  };
}
