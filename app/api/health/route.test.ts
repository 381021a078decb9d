import { afterEach, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { resetConfigForTests } from "@/lib/config";
import { closeDatabase, getDatabase } from "@/lib/db/client";
import { migrate } from "@/lib/db/migrate";
import { GET } from "./route";

const saved = { DATABASE_URL: process.env.DATABASE_URL, PGLITE_DATA_DIR: process.env.PGLITE_DATA_DIR };

afterEach(async () => {
  await closeDatabase();
  Object.assign(process.env, saved);
  if (saved.DATABASE_URL === undefined) delete process.env.DATABASE_URL;
  resetConfigForTests();
});

const call = async () => {
  const res = await GET(new Request("http://localhost/api/health"), {});
  return { status: res.status, body: await res.json(), requestId: res.headers.get("x-request-id") };
};

describe("GET /api/health", () => {
  it("is 503 with the pending migrations until the database is migrated, then 200", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "custodian-health-"));
    try {
      delete process.env.DATABASE_URL;
      process.env.PGLITE_DATA_DIR = path.join(dir, "db");
      resetConfigForTests();
      const before = await call();
      expect(before.status).toBe(503);
      expect(before.body.database).toMatchObject({ kind: "pglite", reachable: true });
      expect(before.body.migrations.pending.length).toBeGreaterThan(0);
      expect(before.requestId).toBeTruthy();
      await (await getDatabase()).withSession((s) => migrate(s));
      const after = await call();
      expect(after.status).toBe(200);
      expect(after.body).toMatchObject({ status: "ok", migrations: { pending: [] } });
    } finally {
      await closeDatabase();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("is 503 when PostgreSQL is unreachable, without leaking the connection string", async () => {
    process.env.DATABASE_URL = "postgresql://custodian:s3cret@127.0.0.1:1/nowhere";
    resetConfigForTests();
    const res = await call();
    expect(res.status).toBe(503);
    expect(res.body.database.reachable).toBe(false);
    expect(JSON.stringify(res.body)).not.toContain("s3cret");
  });
});
