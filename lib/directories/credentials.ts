// SCIM credentials: long-lived bearer tokens (random 256 bits, stored only as SHA-256 with a
// visible prefix) and short-lived OAuth 2.0 access tokens signed with HMAC-SHA256.
import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";

export const TOKEN_PREFIX = "cst_";

export function generateSecret(prefix = TOKEN_PREFIX): string {
  return prefix + randomBytes(32).toString("base64url");
}

export function hashSecret(secret: string): string {
  return createHash("sha256").update(secret, "utf8").digest("hex");
}

/** What admins see in lists to recognise a token without being able to use it. */
export function visiblePrefix(secret: string): string {
  return secret.slice(0, secret.startsWith(TOKEN_PREFIX) ? TOKEN_PREFIX.length + 6 : 6);
}

/** The token of an `Authorization: Bearer <token>` header. */
export function bearerOf(header: string | null): string | undefined {
  if (!header) return undefined;
  const match = /^\s*Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

export function constantTimeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a, "utf8");
  const bb = Buffer.from(b, "utf8");
  // Compare equal-length digests so the length of the secret does not leak either.
  return timingSafeEqual(createHash("sha256").update(ab).digest(), createHash("sha256").update(bb).digest()) && ab.length === bb.length;
}

export interface AccessTokenClaims {
  /** directory id */
  dir: string;
  /** OAuth client id */
  cid: string;
  /** expiry, seconds since epoch */
  exp: number;
}

// A compact JWS (HS256): any JWT library can decode it, and we need no dependency to sign it.
export function signAccessToken(claims: AccessTokenClaims, key: string): string {
  const header = Buffer.from(JSON.stringify({ alg: "HS256", typ: "JWT" })).toString("base64url");
  const payload = Buffer.from(JSON.stringify(claims)).toString("base64url");
  const signature = createHmac("sha256", key).update(`${header}.${payload}`).digest("base64url");
  return `${header}.${payload}.${signature}`;
}

export function looksLikeAccessToken(token: string): boolean {
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(token);
}

/** The claims when the signature is valid and the token has not expired, else undefined. */
export function verifyAccessToken(token: string, key: string, nowSeconds = Date.now() / 1000): AccessTokenClaims | undefined {
  const parts = token.split(".");
  if (parts.length !== 3) return undefined;
  const expected = createHmac("sha256", key).update(`${parts[0]}.${parts[1]}`).digest("base64url");
  if (!constantTimeEqual(expected, parts[2])) return undefined;
  try {
    const header = JSON.parse(Buffer.from(parts[0], "base64url").toString("utf8"));
    if (header?.alg !== "HS256") return undefined;
    const claims = JSON.parse(Buffer.from(parts[1], "base64url").toString("utf8")) as AccessTokenClaims;
    if (typeof claims.dir !== "string" || typeof claims.cid !== "string" || typeof claims.exp !== "number") return undefined;
    return claims.exp > nowSeconds ? claims : undefined;
  } catch {
    return undefined;
  }
}
