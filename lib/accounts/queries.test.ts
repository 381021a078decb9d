import { describe, expect, it } from "vitest";
import { createAccount, setAccountDisabled } from "@/lib/auth/accounts";
import { setupTestDatabase, unique } from "@/lib/testing/database";
import { listAccountsForAdmin } from "./queries";

const { db } = setupTestDatabase();
const system = { type: "system" as const, label: "test" };

describe("local accounts for the dashboard", () => {
  it("lists, filters by role and status, and sorts", async () => {
    const prisma = db().prisma;
    const tag = unique("acc");
    const a = await createAccount(prisma, { input: { email: `a-${tag}@example.com`, role: "auditor", password: "a-long-password-1" }, actor: system });
    await createAccount(prisma, { input: { email: `b-${tag}@example.com`, role: "compliance", password: "a-long-password-1" }, actor: system });
    await setAccountDisabled(prisma, { accountId: a.id, disabled: true, actor: system });
    const all = await listAccountsForAdmin(prisma, { search: tag, sort: "email", order: "desc" });
    expect(all.items.map((i) => i.email)).toEqual([`b-${tag}@example.com`, `a-${tag}@example.com`]);
    expect((await listAccountsForAdmin(prisma, { search: tag, status: "disabled" })).items.map((i) => i.id)).toEqual([a.id]);
    expect((await listAccountsForAdmin(prisma, { search: tag, role: "compliance", status: "" })).total).toBe(1);
    expect((await listAccountsForAdmin(prisma, { search: tag, sort: "lastLoginAt" })).total).toBe(2);
  });

  it("keeps the last enabled administrator", async () => {
    // A database of its own: "the last administrator" is a property of the whole table, and
    // other test files may share the suite's PostgreSQL database.
    const { mkdtempSync, rmSync } = await import("node:fs");
    const os = await import("node:os");
    const path = await import("node:path");
    const { openDatabase } = await import("@/lib/db/client");
    const { migrate } = await import("@/lib/db/migrate");
    const dir = mkdtempSync(path.join(os.tmpdir(), "custodian-last-admin-"));
    const fresh = await openDatabase({ pgliteDataDir: path.join(dir, "db") });
    try {
      await fresh.withSession((s) => migrate(s));
      const prisma = fresh.prisma;
      const last = await createAccount(prisma, { input: { email: "last@example.com", role: "admin", password: "a-long-password-1" }, actor: system });
      await createAccount(prisma, { input: { email: "auditor@example.com", role: "auditor", password: "a-long-password-1" }, actor: system });
      await expect(setAccountDisabled(prisma, { accountId: last.id, disabled: true, actor: system })).rejects.toMatchObject({ code: "conflict" });
      const second = await createAccount(prisma, { input: { email: "second@example.com", role: "admin", password: "a-long-password-1" }, actor: system });
      await setAccountDisabled(prisma, { accountId: last.id, disabled: true, actor: { type: "admin", id: second.id, label: second.email } });
      // Now `second` is the last one.
      await expect(setAccountDisabled(prisma, { accountId: second.id, disabled: true, actor: system })).rejects.toMatchObject({ code: "conflict" });
      // Idempotent: disabling again changes and records nothing.
      const before = await prisma.auditEvent.count({ where: { targetId: last.id } });
      await setAccountDisabled(prisma, { accountId: last.id, disabled: true, actor: system });
      expect(await prisma.auditEvent.count({ where: { targetId: last.id } })).toBe(before);
    } finally {
      await fresh.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
