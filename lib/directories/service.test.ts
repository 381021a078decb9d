import { describe, expect, it } from "vitest";
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
});
