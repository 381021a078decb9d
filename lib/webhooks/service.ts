// Webhook endpoints and their delivery log: the admin side of webhooks. Each change is one
// transaction with its audit event; a signing secret exists in clear only in the return value of
// createEndpoint / rotateEndpointSecret (stored encrypted, secrets.ts).
import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { PrismaClient, WebhookDelivery, WebhookEndpoint } from "@/lib/generated/prisma/client";
import { recordAuditEvent, type Actor } from "@/lib/audit/record";
import { now as clockNow } from "@/lib/clock";
import { AppError } from "@/lib/errors";
import { pageWindow, type Page, type PageInput } from "@/lib/pagination";
import { TEST_EVENT_TYPE, WEBHOOK_EVENT_TYPES, type WebhookPayload } from "./events";
import { configuredTargetPolicy } from "./policy";
import { encryptSecret, generateWebhookSecret } from "./secrets";
import type { TargetPolicy } from "@/lib/config";
import { assertTargetAllowed } from "./targets";
import { onProcessClient } from "@/lib/db/client";

/** After a rotation, the previous secret keeps signing this long, so receivers can switch over. */
export const ROTATION_OVERLAP_MS = 24 * 60 * 60 * 1000;
export const DELIVERY_STATUSES = ["pending", "succeeded", "failed"] as const;

const events = z
  .array(z.enum(WEBHOOK_EVENT_TYPES))
  .min(1, "choose at least one event")
  .transform((e) => [...new Set(e)]);

export const createEndpointInput = z.object({
  url: z.string().trim().min(1, "required").max(2000),
  description: z.string().trim().max(500).optional().transform((v) => v || null),
  events,
});

export const updateEndpointInput = z
  .object({
    url: z.string().trim().min(1).max(2000).optional(),
    description: z.string().trim().max(500).nullish().transform((v) => (v === undefined ? undefined : v || null)),
    events: events.optional(),
    enabled: z.boolean().optional(),
  })
  .strict();

export function endpointView(e: WebhookEndpoint) {
  return {
    id: e.id,
    url: e.url,
    description: e.description,
    events: Array.isArray(e.events) ? (e.events as string[]) : [],
    enabled: e.enabled,
    consecutiveFailures: e.consecutiveFailures,
    disabledAt: e.disabledAt?.toISOString() ?? null,
    /** "auto" after repeated failures, "admin" when switched off by hand. */
    disabledReason: e.disabledReason,
    secretRotatedOverlapUntil: e.previousSecretExpiresAt?.toISOString() ?? null,
    createdAt: e.createdAt.toISOString(),
    createdBy: e.createdBy,
  };
}
export type EndpointView = ReturnType<typeof endpointView>;

const labelOf = (e: Pick<WebhookEndpoint, "url">) => e.url.slice(0, 200);

export async function createEndpoint(
  prisma: PrismaClient,
  options: { input: z.input<typeof createEndpointInput>; actor: Actor; policy?: TargetPolicy },
): Promise<{ secret: string; endpoint: EndpointView }> {
  const input = createEndpointInput.parse(options.input);
  const url = await assertTargetAllowed(options.policy ?? configuredTargetPolicy(), input.url);
  const secret = generateWebhookSecret();
  const secretCiphertext = await encryptSecret(prisma, secret);
  const endpoint = await prisma.$transaction(async (tx) => {
    const created = await tx.webhookEndpoint.create({
      data: {
        url: url.toString(),
        description: input.description,
        events: input.events,
        secretCiphertext,
        createdAt: clockNow(),
        createdBy: options.actor.label ?? options.actor.id ?? null,
      },
    });
    await recordAuditEvent(tx, {
      actor: options.actor,
      action: "webhook.endpoint_created",
      target: { type: "WebhookEndpoint", id: created.id, label: labelOf(created) },
      after: { url: created.url, description: created.description, events: input.events },
    });
    return created;
  });
  return { secret, endpoint: endpointView(endpoint) };
}

async function findEndpoint(prisma: PrismaClient, id: string): Promise<WebhookEndpoint> {
  const endpoint = await prisma.webhookEndpoint.findUnique({ where: { id } });
  if (!endpoint) throw new AppError("not_found", `Webhook endpoint ${id} not found`);
  return endpoint;
}

