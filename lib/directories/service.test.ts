import { describe, expect, it, vi } from "vitest";
import { getConfig } from "@/lib/config";
import { setupTestDatabase } from "@/lib/testing/database";
import { newDirectory, SCIM_BASE, scimClient } from "@/lib/testing/scim";
import { handleScimRequest } from "@/lib/scim/router";
import { createOAuthClient, revokeOAuthClient, revokeScimToken } from "./service";

const { db } = setupTestDatabase();
const actor = { type: "system" as const, label: "test" };

async function accessToken(clientId: string, clientSecret: string) {
  const res = await handleScimRequest(
    new Request(`${SCIM_BASE}/oauth/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "client_credentials", client_id: clientId, client_secret: clientSecret }),
    }),
  );
  return { status: res.status, body: await res.json() };
}

describe("directory credentials", () => {
  it("a revoked bearer token stops working at once, other tokens keep working (rotation)", async () => {
    const prisma = db().prisma;
    const { directory, scim } = await newDirectory();
    const { createScimToken } = await import("./service");
    const second = await createScimToken(prisma, { directoryId: directory.id, actor });
    expect((await scim.get("/Users")).status).toBe(200);
    const first = await prisma.scimToken.findFirstOrThrow({ where: { directoryId: directory.id }, orderBy: { createdAt: "asc" } });
    await revokeScimToken(prisma, { tokenId: first.id, actor });
    expect((await scim.get("/Users")).status).toBe(401);
    expect((await scimClient(second.token).get("/Users")).status).toBe(200);
  });

  it("OAuth client credentials issue access tokens until the client is revoked", async () => {
    const prisma = db().prisma;
    const { directory } = await newDirectory();
    const { clientId, clientSecret, record } = await createOAuthClient(prisma, { directoryId: directory.id, name: "okta", actor });
    const issued = await accessToken(clientId, clientSecret);
    expect(issued.status).toBe(200);
    expect(issued.body).toMatchObject({ token_type: "Bearer", expires_in: 3600 });
    const viaOauth = scimClient(issued.body.access_token);
    expect((await viaOauth.get("/Users")).status).toBe(200);
    expect((await accessToken(clientId, "wrong")).status).toBe(401);
    await revokeOAuthClient(prisma, { clientRecordId: record.id, actor });
    expect((await viaOauth.get("/Users")).status).toBe(401);
    expect((await accessToken(clientId, clientSecret)).status).toBe(401);
    const events = await prisma.auditEvent.findMany({ where: { targetId: record.id }, orderBy: { seq: "asc" } });
    expect(events.map((e) => e.action)).toEqual(["oauth_client.created", "oauth_client.revoked"]);
  });

  it("a credential revoked by another instance is refused within SCIM_CREDENTIAL_CACHE_SECONDS", async () => {
    const prisma = db().prisma;
    const { directory, scim } = await newDirectory();
    const { clientId, clientSecret, record } = await createOAuthClient(prisma, { directoryId: directory.id, name: "okta", actor });
    const viaOauth = scimClient((await accessToken(clientId, clientSecret)).body.access_token);
    expect((await scim.get("/Users")).status).toBe(200);
    expect((await viaOauth.get("/Users")).status).toBe(200);
    // Another instance revokes both: plain UPDATEs, this instance's cache is not told.
    await prisma.scimToken.updateMany({ where: { directoryId: directory.id }, data: { revokedAt: new Date() } });
    await prisma.oAuthClient.update({ where: { id: record.id }, data: { revokedAt: new Date() } });
    const bound = getConfig().SCIM_CREDENTIAL_CACHE_SECONDS * 1000;
    expect(bound).toBeGreaterThan(0);
    const start = Date.now();
    try {
      vi.spyOn(Date, "now").mockReturnValue(start + bound);
      expect((await scim.get("/Users")).status).toBe(401);
      expect((await viaOauth.get("/Users")).status).toBe(401);
    } finally {
      vi.restoreAllMocks();
    }
  });

  it("a look-up that was in flight when this instance revoked the token does not remember it", async () => {
    const prisma = db().prisma;
    const { directory, token } = await newDirectory();
    const record = await prisma.scimToken.findFirstOrThrow({ where: { directoryId: directory.id } });
    // Start a request (its database read happens first), revoke while it runs, then ask again.
    const inFlight = handleScimRequest(new Request(`${SCIM_BASE}/Users`, { headers: { authorization: `Bearer ${token}` } }));
    await revokeScimToken(prisma, { tokenId: record.id, actor });
    await inFlight;
    expect((await scimClient(token).get("/Users")).status).toBe(401);
  });
});
