// Issue 14 items 19 and 20: where a request came from and which URL it reached, decided once.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { clientAddress } from "@/lib/forwarded";
import { clientRequestIdOf, publicBaseUrl } from "./client";
import { appendPeerAddressToForwardedFor } from "./peer-address";
import { withEnv } from "@/lib/testing/env";

const headers = (h: Record<string, string>) => new Headers(h);
afterEach(() => withEnv({ TRUSTED_PROXIES: undefined, NEXTAUTH_URL: undefined }));

describe("clientAddress (item 20)", () => {
  it("without TRUSTED_PROXIES believes no forwarded hop: the peer that connected (the rightmost entry) is the client", () => {
    withEnv({ TRUSTED_PROXIES: undefined });
    expect(clientAddress(headers({ "x-forwarded-for": "6.6.6.6, 198.51.100.7" }))).toBe("198.51.100.7");
    expect(clientAddress(headers({ "x-forwarded-for": "198.51.100.7" }))).toBe("198.51.100.7");
    expect(clientAddress(headers({ "x-forwarded-for": "::ffff:127.0.0.1" }))).toBe("127.0.0.1");
    // X-Real-IP is a client's word too.
    expect(clientAddress(headers({ "x-real-ip": "6.6.6.6" }))).toBeUndefined();
    expect(clientAddress(headers({ "x-forwarded-for": "not-an-address" }))).toBeUndefined();
    expect(clientAddress(headers({}))).toBeUndefined();
  });

  it("with TRUSTED_PROXIES walks from the right past the trusted proxies to the first address they were given", () => {
    withEnv({ TRUSTED_PROXIES: "10.0.0.0/8, 192.0.2.1" });
    expect(clientAddress(headers({ "x-forwarded-for": "6.6.6.6, 203.0.113.9, 10.1.2.3" }))).toBe("203.0.113.9");
    expect(clientAddress(headers({ "x-forwarded-for": "203.0.113.9, 192.0.2.1, 10.1.2.3" }))).toBe("203.0.113.9");
    // A peer that is not a trusted proxy is the client, whatever it forwards.
    expect(clientAddress(headers({ "x-forwarded-for": "6.6.6.6, 198.51.100.7" }))).toBe("198.51.100.7");
    // Garbage a trusted proxy was handed is not recorded.
    expect(clientAddress(headers({ "x-forwarded-for": "<script>, 10.1.2.3" }))).toBeUndefined();
  });

  it("the server appends the socket's address to X-Forwarded-For before Next.js sees the request (a real socket)", async () => {
    appendPeerAddressToForwardedFor();
    appendPeerAddressToForwardedFor(); // installed once, however often called
    const server = http.createServer((req, res) => res.end(String(req.headers["x-forwarded-for"])));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    try {
      const spoofed = await (await fetch(url, { headers: { "x-forwarded-for": "6.6.6.6" } })).text();
      expect(spoofed).toBe("6.6.6.6, 127.0.0.1");
      expect(await (await fetch(url)).text()).toBe("127.0.0.1");
      withEnv({ TRUSTED_PROXIES: undefined });
      expect(clientAddress(headers({ "x-forwarded-for": spoofed }))).toBe("127.0.0.1");
      withEnv({ TRUSTED_PROXIES: "127.0.0.1" });
      expect(clientAddress(headers({ "x-forwarded-for": spoofed }))).toBe("6.6.6.6");
    } finally {
      server.close();
    }
  });

  it("keeps the caller's sane X-Request-Id as its own field", () => {
    expect(clientRequestIdOf({ headers: headers({ "x-request-id": "abc-1" }) })).toBe("abc-1");
    expect(clientRequestIdOf({ headers: headers({ "x-request-id": "bad id\n" }) })).toBeUndefined();
  });
});

describe("publicBaseUrl (item 19)", () => {
  const forwarded = { "x-forwarded-for": "203.0.113.9, 10.0.0.2", "x-forwarded-host": "custodian.example.org", "x-forwarded-proto": "https", host: "localhost:3000" };

  it("is NEXTAUTH_URL when set (without a trailing slash)", () => {
    withEnv({ NEXTAUTH_URL: "https://custodian.example.com/" });
    expect(publicBaseUrl({ headers: headers(forwarded), url: "http://localhost:3000/scim/v2/Users" })).toBe("https://custodian.example.com");
  });

  it("else a trusted proxy's X-Forwarded-Host and -Proto, and never an untrusted caller's", () => {
    withEnv({ NEXTAUTH_URL: undefined, TRUSTED_PROXIES: "10.0.0.0/8" });
    expect(publicBaseUrl({ headers: headers(forwarded), url: "http://localhost:3000/x" })).toBe("https://custodian.example.org");
    withEnv({ TRUSTED_PROXIES: undefined });
    expect(publicBaseUrl({ headers: headers(forwarded), url: "http://localhost:3000/x" })).toBe("http://localhost:3000");
    withEnv({ TRUSTED_PROXIES: "10.0.0.0/8" });
    expect(publicBaseUrl({ headers: headers({ ...forwarded, "x-forwarded-host": "evil.example/path?" }), url: "http://localhost:3000/x" })).toBe("http://localhost:3000");
    expect(publicBaseUrl({ headers: headers({ host: "custodian.example.net" }) })).toBe("https://custodian.example.net");
  });

  it("else the Host the client named, not the address the server bound (Next.js builds request.url from that)", () => {
    withEnv({ NEXTAUTH_URL: undefined, TRUSTED_PROXIES: undefined });
    const url = "http://localhost:3000/scim/v2/Users";
    expect(publicBaseUrl({ headers: headers({ host: "custodian.internal:8443" }), url })).toBe("http://custodian.internal:8443");
    expect(publicBaseUrl({ headers: headers({ host: "evil.example/path?" }), url })).toBe("http://localhost:3000");
    expect(publicBaseUrl({ headers: headers({}), url })).toBe("http://localhost:3000");
  });
});
