// Who is calling /scim/v2: a directory's bearer token, or an OAuth access token issued to one of
// its clients. Every SCIM query is then scoped by the directory id established here.
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { getConfig } from "@/lib/config";
import {
  bearerOf, constantTimeEqual, generateSecret, hashSecret, looksLikeAccessToken, verifyAccessToken,
} from "@/lib/directories/credentials";
import { bearerKey, cachedCredential, credentialGeneration, oauthClientKey, rememberCredential } from "@/lib/directories/credential-cache";
import { ScimError } from "./errors";

export interface ScimPrincipal {
  directoryId: string;
  credentialId: string;
  credentialType: "token" | "oauth";
  label: string;
  /** The directory's own request budget (Directory.rateLimitPerMinute; null = the configured default). */
  rateLimitPerMinute: number | null;
}

const withDirectoryLimit = { directory: { select: { rateLimitPerMinute: true } } } as const;

const unauthorized = (detail: string) => new ScimError("unauthorized", detail);
// lastUsedAt is for humans ("is this token still in use?"): a minute's precision spares a write
// per request.
const LAST_USED_PRECISION_MS = 60_000;

let signingKeyCache: string | undefined;

/** HMAC key for OAuth access tokens: AUTH_SECRET, else a random key shared through the database. */
export async function accessTokenSigningKey(prisma: PrismaClient): Promise<string> {
  if (signingKeyCache) return signingKeyCache;
  const configured = getConfig().authSecret;
  if (configured) return (signingKeyCache = `scim-oauth:${configured}`);
  const name = "scim-oauth-signing-key";
  await prisma.instanceSecret.createMany({ data: [{ name, value: generateSecret("") }], skipDuplicates: true });
  const row = await prisma.instanceSecret.findUniqueOrThrow({ where: { name } });
  return (signingKeyCache = row.value);
}

export async function authenticateScim(prisma: PrismaClient, authorization: string | null): Promise<ScimPrincipal> {
  const secret = bearerOf(authorization);
  if (!secret) throw unauthorized("Missing bearer token (Authorization: Bearer <token>)");
  if (secret.length > 4096) throw unauthorized("Invalid bearer token");

  if (looksLikeAccessToken(secret)) {
    const claims = await verifyAccessToken(secret, await accessTokenSigningKey(prisma));
    if (!claims) throw unauthorized("Invalid or expired access token");
    const principal = await oauthClientPrincipal(prisma, claims.cid);
    if (!principal || principal.directoryId !== claims.dir) throw unauthorized("Invalid or expired access token");
    return principal;
  }

  const hash = hashSecret(secret);
  const key = bearerKey(hash);
  const now = Date.now();
  let credential = cachedCredential<ScimPrincipal>(key, now);
  if (!credential) {
    const generation = credentialGeneration();
    const token = await prisma.scimToken.findUnique({ where: { hash }, include: withDirectoryLimit });
    // The index lookup finds the row; the constant-time comparison is the actual check.
    if (!token || !constantTimeEqual(token.hash, hash)) throw unauthorized("Invalid bearer token");
    if (token.revokedAt) throw unauthorized("This token was revoked");
    credential = {
      principal: {
        directoryId: token.directoryId,
        credentialId: token.id,
        credentialType: "token",
        label: `${token.name} (${token.prefix}…)`,
        rateLimitPerMinute: token.directory.rateLimitPerMinute,
      },
      expiresAt: token.expiresAt?.getTime() ?? null,
      lastUsedAt: token.lastUsedAt?.getTime() ?? null,
    };
    rememberCredential(key, credential, generation, now);
  }
  if (credential.expiresAt !== null && credential.expiresAt <= now) throw unauthorized("This token has expired");
  if (credential.lastUsedAt === null || now - credential.lastUsedAt > LAST_USED_PRECISION_MS) {
    credential.lastUsedAt = now;
    await prisma.scimToken.update({ where: { id: credential.principal.credentialId }, data: { lastUsedAt: new Date(now) } });
  }
  return credential.principal;
}

/** The principal of a live (not revoked) OAuth client, from the credential cache or the database. */
async function oauthClientPrincipal(prisma: PrismaClient, clientId: string): Promise<ScimPrincipal | undefined> {
  const key = oauthClientKey(clientId);
  const cached = cachedCredential<ScimPrincipal>(key);
  if (cached) return cached.principal;
  const generation = credentialGeneration();
  const client = await prisma.oAuthClient.findUnique({ where: { clientId }, include: withDirectoryLimit });
  if (!client || client.revokedAt) return undefined;
  const principal: ScimPrincipal = {
    directoryId: client.directoryId,
    credentialId: client.id,
    credentialType: "oauth",
    label: client.clientId,
    rateLimitPerMinute: client.directory.rateLimitPerMinute,
  };
  // lastUsedAt of an OAuth client is stamped when it obtains an access token (authenticateOAuthClient).
  rememberCredential(key, { principal, expiresAt: null, lastUsedAt: null }, generation);
  return principal;
}

export const ACCESS_TOKEN_TTL_SECONDS = 3600;

export async function authenticateOAuthClient(prisma: PrismaClient, clientId: string, clientSecret: string) {
  const client = await prisma.oAuthClient.findUnique({ where: { clientId } });
  const ok = client !== null && !client.revokedAt && constantTimeEqual(client.secretHash, hashSecret(clientSecret));
  if (!ok) return undefined;
  await prisma.oAuthClient.update({ where: { id: client.id }, data: { lastUsedAt: new Date() } });
  return client;
}
