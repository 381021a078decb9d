// Local dashboard accounts: creation, sign-in with lockout, the first administrator.
import { z } from "zod";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { recordAuditEvent, type Actor } from "@/lib/audit/record";
import { isUniqueViolation } from "@/lib/db/errors";
import { AppError } from "@/lib/errors";
import { log } from "@/lib/log";
import { generatePassword, hashPassword, verifyPassword } from "./passwords";
import { ROLES, type Role } from "./permissions";

export const MAX_FAILED_LOGINS = 5;
const LOCK_BASE_MS = 60_000;

export const createAccountInput = z.object({
  email: z.email().max(254).transform((e) => e.toLowerCase()),
  name: z.string().trim().max(100).optional(),
  role: z.enum(ROLES),
  password: z.string().min(12, "at least 12 characters").max(200),
});

export async function createAccount(
  prisma: PrismaClient,
  options: { input: z.input<typeof createAccountInput>; actor: Actor },
) {
  const input = createAccountInput.parse(options.input);
  const passwordHash = await hashPassword(input.password);
  try {
    return await prisma.$transaction(async (tx) => {
      const account = await tx.adminAccount.create({
        data: { email: input.email, name: input.name, role: input.role, passwordHash, createdBy: options.actor.label },
      });
      await recordAuditEvent(tx, {
        actor: options.actor,
        action: "account.created",
        target: { type: "AdminAccount", id: account.id, label: account.email },
        after: { email: account.email, role: account.role },
      });
      return account;
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError("conflict", `An account for ${input.email} already exists`);
    throw err;
  }
}

export type SignInResult =
  | { ok: true; account: { id: string; email: string; name: string | null; role: Role } }
  | { ok: false; reason: "invalid" | "locked" | "disabled"; retryAfterSeconds?: number };

/**
 * Checks e-mail and password. After MAX_FAILED_LOGINS failures the account is locked for a period
 * that doubles with each further failure; every outcome is audited.
 */
export async function verifyCredentials(
  prisma: PrismaClient,
  options: { email: string; password: string; ip?: string },
): Promise<SignInResult> {
  const email = options.email.trim().toLowerCase();
  const account = await prisma.adminAccount.findUnique({ where: { email } });
  const actor: Actor = { type: "admin", label: email, ip: options.ip };
  if (!account) {
    // Same cost as a real check, so timing does not reveal which e-mails have accounts.
    await verifyPassword(options.password, "scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");
    return { ok: false, reason: "invalid" };
  }
  const now = Date.now();
  if (account.disabledAt) return { ok: false, reason: "disabled" };
  if (account.lockedUntil && account.lockedUntil.getTime() > now) {
    return { ok: false, reason: "locked", retryAfterSeconds: Math.ceil((account.lockedUntil.getTime() - now) / 1000) };
  }
  const valid = await verifyPassword(options.password, account.passwordHash);
  return prisma.$transaction(async (tx) => {
    if (!valid) {
      const failed = account.failedLogins + 1;
      const lockedUntil =
        failed >= MAX_FAILED_LOGINS ? new Date(now + LOCK_BASE_MS * 2 ** Math.min(10, failed - MAX_FAILED_LOGINS)) : null;
      await tx.adminAccount.update({ where: { id: account.id }, data: { failedLogins: failed, lockedUntil } });
      await recordAuditEvent(tx, {
        actor: { ...actor, id: account.id },
        action: lockedUntil ? "account.locked" : "account.sign_in_failed",
        target: { type: "AdminAccount", id: account.id, label: account.email },
        after: { failedLogins: failed, lockedUntil },
      });
      return lockedUntil
        ? { ok: false, reason: "locked", retryAfterSeconds: Math.ceil((lockedUntil.getTime() - now) / 1000) }
        : { ok: false, reason: "invalid" };
    }
    await tx.adminAccount.update({
      where: { id: account.id },
      data: { failedLogins: 0, lockedUntil: null, lastLoginAt: new Date(now) },
    });
    await recordAuditEvent(tx, {
      actor: { ...actor, id: account.id },
      action: "account.signed_in",
      target: { type: "AdminAccount", id: account.id, label: account.email },
    });
    return { ok: true, account: { id: account.id, email: account.email, name: account.name, role: account.role as Role } };
  });
}

/**
 * The first administrator: from ADMIN_EMAIL/ADMIN_PASSWORD, or — when no account exists and those
 * are unset — admin@custodian.local with a generated password printed once to the log.
 */
export async function ensureFirstAdmin(
  prisma: PrismaClient,
  options: { email?: string; password?: string },
): Promise<void> {
  const actor: Actor = { type: "system", label: "first administrator" };
  if (options.email && options.password) {
    const existing = await prisma.adminAccount.findUnique({ where: { email: options.email.toLowerCase() } });
    if (existing) return;
    await createAccount(prisma, { input: { email: options.email, password: options.password, role: "admin" }, actor }).catch((err) => {
      if (!(err instanceof AppError && err.code === "conflict")) throw err;
    });
    log.info("first administrator created from ADMIN_EMAIL", { email: options.email.toLowerCase() });
    return;
  }
  if ((await prisma.adminAccount.count()) > 0) return;
  const email = options.email ?? "admin@custodian.local";
  const password = generatePassword();
  try {
    await createAccount(prisma, { input: { email, password, role: "admin" }, actor });
  } catch (err) {
    if (err instanceof AppError && err.code === "conflict") return; // another instance won
    throw err;
  }
  // Printed once, on purpose, outside the structured log's redaction: it is the only way in.
  process.stdout.write(
    `\n  First administrator created — sign in at /login with\n    e-mail:   ${email}\n    password: ${password}\n  (shown once; set ADMIN_EMAIL/ADMIN_PASSWORD to choose your own)\n\n`,
  );
}

/**
 * Disables or re-enables a local account. A disabled account's session ends at its next request
 * (lib/auth/principal.ts re-reads the account). Nobody disables themself, and the last enabled
 * administrator stays, so Custodian always keeps a way in.
 */
export async function setAccountDisabled(
  prisma: PrismaClient,
  options: { accountId: string; disabled: boolean; actor: Actor },
) {
  if (options.disabled && options.actor.type === "admin" && options.actor.id === options.accountId) {
    throw new AppError("forbidden", "You cannot disable your own account");
  }
  return prisma.$transaction(async (tx) => {
    // Serializes concurrent disables, so two admins cannot disable each other as the last two.
    const [existing] = await tx.$queryRaw<{ id: string; email: string; role: string; disabledAt: Date | null }[]>`
      SELECT "id", "email", "role", "disabledAt" FROM "AdminAccount" WHERE "id" = ${options.accountId} FOR UPDATE`;
    if (!existing) throw new AppError("not_found", "Account not found");
    if (Boolean(existing.disabledAt) === options.disabled) return tx.adminAccount.findUniqueOrThrow({ where: { id: existing.id } });
    if (options.disabled && existing.role === "admin") {
      await tx.$queryRaw`SELECT "id" FROM "AdminAccount" WHERE "role" = 'admin' AND "disabledAt" IS NULL FOR UPDATE`;
      const otherAdmins = await tx.adminAccount.count({ where: { role: "admin", disabledAt: null, id: { not: existing.id } } });
      if (otherAdmins === 0) throw new AppError("conflict", "This is the last enabled administrator account");
    }
    const now = new Date();
    const updated = await tx.adminAccount.update({
      where: { id: existing.id },
      // Re-enabling also lifts a lockout: the administrator vouches for the person.
      data: options.disabled ? { disabledAt: now, updatedAt: now } : { disabledAt: null, failedLogins: 0, lockedUntil: null, updatedAt: now },
    });
    await recordAuditEvent(tx, {
      actor: options.actor,
      action: options.disabled ? "account.disabled" : "account.enabled",
      target: { type: "AdminAccount", id: existing.id, label: existing.email },
      before: { disabledAt: existing.disabledAt },
      after: { disabledAt: updated.disabledAt },
    });
    return updated;
  });
}