export async function updateEndpoint(
  prisma: PrismaClient,
  options: { id: string; input: z.input<typeof updateEndpointInput>; actor: Actor; policy?: TargetPolicy },
): Promise<EndpointView> {
  const input = updateEndpointInput.parse(options.input);
  const url = input.url === undefined ? undefined : (await assertTargetAllowed(options.policy ?? configuredTargetPolicy(), input.url)).toString();
  return prisma.$transaction(async (tx) => {
    const before = await tx.webhookEndpoint.findUnique({ where: { id: options.id } });
    if (!before) throw new AppError("not_found", `Webhook endpoint ${options.id} not found`);
    const enabling = input.enabled === true && !before.enabled;
    const disabling = input.enabled === false && before.enabled;
    const updated = await tx.webhookEndpoint.update({
      where: { id: before.id },
      data: {
        url,
        description: input.description,
        events: input.events,
        enabled: input.enabled,
        // Enabling starts the failure count afresh; deliveries that waited resume.
        ...(enabling ? { consecutiveFailures: 0, disabledAt: null, disabledReason: null } : {}),
        ...(disabling ? { disabledAt: clockNow(), disabledReason: "admin" } : {}),
      },
    });
    const pick = (e: WebhookEndpoint) => ({ url: e.url, description: e.description, events: e.events, enabled: e.enabled });
    await recordAuditEvent(tx, {
      actor: options.actor,
      action: enabling ? "webhook.endpoint_enabled" : disabling ? "webhook.endpoint_disabled" : "webhook.endpoint_updated",
      target: { type: "WebhookEndpoint", id: updated.id, label: labelOf(updated) },
      before: pick(before),
      after: pick(updated),
    });
    return endpointView(updated);
  });
}

export async function rotateEndpointSecret(
  prisma: PrismaClient,
  options: { id: string; actor: Actor },
): Promise<{ secret: string; endpoint: EndpointView }> {
  const secret = generateWebhookSecret();
  const secretCiphertext = await encryptSecret(prisma, secret);
  const endpoint = await prisma.$transaction(async (tx) => {
    const existing = await tx.webhookEndpoint.findUnique({ where: { id: options.id } });
    if (!existing) throw new AppError("not_found", `Webhook endpoint ${options.id} not found`);
    const overlapUntil = new Date(clockNow().getTime() + ROTATION_OVERLAP_MS);
    const updated = await tx.webhookEndpoint.update({
      where: { id: existing.id },
      data: { secretCiphertext, previousSecretCiphertext: existing.secretCiphertext, previousSecretExpiresAt: overlapUntil },
    });
    await recordAuditEvent(tx, {
      actor: options.actor,
      action: "webhook.secret_rotated",
      target: { type: "WebhookEndpoint", id: existing.id, label: labelOf(existing) },
      after: { previousSecretValidUntil: overlapUntil.toISOString() },
    });
    return updated;
  });
  return { secret, endpoint: endpointView(endpoint) };
}

export async function deleteEndpoint(prisma: PrismaClient, options: { id: string; actor: Actor }): Promise<void> {
  await prisma.$transaction(async (tx) => {
    const existing = await tx.webhookEndpoint.findUnique({ where: { id: options.id } });
    if (!existing) throw new AppError("not_found", `Webhook endpoint ${options.id} not found`);
    await tx.webhookEndpoint.delete({ where: { id: existing.id } });
    await recordAuditEvent(tx, {
      actor: options.actor,
      action: "webhook.endpoint_deleted",
      target: { type: "WebhookEndpoint", id: existing.id, label: labelOf(existing) },
      before: { url: existing.url, description: existing.description, events: existing.events },
    });
  });
}

/** Every endpoint (a handful per installation), newest first. */
export async function listEndpoints(prisma: PrismaClient): Promise<EndpointView[]> {
  const rows = await prisma.webhookEndpoint.findMany({ orderBy: [{ createdAt: "desc" }, { id: "asc" }], take: 500 });
  return rows.map(endpointView);
}

/** Endpoints switched off after repeated failures: the overview's alert. */
export async function autoDisabledEndpoints(prisma: PrismaClient) {
  const rows = await prisma.webhookEndpoint.findMany({
    where: { enabled: false, disabledReason: "auto" },
    orderBy: { disabledAt: "desc" },
    take: 20,
  });
  return rows.map(endpointView);
}

type DeliveryWithAttempts = WebhookDelivery & {
  attemptLog: { attemptedAt: Date; statusCode: number | null; error: string | null; latencyMs: number; responseSnippet: string | null }[];
};

