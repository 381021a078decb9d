// The rule-names migration (20261207100000_rule_names) on a database written before it: every rule
// gets a readable name, unique among the live rules of its scope's repository; every version of a
// rule the same name; groups deleted before it get their kept name from their group.deleted event.
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { migrate, readMigrations } from "@/lib/db/migrate";
import { freshDatabase } from "@/lib/testing/database";
import { AppError } from "@/lib/errors";
import { getRule } from "./queries";
import { createRule } from "./service";

const actor = { type: "admin" as const, id: "migration-test", label: "migration test" };

describe("the rule-names migration", () => {
  it("names existing rules readably and uniquely, and keeps the names of groups deleted before it", async () => {
    const { db, dispose } = await freshDatabase("custodian_rule_names");
    try {
      const all = readMigrations();
      const at = all.findIndex((m) => m.name === "20261207100000_rule_names");
      expect(at).toBeGreaterThan(0);
      await db.withSession((s) => migrate(s, all.slice(0, at)));
      const q = db.prisma;
      // Rows as the schema stood before the migration, in SQL: the generated client knows the
      // columns of every later migration too (a contract's endDay, an event's names), which this
      // database does not have yet.
      const insert = async (table: string, row: Record<string, unknown>) => {
        const data = { id: randomUUID(), ...row };
        const cols = Object.keys(data);
        await q.$executeRawUnsafe(
          `INSERT INTO "${table}" (${cols.map((c) => `"${c}"`).join(", ")}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(", ")})`,
          ...Object.values(data as Record<string, unknown>).map((v) => (v !== null && typeof v === "object" && !(v instanceof Date) ? JSON.stringify(v) : v)),
        );
        return data.id;
      };
      const stamp = { updatedAt: new Date() };
      const dir = await insert("Directory", { name: "old-directory", ...stamp });
      const legal = await insert("Group", { directoryId: dir, displayName: "Legal", displayNameKey: "legal", ...stamp });
      const gone = await insert("Group", { directoryId: dir, displayName: "Old team", displayNameKey: "old team", ...stamp });
      const ann = await insert("User", { directoryId: dir, userName: "ann@example.com", userNameKey: "ann@example.com", ...stamp });
      const lit = await insert("Repository", { name: "Litigation", ...stamp });
      const sales = await insert("Repository", { name: "Sales", ...stamp });
      const settlement = await insert("Contract", { repositoryId: lit, title: "Settlement", contractType: "SETTLEMENT", ...stamp });
      // The group was deleted before the migration: only its group.deleted event remembers its name.
      await q.$executeRawUnsafe(
        `INSERT INTO "AuditEvent" (id, "actorType", action, "directoryId", "targetType", "targetId", "targetLabel", before)
         VALUES ($1, 'directory', 'group.deleted', $2, 'Group', $3, 'Old team', $4::jsonb)`,
        randomUUID(), dir, gone, JSON.stringify({ displayName: "Old team" }),
      );
      await q.$executeRawUnsafe(`DELETE FROM "Group" WHERE id = $1`, gone);

      const t0 = Date.UTC(2025, 0, 1);
      let n = 0;
      /** A rule as the old schema stored it: its versions (each a partial row), oldest first. */
      const rule = async (versions: Record<string, unknown>[], deleted = false) => {
        const id = `rule-${++n}`;
        await q.$executeRawUnsafe(`INSERT INTO "AccessRule" (id, "currentVersion", "deletedAt", "createdAt") VALUES ($1, $2, $3, $4)`,
          id, versions.length, deleted ? new Date(t0 + n * 1000 + 500) : null, new Date(t0 + n * 1000));
        for (const [i, v] of versions.entries()) {
          const last = i === versions.length - 1;
          await q.$executeRawUnsafe(
            `INSERT INTO "AccessRuleVersion" (id, "ruleId", version, change, "principalType", "groupId", "userId", level, "repositoryId", "contractId",
               "contractTypes", "confidentialityCeiling", justification, "authorType", "recordedFrom", "recordedTo")
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::jsonb, $12, 'old rule', 'admin', $13, $14)`,
            `${id}-v${i + 1}`, id, i + 1, i === 0 ? "created" : last && deleted ? "deleted" : "updated",
            v.userId ? "user" : "group", v.groupId ?? null, v.userId ?? null, v.level, v.repositoryId ?? null, v.contractId ?? null,
            JSON.stringify(v.contractTypes ?? []), v.ceiling ?? null, new Date(t0 + n * 1000 + i), last ? null : new Date(t0 + n * 1000 + i + 1),
          );
        }
        return id;
      };
      const narrowed = { groupId: legal, level: 3, repositoryId: lit, contractTypes: ["NDA", "MSA"], ceiling: 2 };
      const r1 = await rule([narrowed]);
      const r2 = await rule([narrowed]);
      const r3 = await rule([{ groupId: legal, level: 1, repositoryId: lit }, { groupId: legal, level: 2, repositoryId: lit }]);
      const r4 = await rule([{ groupId: gone, level: 1, repositoryId: lit }]);
      const r5 = await rule([{ userId: ann, level: 5, contractId: settlement }]);
      // Deleted before the live rule of the same content was written: the live one keeps the plain name.
      const r6 = await rule([{ groupId: legal, level: 1, repositoryId: sales }, { groupId: legal, level: 1, repositoryId: sales }], true);
      const r7 = await rule([{ groupId: legal, level: 1, repositoryId: sales }]);
      const r8 = await rule([narrowed].map((v) => ({ ...v, repositoryId: sales })));
      // A suffixed name can meet another rule's own name in the same repository: a contract there
      // titled "Leases (2)" gives "Legal — view on Leases (2)", the name the second repository-wide
      // duplicate gets. Both then carry their id, or the unique index would fail the migration.
      const leases = await insert("Repository", { name: "Leases", ...stamp });
      const leasesTwo = await insert("Contract", { repositoryId: leases, title: "Leases (2)", contractType: "LEASE", ...stamp });
      const r9 = await rule([{ groupId: legal, level: 1, repositoryId: leases }]);
      const r10 = await rule([{ groupId: legal, level: 1, repositoryId: leases }]);
      const r11 = await rule([{ groupId: legal, level: 1, contractId: leasesTwo }]);

      await db.withSession((s) => migrate(s, all));

      const versions = await q.accessRuleVersion.findMany({ orderBy: [{ ruleId: "asc" }, { version: "asc" }] });
      const names = new Map(versions.map((v) => [v.ruleId, v.name]));
      expect(Object.fromEntries([r1, r2, r3, r4, r5, r6, r7, r8].map((r) => [r, names.get(r)]))).toEqual({
        [r1]: "Legal — edit on Litigation (MSA, NDA; up to confidential)",
        [r2]: "Legal — edit on Litigation (MSA, NDA; up to confidential) (2)",
        [r3]: "Legal — comment on Litigation",
        [r4]: "Old team — view on Litigation",
        [r5]: "Direct grant — manage on Settlement",
        [r6]: "Legal — view on Sales (2)",
        [r7]: "Legal — view on Sales",
        [r8]: "Legal — edit on Sales (MSA, NDA; up to confidential)",
      });
      expect([r9, r10, r11].map((r) => names.get(r))).toEqual(["Legal — view on Leases", `Legal — view on Leases (2) [${r10.slice(0, 8)}]`, `Legal — view on Leases (2) [${r11.slice(0, 8)}]`]);
      // Every version of a rule carries the rule's name.
      for (const v of versions) expect(v.name).toBe(names.get(v.ruleId));
      const keys = await q.accessRule.findMany({ select: { id: true, nameKey: true, scopeRepositoryId: true } });
      expect(keys.find((k) => k.id === r5)).toMatchObject({ nameKey: "direct grant — manage on settlement", scopeRepositoryId: lit });
      expect(keys.find((k) => k.id === r6)).toMatchObject({ nameKey: null, scopeRepositoryId: sales });
      expect(await q.deletedGroup.findUnique({ where: { id: gone } })).toMatchObject({ displayName: "Old team", directoryId: dir });

      // The migrated database answers with the names, and keeps them unique.
      expect(await getRule(q, { id: r4 })).toMatchObject({ name: "Old team — view on Litigation", principalName: "Old team", principalDeleted: true });
      const taken = await createRule(q, { input: { name: "LEGAL — COMMENT ON LITIGATION", groupId: legal, level: "view", repositoryId: lit, justification: "again" }, actor }).catch((e: unknown) => e);
      expect(taken).toBeInstanceOf(AppError);
      expect((taken as AppError).code).toBe("conflict");
      const freed = await createRule(q, { input: { name: "Legal — view on Sales (2)", groupId: legal, level: "view", repositoryId: sales, justification: "reuse" }, actor });
      expect(freed.name).toBe("Legal — view on Sales (2)");
    } finally {
      await dispose();
    }
  }, 300_000);
});
