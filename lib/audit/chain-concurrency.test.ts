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
});
