// Issue 14 items 19 and 20 through the real SCIM router and /api/v1 handlers on a real database:
// the public URL in every location and reference, the server's own request ids with the caller's
// kept beside them, forwarded addresses believed only from TRUSTED_PROXIES, and evidence that joins
// the request log by the server's id within the directory.
import { afterEach, describe, expect, it } from "vitest";
import { verifyAuditChain } from "@/lib/audit/verify";
import { leaversReport } from "@/lib/evidence/leavers";
import { ENTERPRISE_USER_SCHEMA, GROUP_SCHEMA, PATCH_OP, USER_SCHEMA } from "@/lib/scim/schema";
import { flushRequestLog } from "@/lib/scim/request-log";
import { setupTestDatabase, unique } from "@/lib/testing/database";
import { newDirectory, scimClient } from "@/lib/testing/scim";
import * as openapiRoute from "./api/v1/openapi.json/route";
import { withEnv } from "@/lib/testing/env";

const { db } = setupTestDatabase();

afterEach(() => withEnv({ TRUSTED_PROXIES: undefined, NEXTAUTH_URL: undefined }));

/** Every URL a SCIM client is handed for one user with a manager, and the group they are in. */
async function scimUrls(headers: Record<string, string> = {}) {
  const dir = await newDirectory();
  const scim = scimClient(dir.token, { headers });
  const manager = await scim.post<{ id: string }>("/Users", { schemas: [USER_SCHEMA], userName: `${unique("m")}@example.com` });
  const user = await scim.post<{ id: string; meta: { location: string } }>("/Users", {
    schemas: [USER_SCHEMA, ENTERPRISE_USER_SCHEMA],
    userName: `${unique("u")}@example.com`,
    [ENTERPRISE_USER_SCHEMA]: { manager: { value: manager.body.id } },
  });
  const group = await scim.post<{ id: string; members: { $ref: string }[]; meta: { location: string } }>("/Groups", {
    schemas: [GROUP_SCHEMA],
    displayName: unique("g"),
    members: [{ value: user.body.id }],
  });
  const read = await scim.get<{ groups: { $ref: string }[]; meta: { location: string } } & Record<string, { manager: { $ref: string } }>>(`/Users/${user.body.id}`);
  const config = await scim.get<{ meta: { location: string } }>("/ServiceProviderConfig");
  const openapi = (await (await openapiRoute.GET(new Request("http://localhost/api/v1/openapi.json", { headers }))).json()) as { servers: { url: string }[] };
  return [
    user.headers.get("location"),
    group.headers.get("location"),
    user.body.meta.location,
    group.body.meta.location,
    ...group.body.members.map((m) => m.$ref),
    read.body.meta.location,
    ...read.body.groups.map((g) => g.$ref),
    read.body[ENTERPRISE_USER_SCHEMA].manager.$ref,
    config.body.meta.location,
    openapi.servers[0].url,
  ];
}

describe("the public URL in SCIM locations, $refs and the OpenAPI server (issue 14 item 19)", () => {
  const behindProxy = { "x-forwarded-for": "203.0.113.9, 10.0.0.2", "x-forwarded-host": "custodian.example.org", "x-forwarded-proto": "https" };

  it("names NEXTAUTH_URL, not the socket's origin", async () => {
    withEnv({ NEXTAUTH_URL: "https://custodian.example.com" });
    const urls = await scimUrls(behindProxy);
    expect(urls.length).toBeGreaterThanOrEqual(10);
    for (const url of urls) expect(url).toMatch(/^https:\/\/custodian\.example\.com(\/|$)/);
  });

  it("without NEXTAUTH_URL names the host a trusted proxy forwarded, and ignores an untrusted caller's", async () => {
    withEnv({ NEXTAUTH_URL: undefined, TRUSTED_PROXIES: "10.0.0.0/8" });
    for (const url of await scimUrls(behindProxy)) expect(url).toMatch(/^https:\/\/custodian\.example\.org(\/|$)/);
    withEnv({ TRUSTED_PROXIES: undefined });
    for (const url of await scimUrls(behindProxy)) expect(url).toMatch(/^http:\/\/localhost(\/|$)/);
  });
});

