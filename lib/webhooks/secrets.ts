// Endpoint signing secrets. Unlike tokens (stored hashed), a signing secret must be readable to
// sign, so it is encrypted at rest with AES-256-GCM. The key is derived (HKDF-SHA256) from
// AUTH_SECRET when it is set — then a copy of the database alone does not reveal the secrets —
// else from a random key kept in InstanceSecret (which protects against leaks of single columns,
// logs and exports, not against a full copy of the database: set AUTH_SECRET in production).
// Each ciphertext names its key's fingerprint, so a changed AUTH_SECRET gives a clear error
// ("rotate the endpoint's secret") instead of wrong signatures.
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from "node:crypto";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import type { Tx } from "@/lib/db/errors";
import { getConfig } from "@/lib/config";
import { generateSecret } from "@/lib/directories/credentials";

export const WEBHOOK_SECRET_PREFIX = "whsec_";
const KEY_ROW = "webhook-secret-key";

export function generateWebhookSecret(): string {
  return generateSecret(WEBHOOK_SECRET_PREFIX);
}

interface Key {
  key: Buffer;
  fingerprint: string;
}

let cached: { source: string; key: Key } | undefined;

async function encryptionKey(db: PrismaClient | Tx): Promise<Key> {
  let material = getConfig().authSecret;
  if (!material) {
    await db.instanceSecret.createMany({ data: [{ name: KEY_ROW, value: randomBytes(32).toString("base64url") }], skipDuplicates: true });
    material = (await db.instanceSecret.findUniqueOrThrow({ where: { name: KEY_ROW } })).value;
  }
  if (cached?.source === material) return cached.key;
  const key = Buffer.from(hkdfSync("sha256", material, "custodian", "webhook endpoint secrets v1", 32));
  const fingerprint = createHmac("sha256", key).update("fingerprint").digest("hex").slice(0, 12);
  cached = { source: material, key: { key, fingerprint } };
  return cached.key;
}

export async function encryptSecret(db: PrismaClient | Tx, secret: string): Promise<string> {
  const { key, fingerprint } = await encryptionKey(db);
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  const data = Buffer.concat([cipher.update(secret, "utf8"), cipher.final()]);
  return ["v1", fingerprint, iv.toString("base64url"), cipher.getAuthTag().toString("base64url"), data.toString("base64url")].join(":");
}

export class SecretKeyMismatchError extends Error {
  constructor() {
    super("the endpoint's secret was encrypted with another key (AUTH_SECRET changed?): rotate the endpoint's secret");
    this.name = "SecretKeyMismatchError";
  }
}

export async function decryptSecret(db: PrismaClient | Tx, ciphertext: string): Promise<string> {
  const { key, fingerprint } = await encryptionKey(db);
  const [version, keyId, iv, tag, data] = ciphertext.split(":");
  if (version !== "v1" || !data) throw new Error("unreadable webhook secret");
  if (keyId !== fingerprint) throw new SecretKeyMismatchError();
  const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"));
  decipher.setAuthTag(Buffer.from(tag, "base64url"));
  return Buffer.concat([decipher.update(Buffer.from(data, "base64url")), decipher.final()]).toString("utf8");
}
