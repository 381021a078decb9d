import { describe, expect, it } from "vitest";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { setupTestDatabase, unique } from "@/lib/testing/database";
import { withTamperedChain } from "@/lib/testing/audit-chain";
import { recordAuditEvent, type Actor } from "./record";
import { CONTENT_TEXT_SQL, PERSONAL_TEXT_SQL, sha256Sql } from "./chain-sql";
import { recordVerification, verifyAuditChain } from "./verify";

// Tampering needs a database of its own on PostgreSQL (other files must not see a broken chain).
const { db } = setupTestDatabase({ empty: true });
const actor: Actor = { type: "system", label: "chain test" };

async function appendSome(prisma: PrismaClient, n = 5): Promise<{ id: string; seq: bigint }[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    ids.push(
      await prisma.$transaction((tx) =>
        recordAuditEvent(tx, {
          actor,
          action: i % 2 ? "user.updated" : "group.updated",
          target: i % 2 ? { type: "User", id: unique("u"), label: `${unique("alice")}@example.com` } : { type: "Group", id: unique("g"), label: "Sales" },
          before: { title: "old", n: i },
          after: { title: "new", nested: { b: 1, a: [1, 2.5, "x"] } },
        }),
      ),
    );
  }
  return prisma.auditEvent.findMany({ where: { id: { in: ids } }, select: { id: true, seq: true }, orderBy: { seq: "asc" } });
}

async function expectBroken(tx: Parameters<typeof verifyAuditChain>[0], position: bigint | string, reason: RegExp) {
  const result = await verifyAuditChain(tx);
  expect(result.ok).toBe(false);
  expect(result.break?.position).toBe(String(position));
  expect(result.break?.reason).toMatch(reason);
  return result;
}

/** What a forger would do next: recompute the content hash of the changed row. */
async function rehashContent(tx: Parameters<typeof verifyAuditChain>[0], id: string) {
  await tx.$queryRawUnsafe(`SELECT 1`);
  await (tx as unknown as PrismaClient).$executeRawUnsafe(`UPDATE "AuditEvent" e SET "contentHash" = audit_sha256(audit_content_text(e)) WHERE id = $1`, id);
}

