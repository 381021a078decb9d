// Webhook signatures, in the scheme of Stripe and Standard Webhooks:
//   Custodian-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, `${t}.${body}`)>[,v1=<…>]
// The timestamp is signed with the body, so a captured request cannot be replayed outside the
// tolerance window; receivers also drop event ids they have seen (Custodian-Event-Id) within it.
// During a secret rotation there are two v1 values (new and previous secret).
//
// This module depends on node:crypto only, so receivers can copy it as is.
import { createHmac, timingSafeEqual } from "node:crypto";

export const SIGNATURE_HEADER = "Custodian-Signature";
export const EVENT_ID_HEADER = "Custodian-Event-Id";
export const EVENT_TYPE_HEADER = "Custodian-Event-Type";
export const DELIVERY_ID_HEADER = "Custodian-Delivery-Id";
export const DEFAULT_TOLERANCE_SECONDS = 300;

function hmacHex(secret: string, timestamp: number, body: string): string {
  return createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex");
}

/** The header value for `body`, signed with each secret (current first). */
export function signWebhook(options: { body: string; secrets: string[]; timestamp: number }): string {
  return [`t=${options.timestamp}`, ...options.secrets.map((s) => `v1=${hmacHex(s, options.timestamp, options.body)}`)].join(",");
}

export type VerifyResult = { ok: true; timestamp: number } | { ok: false; reason: "malformed" | "expired" | "mismatch" };

/**
 * Checks a received webhook: `body` is the raw request body (exactly as received, before any
 * JSON parsing), `header` the Custodian-Signature header, `secret` the endpoint's secret (or
 * several while rotating). Refuses signatures older or newer than `toleranceSeconds`.
 */
export function verifyWebhookSignature(options: {
  body: string;
  header: string | null | undefined;
  secret: string | string[];
  toleranceSeconds?: number;
  nowSeconds?: number;
}): VerifyResult {
  const parts = (options.header ?? "").split(",").map((p) => p.trim());
  const t = parts.find((p) => p.startsWith("t="))?.slice(2);
  const signatures = parts.filter((p) => p.startsWith("v1=")).map((p) => p.slice(3));
  if (!t || !/^\d{1,12}$/.test(t) || signatures.length === 0) return { ok: false, reason: "malformed" };
  const timestamp = Number(t);
  const now = options.nowSeconds ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - timestamp) > (options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS)) return { ok: false, reason: "expired" };
  const secrets = Array.isArray(options.secret) ? options.secret : [options.secret];
  for (const secret of secrets) {
    const expected = Buffer.from(hmacHex(secret, timestamp, options.body), "hex");
    for (const candidate of signatures) {
      const given = Buffer.from(candidate, "hex");
      // Constant-time: the comparison must not tell an attacker how many bytes matched.
      if (given.length === expected.length && timingSafeEqual(given, expected)) return { ok: true, timestamp };
    }
  }
  return { ok: false, reason: "mismatch" };
}
