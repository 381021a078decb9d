// Many writers, several "instances" (separate Prisma clients with their own connection pools), one
// chain: no forks, no gaps — rolled-back transactions included. PostgreSQL only (PGlite is one
// connection: its transactions never overlap).
import { describe, expect, it } from "vitest";
import { openDatabase, type Database } from "@/lib/db/client";
import { setupTestDatabase } from "@/lib/testing/database";
import { recordAuditEvent } from "./record";
import { verifyAuditChain } from "./verify";

const { db } = setupTestDatabase({ empty: true });
const INSTANCES = 3;
const WRITERS_PER_INSTANCE = 12;
const TRANSACTIONS_PER_WRITER = 8;

class Rollback extends Error {}

describe.skipIf(!process.env.DATABASE_URL)("audit chain under concurrency (PostgreSQL)", () => {
  it("appends from concurrent transactions of several instances without forks or gaps", async () => {
    const instances: Database[] = [];
    for (let i = 0; i < INSTANCES; i++) instances.push(await openDatabase({ databaseUrl: process.env.DATABASE_URL, poolMax: 6 }));
    let committed = 0;
    try {
      const [{ before }] = await db().prisma.$queryRawUnsafe<{ before: bigint }[]>(`SELECT "position" AS before FROM "AuditChainHead"`);
      await Promise.all(
        instances.flatMap((instance, i) =>
          Array.from({ length: WRITERS_PER_INSTANCE }, async (_, w) => {
            for (let t = 0; t < TRANSACTIONS_PER_WRITER; t++) {
              const events = 1 + ((i + w + t) % 3);
              const rollback = (w + t) % 5 === 0;
              try {
                await instance.prisma.$transaction(async (tx) => {
                  for (let e = 0; e < events; e++)
                    await recordAuditEvent(tx, {
                      actor: { type: "system", label: `instance ${i}` },
                      action: e % 2 ? "user.updated" : "group.updated",
                      target: { type: e % 2 ? "User" : "Group", id: `i${i}-w${w}-t${t}-e${e}`, label: `person${w}@example.com` },
                      after: { i, w, t, e },
                    });
                  // A multi-row insert in the same transaction (the bulk access-event path).
                  if (t % 4 === 1)
                    await tx.$executeRawUnsafe(
                      `INSERT INTO "AuditEvent" (id, "actorType", action, "targetType", "targetId", "targetLabel")
                       SELECT gen_random_uuid()::text, 'system', 'access.granted', 'User', 'u' || n, 'p' || n FROM generate_series(1, 5) n`,
                    );
                  if (rollback) throw new Rollback();
                }, { maxWait: 60_000, timeout: 60_000 });
                committed += events + (t % 4 === 1 ? 5 : 0);
              } catch (err) {
                if (!(err instanceof Rollback)) throw err;
              }
            }
          }),
        ),
      );
      const rows = await db().prisma.$queryRawUnsafe<{ seq: bigint }[]>(`SELECT seq FROM "AuditEvent" WHERE seq > $1 ORDER BY seq`, before);
      expect(rows).toHaveLength(committed);
      expect(rows.map((r) => Number(r.seq))).toEqual(rows.map((_, k) => Number(before) + 1 + k));
      const result = await verifyAuditChain(db().prisma);
      expect(result.break).toBeUndefined();
      expect(result).toMatchObject({ ok: true, toPosition: String(Number(before) + committed) });
    } finally {
      await Promise.all(instances.map((d) => d.close()));
    }
  }, 180_000);

  it("links at commit: a transaction that wrote an event holds no chain lock until it commits, and positions follow commit order (issue 17)", async () => {
    const [first, second] = [await openDatabase({ databaseUrl: process.env.DATABASE_URL, poolMax: 2 }), await openDatabase({ databaseUrl: process.env.DATABASE_URL, poolMax: 2 })];
    const event = (id: string) => ({ actor: { type: "system" as const, label: "link test" }, action: "group.updated" as const, target: { type: "Group", id }, after: { id } });
    let release: (() => void) | undefined;
    try {
      const held = new Promise<void>((resolve) => (release = resolve));
      let seenInside: { seq: bigint; hash: string } | undefined;
      let written!: () => void;
      const wrote = new Promise<void>((resolve) => (written = resolve));
      const slow = first.prisma.$transaction(async (tx) => {
        const id = await recordAuditEvent(tx, event("slow"));
        // Unlinked inside its own transaction, invisible outside it.
        seenInside = await tx.auditEvent.findUniqueOrThrow({ where: { id }, select: { seq: true, hash: true } });
        written();
        await held;
        return id;
      });
      await wrote;
      // Before issue 17 this waited on the slow transaction's lock on the chain head (and timed out).
      const fast = await Promise.race([
        second.prisma.$transaction((tx) => recordAuditEvent(tx, event("fast"))),
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error("blocked by another transaction's open audit event")), 5000)),
      ]);
      release!();
      const slowId = await slow;
      expect(seenInside!.seq).toBeLessThan(0n);
      expect(seenInside!.hash).toBe("");
      const [a, b] = await Promise.all([fast, slowId].map((id) => db().prisma.auditEvent.findUniqueOrThrow({ where: { id }, select: { seq: true, hash: true } })));
      expect(a.seq).toBeGreaterThan(0n);
      expect(b.seq).toBe(a.seq + 1n);
      expect(b.hash).not.toBe("");
      expect((await verifyAuditChain(db().prisma)).ok).toBe(true);
    } finally {
      release?.();
      await Promise.all([first.close(), second.close()]);
    }
  });
});
