// Webhook delivery. Runs in every server (startWebhookDispatcher, every second) and from
// `npm run jobs:run-once`; any number of instances may run it at once:
//  1. fan-out: outbox rows (written by the AuditEvent trigger in the change's own transaction)
//     are claimed with FOR UPDATE SKIP LOCKED and turned into one delivery per subscribed
//     endpoint, and deleted, in one transaction — each event is fanned out exactly once, and a
//     crash before commit leaves the rows for the next run.
//  2. claim: due deliveries are leased in one statement (SKIP LOCKED; nextAttemptAt moves past
//     the lease), so no two instances send the same delivery; a crash during the send lets the
//     lease lapse and the delivery is retried (receivers deduplicate by event id).
//  3. send, then record the attempt; failures back off exponentially with jitter, give up after
//     maxAttempts, and an endpoint failing disableAfterFailures times in a row is disabled (with
//     an audit event and an alert on the overview).
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { recordAuditEvent } from "@/lib/audit/record";
import { now as clockNow } from "@/lib/clock";
import { getPrisma } from "@/lib/db/client";
import { log } from "@/lib/log";
import { deliveredTypeFor, eventTypesOf, payloadOf } from "./events";
import { configuredTargetPolicy } from "./policy";
import { decryptSecret } from "./secrets";
import { sendWebhook, type SendResult } from "./send";
import { DELIVERY_ID_HEADER, EVENT_ID_HEADER, EVENT_TYPE_HEADER, SIGNATURE_HEADER, signWebhook } from "./signature";
import type { TargetPolicy } from "@/lib/config";
import { everyInterval } from "@/lib/interval-loop";

export interface DispatchOptions {
  now?: Date;
  policy?: TargetPolicy;
  /** Attempts per delivery before it is marked failed. */
  maxAttempts?: number;
  /** Consecutive failed attempts (any delivery) after which an endpoint is disabled. */
  disableAfterFailures?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** How long a claimed delivery is reserved for its sender (longer than a send can take). */
  leaseMs?: number;
  batchSize?: number;
  timeoutMs?: number;
}

export const DISPATCH_DEFAULTS = {
  maxAttempts: 10,
  disableAfterFailures: 20,
  backoffBaseMs: 30_000,
  backoffMaxMs: 4 * 60 * 60 * 1000,
  leaseMs: 60_000,
  batchSize: 20,
} as const;

const FANOUT_BATCH = 500;
const SYSTEM_ACTOR = { type: "system" as const, label: "webhooks" };

export interface DispatchResult {
  fannedOut: number;
  deliveriesCreated: number;
  attempted: number;
  succeeded: number;
  failed: number;
  endpointsDisabled: number;
}

