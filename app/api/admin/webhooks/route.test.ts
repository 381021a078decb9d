// Webhook admin routes through their real handlers and permission checks (only next-auth's
// session lookup is replaced), with a real loopback receiver allowed the way deployments allow it.
import { afterAll, describe, expect, it, vi } from "vitest";
import { getPrisma } from "@/lib/db/client";
import { setupRoleAccounts } from "@/lib/testing/admin-session";
import { setupTestDatabase } from "@/lib/testing/database";
import { startWebhookReceiver } from "@/lib/testing/webhook-receiver";
import { runDeliveriesOnce } from "@/lib/webhooks/dispatcher";
import { SIGNATURE_HEADER, verifyWebhookSignature } from "@/lib/webhooks/signature";
import { PATCH as patchEndpoint, DELETE as deleteEndpoint } from "./[id]/route";
import { POST as rotateSecret } from "./[id]/rotate-secret/route";
import { POST as sendTest } from "./[id]/test/route";
import { POST as replay } from "./deliveries/[id]/replay/route";
import { GET as listDeliveries } from "./deliveries/route";
import { GET as listEndpoints, POST as createEndpoint } from "./route";

vi.mock("next-auth", async (importOriginal) => (await import("@/lib/testing/next-auth-session")).mockNextAuth(importOriginal));

process.env.WEBHOOK_ALLOW_PRIVATE_TARGETS = "127.0.0.1";
const { db } = setupTestDatabase();
const { signInAs } = setupRoleAccounts(db);
const receiverReady = startWebhookReceiver();
afterAll(async () => (await receiverReady).close());

const req = (path: string, method = "GET", body?: unknown) =>
  new Request(`http://localhost${path}`, { method, headers: body ? { "content-type": "application/json" } : {}, body: body ? JSON.stringify(body) : undefined });
const ctx = (id: string) => ({ params: Promise.resolve({ id }) });

describe("webhook routes", () => {
  it("are for admins only", async () => {
    for (const role of ["compliance", "auditor"] as const) {
      signInAs(role);
      expect((await listEndpoints(req("/api/admin/webhooks"), undefined)).status).toBe(403);
      expect((await createEndpoint(req("/api/admin/webhooks", "POST", {}), undefined)).status).toBe(403);
      expect((await listDeliveries(req("/api/admin/webhooks/deliveries"), undefined)).status).toBe(403);
      expect((await patchEndpoint(req("/x", "PATCH", { enabled: false }), ctx("x"))).status).toBe(403);
      expect((await rotateSecret(req("/x", "POST"), ctx("x"))).status).toBe(403);
      expect((await sendTest(req("/x", "POST"), ctx("x"))).status).toBe(403);
      expect((await replay(req("/x", "POST"), ctx("x"))).status).toBe(403);
      expect((await deleteEndpoint(req("/x", "DELETE"), ctx("x"))).status).toBe(403);
    }
    signInAs(null);
    expect((await listEndpoints(req("/api/admin/webhooks"), undefined)).status).toBe(401);
  });

  it("refuse invalid input and private targets, changing nothing", async () => {
    signInAs("admin");
    const before = await (await getPrisma()).webhookEndpoint.count();
    const invalid = await createEndpoint(req("/api/admin/webhooks", "POST", { url: "", events: ["user.exploded"] }), undefined);
    expect(invalid.status).toBe(400);
    expect((await invalid.json()).error.details.map((d: { path: string }) => d.path).sort()).toEqual(["events.0", "url"]);
    for (const url of ["https://10.0.0.1/h", "http://169.254.169.254/latest/meta-data", "https://[::1]/h", "https://127.0.0.2/h", "http://93.184.216.34/h"]) {
      const res = await createEndpoint(req("/api/admin/webhooks", "POST", { url, events: ["user.updated"] }), undefined);
      expect(res.status, url).toBe(400);
      expect((await res.json()).error.details[0].path).toBe("url");
    }
    expect(await (await getPrisma()).webhookEndpoint.count()).toBe(before);
  });

  it("create (secret once), test, log, replay, rotate, disable and delete an endpoint", async () => {
    signInAs("admin");
    const receiver = await receiverReady;
    const created = await createEndpoint(req("/api/admin/webhooks", "POST", { url: receiver.url, events: ["user.provisioned"], description: "CRM" }), undefined);
    expect(created.status).toBe(201);
    expect(created.headers.get("cache-control")).toBe("no-store");
    const { secret, endpoint } = await created.json();
    expect(secret).toMatch(/^whsec_/);
    const list = await (await listEndpoints(req("/api/admin/webhooks"), undefined)).json();
    expect(list.items.find((e: { id: string }) => e.id === endpoint.id)).toMatchObject({ url: receiver.url, events: ["user.provisioned"], enabled: true });
    expect(JSON.stringify(list)).not.toContain(secret);

    expect((await sendTest(req("/x", "POST"), ctx(endpoint.id))).status).toBe(202);
    await runDeliveriesOnce(await getPrisma());
    const [first] = receiver.received;
    expect(JSON.parse(first.body)).toMatchObject({ type: "webhook.test", data: { endpointId: endpoint.id } });
    expect(verifyWebhookSignature({ body: first.body, header: first.headers[SIGNATURE_HEADER.toLowerCase()] as string, secret }).ok).toBe(true);

    const log = await (await listDeliveries(req(`/api/admin/webhooks/deliveries?endpointId=${endpoint.id}&status=succeeded`), undefined)).json();
    expect(log).toMatchObject({ total: 1, items: [{ eventType: "webhook.test", status: "succeeded", attempts: 1 }] });
    expect((await (await listDeliveries(req(`/api/admin/webhooks/deliveries?endpointId=${endpoint.id}&status=failed`), undefined)).json()).total).toBe(0);
    expect((await listDeliveries(req(`/api/admin/webhooks/deliveries?status=bogus`), undefined)).status).toBe(400);

    expect((await replay(req("/x", "POST"), ctx(log.items[0].id))).status).toBe(202);
    const rotated = await (await rotateSecret(req("/x", "POST"), ctx(endpoint.id))).json();
    expect(rotated.secret).not.toBe(secret);
    await runDeliveriesOnce(await getPrisma());
    const second = receiver.received[1];
    expect(second.body).toBe(first.body);
    // During the overlap the replay is signed with both secrets.
    const header = second.headers[SIGNATURE_HEADER.toLowerCase()] as string;
    expect(verifyWebhookSignature({ body: second.body, header, secret: rotated.secret }).ok).toBe(true);
    expect(verifyWebhookSignature({ body: second.body, header, secret }).ok).toBe(true);

    const disabled = await patchEndpoint(req("/x", "PATCH", { enabled: false }), ctx(endpoint.id));
    expect(await disabled.json()).toMatchObject({ enabled: false, disabledReason: "admin" });
    expect((await sendTest(req("/x", "POST"), ctx(endpoint.id))).status).toBe(409);
    expect((await deleteEndpoint(req("/x", "DELETE"), ctx(endpoint.id))).status).toBe(204);
    expect((await patchEndpoint(req("/x", "PATCH", { enabled: true }), ctx(endpoint.id))).status).toBe(404);
    const actions = (await (await getPrisma()).auditEvent.findMany({ where: { targetId: endpoint.id }, orderBy: { seq: "asc" } })).map((e) => e.action);
    expect(actions).toEqual(["webhook.endpoint_created", "webhook.delivery_replayed", "webhook.secret_rotated", "webhook.endpoint_disabled", "webhook.endpoint_deleted"]);
  });
});