function deliveryView(d: DeliveryWithAttempts) {
  return {
    id: d.id,
    endpointId: d.endpointId,
    eventId: d.eventId,
    eventType: d.eventType,
    status: d.status,
    attempts: d.attempts,
    nextAttemptAt: d.status === "pending" ? d.nextAttemptAt.toISOString() : null,
    lastAttemptAt: d.lastAttemptAt?.toISOString() ?? null,
    lastStatusCode: d.lastStatusCode,
    lastError: d.lastError,
    deliveredAt: d.deliveredAt?.toISOString() ?? null,
    replayOf: d.replayOf,
    createdAt: d.createdAt.toISOString(),
    payload: d.payload,
    attemptLog: d.attemptLog.map((a) => ({
      attemptedAt: a.attemptedAt.toISOString(),
      statusCode: a.statusCode,
      error: a.error,
      latencyMs: a.latencyMs,
      responseSnippet: a.responseSnippet,
    })),
  };
}
export type DeliveryView = ReturnType<typeof deliveryView>;

export const deliveryFilter = z.object({
  endpointId: z.string().max(100).optional().transform((v) => v || undefined),
  status: z.enum(DELIVERY_STATUSES).or(z.literal("")).optional().transform((v) => v || undefined),
});

/** The delivery log, newest first, with each delivery's latest attempts. */
export async function listDeliveries(
  prisma: PrismaClient,
  options: { filter?: z.input<typeof deliveryFilter>; page?: PageInput },
): Promise<Page<DeliveryView>> {
  const filter = deliveryFilter.parse(options.filter ?? {});
  const { page, pageSize, skip, take } = pageWindow(options.page);
  const where = { endpointId: filter.endpointId, status: filter.status };
  const [rows, total] = await Promise.all([
    prisma.webhookDelivery.findMany({
      where,
      orderBy: [{ createdAt: "desc" }, { id: "asc" }],
      skip,
      take,
      include: { attemptLog: { orderBy: { attemptedAt: "desc" }, take: 5 } },
    }),
    prisma.webhookDelivery.count({ where }),
  ]);
  return { items: rows.map(deliveryView), page, pageSize, total };
}

/** Sends a delivery's exact payload again (same event id, so receivers can deduplicate), as a new delivery. */
export async function replayDelivery(prisma: PrismaClient, options: { id: string; actor: Actor }): Promise<DeliveryView> {
  return prisma.$transaction(async (tx) => {
    const original = await tx.webhookDelivery.findUnique({ where: { id: options.id }, include: { endpoint: true } });
    if (!original) throw new AppError("not_found", `Webhook delivery ${options.id} not found`);
    const replay = await tx.webhookDelivery.create({
      data: {
        endpointId: original.endpointId,
        eventId: original.eventId,
        eventType: original.eventType,
        payload: original.payload,
        nextAttemptAt: clockNow(),
        createdAt: clockNow(),
        replayOf: original.replayOf ?? original.id,
      },
      include: { attemptLog: true },
    });
    await recordAuditEvent(tx, {
      actor: options.actor,
      action: "webhook.delivery_replayed",
      target: { type: "WebhookEndpoint", id: original.endpointId, label: labelOf(original.endpoint) },
      after: { deliveryId: replay.id, replayOf: original.id, eventId: original.eventId, eventType: original.eventType },
    });
    return deliveryView(replay);
  });
}

/** Queues a `webhook.test` event for one endpoint (delivered by the dispatcher like any other). */
export async function sendTestEvent(prisma: PrismaClient, options: { id: string; actor: Actor }): Promise<DeliveryView> {
  const endpoint = await findEndpoint(prisma, options.id);
  if (!endpoint.enabled) throw new AppError("conflict", "The endpoint is disabled: enable it to send a test event");
  const at = clockNow();
  const payload: WebhookPayload = {
    id: randomUUID(),
    type: TEST_EVENT_TYPE,
    occurredAt: at.toISOString(),
    directoryId: null,
    data: { endpointId: endpoint.id, message: "Test event sent from the Custodian dashboard", sentBy: options.actor.label ?? null },
  };
  const delivery = await prisma.webhookDelivery.create({
    data: { endpointId: endpoint.id, eventId: payload.id, eventType: TEST_EVENT_TYPE, payload: JSON.stringify(payload), nextAttemptAt: at, createdAt: at },
    include: { attemptLog: true },
  });
  return deliveryView(delivery);
}

/** The reads the overview page makes (pages never hold the database client). */
export const webhooksForPages = {
  autoDisabledEndpoints: onProcessClient(autoDisabledEndpoints),
};