/** Delay before attempt `attempt + 1` after `attempt` failed: exponential, capped, "equal jitter". */
export function backoffMs(attempt: number, base: number, max: number, random = Math.random): number {
  const ceiling = Math.min(max, base * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/** Moves outbox rows into deliveries; returns [outbox rows consumed, deliveries created]. */
export async function fanOutOnce(prisma: PrismaClient, now: Date): Promise<[number, number]> {
  return prisma.$transaction(async (tx) => {
    const rows = await tx.$queryRawUnsafe<{ id: bigint; auditEventId: string }[]>(
      `SELECT id, "auditEventId" FROM "WebhookOutbox" ORDER BY id LIMIT ${FANOUT_BATCH} FOR UPDATE SKIP LOCKED`,
    );
    if (rows.length === 0) return [0, 0];
    const [events, endpoints] = await Promise.all([
      tx.auditEvent.findMany({ where: { id: { in: rows.map((r) => r.auditEventId) } } }),
      tx.webhookEndpoint.findMany({ where: { enabled: true }, select: { id: true, events: true } }),
    ]);
    const byId = new Map(events.map((e) => [e.id, e]));
    const deliveries = [];
    for (const row of rows) {
      const event = byId.get(row.auditEventId);
      if (!event) continue;
      const types = eventTypesOf(event);
      for (const endpoint of endpoints) {
        const type = deliveredTypeFor(types, Array.isArray(endpoint.events) ? (endpoint.events as string[]) : []);
        if (!type) continue;
        deliveries.push({
          endpointId: endpoint.id,
          eventId: event.id,
          eventType: type,
          payload: JSON.stringify(payloadOf(event, type)),
          nextAttemptAt: now,
          createdAt: now,
        });
      }
    }
    if (deliveries.length > 0) await tx.webhookDelivery.createMany({ data: deliveries });
    await tx.webhookOutbox.deleteMany({ where: { id: { in: rows.map((r) => r.id) } } });
    return [rows.length, deliveries.length];
  });
}

interface Claimed {
  id: string;
  endpointId: string;
  eventId: string;
  eventType: string;
  payload: string;
  attempts: number;
}

async function claimDue(prisma: PrismaClient, now: Date, leaseMs: number, limit: number): Promise<Claimed[]> {
  return prisma.$queryRawUnsafe<Claimed[]>(
    `UPDATE "WebhookDelivery" d SET attempts = d.attempts + 1, "nextAttemptAt" = $2::timestamp(3), "lastAttemptAt" = $1::timestamp(3)
     WHERE d.id IN (
       SELECT q.id FROM "WebhookDelivery" q JOIN "WebhookEndpoint" e ON e.id = q."endpointId" AND e.enabled
       WHERE q.status = 'pending' AND q."nextAttemptAt" <= $1::timestamp(3)
       ORDER BY q."nextAttemptAt", q."createdAt" LIMIT $3
       FOR UPDATE OF q SKIP LOCKED)
     RETURNING d.id, d."endpointId", d."eventId", d."eventType", d.payload, d.attempts`,
    now,
    new Date(now.getTime() + leaseMs),
    limit,
  );
}

async function signingSecrets(prisma: PrismaClient, endpointId: string, now: Date) {
  const e = await prisma.webhookEndpoint.findUnique({ where: { id: endpointId } });
  if (!e) return undefined;
  const secrets = [await decryptSecret(prisma, e.secretCiphertext)];
  if (e.previousSecretCiphertext && e.previousSecretExpiresAt && e.previousSecretExpiresAt > now) {
    secrets.push(await decryptSecret(prisma, e.previousSecretCiphertext));
  }
  return { url: e.url, secrets };
}

async function attempt(prisma: PrismaClient, d: Claimed, now: Date, policy: TargetPolicy, timeoutMs?: number): Promise<SendResult> {
  try {
    const target = await signingSecrets(prisma, d.endpointId, now);
    if (!target) return { ok: false, error: "endpoint deleted", latencyMs: 0 };
    const signature = signWebhook({ body: d.payload, secrets: target.secrets, timestamp: Math.floor(Date.now() / 1000) });
    return await sendWebhook({
      url: target.url,
      body: d.payload,
      policy,
      timeoutMs,
      headers: {
        "content-type": "application/json",
        "user-agent": "Custodian-Webhooks/1",
        [SIGNATURE_HEADER]: signature,
        [EVENT_ID_HEADER]: d.eventId,
        [EVENT_TYPE_HEADER]: d.eventType,
        [DELIVERY_ID_HEADER]: d.id,
      },
    });
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err), latencyMs: 0 };
  }
}

