// The audit signing key: one Ed25519 key pair per installation, generated on first use and shared
// by all instances through the database (InstanceSecret "audit-signing-key"). It signs chain
// export manifests and erasure certificates. The private key never leaves this module; it is
// stored encrypted (AES-256-GCM under a key derived from AUTH_SECRET) when AUTH_SECRET is set —
// without AUTH_SECRET there is no secret outside the database to encrypt it with (README).
import { createCipheriv, createDecipheriv, createHash, createPrivateKey, createPublicKey, generateKeyPairSync, hkdfSync, randomBytes, sign, verify, type KeyObject } from "node:crypto";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { getConfig } from "@/lib/config";
import { canonicalJson } from "./canonical-json";

const SECRET_NAME = "audit-signing-key";

interface StoredKey {
  v: 1;
  publicKey: string;
  /** PKCS#8 PEM, or base64(iv | tag | ciphertext) when encrypted. */
  privateKey: string;
  encrypted: boolean;
}

export interface SigningKey {
  keyId: string;
  publicKeyPem: string;
  /** Base64 Ed25519 signature of the canonical JSON of `body`. */
  signJson(body: unknown): string;
}

function wrappingKey(secret: string): Buffer {
  return Buffer.from(hkdfSync("sha256", secret, "custodian", SECRET_NAME, 32));
}

function encrypt(pem: string, secret: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", wrappingKey(secret), iv);
  const data = Buffer.concat([cipher.update(pem, "utf8"), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), data]).toString("base64");
}

function decrypt(blob: string, secret: string): string {
  const raw = Buffer.from(blob, "base64");
  const decipher = createDecipheriv("aes-256-gcm", wrappingKey(secret), raw.subarray(0, 12));
  decipher.setAuthTag(raw.subarray(12, 28));
  return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString("utf8");
}

export function keyIdOf(publicKeyPem: string): string {
  const der = createPublicKey(publicKeyPem).export({ type: "spki", format: "der" });
  return createHash("sha256").update(der).digest("hex").slice(0, 32);
}

function generate(secret: string | undefined): StoredKey {
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  const pem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  return {
    v: 1,
    publicKey: publicKey.export({ type: "spki", format: "pem" }).toString(),
    privateKey: secret ? encrypt(pem, secret) : pem,
    encrypted: Boolean(secret),
  };
}

export async function getSigningKey(prisma: Pick<PrismaClient, "instanceSecret">): Promise<SigningKey> {
  const secret = getConfig().authSecret;
  let row = await prisma.instanceSecret.findUnique({ where: { name: SECRET_NAME } });
  if (!row) {
    // Several instances may race: the first row wins, everyone reads it back.
    await prisma.instanceSecret.createMany({ data: [{ name: SECRET_NAME, value: JSON.stringify(generate(secret)) }], skipDuplicates: true });
    row = await prisma.instanceSecret.findUniqueOrThrow({ where: { name: SECRET_NAME } });
  }
  const stored = JSON.parse(row.value) as StoredKey;
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(stored.encrypted ? decrypt(stored.privateKey, secret ?? "") : stored.privateKey);
  } catch {
    throw new Error("The audit signing key cannot be decrypted: was AUTH_SECRET changed? (README: Audit chain)");
  }
  return {
    keyId: keyIdOf(stored.publicKey),
    publicKeyPem: stored.publicKey,
    signJson: (body) => sign(null, Buffer.from(canonicalJson(body), "utf8"), privateKey).toString("base64"),
  };
}

export function verifyJsonSignature(body: unknown, signature: string, publicKeyPem: string): boolean {
  try {
    return verify(null, Buffer.from(canonicalJson(body), "utf8"), createPublicKey(publicKeyPem), Buffer.from(signature, "base64"));
  } catch {
    return false;
  }
}
