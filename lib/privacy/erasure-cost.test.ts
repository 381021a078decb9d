// The two erasure look-ups that run inside every SCIM DELETE read what they find, not the whole
// request log or the index's pending entries (issue 17: DELETE ran at 0.06 of the write floor).
// Read as buffers touched in EXPLAIN (ANALYZE, BUFFERS): a count, not a time, so the machine's load
// cannot make these pass or fail.
import { describe, expect, it } from "vitest";
import { setupTestDatabase, unique } from "@/lib/testing/database";
import { CLEAR_TRAIL_SQL, REQUEST_LOG_ERASURE_SQL } from "./erasure";

// Its own database: the audit events this file writes stay out of other files' chains.
const { db } = setupTestDatabase({ empty: true });

interface PlanNode {
  "Shared Hit Blocks"?: number;
  "Shared Read Blocks"?: number;
  Plans?: PlanNode[];
}

/** Buffers the statement touched (the plan root's counts include its children's). */
async function buffersOf(sql: string, ...params: unknown[]): Promise<number> {
  return buffersIn(db().prisma, sql, ...params);
}

async function buffersIn(q: Pick<ReturnType<typeof db>["prisma"], "$queryRawUnsafe">, sql: string, ...params: unknown[]): Promise<number> {
  const [row] = await q.$queryRawUnsafe<{ "QUERY PLAN": unknown }[]>(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${sql}`, ...params);
  const raw = row["QUERY PLAN"];
  const plan = (typeof raw === "string" ? JSON.parse(raw) : raw) as { Plan: PlanNode }[];
  if (process.env.SHOW_PLAN) console.log(JSON.stringify(plan, null, 1));
  return (plan[0].Plan["Shared Hit Blocks"] ?? 0) + (plan[0].Plan["Shared Read Blocks"] ?? 0);
}

describe("erasure inside SCIM DELETE", () => {
  it("deletes the subject's keyed request-log lines by their ids, whatever the statistics say of the directory's log", async () => {
    const prisma = db().prisma;
    const [quiet, busy] = [unique("quiet-dir"), unique("busy-dir")];
    await prisma.$executeRawUnsafe(`INSERT INTO "Directory" (id, name, kind, "updatedAt") VALUES ($1, $1, 'generic', now()), ($2, $2, 'generic', now())`, quiet, busy);
    // Statistics taken while the busy directory had no lines: the planner thinks it rare, as it
    // does while a request log grows by every request between two auto-analyzes.
    await prisma.$executeRawUnsafe(
      `INSERT INTO "RequestLog" (id, "directoryId", method, path, status, "latencyMs", "subjectKeysStored")
       SELECT gen_random_uuid()::text, $1, 'GET', '/Users/' || g, 200, 1, true FROM generate_series(1, 2000) g`,
      quiet,
    );
    await prisma.$executeRawUnsafe(`ANALYZE "RequestLog"`);
    await prisma.$executeRawUnsafe(
      `INSERT INTO "RequestLog" (id, "directoryId", method, path, status, "latencyMs", "subjectKeysStored")
       SELECT gen_random_uuid()::text, $1, 'GET', '/Users/' || g, 200, 1, true FROM generate_series(1, 20000) g`,
      busy,
    );
    const key = unique("subject-key");
    const lineId = unique("line");
    await prisma.$executeRawUnsafe(
      `INSERT INTO "RequestLog" (id, "directoryId", method, path, status, "latencyMs", "subjectKeysStored") VALUES ($1, $2, 'GET', '/Users?filter=x', 200, 1, true)`,
      lineId,
      busy,
    );
    await prisma.$executeRawUnsafe(`INSERT INTO "RequestLogSubject" ("requestLogId", key) VALUES ($1, $2)`, lineId, key);

    const buffers = await buffersOf(REQUEST_LOG_ERASURE_SQL, busy, [key], []);
    // A few index and heap pages; scanning the directory's 20,000 lines touches hundreds.
    expect(buffers).toBeLessThan(60);
    expect(await prisma.requestLog.count({ where: { id: lineId } })).toBe(0);
  });

  it("finds the audit events naming a person through the index without reading a pending list", async () => {
    const prisma = db().prisma;
    const person = unique("person");
    // Thousands of events naming other people, as a busy directory writes between two vacuums.
    await prisma.$executeRawUnsafe(
      `INSERT INTO "AuditEvent" (id, "actorType", "actorLabel", action, "targetType", "targetId", names)
       SELECT gen_random_uuid()::text, 'system', 'test', 'group.updated', 'Group', 'g', jsonb_build_object('User', jsonb_build_object(gen_random_uuid()::text, 'someone'))
       FROM generate_series(1, 5000)`,
    );
    await prisma.$executeRawUnsafe(
      `INSERT INTO "AuditEvent" (id, "actorType", "actorLabel", action, "targetType", "targetId", names)
       VALUES (gen_random_uuid()::text, 'system', 'test', 'group.updated', 'Group', 'g', jsonb_build_object('User', jsonb_build_object($1::text, 'the person')))`,
      person,
    );
    await prisma.$executeRawUnsafe(`ANALYZE "AuditEvent"`);
    const buffers = await buffersOf(`SELECT id FROM "AuditEvent" WHERE "names" -> 'User' ? $1`, person);
    // The index's pages for one key and the event's heap page; a pending list of 5,000 entries is dozens.
    expect(buffers).toBeLessThan(12);
  });

  it("clears the webhook bodies of the person's events by event id, not by reading every delivery kept", async () => {
    const prisma = db().prisma;
    const subject = unique("subject");
    const endpoint = unique("endpoint");
    await prisma.$executeRawUnsafe(
      `INSERT INTO "WebhookEndpoint" (id, url, events, "secretCiphertext") VALUES ($1, 'https://hooks.example/x', '["*"]'::jsonb, 'x')`,
      endpoint,
    );
    // Deliveries of 20,000 other events, kept as sent.
    await prisma.$executeRawUnsafe(
      `INSERT INTO "WebhookDelivery" (id, "endpointId", "eventId", "eventType", payload, status)
       SELECT gen_random_uuid()::text, $1, gen_random_uuid()::text, 'user.updated', '{"data":{"target":{"label":"someone"}}}', 'succeeded' FROM generate_series(1, 20000)`,
      endpoint,
    );
    // The person's own events (personal fields set by the trigger), each delivered once.
    const events = await prisma.$queryRawUnsafe<{ id: string }[]>(
      `INSERT INTO "AuditEvent" (id, "actorType", "actorLabel", action, "targetType", "targetId", "targetLabel", "after")
       SELECT gen_random_uuid()::text, 'system', 'test', 'user.updated', 'User', $1, 'erin@contoso.example', '{"title":"Counsel"}'::jsonb
       FROM generate_series(1, 3) RETURNING id`,
      subject,
    );
    for (const e of events) {
      await prisma.$executeRawUnsafe(
        `INSERT INTO "WebhookDelivery" (id, "endpointId", "eventId", "eventType", payload, status)
         VALUES (gen_random_uuid()::text, $1, $2, 'user.updated', '{"data":{"target":{"label":"erin@contoso.example"}}}', 'succeeded')`,
        endpoint,
        e.id,
      );
    }
    await prisma.$executeRawUnsafe(`ANALYZE "WebhookDelivery"`);
    const erasureId = unique("erasure");
    const buffers = await prisma.$transaction(async (tx) => {
      await tx.$executeRawUnsafe(`SELECT set_config('custodian.audit_erasure', $1, true)`, erasureId);
      return buffersIn(tx, CLEAR_TRAIL_SQL, subject, new Date(), erasureId);
    });
    // The three events and their deliveries through indexes; reading 20,000 deliveries is hundreds of pages.
    expect(buffers).toBeLessThan(150);
    const left = await prisma.$queryRawUnsafe<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM "WebhookDelivery" WHERE "eventId" = ANY($1::text[]) AND payload LIKE '%erin@%'`,
      events.map((e) => e.id),
    );
    expect(left[0].n).toBe(0);
  });
});
