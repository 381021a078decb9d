// `npm run bench:audit-chain`: what the hash chain costs an audit-writing transaction. On a fresh
// PostgreSQL database, W concurrent writers run transactions shaped like a SCIM write (audit
// event, then one more statement, then commit) for a fixed time, twice in the same run: with the
// chain trigger, and with triggers off (session_replication_role = replica: the trail as it was
// before the chain). Read the ratio, not the absolute numbers (shared, noisy machines). Then one
// transaction of N events (a rule over all staff, a campaign's close) for N = 1,000 · 10,000 ·
// 40,000: the link at commit must stay linear (ms per event about constant; it was quadratic
// until migration 20261208170000).
//
//   npm run bench:audit-chain -- [--writers 8] [--seconds 10] [--postgres postgresql://postgres@127.0.0.1:5432/postgres]
import { parseArgs } from "node:util";
import { recordAuditEvent } from "@/lib/audit/record";
import { openDatabase } from "@/lib/db/client";
import { migrate } from "@/lib/db/migrate";
import { percentile } from "./load";
import { freshPostgresDatabase } from "./server";

const { values } = parseArgs({
  options: {
    writers: { type: "string", default: "8" },
    seconds: { type: "string", default: "10" },
    postgres: { type: "string", default: "postgresql://postgres@127.0.0.1:5432/postgres" },
  },
});

async function main() {
  const writers = Math.min(64, Math.max(1, Number(values.writers)));
  const seconds = Math.min(120, Math.max(1, Number(values.seconds)));
  const fresh = await freshPostgresDatabase(values.postgres!);
  const db = await openDatabase({ databaseUrl: fresh.url, poolMax: writers + 2 });
  try {
    await db.withSession((s) => migrate(s));
    const run = async (chained: boolean) => {
      const latencies: number[] = [];
      const until = Date.now() + seconds * 1000;
      await Promise.all(
        Array.from({ length: writers }, async (_, w) => {
          for (let i = 0; Date.now() < until && i < 100_000; i++) {
            const start = performance.now();
            await db.prisma.$transaction(async (tx) => {
              if (!chained) await tx.$executeRawUnsafe("SET LOCAL session_replication_role = replica");
              await recordAuditEvent(tx, {
                actor: { type: "directory", id: "token", label: "bench" },
                action: "user.updated",
                target: { type: "User", id: `u${w}-${i}`, label: `user${w}-${i}@example.com` },
                before: { title: "a" },
                after: { title: "b" },
              });
              await tx.$queryRawUnsafe("SELECT 1");
            }, { maxWait: 60_000, timeout: 60_000 });
            latencies.push(performance.now() - start);
          }
        }),
      );
      latencies.sort((a, b) => a - b);
      return { perSecond: Math.round(latencies.length / seconds), p50: percentile(latencies, 50).toFixed(1), p95: percentile(latencies, 95).toFixed(1) };
    };
    await run(true); // warm-up
    const plain = await run(false);
    // The unchained rows took sequence values: move the head past them (the chain itself is of no
    // interest in this throwaway database).
    await db.prisma.$executeRawUnsafe(`UPDATE "AuditChainHead" SET "position" = (SELECT max("seq") FROM "AuditEvent")`);
    const chained = await run(true);
    console.log(JSON.stringify({ writers, seconds, plain, chained, throughputRatio: (chained.perSecond / plain.perSecond).toFixed(2) }, null, 2));
    const bulk: Record<string, { seconds: string; msPerEvent: string }> = {};
    for (const n of [1_000, 10_000, 40_000]) {
      const start = performance.now();
      await db.prisma.$executeRawUnsafe(
        `INSERT INTO "AuditEvent" (id, "actorType", action, "targetType", "targetId", after)
         SELECT gen_random_uuid()::text, 'system', 'access.granted', 'User', 'bulk-' || i, jsonb_build_object('i', i) FROM generate_series(1, ${n}) i`,
      );
      const ms = performance.now() - start;
      bulk[String(n)] = { seconds: (ms / 1000).toFixed(2), msPerEvent: (ms / n).toFixed(3) };
    }
    console.log(JSON.stringify({ oneTransactionOfNEvents: bulk }, null, 2));
  } finally {
    await db.close();
    await fresh.drop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