describe("audit chain", () => {
  it("links every event: gap-free positions, hashes the verifier recomputes, multi-row inserts included", async () => {
    const prisma = db().prisma;
    await appendSome(prisma, 4);
    // A multi-row INSERT (the bulk access-event path) links each row in turn.
    await prisma.$executeRawUnsafe(
      `INSERT INTO "AuditEvent" (id, "actorType", action, "targetType", "targetId", "targetLabel", after)
       SELECT gen_random_uuid()::text, 'system', 'access.granted', 'User', 'u-' || n, 'person' || n || '@example.com', jsonb_build_object('n', n)
       FROM generate_series(1, 50) n`,
    );
    const rows = await prisma.auditEvent.findMany({ orderBy: { seq: "asc" } });
    expect(rows.map((r) => Number(r.seq))).toEqual(rows.map((_, i) => i + 1));
    for (let i = 1; i < rows.length; i++) expect(rows[i].prevHash).toBe(rows[i - 1].hash);
    const result = await verifyAuditChain(prisma, { batchSize: 7 });
    expect(result).toMatchObject({ ok: true, checked: rows.length, toPosition: String(rows.length), anchor: "genesis" });
    // The trigger's stored functions and the verifier's inlined expressions agree.
    const [agree] = await prisma.$queryRawUnsafe<{ n: bigint }[]>(
      `SELECT count(*) AS n FROM "AuditEvent" e
       WHERE audit_sha256(audit_content_text(e)) <> ${sha256Sql(CONTENT_TEXT_SQL)}
          OR audit_personal_text(e) IS DISTINCT FROM ${PERSONAL_TEXT_SQL}`,
    );
    expect(Number(agree.n)).toBe(0);
    // Personal data is classified by the database, not the writer.
    const user = rows.find((r) => r.action === "user.updated")!;
    expect(user).toMatchObject({ personalFields: "targetLabel,before,after" });
    expect(user.personalSalt).toMatch(/^[0-9a-f-]{36}$/);
    expect(rows.find((r) => r.action === "access.granted")).toMatchObject({ personalFields: "targetLabel" });
    expect(rows.find((r) => r.action === "group.updated")).toMatchObject({ personalFields: null, personalSalt: null, personalDigest: null });
  });

  it("links a large transaction by key, whatever plans the connection kept from small ones (no whole-trail scan per event)", async () => {
    // The defect: PL/pgSQL keeps each statement's generic plan for the session; a connection that
    // had linked a few events while the trail looked small kept sequential scans, and one
    // transaction of N events then read the whole trail N times at commit (the ladder's rule over
    // 47,500 people did not commit in 15 minutes). Here the session's planner is pushed towards
    // sequential scans; the link must still read by key.
    await db().withSession(async (session) => {
      await session.exec(`SET random_page_cost = 1000`);
      await session.exec(`SET cpu_index_tuple_cost = 10`);
      const insert = (n: number, tag: string) =>
        `INSERT INTO "AuditEvent" (id, "actorType", action, "targetType", "targetId", after)
         SELECT gen_random_uuid()::text, 'system', 'access.granted', 'User', '${tag}-' || i, '{}'::jsonb FROM generate_series(1, ${n}) i`;
      for (let i = 0; i < 8; i++) await session.exec(insert(1, `small${i}`));
      const scans = await session.transaction(async (tx) => {
        await tx.exec(insert(300, "large"));
        const stats = `SELECT COALESCE(sum(seq_scan), 0)::int AS n FROM pg_stat_xact_user_tables WHERE relname = 'AuditEvent'`;
        const [before] = (await tx.query(stats)) as { n: number }[];
        // Fire the deferred link now, inside the transaction, to read its own statistics.
        await tx.exec(`SET CONSTRAINTS "AuditEvent_link" IMMEDIATE`);
        const [after] = (await tx.query(stats)) as { n: number }[];
        return after.n - before.n;
      });
      await session.exec(`RESET random_page_cost; RESET cpu_index_tuple_cost`);
      // PGlite keeps no per-transaction table statistics; PostgreSQL must show no sequential scan.
      if (process.env.TEST_DATABASE_URL) expect(scans).toBe(0);
    });
    expect((await verifyAuditChain(db().prisma)).ok).toBe(true);
  });

  it("refuses ordinary updates, deletes and truncation", async () => {
    const prisma = db().prisma;
    const [event] = await appendSome(prisma, 1);
    await expect(prisma.auditEvent.update({ where: { id: event.id }, data: { action: "x.forged" } })).rejects.toThrow(/append-only/);
    await expect(prisma.auditEvent.update({ where: { id: event.id }, data: { targetLabel: null } })).rejects.toThrow(/append-only/);
    await expect(prisma.auditEvent.delete({ where: { id: event.id } })).rejects.toThrow(/append-only/);
    await expect(prisma.auditEvent.deleteMany({})).rejects.toThrow(/append-only/);
    await expect(prisma.$executeRawUnsafe(`TRUNCATE "AuditEvent"`)).rejects.toThrow(/append-only/);
    await expect(prisma.$executeRawUnsafe(`DELETE FROM "AuditChainHead"`)).rejects.toThrow(/append-only/);
    // The erasure setting alone does not let an update through that changes hashed content.
    await expect(
      prisma.$transaction(async (tx) => {
        await tx.$executeRawUnsafe(`SELECT set_config('custodian.audit_erasure', 'e1', true)`);
        await tx.$executeRawUnsafe(`UPDATE "AuditEvent" SET action = 'x', "erasureId" = 'e1', "erasedAt" = now() WHERE id = $1`, event.id);
      }),
    ).rejects.toThrow(/append-only/);
    // Nor a retention delete beyond the newest checkpoint.
    await expect(
      prisma.$transaction(async (tx) => {
        await tx.$executeRawUnsafe(`SELECT set_config('custodian.audit_retention', 'on', true)`);
        await tx.$executeRawUnsafe(`DELETE FROM "AuditEvent" WHERE id = $1`, event.id);
      }),
    ).rejects.toThrow(/append-only/);
    expect(await prisma.auditEvent.count({ where: { id: event.id, action: { not: "x.forged" } } })).toBe(1);
    expect((await verifyAuditChain(prisma)).ok).toBe(true);
  });

  it("detects an edited event, naming the first broken one", async () => {
    const prisma = db().prisma;
    const events = await appendSome(prisma, 3);
    await withTamperedChain(prisma, async (tx) => {
      await tx.$executeRawUnsafe(`UPDATE "AuditEvent" SET "actorLabel" = 'someone else' WHERE id = $1`, events[1].id);
      await tx.$executeRawUnsafe(`UPDATE "AuditEvent" SET action = 'forged' WHERE id = $1`, events[2].id);
      const r = await expectBroken(tx, events[1].seq, /content changed/);
      expect(r.break?.eventId).toBe(events[1].id);
    });
    // Editing the JSON of a non-personal event.
    const [group] = await appendSome(prisma, 1);
    await withTamperedChain(prisma, async (tx) => {
      await tx.$executeRawUnsafe(`UPDATE "AuditEvent" SET after = jsonb_set(after, '{title}', '"newer"') WHERE id = $1`, group.id);
      await expectBroken(tx, group.seq, /content changed/);
    });
    // Editing personal data (hashed only through the salted digest).
    const [, user] = await appendSome(prisma, 2);
    await withTamperedChain(prisma, async (tx) => {
      await tx.$executeRawUnsafe(`UPDATE "AuditEvent" SET "targetLabel" = 'mallory@example.com' WHERE id = $1`, user.id);
      await expectBroken(tx, user.seq, /personal data changed/);
    });
    // Recomputing the content hash does not help: the link breaks.
    await withTamperedChain(prisma, async (tx) => {
      await tx.$executeRawUnsafe(`UPDATE "AuditEvent" SET "actorLabel" = 'x' WHERE id = $1`, events[0].id);
      await rehashContent(tx, events[0].id);
      const r = await expectBroken(tx, events[0].seq, /hash mismatch/);
      expect(r.checked).toBe(Number(events[0].seq) - 1);
    });
    expect((await verifyAuditChain(prisma)).ok).toBe(true);
  });

  it("detects deleted, inserted and reordered events", async () => {
    const prisma = db().prisma;
    const events = await appendSome(prisma, 4);
    await withTamperedChain(prisma, async (tx) => {
      await tx.$executeRawUnsafe(`DELETE FROM "AuditEvent" WHERE id = $1`, events[1].id);
      await expectBroken(tx, events[1].seq, /event missing/);
    });
    // The newest event deleted: the head still counts it.
    await withTamperedChain(prisma, async (tx) => {
      await tx.$executeRawUnsafe(`DELETE FROM "AuditEvent" WHERE id = $1`, events[3].id);
      await expectBroken(tx, events[3].seq, /event missing/);
    });
    await withTamperedChain(prisma, async (tx) => {
      await tx.$executeRawUnsafe(`UPDATE "AuditEvent" SET seq = -seq WHERE id IN ($1, $2)`, events[1].id, events[2].id);
      await tx.$executeRawUnsafe(`UPDATE "AuditEvent" SET seq = $2 WHERE id = $1`, events[1].id, events[2].seq);
      await tx.$executeRawUnsafe(`UPDATE "AuditEvent" SET seq = $2 WHERE id = $1`, events[2].id, events[1].seq);
      await expectBroken(tx, events[1].seq, /link broken|hash mismatch/);
    });
    await withTamperedChain(prisma, async (tx) => {
      await tx.$executeRawUnsafe(
        `INSERT INTO "AuditEvent" (id, seq, "actorType", action) VALUES (gen_random_uuid()::text, (SELECT max(seq) + 1 FROM "AuditEvent"), 'admin', 'forged')`,
      );
      await expectBroken(tx, events[3].seq + BigInt(1), /beyond the chain head/);
    });
    // A forged event in place of a real one, content hash and link recomputed: the next link breaks.
    await withTamperedChain(prisma, async (tx) => {
      await tx.$executeRawUnsafe(`UPDATE "AuditEvent" SET action = 'forged' WHERE id = $1`, events[2].id);
      await rehashContent(tx, events[2].id);
      await tx.$executeRawUnsafe(`UPDATE "AuditEvent" SET hash = audit_sha256("prevHash" || '|' || "contentHash" || '|' || seq::text) WHERE id = $1`, events[2].id);
      await expectBroken(tx, events[3].seq, /link broken/);
    });
    expect((await verifyAuditChain(prisma)).ok).toBe(true);
  });

  it("detects a consistent rewrite of the tail against an earlier verification", async () => {
    const prisma = db().prisma;
    const events = await appendSome(prisma, 2);
    const verified = await verifyAuditChain(prisma);
    expect(verified.ok).toBe(true);
    await recordVerification(prisma, verified, "full");
    await withTamperedChain(prisma, async (tx) => {
      // Rewrite the last event and recompute everything, head included.
      const last = events[1];
      await tx.$executeRawUnsafe(`UPDATE "AuditEvent" SET "actorLabel" = 'rewritten' WHERE id = $1`, last.id);
      await rehashContent(tx, last.id);
      await tx.$executeRawUnsafe(`UPDATE "AuditEvent" SET hash = audit_sha256("prevHash" || '|' || "contentHash" || '|' || seq::text) WHERE id = $1`, last.id);
      await tx.$executeRawUnsafe(`UPDATE "AuditChainHead" SET hash = (SELECT hash FROM "AuditEvent" WHERE id = $1)`, last.id);
      await expectBroken(tx, last.seq, /rewritten/);
    });
  });

  it("detects personal data removed without an erasure record", async () => {
    const prisma = db().prisma;
    const [, user] = await appendSome(prisma, 2);
    await withTamperedChain(prisma, async (tx) => {
      await tx.$executeRawUnsafe(`UPDATE "AuditEvent" SET "targetLabel" = NULL, before = NULL, after = NULL, "personalSalt" = NULL WHERE id = $1`, user.id);
      await expectBroken(tx, user.seq, /removed without an erasure record/);
    });
    await withTamperedChain(prisma, async (tx) => {
      await tx.$executeRawUnsafe(
        `UPDATE "AuditEvent" SET "targetLabel" = NULL, before = NULL, after = NULL, "personalSalt" = NULL, "erasedAt" = now(), "erasureId" = 'made-up' WHERE id = $1`,
        user.id,
      );
      await expectBroken(tx, user.seq, /does not exist/);
    });
  });

  it("verifies a range, anchored at its first event", async () => {
    const prisma = db().prisma;
    const events = await appendSome(prisma, 3);
    const r = await verifyAuditChain(prisma, { from: events[1].seq, to: events[2].seq });
    expect(r).toMatchObject({ ok: true, checked: 2, anchor: "range", fromPosition: String(events[1].seq) });
  });
});