describe("request ids and client addresses (issue 14 item 20)", () => {
  it("gives every request the server's own id and keeps the caller's X-Request-Id beside it", async () => {
    const dir = await newDirectory();
    const clientId = unique("client-req");
    const scim = scimClient(dir.token, { headers: { "x-request-id": clientId } });
    const a = await scim.post<{ id: string }>("/Users", { schemas: [USER_SCHEMA], userName: `${unique("a")}@example.com` });
    const b = await scim.post<{ id: string }>("/Users", { schemas: [USER_SCHEMA], userName: `${unique("b")}@example.com` });
    expect(a.status).toBe(201);
    const served = [a.headers.get("x-request-id"), b.headers.get("x-request-id")];
    expect(served[0]).not.toBe(clientId);
    expect(served[0]).not.toBe(served[1]);
    const events = await db().prisma.auditEvent.findMany({ where: { targetId: { in: [a.body.id, b.body.id] }, action: "user.created" }, orderBy: { seq: "asc" } });
    expect(events.map((e) => e.requestId)).toEqual(served);
    expect(events.map((e) => e.clientRequestId)).toEqual([clientId, clientId]);
    await flushRequestLog();
    const logged = await db().prisma.requestLog.findMany({ where: { requestId: { in: served as string[] } } });
    expect(logged.map((r) => r.clientRequestId)).toEqual([clientId, clientId]);
    // The caller's id is part of the hashed content: the chain still verifies.
    expect((await verifyAuditChain(db().prisma)).ok).toBe(true);
  });

  it("records X-Forwarded-For hops only from TRUSTED_PROXIES", async () => {
    const dir = await newDirectory();
    const create = async () => {
      const res = await scimClient(dir.token, { headers: { "x-forwarded-for": "6.6.6.6, 10.0.0.2" } }).post<{ id: string }>("/Users", {
        schemas: [USER_SCHEMA],
        userName: `${unique("ip")}@example.com`,
      });
      return (await db().prisma.auditEvent.findFirstOrThrow({ where: { targetId: res.body.id, action: "user.created" } })).ip;
    };
    withEnv({ TRUSTED_PROXIES: undefined });
    expect(await create()).toBe("10.0.0.2");
    withEnv({ TRUSTED_PROXIES: "10.0.0.0/8" });
    expect(await create()).toBe("6.6.6.6");
  });

  it("evidence joins the request log by the server's request id within the directory that made it", async () => {
    const a = await newDirectory();
    const b = await newDirectory();
    const from = new Date(Date.now() - 60_000);
    const user = await a.scim.post<{ id: string }>("/Users", { schemas: [USER_SCHEMA], userName: `${unique("leaver")}@example.com` });
    const off = await a.scim.patch(`/Users/${user.body.id}`, { schemas: [PATCH_OP], Operations: [{ op: "replace", path: "active", value: false }] });
    expect(off.status).toBe(200);
    await flushRequestLog();
    const requestId = off.headers.get("x-request-id")!;
    // Another directory's log row under the same id, earlier: it must not be taken for this request.
    await db().prisma.requestLog.create({
      data: { createdAt: from, directoryId: b.directory.id, method: "DELETE", path: "/Users/forged", status: 204, latencyMs: 1, requestId },
    });
    const report = await leaversReport(db().prisma, { window: { from, to: new Date(Date.now() + 60_000) } });
    const leaver = report.leavers.find((l) => l.userId === user.body.id);
    expect(leaver?.requestId).toBe(requestId);
    const received = leaver?.requestReceivedAt ? new Date(leaver.requestReceivedAt).getTime() : 0;
    expect(received).toBeGreaterThan(from.getTime());
  });
});
