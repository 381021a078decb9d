import { describe, expect, it } from "vitest";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { runAt } from "@/lib/clock";
import { resetConfigForTests } from "@/lib/config";
import { runMaintenanceOnce } from "@/lib/jobs/maintenance";
import { setupTestDatabase } from "@/lib/testing/database";
import { tamper, withTamperedChain } from "@/lib/testing/audit-chain";
import { recordAuditEvent } from "./record";
import { applyAuditRetention } from "./retention";
import type { AuditAction } from "./actions";
import { CHAIN_BROKEN_ACTION, runChainVerification } from "./verification-job";
import { verifyAuditChain } from "./verify";

// Deletes prefixes and breaks the chain: a database of its own on PostgreSQL.
const { db } = setupTestDatabase({ empty: true });
const DAY = 86_400_000;

async function append(prisma: PrismaClient, n: number, action: AuditAction = "contract.updated") {
  for (let i = 0; i < n; i++)
    await prisma.$transaction((tx) => recordAuditEvent(tx, { actor: { type: "system" }, action, target: { type: "Contract", id: `c${i}` }, after: { i } }));
}

describe("audit retention and periodic verification", () => {
  it("deletes only the prefix older than the retention period, checkpointed, and what remains verifies", async () => {
    const prisma = db().prisma;
    await runAt(new Date(Date.now() - 100 * DAY), () => append(prisma, 6, "contract.created"));
    await append(prisma, 3);
    // An old-stamped event after a recent one is not part of the prefix.
    await runAt(new Date(Date.now() - 100 * DAY), () => append(prisma, 1, "contract.created"));
    const before = await prisma.auditEvent.findMany({ orderBy: { seq: "asc" } });
    const result = await prisma.$transaction((tx) => applyAuditRetention(tx, { retentionDays: 30, now: new Date() }));
    expect(result).toEqual({ deleted: 6, throughPosition: String(before[5].seq) });
    const left = await prisma.auditEvent.findMany({ orderBy: { seq: "asc" } });
    expect(left.map((e) => e.action)).toEqual(["contract.updated", "contract.updated", "contract.updated", "contract.created", "audit.retention_applied"]);
    expect(await prisma.auditChainCheckpoint.findMany()).toMatchObject([{ position: before[5].seq, hash: before[5].hash, deletedCount: 6 }]);
    const verified = await verifyAuditChain(prisma);
    expect(verified).toMatchObject({ ok: true, anchor: "checkpoint", checked: 5, fromPosition: String(before[6].seq) });
    // Nothing more to delete: the next event inside the period stops the prefix.
    expect(await prisma.$transaction((tx) => applyAuditRetention(tx, { retentionDays: 30, now: new Date() }))).toEqual({ deleted: 0 });
    // The checkpoint cannot be moved or removed, and a delete above it stays refused.
    await expect(prisma.auditChainCheckpoint.deleteMany({})).rejects.toThrow(/append-only/);
    await expect(
      prisma.$transaction(async (tx) => {
        await tx.$executeRawUnsafe(`SELECT set_config('custodian.audit_retention', 'on', true)`);
        await tx.$executeRawUnsafe(`DELETE FROM "AuditEvent" WHERE seq = $1`, left[0].seq);
      }),
    ).rejects.toThrow(/append-only/);
    // A forged checkpoint hash is caught at the first remaining event.
    await withTamperedChain(prisma, async (tx) => {
      await tx.$executeRawUnsafe(`UPDATE "AuditChainCheckpoint" SET hash = repeat('1', 64)`);
      const r = await verifyAuditChain(tx);
      expect(r.break).toMatchObject({ position: String(left[0].seq), reason: expect.stringMatching(/link broken/) });
    });
  });

  it("maintenance applies AUDIT_RETENTION_DAYS when set, and only then", async () => {
    const prisma = db().prisma;
    await append(prisma, 2);
    const later = new Date(Date.now() + 10 * DAY);
    delete process.env.AUDIT_RETENTION_DAYS;
    resetConfigForTests();
    expect((await runMaintenanceOnce(prisma, { now: later })).auditRetention).toBeUndefined();
    process.env.AUDIT_RETENTION_DAYS = "5";
    resetConfigForTests();
    try {
      const r = await runMaintenanceOnce(prisma, { now: later });
      expect(r.auditRetention?.deleted).toBeGreaterThanOrEqual(2);
      expect(r.auditVerification).toMatchObject({ ok: true });
    } finally {
      delete process.env.AUDIT_RETENTION_DAYS;
      resetConfigForTests();
    }
  });

  it("the periodic verification records its result and a new break once as audit.chain_broken", async () => {
    const prisma = db().prisma;
    await append(prisma, 3);
    const now = new Date();
    const first = await prisma.$transaction((tx) => runChainVerification(tx, { now, forceFull: true }));
    expect(first).toMatchObject({ ok: true, kind: "full" });
    await append(prisma, 2);
    const incremental = await prisma.$transaction((tx) => runChainVerification(tx, { now }));
    expect(incremental).toMatchObject({ ok: true, kind: "incremental", fromPosition: first.toPosition, checked: 3 });

    const victim = await prisma.auditEvent.findFirstOrThrow({ where: { action: "contract.updated" }, orderBy: { seq: "desc" } });
    await tamper(prisma, `UPDATE "AuditEvent" SET after = '{"i": 99}' WHERE id = $1`, victim.id);
    const broken = await prisma.$transaction((tx) => runChainVerification(tx, { now }));
    expect(broken).toMatchObject({ ok: false, kind: "incremental", break: { position: String(victim.seq), eventId: victim.id } });
    const again = await prisma.$transaction((tx) => runChainVerification(tx, { now }));
    expect(again).toMatchObject({ ok: false, kind: "full" });
    const alarms = await prisma.auditEvent.findMany({ where: { action: CHAIN_BROKEN_ACTION } });
    expect(alarms).toHaveLength(1);
    expect(alarms[0].after).toMatchObject({ position: String(victim.seq), reason: expect.stringMatching(/content changed/) });
    const recorded = await prisma.auditVerification.findMany({ orderBy: { finishedAt: "asc" } });
    expect(recorded.at(-1)).toMatchObject({ ok: false, brokenPosition: victim.seq, brokenEventId: victim.id });
  });
});
