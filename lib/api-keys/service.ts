// API keys for /api/v1 (the contract system and deployment automation). A key is 256 random bits
// with a visible prefix (`cak_…`); only its SHA-256 is stored, so the secret exists in clear once,
// in the return value of createApiKey. Keys carry scopes; `admin` implies every scope.
import { z } from "zod";
import type { ApiKey, PrismaClient } from "@/lib/generated/prisma/client";
import { recordAuditEvent, type Actor } from "@/lib/audit/record";
import { constantTimeEqual, generateSecret, hashSecret } from "@/lib/directories/credentials";
import { AppError } from "@/lib/errors";
import { pageWindow, type Page, type PageInput } from "@/lib/pagination";

export const API_KEY_PREFIX = "cak_";

export const API_SCOPES = ["access:read", "access:decide", "contracts:read", "contracts:write", "rules:read", "rules:write", "walls:read", "walls:write", "admin"] as const;
export type ApiScope = (typeof API_SCOPES)[number];

/** lastUsedAt is for humans ("is this key still in use?"): a minute's precision spares a write per request. */
const LAST_USED_PRECISION_MS = 60_000;
const MAX_EXPIRY_DAYS = 3650;

export const createApiKeyInput = z.object({
  name: z.string().trim().min(1).max(100),
  scopes: z
    .array(z.enum(API_SCOPES))
    .min(1, "at least one scope")
    .transform((s) => [...new Set(s)]),
  expiresAt: z.coerce
    .date()
    .nullish()
    .refine((d) => !d || d.getTime() > Date.now(), "must be in the future")
    .refine((d) => !d || d.getTime() <= Date.now() + MAX_EXPIRY_DAYS * 86_400_000, `must be within ${MAX_EXPIRY_DAYS} days`),
});

/** Who is calling /api/v1. */
export interface ApiKeyPrincipal {
  id: string;
  name: string;
  prefix: string;
  scopes: ApiScope[];
}

export function apiKeyView(k: ApiKey) {
  return {
    id: k.id,
    name: k.name,
    prefix: `${k.prefix}…`,
    scopes: scopesOf(k),
    createdAt: k.createdAt.toISOString(),
    createdBy: k.createdBy,
    expiresAt: k.expiresAt?.toISOString() ?? null,
    lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
    revokedAt: k.revokedAt?.toISOString() ?? null,
  };
}

function scopesOf(k: Pick<ApiKey, "scopes">): ApiScope[] {
  return Array.isArray(k.scopes) ? k.scopes.filter((s): s is ApiScope => (API_SCOPES as readonly unknown[]).includes(s)) : [];
}

const label = (k: Pick<ApiKey, "name" | "prefix">) => `${k.name} (${k.prefix}…)`;

/** Creates a key; the returned `key` is the only time the secret exists in clear. */
export async function createApiKey(
  prisma: PrismaClient,
  options: { input: z.input<typeof createApiKeyInput>; actor: Actor },
): Promise<{ key: string; record: ReturnType<typeof apiKeyView> }> {
  const input = createApiKeyInput.parse(options.input);
  const key = generateSecret(API_KEY_PREFIX);
  const record = await prisma.$transaction(async (tx) => {
    const created = await tx.apiKey.create({
      data: {
        name: input.name,
        prefix: key.slice(0, API_KEY_PREFIX.length + 6),
        hash: hashSecret(key),
        scopes: input.scopes,
        expiresAt: input.expiresAt ?? null,
        createdBy: options.actor.label ?? options.actor.id ?? null,
      },
    });
    await recordAuditEvent(tx, {
      actor: options.actor,
      action: "api_key.created",
      target: { type: "ApiKey", id: created.id, label: label(created) },
      after: { name: created.name, prefix: created.prefix, scopes: input.scopes, expiresAt: created.expiresAt },
    });
    return created;
  });
  return { key, record: apiKeyView(record) };
}