/** Records one attempt; returns whether the endpoint was disabled by it. */
async function recordAttempt(
  prisma: PrismaClient,
  d: Claimed,
  result: SendResult,
  now: Date,
  o: Required<Pick<DispatchOptions, "maxAttempts" | "disableAfterFailures" | "backoffBaseMs" | "backoffMaxMs">>,
): Promise<boolean> {
  return prisma.$transaction(async (tx) => {
    const error = result.error?.slice(0, 500) ?? null;
    const gaveUp = !result.ok && d.attempts >= o.maxAttempts;
    // Only the holder of this attempt's lease records it (attempts still equals the claim's).
    const updated = await tx.webhookDelivery.updateMany({
      where: { id: d.id, status: "pending", attempts: d.attempts },
      data: {
        status: result.ok ? "succeeded" : gaveUp ? "failed" : "pending",
        deliveredAt: result.ok ? now : undefined,
        nextAttemptAt: result.ok || gaveUp ? undefined : new Date(now.getTime() + backoffMs(d.attempts, o.backoffBaseMs, o.backoffMaxMs)),
        lastStatusCode: result.statusCode ?? null,
        lastError: error,
      },
    });
    if (updated.count === 0) return false;
    await tx.webhookAttempt.create({
      data: {
        deliveryId: d.id,
        attemptedAt: now,
        statusCode: result.statusCode ?? null,
        error,
        latencyMs: result.latencyMs,
        responseSnippet: result.responseSnippet ?? null,
      },
    });
    if (result.ok) {
      await tx.webhookEndpoint.updateMany({ where: { id: d.endpointId, consecutiveFailures: { gt: 0 } }, data: { consecutiveFailures: 0 } });
      return false;
    }
    const [endpoint] = await tx.$queryRawUnsafe<{ failures: number; enabled: boolean; url: string }[]>(
      `UPDATE "WebhookEndpoint" SET "consecutiveFailures" = "consecutiveFailures" + 1 WHERE id = $1
       RETURNING "consecutiveFailures" AS failures, enabled, url`,
      d.endpointId,
    );
    if (!endpoint || !endpoint.enabled || endpoint.failures < o.disableAfterFailures) return false;
    await tx.webhookEndpoint.update({ where: { id: d.endpointId }, data: { enabled: false, disabledAt: now, disabledReason: "auto" } });
    await recordAuditEvent(tx, {
      actor: SYSTEM_ACTOR,
      action: "webhook.endpoint_auto_disabled",
      target: { type: "WebhookEndpoint", id: d.endpointId, label: endpoint.url.slice(0, 200) },
      after: { consecutiveFailures: endpoint.failures, lastError: error, lastStatusCode: result.statusCode ?? null },
    });
    log.warn("webhook endpoint disabled after repeated failures", { endpointId: d.endpointId, failures: endpoint.failures });
    return true;
  });
}

/** One pass: fan out the whole outbox, then send what is due (one batch). */
export async function runDeliveriesOnce(prisma: PrismaClient, options: DispatchOptions = {}): Promise<DispatchResult> {
  const o = { ...DISPATCH_DEFAULTS, ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) };
  const now = options.now ?? clockNow();
  const policy = options.policy ?? configuredTargetPolicy();
  const result: DispatchResult = { fannedOut: 0, deliveriesCreated: 0, attempted: 0, succeeded: 0, failed: 0, endpointsDisabled: 0 };
  for (let i = 0; i < 100; i++) {
    const [consumed, created] = await fanOutOnce(prisma, now);
    result.fannedOut += consumed;
    result.deliveriesCreated += created;
    if (consumed < FANOUT_BATCH) break;
  }
  const claimed = await claimDue(prisma, now, o.leaseMs, o.batchSize);
  await Promise.all(
    claimed.map(async (d) => {
      const sent = await attempt(prisma, d, now, policy, options.timeoutMs);
      result.attempted++;
      if (sent.ok) result.succeeded++;
      else result.failed++;
      if (await recordAttempt(prisma, d, sent, options.now ?? clockNow(), o)) result.endpointsDisabled++;
    }),
  );
  return result;
}

const INTERVAL_MS = 1000;
let started = false;

/** The in-process loop of a server: one pass a second. */
export function startWebhookDispatcher(): void {
  if (started) return;
  started = true;
  everyInterval("webhook dispatcher", INTERVAL_MS, async () => {
    const result = await runDeliveriesOnce(await getPrisma());
    if (result.attempted > 0) log.debug("webhook deliveries", { ...result });
  });
}
