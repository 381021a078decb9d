import { describe, expect, it } from "vitest";
import { signWebhook, verifyWebhookSignature } from "./signature";

describe("webhook signatures", () => {
  const body = JSON.stringify({ id: "evt", type: "user.updated" });
  const now = 1_800_000_000;

  it("verifies what it signs, within the tolerance window only", () => {
    const header = signWebhook({ body, secrets: ["whsec_a"], timestamp: now });
    expect(header).toMatch(/^t=1800000000,v1=[0-9a-f]{64}$/);
    expect(verifyWebhookSignature({ body, header, secret: "whsec_a", nowSeconds: now + 10 })).toEqual({ ok: true, timestamp: now });
    expect(verifyWebhookSignature({ body, header, secret: "whsec_a", nowSeconds: now + 301 })).toEqual({ ok: false, reason: "expired" });
    expect(verifyWebhookSignature({ body, header, secret: "whsec_a", nowSeconds: now - 301 })).toEqual({ ok: false, reason: "expired" });
  });

  it("refuses another secret, a changed body, a changed timestamp and garbage", () => {
    const header = signWebhook({ body, secrets: ["whsec_a"], timestamp: now });
    expect(verifyWebhookSignature({ body, header, secret: "whsec_b", nowSeconds: now })).toMatchObject({ ok: false, reason: "mismatch" });
    expect(verifyWebhookSignature({ body: body + " ", header, secret: "whsec_a", nowSeconds: now })).toMatchObject({ ok: false });
    const moved = header.replace(`t=${now}`, `t=${now + 1}`);
    expect(verifyWebhookSignature({ body, header: moved, secret: "whsec_a", nowSeconds: now })).toMatchObject({ ok: false, reason: "mismatch" });
    for (const bad of [undefined, "", "v1=abc", "t=x,v1=00", `t=${now}`]) {
      expect(verifyWebhookSignature({ body, header: bad, secret: "whsec_a", nowSeconds: now })).toMatchObject({ ok: false, reason: "malformed" });
    }
  });

  it("carries both secrets during a rotation", () => {
    const header = signWebhook({ body, secrets: ["whsec_new", "whsec_old"], timestamp: now });
    expect(verifyWebhookSignature({ body, header, secret: "whsec_old", nowSeconds: now }).ok).toBe(true);
    expect(verifyWebhookSignature({ body, header, secret: "whsec_new", nowSeconds: now }).ok).toBe(true);
  });
});