export async function revokeApiKey(prisma: PrismaClient, options: { id: string; actor: Actor }) {
  return prisma.$transaction(async (tx) => {
    const existing = await tx.apiKey.findUnique({ where: { id: options.id } });
    if (!existing) throw new AppError("not_found", `API key ${options.id} not found`);
    if (existing.revokedAt) return apiKeyView(existing);
    const revoked = await tx.apiKey.update({ where: { id: existing.id }, data: { revokedAt: new Date() } });
    await recordAuditEvent(tx, {
      actor: options.actor,
      action: "api_key.revoked",
      target: { type: "ApiKey", id: existing.id, label: label(existing) },
    });
    return apiKeyView(revoked);
  });
}

/** Newest first; revoked keys are listed too (they explain audit events). */
export async function listApiKeys(
  prisma: PrismaClient,
  options: { page?: PageInput; includeRevoked?: boolean } = {},
): Promise<Page<ReturnType<typeof apiKeyView>>> {
  const { page, pageSize, skip, take } = pageWindow(options.page);
  const where = options.includeRevoked === false ? { revokedAt: null } : {};
  const [rows, total] = await Promise.all([
    prisma.apiKey.findMany({ where, orderBy: [{ createdAt: "desc" }, { id: "asc" }], skip, take }),
    prisma.apiKey.count({ where }),
  ]);
  return { items: rows.map(apiKeyView), page, pageSize, total };
}

const unauthorized = (message: string) => new AppError("unauthorized", message);

/** `Authorization: Bearer cak_…` → the key's principal, or AppError unauthorized. */
export async function authenticateApiKey(prisma: PrismaClient, authorization: string | null): Promise<ApiKeyPrincipal> {
  const match = authorization ? /^\s*Bearer\s+(\S+)\s*$/i.exec(authorization) : null;
  const secret = match?.[1];
  if (!secret) throw unauthorized("Missing API key (Authorization: Bearer <key>)");
  if (secret.length > 256 || !secret.startsWith(API_KEY_PREFIX)) throw unauthorized("Invalid API key");
  const hash = hashSecret(secret);
  const key = await prisma.apiKey.findUnique({ where: { hash } });
  // The index lookup finds the row; the constant-time comparison is the actual check.
  if (!key || !constantTimeEqual(key.hash, hash)) throw unauthorized("Invalid API key");
  if (key.revokedAt) throw unauthorized("This API key was revoked");
  const now = Date.now();
  if (key.expiresAt && key.expiresAt.getTime() <= now) throw unauthorized("This API key has expired");
  if (!key.lastUsedAt || now - key.lastUsedAt.getTime() > LAST_USED_PRECISION_MS) {
    // Conditional, so concurrent requests of one key write at most once a minute.
    await prisma.apiKey.updateMany({
      where: { id: key.id, OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: new Date(now - LAST_USED_PRECISION_MS) } }] },
      data: { lastUsedAt: new Date(now) },
    });
  }
  return { id: key.id, name: key.name, prefix: key.prefix, scopes: scopesOf(key) };
}

export function hasScope(principal: Pick<ApiKeyPrincipal, "scopes">, scope: ApiScope): boolean {
  return principal.scopes.includes("admin") || principal.scopes.includes(scope);
}

/** Throws AppError forbidden unless the key holds `scope` (or admin). */
export function requireScope(principal: Pick<ApiKeyPrincipal, "scopes">, scope: ApiScope): void {
  requireAnyScope(principal, [scope]);
}

/** Throws AppError forbidden unless the key holds one of `scopes` (or admin). */
export function requireAnyScope(principal: Pick<ApiKeyPrincipal, "scopes">, scopes: readonly ApiScope[]): void {
  if (scopes.some((s) => hasScope(principal, s))) return;
  const names = scopes.map((s) => `"${s}"`).join(" or ");
  throw new AppError("forbidden", `This API key lacks the ${names} scope`);
}

/** The audit actor of a request made with this key. */
export function apiKeyActor(principal: ApiKeyPrincipal, extra: { requestId?: string; ip?: string } = {}): Actor {
  return { type: "api", id: principal.id, label: `API key ${principal.name} (${principal.prefix}…)`, ...extra };
}
