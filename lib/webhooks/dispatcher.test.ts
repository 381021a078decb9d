// Webhooks end to end on the real database (PGlite, or PostgreSQL with TEST_DATABASE_URL): real
// changes through the SCIM handler and the services, the outbox trigger, the dispatcher, and a
// real HTTP receiver on the loopback interface that verifies every signature.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { processTimedEffects } from "@/lib/access/timed-effects";
import { newWorld, sleep } from "@/lib/testing/access-world";
import { recordAuditEvent } from "@/lib/audit/record";
import { closeDatabase, getPrisma, openDatabase } from "@/lib/db/client";
import { setupTestDatabase, unique } from "@/lib/testing/database";
import { GROUP_SCHEMA, PATCH_OP } from "@/lib/scim/schema";
import { newDirectory } from "@/lib/testing/scim";
import { startWebhookReceiver } from "@/lib/testing/webhook-receiver";
import { runDeliveriesOnce, type DispatchOptions } from "./dispatcher";
import { autoDisabledEndpoints, createEndpoint, deleteEndpoint, listDeliveries, replayDelivery, sendTestEvent, updateEndpoint } from "./service";
import { EVENT_ID_HEADER, SIGNATURE_HEADER, verifyWebhookSignature } from "./signature";
import { parseTargetPolicy } from "@/lib/config";

const { db } = setupTestDatabase();
const actor = { type: "admin" as const, id: "webhook-test", label: "webhook test" };
const USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User";
// The receiver listens on 127.0.0.1: allowed explicitly, as WEBHOOK_ALLOW_PRIVATE_TARGETS would.
const policy = parseTargetPolicy("127.0.0.1");

type Receiver = Awaited<ReturnType<typeof startWebhookReceiver>>;
const receivers: Receiver[] = [];
const endpoints: string[] = [];

async function receiver(respond?: Parameters<typeof startWebhookReceiver>[0]) {
  const r = await startWebhookReceiver(respond);
  receivers.push(r);
  return r;
}

async function endpoint(url: string, events: string[]) {
  const created = await createEndpoint(await getPrisma(), { input: { url, events: events as never, description: "test" }, actor, policy });
  endpoints.push(created.endpoint.id);
  return created;
}

const dispatch = async (options: DispatchOptions = {}) => runDeliveriesOnce(await getPrisma(), { policy, ...options });

/** Runs the dispatcher until nothing is due (bounded). */
async function drain(options: DispatchOptions = {}) {
  for (let i = 0; i < 20; i++) {
    const r = await dispatch(options);
    if (r.attempted === 0 && r.fannedOut === 0) return;
  }
}

function expectSigned(r: Receiver, secret: string) {
  for (const request of r.received) {
    expect(verifyWebhookSignature({ body: request.body, header: request.headers[SIGNATURE_HEADER.toLowerCase()] as string, secret })).toMatchObject({ ok: true });
    expect(request.headers[EVENT_ID_HEADER.toLowerCase()]).toBe(JSON.parse(request.body).id);
  }
}

async function provision(scim: Awaited<ReturnType<typeof newDirectory>>["scim"], name = unique("u")) {
  const res = await scim.post("/Users", { schemas: [USER_SCHEMA], userName: `${name}@example.com`, active: true });
  expect(res.status).toBe(201);
  const prisma = await getPrisma();
  const event = await prisma.auditEvent.findFirstOrThrow({ where: { action: "user.created", targetId: res.body.id as string } });
  return { userId: res.body.id as string, eventId: event.id };
}

let scim: Awaited<ReturnType<typeof newDirectory>>["scim"];
beforeAll(async () => {
  scim = (await newDirectory()).scim;
});

afterEach(async () => {
  // Endpoints of one test must not receive the next test's events.
  const prisma = await getPrisma();
  for (const id of endpoints.splice(0)) await deleteEndpoint(prisma, { id, actor }).catch(() => undefined);
});

afterAll(async () => {
  await Promise.all(receivers.map((r) => r.close()));
});

