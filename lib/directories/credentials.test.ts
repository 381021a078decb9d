import { SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import {
  constantTimeEqual, generateSecret, hashSecret, signAccessToken, verifyAccessToken, visiblePrefix,
} from "./credentials";

describe("credentials", () => {
  it("generates 256-bit random tokens with a recognisable prefix", () => {
    const a = generateSecret();
    const b = generateSecret();
    expect(a).not.toBe(b);
    expect(a).toMatch(/^cst_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(a.slice(4), "base64url")).toHaveLength(32);
    expect(visiblePrefix(a)).toBe(a.slice(0, 10));
    expect(hashSecret(a)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashSecret(a)).not.toContain(a.slice(4, 12));
  });

  it("compares in constant time and rejects prefixes", () => {
    expect(constantTimeEqual("abc", "abc")).toBe(true);
    expect(constantTimeEqual("abc", "abd")).toBe(false);
    expect(constantTimeEqual("abc", "abcd")).toBe(false);
  });

  it("signs and verifies access tokens; rejects tampering, other keys and expiry", async () => {
    const key = "k".repeat(32);
    const exp = Math.floor(Date.now() / 1000) + 60;
    const token = await signAccessToken({ dir: "d1", cid: "c1", exp }, key);
    expect(await verifyAccessToken(token, key)).toEqual({ dir: "d1", cid: "c1", exp });
    expect(await verifyAccessToken(token, "x".repeat(32))).toBeUndefined();
    const [h, , s] = token.split(".");
    const forged = Buffer.from(JSON.stringify({ dir: "d2", cid: "c1", exp })).toString("base64url");
    expect(await verifyAccessToken(`${h}.${forged}.${s}`, key)).toBeUndefined();
    expect(await verifyAccessToken(token, key, exp + 1)).toBeUndefined();
    expect(await verifyAccessToken("not-a-token", key)).toBeUndefined();
  });

  it("accepts only HS256 tokens that carry an expiry", async () => {
    const key = "k".repeat(32);
    const exp = Math.floor(Date.now() / 1000) + 60;
    const secret = new TextEncoder().encode(key);
    const hs512 = await new SignJWT({ dir: "d1", cid: "c1", exp }).setProtectedHeader({ alg: "HS512" }).sign(secret);
    expect(await verifyAccessToken(hs512, key)).toBeUndefined();
    const none = `${Buffer.from(JSON.stringify({ alg: "none", typ: "JWT" })).toString("base64url")}.${Buffer.from(JSON.stringify({ dir: "d1", cid: "c1", exp })).toString("base64url")}.`;
    expect(await verifyAccessToken(none, key)).toBeUndefined();
    const forever = await new SignJWT({ dir: "d1", cid: "c1" }).setProtectedHeader({ alg: "HS256", typ: "JWT" }).sign(secret);
    expect(await verifyAccessToken(forever, key)).toBeUndefined();
    // Expired from the second of `exp` on, with no tolerance.
    const token = await signAccessToken({ dir: "d1", cid: "c1", exp }, key);
    expect(await verifyAccessToken(token, key, exp - 0.5)).toEqual({ dir: "d1", cid: "c1", exp });
    expect(await verifyAccessToken(token, key, exp)).toBeUndefined();
  });
});
