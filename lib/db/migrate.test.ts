import { describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { openDatabase } from "./client";
import { migrate, migrationStatus, readMigrations, MigrationChecksumError } from "./migrate";

describe("migrator on a fresh PGlite", () => {
  it("applies every migration once, records checksums, and refuses an edited migration", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "custodian-mig-"));
    const db = await openDatabase({ pgliteDataDir: path.join(dir, "db") });
    try {
      const files = readMigrations();
      expect(files.length).toBeGreaterThan(0);
      const first = await db.withSession((s) => migrate(s, files));
      expect(first).toEqual(files.map((f) => f.name));
      const second = await db.withSession((s) => migrate(s, files));
      expect(second).toEqual([]);
      const status = await db.withSession((s) => migrationStatus(s, files));
      expect(status.pending).toEqual([]);
      const rows = await db.withSession((s) =>
        s.query<{ migration_name: string; checksum: string }>(`SELECT migration_name, checksum FROM "_prisma_migrations"`),
      );
      expect(rows.map((r) => r.checksum)).toEqual(files.map((f) => f.checksum));
      expect(rows[0].checksum).toMatch(/^[0-9a-f]{64}$/);

      const edited = files.map((f, i) => (i === 0 ? { ...f, checksum: "0".repeat(64) } : f));
      await expect(db.withSession((s) => migrate(s, edited))).rejects.toBeInstanceOf(MigrationChecksumError);
      await expect(db.withSession((s) => migrationStatus(s, edited))).rejects.toThrow(/changed after it was applied/);
    } finally {
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("rolls back a failing migration completely and records nothing", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "custodian-mig-"));
    const db = await openDatabase({ pgliteDataDir: path.join(dir, "db") });
    try {
      const bad = [{ name: "000_bad", sql: `CREATE TABLE "half" (id int); SELECT 1/0;`, checksum: "x".repeat(64) }];
      await expect(db.withSession((s) => migrate(s, bad))).rejects.toThrow(/division by zero/);
      const [{ t }] = await db.withSession((s) => s.query<{ t: string | null }>(`SELECT to_regclass('"half"')::text AS t`));
      expect(t).toBeNull();
      const status = await db.withSession((s) => migrationStatus(s, bad));
      expect(status.pending).toEqual(["000_bad"]);
    } finally {
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
