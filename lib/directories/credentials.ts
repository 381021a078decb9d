// SCIM credentials: long-lived bearer tokens (random 256 bits, stored only as SHA-256 with a
// visible prefix) and short-lived OAuth 2.0 access tokens signed with HMAC-SHA256.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { jwtVerify, SignJWT } from "jose";

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

const ALGORITHM = "HS256";
const keyBytes = (key: string) => new TextEncoder().encode(key);

/** A compact JWS (HS256, typ JWT) of the claims: any JWT library can decode it. */
export async function signAccessToken(claims: AccessTokenClaims, key: string): Promise<string> {
  return new SignJWT({ ...claims }).setProtectedHeader({ alg: ALGORITHM, typ: "JWT" }).sign(keyBytes(key));
}

export function looksLikeAccessToken(token: string): boolean {
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(token);
}

/**
 * The claims when the signature is valid (HS256 only), the token has not expired (no clock
 * tolerance: expired at `exp`) and it carries our claims; else undefined.
 */
export async function verifyAccessToken(token: string, key: string, nowSeconds = Date.now() / 1000): Promise<AccessTokenClaims | undefined> {
  try {
    const { payload } = await jwtVerify(token, keyBytes(key), {
      algorithms: [ALGORITHM],
      requiredClaims: ["exp"],
      // jose compares whole seconds; an integer `exp` is expired from that second on either way.
      currentDate: new Date(nowSeconds * 1000),
    });
    const { dir, cid, exp } = payload;
    if (typeof dir !== "string" || typeof cid !== "string" || typeof exp !== "number") return undefined;
    return exp > nowSeconds ? { dir, cid, exp } : undefined;
  } catch {
    return undefined;
  }
}
