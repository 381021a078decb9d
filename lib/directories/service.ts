// Directories and their SCIM credentials. Plain-text secrets exist only in the return value of
// the create functions (shown once); the database keeps hashes.
import { z } from "zod";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { recordAuditEvent, type Actor } from "@/lib/audit/record";
import { isUniqueViolation } from "@/lib/db/errors";
import { AppError } from "@/lib/errors";
import { log } from "@/lib/log";
import { generateSecret, hashSecret, visiblePrefix } from "./credentials";
import { bearerKey, forgetCredential, oauthClientKey } from "./credential-cache";
import { now as clockNow } from "@/lib/clock";
import { clientItem, requireDirectory, tokenItem, type OAuthClientItem, type ScimTokenItem } from "./queries";

export const DIRECTORY_KINDS = ["entra", "okta", "google", "onelogin", "jumpcloud", "generic"] as const;
export type DirectoryKind = (typeof DIRECTORY_KINDS)[number];

export const createDirectoryInput = z.object({
  name: z.string().trim().min(1).max(100),
  kind: z.enum(DIRECTORY_KINDS).default("generic"),
});

export async function createDirectory(
  prisma: PrismaClient,
  options: { input: z.input<typeof createDirectoryInput>; actor: Actor },
) {
  const input = createDirectoryInput.parse(options.input);
  try {
    return await prisma.$transaction(async (tx) => {
      const directory = await tx.directory.create({ data: { name: input.name, kind: input.kind, createdAt: clockNow() } });
      await recordAuditEvent(tx, {
        actor: options.actor,
        action: "directory.created",
        directoryId: directory.id,
        target: { type: "Directory", id: directory.id, label: directory.name },
        after: { name: directory.name, kind: directory.kind },
      });
      return directory;
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError("conflict", `A directory named "${input.name}" already exists`);
    throw err;
  }
}

export const createTokenInput = z.object({
  name: z.string().trim().min(1).max(100).default("SCIM token"),
  expiresAt: z.coerce.date().optional(),
});

/** Creates a bearer token; the returned `token` is the only time the secret exists in clear. */
export async function createScimToken(
  prisma: PrismaClient,
  options: { directoryId: string; input?: z.input<typeof createTokenInput>; actor: Actor; secret?: string; bootstrap?: boolean },
) {
  const input = createTokenInput.parse(options.input ?? {});
  if (input.expiresAt && input.expiresAt.getTime() <= Date.now()) {
    throw new AppError("invalid_input", "expiresAt must be in the future");
  }
  const token = options.secret ?? generateSecret();
  const record = await prisma.$transaction(async (tx) => {
    const created = await tx.scimToken.create({
      data: {
        directoryId: options.directoryId,
        name: input.name,
        prefix: visiblePrefix(token),
        hash: hashSecret(token),
        expiresAt: input.expiresAt,
        createdAt: clockNow(),
        bootstrap: options.bootstrap ?? false,
      },
    });
    await recordAuditEvent(tx, {
      actor: options.actor,
      action: "scim_token.created",
      directoryId: options.directoryId,
      target: { type: "ScimToken", id: created.id, label: `${created.name} (${created.prefix}…)` },
      after: { name: created.name, prefix: created.prefix, expiresAt: created.expiresAt },
    });
    return created;
  });
  return { token, record };
}

export async function revokeScimToken(prisma: PrismaClient, options: { tokenId: string; actor: Actor; reason?: string }) {
  const revoked = await prisma.$transaction(async (tx) => {
    const existing = await tx.scimToken.findUnique({ where: { id: options.tokenId } });
    if (!existing) throw new AppError("not_found", "Token not found");
    if (existing.revokedAt) return existing;
    const revoked = await tx.scimToken.update({ where: { id: existing.id }, data: { revokedAt: clockNow() } });
    await recordAuditEvent(tx, {
      actor: options.actor,
      action: "scim_token.revoked",
      directoryId: existing.directoryId,
      target: { type: "ScimToken", id: existing.id, label: `${existing.name} (${existing.prefix}…)` },
      ...(options.reason ? { after: { reason: options.reason } } : {}),
    });
    return revoked;
  });
  // Committed: this instance refuses the token from now on (others within the cache's bound).
  forgetCredential(bearerKey(revoked.hash));
  return revoked;
}

export async function createOAuthClient(
  prisma: PrismaClient,
  options: { directoryId: string; name: string; actor: Actor },
) {
  const clientId = `csc_${generateSecret("").slice(0, 20)}`;
  const clientSecret = generateSecret("css_");
  const record = await prisma.$transaction(async (tx) => {
    const created = await tx.oAuthClient.create({
      data: { directoryId: options.directoryId, name: options.name, clientId, secretHash: hashSecret(clientSecret) },
    });
    await recordAuditEvent(tx, {
      actor: options.actor,
      action: "oauth_client.created",
      directoryId: options.directoryId,
      target: { type: "OAuthClient", id: created.id, label: `${created.name} (${clientId})` },
    });
    return created;
  });
  return { clientId, clientSecret, record };
}

export async function revokeOAuthClient(prisma: PrismaClient, options: { clientRecordId: string; actor: Actor }) {
  const revoked = await prisma.$transaction(async (tx) => {
    const existing = await tx.oAuthClient.findUnique({ where: { id: options.clientRecordId } });
    if (!existing) throw new AppError("not_found", "OAuth client not found");
    if (existing.revokedAt) return existing;
    const revoked = await tx.oAuthClient.update({ where: { id: existing.id }, data: { revokedAt: clockNow() } });
    await recordAuditEvent(tx, {
      actor: options.actor,
      action: "oauth_client.revoked",
      directoryId: existing.directoryId,
      target: { type: "OAuthClient", id: existing.id, label: `${existing.name} (${existing.clientId})` },
    });
    return revoked;
  });
  forgetCredential(oauthClientKey(revoked.clientId));
  return revoked;
}

export const MAX_INACTIVITY_DAYS = 3650;

/**
 * The directory's settings, each group optional (a PATCH changes what it names): the inactivity
 * policy (lib/users/inactivity.ts; inactivityDays null = off) and mover reviews (lib/reviews/mover.ts).
 */
export const directorySettingsInput = z
  .object({
    inactivityDays: z
      .number({ error: "must be a whole number of days" })
      .int("must be a whole number of days")
      .min(1, "at least 1 day")
      .max(MAX_INACTIVITY_DAYS, `at most ${MAX_INACTIVITY_DAYS} days`)
      .nullable()
      .optional(),
    inactivityAction: z.enum(["flag", "suspend"], { error: "must be flag or suspend" }).optional(),
    moverReviews: z
      .strictObject({
        enabled: z.boolean(),
        fallbackReviewerId: z.string().trim().min(1).max(100).nullable().default(null).describe("Reviews when the new manager is unknown or is the person"),
        durationDays: z.number({ error: "must be a whole number of days" }).int("must be a whole number of days").min(1, "at least 1 day").max(365, "at most 365 days").default(7),
      })
      .refine((m) => !m.enabled || m.fallbackReviewerId, { message: "a fallback reviewer is required to turn mover reviews on", path: ["fallbackReviewerId"] })
      .optional(),
  })
  .refine((v) => (v.inactivityDays === undefined) === (v.inactivityAction === undefined), {
    message: "inactivityDays and inactivityAction go together",
    path: ["inactivityAction"],
  });

export async function updateDirectorySettings(
  prisma: PrismaClient,
  options: { directoryId: string; input: unknown; actor: Actor },
) {
  const input = directorySettingsInput.parse(options.input);
  return prisma.$transaction(async (tx) => {
    const locked = await tx.$queryRawUnsafe<{ id: string }[]>(`SELECT id FROM "Directory" WHERE id = $1 FOR UPDATE`, options.directoryId);
    if (locked.length === 0) throw new AppError("not_found", "Directory not found");
    const before = await tx.directory.findUniqueOrThrow({ where: { id: options.directoryId } });
    const mover = input.moverReviews;
    if (mover?.fallbackReviewerId && !(await tx.user.findUnique({ where: { id: mover.fallbackReviewerId }, select: { id: true } }))) {
      throw new AppError("invalid_input", "the fallback reviewer must be a person known to Custodian", [{ path: "moverReviews.fallbackReviewerId", message: "no such user" }]);
    }
    const updated = await tx.directory.update({
      where: { id: options.directoryId },
      data: {
        ...(input.inactivityAction !== undefined ? { inactivityDays: input.inactivityDays, inactivityAction: input.inactivityAction } : {}),
        ...(mover ? { moverReviews: mover.enabled, moverReviewFallbackId: mover.fallbackReviewerId, moverReviewDays: mover.durationDays } : {}),
        updatedAt: clockNow(),
      },
    });
    const pick = (d: typeof before) => ({
      inactivityDays: d.inactivityDays,
      inactivityAction: d.inactivityAction,
      moverReviews: d.moverReviews,
      moverReviewFallbackId: d.moverReviewFallbackId,
      moverReviewDays: d.moverReviewDays,
    });
    if (JSON.stringify(pick(before)) !== JSON.stringify(pick(updated))) {
      await recordAuditEvent(tx, {
        actor: options.actor,
        action: "directory.updated",
        directoryId: updated.id,
        target: { type: "Directory", id: updated.id, label: updated.name },
        before: pick(before),
        after: pick(updated),
      });
    }
    return updated;
  });
}

export const DEFAULT_DIRECTORY_NAME = "Default";

/**
 * SCIM_BOOTSTRAP_TOKEN: ensures a directory named "Default" that accepts this token. Idempotent
 * and safe when several instances start at once (the unique name and hash settle races).
 */
export async function ensureBootstrapDirectory(prisma: PrismaClient, token: string): Promise<{ directoryId: string }> {
  const actor: Actor = { type: "system", label: "SCIM_BOOTSTRAP_TOKEN" };
  const hash = hashSecret(token);
  const existingToken = await prisma.scimToken.findUnique({ where: { hash } });
  if (existingToken?.revokedAt) {
    // An operator revoked it: configuration must not silently revive it.
    log.warn("SCIM_BOOTSTRAP_TOKEN was revoked in Custodian and stays revoked; set a new value or remove it");
    return { directoryId: existingToken.directoryId };
  }
  // A token from before the flag existed whose creation event retention has deleted: flag it now.
  if (existingToken && !existingToken.bootstrap) await prisma.scimToken.update({ where: { id: existingToken.id }, data: { bootstrap: true } });
  let directoryId = existingToken?.directoryId;
  if (!directoryId) {
    let directory = await prisma.directory.findUnique({ where: { name: DEFAULT_DIRECTORY_NAME } });
    if (!directory) {
      try {
        directory = await createDirectory(prisma, { input: { name: DEFAULT_DIRECTORY_NAME }, actor });
      } catch (err) {
        if (!(err instanceof AppError && err.code === "conflict")) throw err;
        directory = await prisma.directory.findUniqueOrThrow({ where: { name: DEFAULT_DIRECTORY_NAME } });
      }
    }
    directoryId = directory.id;
    try {
      await createScimToken(prisma, { directoryId, input: { name: "Bootstrap token" }, actor, secret: token, bootstrap: true });
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
    }
  }
  // The variable names one bootstrap token: a new value retires the previous one (rotating the
  // variable must not leave the old secret working). Checked on every start, so a start that
  // stopped between creating the new token and this step finishes it the next time.
  const previous = await prisma.scimToken.findMany({ where: { bootstrap: true, revokedAt: null, hash: { not: hash } }, select: { id: true } });
  for (const { id } of previous) {
    await revokeScimToken(prisma, { tokenId: id, actor, reason: "replaced by a new SCIM_BOOTSTRAP_TOKEN" });
  }
  if (previous.length) log.info("previous SCIM bootstrap token revoked", { count: previous.length });
  return { directoryId };
}

// ---------------------------------------------------------------------------------------------
// Credentials as the dashboard creates and revokes them: always through the directory they
// belong to (a token is revoked by directory and id, never by id alone), answered as list items.

export const MAX_TOKEN_LIFETIME_DAYS = 3650;

export const adminCreateTokenInput = z.object({
  name: z.string().trim().max(100, "at most 100 characters").optional().transform((v) => v || undefined),
  expiresInDays: z.coerce
    .number()
    .int("a whole number of days")
    .min(1, "at least 1 day")
    .max(MAX_TOKEN_LIFETIME_DAYS, `at most ${MAX_TOKEN_LIFETIME_DAYS} days`)
    .nullish(),
});

/** Creates a bearer token; `token` is the only time the secret exists in clear. */
export async function createDirectoryToken(
  prisma: PrismaClient,
  options: { directoryId: string; input: z.input<typeof adminCreateTokenInput>; actor: Actor; now?: Date },
): Promise<{ token: string; record: ScimTokenItem }> {
  const input = adminCreateTokenInput.parse(options.input);
  await requireDirectory(prisma, options.directoryId);
  const now = options.now ?? clockNow();
  const { token, record } = await createScimToken(prisma, {
    directoryId: options.directoryId,
    input: {
      name: input.name,
      expiresAt: input.expiresInDays ? new Date(now.getTime() + input.expiresInDays * 86_400_000) : undefined,
    },
    actor: options.actor,
  });
  return { token, record: tokenItem(record, now) };
}

export async function revokeDirectoryToken(
  prisma: PrismaClient,
  options: { directoryId: string; tokenId: string; actor: Actor },
): Promise<ScimTokenItem> {
  const token = await prisma.scimToken.findFirst({ where: { id: options.tokenId, directoryId: options.directoryId }, select: { id: true } });
  if (!token) throw new AppError("not_found", "Token not found in this directory");
  return tokenItem(await revokeScimToken(prisma, { tokenId: token.id, actor: options.actor }), clockNow());
}

export const adminCreateOAuthClientInput = z.object({
  name: z.string().trim().min(1, "is required").max(100, "at most 100 characters"),
});

/** Creates OAuth client credentials; `clientSecret` is the only time the secret exists in clear. */
export async function createDirectoryOAuthClient(
  prisma: PrismaClient,
  options: { directoryId: string; input: z.input<typeof adminCreateOAuthClientInput>; actor: Actor },
): Promise<{ clientId: string; clientSecret: string; record: OAuthClientItem }> {
  const input = adminCreateOAuthClientInput.parse(options.input);
  await requireDirectory(prisma, options.directoryId);
  const { clientId, clientSecret, record } = await createOAuthClient(prisma, { directoryId: options.directoryId, name: input.name, actor: options.actor });
  return { clientId, clientSecret, record: clientItem(record) };
}
