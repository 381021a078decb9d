// Issue 14 item 7: every request body is read as a stream with its surface's limit and refused with
// 413 the moment it passes it. Each case sends a real chunked ReadableStream (no Content-Length)
// far larger than the limit to the real route handler and checks that the handler stopped pulling
// soon after the limit and cancelled the stream, instead of reading the whole body.
import { NextRequest } from "next/server";
import { describe, expect, it, vi } from "vitest";
import { MAX_CSV_BYTES } from "@/lib/contracts/csv-import";
import { MAX_JSON_BODY_BYTES, MAX_SIGN_IN_BODY_BYTES, withBodyLimit } from "@/lib/http/body";
import { handleScimRequest } from "@/lib/scim/router";
import { setupRoleAccounts } from "@/lib/testing/admin-session";
import { newApiKey } from "@/lib/testing/api-v1";
import { setupTestDatabase } from "@/lib/testing/database";
import { newDirectory, SCIM_BASE } from "@/lib/testing/scim";
import { POST as importContracts } from "./api/admin/contracts/import/route";
import { POST as createRuleAdmin } from "./api/admin/rules/route";
import { POST as nextAuthPost } from "./api/auth/[...nextauth]/route";
import { POST as createRuleV1 } from "./api/v1/rules/route";

vi.mock("next-auth", async (importOriginal) => (await import("@/lib/testing/next-auth-session")).mockNextAuth(importOriginal));

const { db } = setupTestDatabase();
const { signInAs } = setupRoleAccounts(db);

const CHUNK = 64 * 1024;

/** A chunked body of `total` bytes produced on demand, counting how often it was pulled. */
function chunkedBody(total: number, fill = " ") {
  const seen = { pulls: 0, bytes: 0, cancelled: false };
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (seen.bytes >= total) return controller.close();
      seen.pulls++;
      const n = Math.min(CHUNK, total - seen.bytes);
      seen.bytes += n;
      controller.enqueue(new TextEncoder().encode(fill.repeat(n)));
    },
    cancel() {
      seen.cancelled = true;
    },
  });
  return { stream, seen };
}

const post = (url: string, body: ReadableStream<Uint8Array>, headers: Record<string, string> = {}) =>
  new Request(url, { method: "POST", body, headers, duplex: "half" } as RequestInit);

/** Read no further than the limit (plus the chunk that crossed it and one the stream queued ahead). */
function expectStoppedAt(seen: { pulls: number; cancelled: boolean }, limit: number) {
  expect(seen.pulls).toBeLessThanOrEqual(Math.ceil(limit / CHUNK) + 2);
  expect(seen.cancelled).toBe(true);
}

describe("request body limits (413 the moment a body passes its surface's limit)", () => {
  it("OAuth token endpoint (unauthenticated): a chunked 16 MB form is refused after 8 KB", async () => {
    const { stream, seen } = chunkedBody(16 * 1024 * 1024, "a");
    const res = await handleScimRequest(post(`${SCIM_BASE}/oauth/token`, stream, { "content-type": "application/x-www-form-urlencoded" }));
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ error: "invalid_request" });
    expectStoppedAt(seen, 8 * 1024);
  });

  it("OAuth token endpoint: a declared Content-Length over the limit is refused unread", async () => {
    const { stream, seen } = chunkedBody(16 * 1024 * 1024, "a");
    const res = await handleScimRequest(
      post(`${SCIM_BASE}/oauth/token`, stream, { "content-type": "application/x-www-form-urlencoded", "content-length": String(16 * 1024 * 1024) }),
    );
    expect(res.status).toBe(413);
    expect(seen.pulls).toBeLessThanOrEqual(1);
  });

  it("sign-in (next-auth credentials callback): a chunked 16 MB form is refused before next-auth reads it", async () => {
    const { stream, seen } = chunkedBody(16 * 1024 * 1024, "a");
    const res = await nextAuthPost(
      new NextRequest(post("http://localhost/api/auth/callback/credentials", stream, { "content-type": "application/x-www-form-urlencoded" })),
      { params: Promise.resolve({ nextauth: ["callback", "credentials"] }) },
    );
    expect(res.status).toBe(413);
    expect((await res.json()).error.code).toBe("too_large");
    expectStoppedAt(seen, 16 * 1024);
  });

  it("sign-in: a form within the limit reaches next-auth's handler whole, without the original framing headers", async () => {
    const form = new URLSearchParams({ csrfToken: "t".repeat(64), email: "jane@example.com", password: "p".repeat(200), json: "true" }).toString();
    const echo = withBodyLimit(MAX_SIGN_IN_BODY_BYTES, async (request: NextRequest) =>
      Response.json({ body: await request.text(), type: request.headers.get("content-type"), length: request.headers.get("content-length") }),
    );
    const res = await echo(
      new NextRequest("http://localhost/api/auth/callback/credentials", {
        method: "POST",
        body: form,
        headers: { "content-type": "application/x-www-form-urlencoded", "content-length": "999" },
      }),
      undefined,
    );
    expect(await res.json()).toEqual({ body: form, type: "application/x-www-form-urlencoded", length: null });
  });

  it("SCIM (authenticated): a chunked 16 MB resource is refused after 1 MB with SCIM error JSON", async () => {
    const { token } = await newDirectory();
    const { stream, seen } = chunkedBody(16 * 1024 * 1024);
    const res = await handleScimRequest(
      post(`${SCIM_BASE}/Users`, stream, { authorization: `Bearer ${token}`, "content-type": "application/scim+json" }),
    );
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"], status: "413" });
    expectStoppedAt(seen, MAX_JSON_BODY_BYTES);
  });

  it("admin JSON: a chunked 16 MB body is refused after 1 MB", async () => {
    signInAs("admin");
    const { stream, seen } = chunkedBody(16 * 1024 * 1024);
    const res = await createRuleAdmin(post("http://localhost/api/admin/rules", stream, { "content-type": "application/json" }));
    expect(res.status).toBe(413);
    expect((await res.json()).error.code).toBe("too_large");
    expectStoppedAt(seen, MAX_JSON_BODY_BYTES);
  });

  it("admin JSON: a declared Content-Length over the limit is refused unread", async () => {
    signInAs("admin");
    const { stream, seen } = chunkedBody(16 * 1024 * 1024);
    const res = await createRuleAdmin(
      post("http://localhost/api/admin/rules", stream, { "content-type": "application/json", "content-length": String(16 * 1024 * 1024) }),
    );
    expect(res.status).toBe(413);
    expect(seen.pulls).toBeLessThanOrEqual(1);
  });

  it("/api/v1 JSON: a chunked 16 MB body is refused after 1 MB", async () => {
    const { key } = await newApiKey(["rules:write"]);
    const { stream, seen } = chunkedBody(16 * 1024 * 1024);
    const res = await createRuleV1(post("http://localhost/api/v1/rules", stream, { authorization: `Bearer ${key}`, "content-type": "application/json" }));
    expect(res.status).toBe(413);
    expectStoppedAt(seen, MAX_JSON_BODY_BYTES);
  });

  it("CSV import: a chunked 24 MB file is refused after twice the importer's own limit", async () => {
    signInAs("admin");
    const { stream, seen } = chunkedBody(24 * 1024 * 1024, "a");
    const res = await importContracts(post("http://localhost/api/admin/contracts/import?dryRun=true", stream, { "content-type": "text/csv" }));
    expect(res.status).toBe(413);
    expectStoppedAt(seen, MAX_CSV_BYTES * 2);
  });
});