describe("webhooks", () => {
  it("queues the events one statement writes in the order they were written (= their chain positions)", async () => {
    const r = await receiver();
    await endpoint(r.url, ["access.granted"]);
    const prisma = await getPrisma();
    const ids = Array.from({ length: 5 }, () => crypto.randomUUID());
    // One multi-row INSERT, as the batched access-change writer does.
    await prisma.$executeRawUnsafe(
      `INSERT INTO "AuditEvent" (id, "actorType", action, "targetType", "targetId") VALUES ${ids.map((_, i) => `($${i + 1}, 'system', 'access.granted', 'User', $${i + 1})`).join(", ")}`,
      ...ids,
    );
    const queued = await prisma.webhookOutbox.findMany({ where: { auditEventId: { in: ids } }, orderBy: { id: "asc" } });
    const events = await prisma.auditEvent.findMany({ where: { id: { in: ids } }, orderBy: { seq: "asc" }, select: { id: true } });
    expect(events.map((e) => e.id)).toEqual(ids);
    expect(queued.map((q) => q.auditEventId)).toEqual(ids);
    await drain();
  });

  it("deliver a committed change, signed, with a stable payload", async () => {
    const r = await receiver();
    const { secret, endpoint: e } = await endpoint(r.url, ["user.provisioned", "user.deactivated"]);
    expect(secret).toMatch(/^whsec_/);
    // Stored encrypted, never in clear.
    const row = await (await getPrisma()).webhookEndpoint.findUniqueOrThrow({ where: { id: e.id } });
    expect(row.secretCiphertext).not.toContain(secret.slice(6));

    const { userId, eventId } = await provision(scim);
    const outbox = await (await getPrisma()).webhookOutbox.count({ where: { auditEventId: eventId } });
    expect(outbox).toBe(1);
    await drain();
    const got = r.forEvent(eventId);
    expect(got).toHaveLength(1);
    expect(JSON.parse(got[0].body)).toMatchObject({
      id: eventId,
      type: "user.provisioned",
      directoryId: expect.any(String),
      occurredAt: expect.any(String),
      data: { action: "user.created", target: { type: "User", id: userId } },
    });
    expectSigned(r, secret);
    const log = await listDeliveries(await getPrisma(), { filter: { endpointId: e.id, status: "succeeded" } });
    expect(log.items.find((d) => d.eventId === eventId)).toMatchObject({ attempts: 1, lastStatusCode: 200, attemptLog: [{ statusCode: 200 }] });
    // Not subscribed: user.updated.
    await scim.patch(`/Users/${userId}`, { schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], Operations: [{ op: "replace", path: "displayName", value: "X" }] });
    await drain();
    expect(r.received.filter((x) => JSON.parse(x.body).data.target?.id === userId).map((x) => JSON.parse(x.body).type)).toEqual(["user.provisioned"]);
  });

  it("announce a reactivation as user.updated and members changed with a rename as group.membership_changed (a rename alone: nothing)", async () => {
    const r = await receiver();
    await endpoint(r.url, ["user.updated", "group.membership_changed"]);
    const { userId } = await provision(scim);
    const patch = (Operations: unknown[]) => ({ schemas: [PATCH_OP], Operations });
    expect((await scim.patch(`/Users/${userId}`, patch([{ op: "replace", path: "active", value: false }]))).status).toBeLessThan(300);
    expect((await scim.patch(`/Users/${userId}`, patch([{ op: "replace", path: "active", value: true }]))).status).toBeLessThan(300);
    const group = await scim.post("/Groups", { schemas: [GROUP_SCHEMA], displayName: unique("g") });
    expect(group.status).toBe(201);
    const groupId = group.body.id as string;
    expect((await scim.patch(`/Groups/${groupId}`, patch([{ op: "replace", path: "displayName", value: unique("renamed") }]))).status).toBeLessThan(300);
    const both = await scim.patch(`/Groups/${groupId}`, patch([{ op: "replace", path: "displayName", value: unique("again") }, { op: "add", path: "members", value: [{ value: userId }] }]));
    expect(both.status).toBeLessThan(300);
    await drain();
    const got = r.received.map((x) => JSON.parse(x.body) as { type: string; data: { action: string; target: { id: string } } });
    expect(got.filter((e) => e.data.target.id === userId).map((e) => [e.type, e.data.action])).toEqual([["user.updated", "user.activated"]]);
    expect(got.filter((e) => e.data.target.id === groupId).map((e) => [e.type, e.data.action])).toEqual([["group.membership_changed", "group.updated"]]);
  });

  it("keep no erased personal data in stored delivery bodies (replays carry ids only)", async () => {
    const r = await receiver();
    const { endpoint: e } = await endpoint(r.url, ["user.provisioned"]);
    const name = unique("erase-me");
    const { userId, eventId } = await provision(scim, name);
    await drain();
    expect(r.forEvent(eventId)[0].body).toContain(name);
    expect((await scim.delete(`/Users/${userId}`)).status).toBe(204);
    const prisma = await getPrisma();
    const stored = await prisma.webhookDelivery.findFirstOrThrow({ where: { endpointId: e.id, eventId } });
    expect(stored.payload).not.toContain(name);
    expect(JSON.parse(stored.payload)).toMatchObject({ id: eventId, personalDataErased: true, data: { target: { type: "User", id: userId } } });
    await replayDelivery(prisma, { id: stored.id, actor });
    await drain();
    expect(r.forEvent(eventId)).toHaveLength(2);
    expect(r.forEvent(eventId)[1].body).not.toContain(name);
  });

  it("send nothing for a change that rolled back", async () => {
    const r = await receiver();
    await endpoint(r.url, ["user.provisioned"]);
    const prisma = await getPrisma();
    let eventId = "";
    await expect(
      prisma.$transaction(async (tx) => {
        eventId = await recordAuditEvent(tx, { actor, action: "user.created", target: { type: "User", id: unique("ghost") } });
        // The trigger wrote the outbox row inside the transaction...
        expect(await tx.webhookOutbox.count({ where: { auditEventId: eventId } })).toBe(1);
        throw new Error("the change fails after its audit event");
      }),
    ).rejects.toThrow(/fails/);
    // ...and it rolled back with it.
    expect(await prisma.webhookOutbox.count({ where: { auditEventId: eventId } })).toBe(0);
    await drain();
    expect(r.forEvent(eventId)).toEqual([]);
    expect(await prisma.webhookDelivery.count({ where: { eventId } })).toBe(0);
  });

  it("lose nothing when the process dies between commit and delivery", async () => {
    const r = await receiver();
    const { secret } = await endpoint(r.url, ["user.provisioned"]);
    const { eventId } = await provision(scim);
    // The process goes away before any dispatcher ran: only the committed outbox row remains.
    await closeDatabase();
    expect(r.forEvent(eventId)).toEqual([]);
    const fresh = await getPrisma();
    expect(await fresh.webhookOutbox.count({ where: { auditEventId: eventId } })).toBe(1);
    await drain();
    expect(r.forEvent(eventId)).toHaveLength(1);
    expectSigned(r, secret);
  });

  it("retry with exponential backoff until the receiver accepts", async () => {
    let failuresLeft = 2;
    const r = await receiver(() => (failuresLeft-- > 0 ? 503 : 200));
    const { secret, endpoint: e } = await endpoint(r.url, ["audit.chain_broken"]);
    const prisma = await getPrisma();
    const delivery = await sendTestEvent(prisma, { id: e.id, actor });
    const base = 10_000;
    const t0 = new Date();
    const opts = { backoffBaseMs: base, backoffMaxMs: 60_000 };
    expect(await dispatch({ ...opts, now: t0 })).toMatchObject({ attempted: 1, failed: 1 });
    const after1 = await prisma.webhookDelivery.findUniqueOrThrow({ where: { id: delivery.id } });
    const delay1 = after1.nextAttemptAt.getTime() - t0.getTime();
    expect(delay1).toBeGreaterThanOrEqual(base / 2);
    expect(delay1).toBeLessThanOrEqual(base);
    // Not due yet: nothing is sent.
    expect(await dispatch({ ...opts, now: new Date(t0.getTime() + base / 2 - 1) })).toMatchObject({ attempted: 0 });
    const t1 = new Date(t0.getTime() + base);
    expect(await dispatch({ ...opts, now: t1 })).toMatchObject({ attempted: 1, failed: 1 });
    const after2 = await prisma.webhookDelivery.findUniqueOrThrow({ where: { id: delivery.id } });
    const delay2 = after2.nextAttemptAt.getTime() - t1.getTime();
    expect(delay2).toBeGreaterThanOrEqual(base);
    expect(delay2).toBeLessThanOrEqual(2 * base);
    expect(await dispatch({ ...opts, now: new Date(t1.getTime() + 2 * base) })).toMatchObject({ attempted: 1, succeeded: 1 });
    const final = (await listDeliveries(prisma, { filter: { endpointId: e.id } })).items[0];
    expect(final).toMatchObject({ status: "succeeded", attempts: 3, lastStatusCode: 200 });
    expect(final.attemptLog.map((a) => a.statusCode)).toEqual([200, 503, 503]);
    expect(final.attemptLog[1].responseSnippet).toBe("receiver says no");
    expect(r.forEvent(delivery.eventId)).toHaveLength(3);
    expectSigned(r, secret);
  });

  it("give up after the maximum attempts, and disable an endpoint that keeps failing (with an alert)", async () => {
    const r = await receiver(() => 500);
    const { endpoint: e } = await endpoint(r.url, ["audit.chain_broken"]);
    const prisma = await getPrisma();
    const first = await sendTestEvent(prisma, { id: e.id, actor });
    const opts = { backoffBaseMs: 0, maxAttempts: 2, disableAfterFailures: 4 };
    await dispatch(opts);
    await dispatch(opts);
    expect(await prisma.webhookDelivery.findUniqueOrThrow({ where: { id: first.id } })).toMatchObject({ status: "failed", attempts: 2 });
    expect(await autoDisabledEndpoints(prisma)).toEqual([]);
    await sendTestEvent(prisma, { id: e.id, actor });
    await dispatch(opts);
    await dispatch(opts);
    const disabled = await prisma.webhookEndpoint.findUniqueOrThrow({ where: { id: e.id } });
    expect(disabled).toMatchObject({ enabled: false, disabledReason: "auto", consecutiveFailures: 4 });
    expect((await autoDisabledEndpoints(prisma)).map((x) => x.id)).toContain(e.id);
    expect(await prisma.auditEvent.count({ where: { action: "webhook.endpoint_auto_disabled", targetId: e.id } })).toBe(1);
    // Disabled: nothing more is sent, test events are refused.
    const sent = r.received.length;
    await dispatch(opts);
    expect(r.received.length).toBe(sent);
    await expect(sendTestEvent(prisma, { id: e.id, actor })).rejects.toThrow(/disabled/);
    // Enabling clears the alert and resets the failure count.
    await updateEndpoint(prisma, { id: e.id, input: { enabled: true }, actor, policy });
    expect((await autoDisabledEndpoints(prisma)).map((x) => x.id)).not.toContain(e.id);
    expect((await prisma.webhookEndpoint.findUniqueOrThrow({ where: { id: e.id } })).consecutiveFailures).toBe(0);
  });

  it("replay a delivery with the same event id and body, freshly signed", async () => {
    const r = await receiver();
    const { secret, endpoint: e } = await endpoint(r.url, ["user.provisioned"]);
    const { eventId } = await provision(scim);
    await drain();
    const prisma = await getPrisma();
    const original = await prisma.webhookDelivery.findFirstOrThrow({ where: { endpointId: e.id, eventId } });
    const replay = await replayDelivery(prisma, { id: original.id, actor });
    expect(replay).toMatchObject({ status: "pending", eventId, replayOf: original.id });
    await drain();
    const got = r.forEvent(eventId);
    expect(got).toHaveLength(2);
    expect(got[1].body).toBe(got[0].body);
    expect(got[1].headers["custodian-delivery-id"]).toBe(replay.id);
    expectSigned(r, secret);
    expect(await prisma.auditEvent.count({ where: { action: "webhook.delivery_replayed", targetId: e.id } })).toBe(1);
  });

  it("refuse private targets at send time too (DNS or policy changed after registration)", async () => {
    const r = await receiver();
    const { endpoint: e } = await endpoint(r.url, ["audit.chain_broken"]);
    const prisma = await getPrisma();
    const delivery = await sendTestEvent(prisma, { id: e.id, actor });
    // The allowance is gone: the same loopback target is now refused, without a request.
    await dispatch({ policy: parseTargetPolicy(undefined) });
    expect(r.received).toEqual([]);
    const row = await prisma.webhookDelivery.findUniqueOrThrow({ where: { id: delivery.id } });
    expect(row.lastError).toMatch(/loopback address: refused/);
    // A host name that resolves to loopback is refused as well.
    await prisma.webhookEndpoint.update({ where: { id: e.id }, data: { url: r.url.replace("127.0.0.1", "localhost") } });
    await dispatch({ policy: parseTargetPolicy(undefined), now: new Date(Date.now() + 3_600_000) });
    expect(r.received).toEqual([]);
    expect((await prisma.webhookDelivery.findUniqueOrThrow({ where: { id: delivery.id } })).lastError).toMatch(/localhost resolves to .*loopback/);
    await expect(createEndpoint(prisma, { input: { url: "https://169.254.169.254/latest", events: ["user.updated"] }, actor, policy })).rejects.toThrow(/link-local/);
  });

  it("deliver a contract's end as contract.access_ended (and as access.revoked to those who chose only that)", async () => {
    const ended = await receiver();
    const revoked = await receiver();
    await endpoint(ended.url, ["contract.access_ended"]);
    await endpoint(revoked.url, ["access.revoked"]);
    const w = await newWorld();
    const ann = await w.user("ann");
    const g = await w.group("g", [ann]);
    const repo = await w.repository("ending");
    const endAt = new Date(Date.now() + 1500);
    await w.contract(repo, { endDate: endAt });
    await w.rule({ groupId: g, level: "view", repositoryId: repo });
    await sleep(endAt.getTime() - Date.now() + 50);
    await processTimedEffects(w.prisma, { now: new Date() });
    await drain();
    const mine = (r: Receiver) => r.received.map((x) => JSON.parse(x.body)).filter((p) => p.data.target?.id === ann && p.data.action === "access.revoked");
    expect(mine(ended)).toEqual([expect.objectContaining({ type: "contract.access_ended", data: expect.objectContaining({ after: expect.objectContaining({ cause: expect.objectContaining({ kind: "contract.end" }) }) }) })]);
    expect(mine(revoked).map((p) => p.type)).toEqual(["access.revoked"]);
  });

  it("two dispatchers at once deliver each event exactly once", async () => {
    const r = await receiver();
    await endpoint(r.url, ["user.provisioned"]);
    const events: string[] = [];
    for (let i = 0; i < 12; i++) events.push((await provision(scim)).eventId);
    const first = await getPrisma();
    // On PostgreSQL a second client with its own pool, like a second instance; PGlite is one
    // connection per process, so there the two passes share it.
    const second = db().kind === "postgres" ? await openDatabase({ databaseUrl: process.env.DATABASE_URL }) : undefined;
    try {
      for (let i = 0; i < 10; i++) {
        const results = await Promise.all([
          runDeliveriesOnce(first, { policy, batchSize: 3 }),
          runDeliveriesOnce(second?.prisma ?? first, { policy, batchSize: 3 }),
        ]);
        if (results.every((x) => x.attempted === 0 && x.fannedOut === 0)) break;
      }
    } finally {
      await second?.close();
    }
    for (const id of events) expect(r.forEvent(id)).toHaveLength(1);
  });
});
