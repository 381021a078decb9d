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
  | { ok: true; account: { id: string; email: string; name: string | null; role: Role; sessionVersion: number } }
  | { ok: false; reason: "invalid" | "locked" | "disabled"; retryAfterSeconds?: number };

// What verifyPassword costs for an e-mail without an account, so timing does not reveal which
// e-mails have accounts (it goes through the same hashing bound as a real check).
const DUMMY_HASH = "scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";

type AccountRow = { id: string; email: string };

/**
 * Counts one failed password check with its audit event. The increment is one UPDATE … RETURNING,
 * so N concurrent failures count N (a read-then-write would lose all but one); at
 * MAX_FAILED_LOGINS the account locks for a period that doubles with each further failure.
 */
async function recordFailedPassword(
  prisma: PrismaClient,
  options: { account: AccountRow; actor: Actor; now: number },
): Promise<{ failedLogins: number; lockedUntil: Date | null }> {
  const { account, now } = options;
  return prisma.$transaction(async (tx) => {
    const { failedLogins } = await tx.adminAccount.update({
      where: { id: account.id },
      data: { failedLogins: { increment: 1 } },
      select: { failedLogins: true },
    });
    const lockedUntil =
      failedLogins >= MAX_FAILED_LOGINS ? new Date(now + LOCK_BASE_MS * 2 ** Math.min(10, failedLogins - MAX_FAILED_LOGINS)) : null;
    // The row lock taken by the increment is held to commit: no other failure interleaves here.
    if (lockedUntil) await tx.adminAccount.update({ where: { id: account.id }, data: { lockedUntil } });
    await recordAuditEvent(tx, {
      actor: { ...options.actor, id: account.id },
      action: lockedUntil ? "account.locked" : "account.sign_in_failed",
      target: { type: "AdminAccount", id: account.id, label: account.email },
      after: { failedLogins, lockedUntil },
    });
    return { failedLogins, lockedUntil };
  });
}

const retryAfter = (lockedUntil: Date, now: number) => Math.ceil((lockedUntil.getTime() - now) / 1000);

/**
 * Checks e-mail and password. After MAX_FAILED_LOGINS failures the account is locked for a period
 * that doubles with each further failure; every outcome is audited. Throws AppError rate_limited
 * (nothing counted) when this process is already hashing as many passwords as it may.
 */
export async function verifyCredentials(
  prisma: PrismaClient,
  options: { email: string; password: string; ip?: string },
): Promise<SignInResult> {
  const email = options.email.trim().toLowerCase();
  const account = await prisma.adminAccount.findUnique({ where: { email } });
  const actor: Actor = { type: "admin", label: email, ip: options.ip };
  if (!account) {
    await verifyPassword(options.password, DUMMY_HASH);
    return { ok: false, reason: "invalid" };
  }
  if (account.disabledAt) return { ok: false, reason: "disabled" };
  if (account.lockedUntil && account.lockedUntil.getTime() > Date.now()) {
    return { ok: false, reason: "locked", retryAfterSeconds: retryAfter(account.lockedUntil, Date.now()) };
  }
  const valid = await verifyPassword(options.password, account.passwordHash);
  // After the hash: concurrent guesses may have locked the account meanwhile.
  const now = Date.now();
  if (!valid) {
    const { lockedUntil } = await recordFailedPassword(prisma, { account, actor, now });
    return lockedUntil ? { ok: false, reason: "locked", retryAfterSeconds: retryAfter(lockedUntil, now) } : { ok: false, reason: "invalid" };
  }
  return prisma.$transaction(async (tx) => {
    // Succeeds only if the account is still enabled and not locked by failures counted while this
    // check ran; it clears the failures it saw, not ones that arrived concurrently.
    const [claimed] = await tx.$queryRaw<{ sessionVersion: number }[]>`
      UPDATE "AdminAccount"
      SET "failedLogins" = GREATEST(0, "failedLogins" - ${account.failedLogins}), "lockedUntil" = NULL, "lastLoginAt" = ${new Date(now)}
      WHERE "id" = ${account.id} AND "disabledAt" IS NULL AND ("lockedUntil" IS NULL OR "lockedUntil" <= ${new Date(now)})
      RETURNING "sessionVersion"`;
    if (!claimed) {
      const current = await tx.adminAccount.findUnique({ where: { id: account.id }, select: { disabledAt: true, lockedUntil: true } });
      if (!current || current.disabledAt) return { ok: false, reason: "disabled" } as const;
      return { ok: false, reason: "locked", retryAfterSeconds: retryAfter(current.lockedUntil!, now) } as const;
    }
    await recordAuditEvent(tx, {
      actor: { ...actor, id: account.id },
      action: "account.signed_in",
      target: { type: "AdminAccount", id: account.id, label: account.email },
    });
    return {
      ok: true,
      account: { id: account.id, email: account.email, name: account.name, role: account.role as Role, sessionVersion: claimed.sessionVersion },
    } as const;
  });
}

export const changePasswordInput = z.object({
  currentPassword: z.string().min(1, "required").max(200),
  newPassword: createAccountInput.shape.password,
});

/**
 * A person changes their own password, proving the current one (a wrong one counts as a failed
 * sign-in, so this form is no way around the lockout). Ends every session of the account,
 * this one included.
 */
export async function changeOwnPassword(
  prisma: PrismaClient,
  options: { accountId: string; currentPassword: string; newPassword: string; actor: Actor },
) {
  const input = changePasswordInput.parse({ currentPassword: options.currentPassword, newPassword: options.newPassword });
  const account = await prisma.adminAccount.findUnique({ where: { id: options.accountId } });
  if (!account || account.disabledAt) throw new AppError("unauthorized", "Sign in first");
  if (account.lockedUntil && account.lockedUntil.getTime() > Date.now()) {
    throw new AppError("rate_limited", `Too many failed attempts. Try again in ${Math.ceil(retryAfter(account.lockedUntil, Date.now()) / 60)} minute(s).`);
  }
  if (!(await verifyPassword(input.currentPassword, account.passwordHash))) {
    await recordFailedPassword(prisma, { account, actor: options.actor, now: Date.now() });
    throw new AppError("invalid_input", "The current password is incorrect", [{ path: "currentPassword", message: "is incorrect" }]);
  }
  await setPassword(prisma, { account, password: input.newPassword, actor: options.actor, action: "account.password_changed" });
}

/** An administrator sets another account's password (and lifts its lockout); its sessions end. */
export async function resetAccountPassword(
  prisma: PrismaClient,
  options: { accountId: string; password: string; actor: Actor },
) {
  const password = createAccountInput.shape.password.parse(options.password);
  if (options.actor.type === "admin" && options.actor.id === options.accountId) {
    // Otherwise a borrowed session could take the account over without knowing its password.
    throw new AppError("forbidden", "Change your own password under Settings → Password (it asks for the current one)");
  }
  const account = await prisma.adminAccount.findUnique({ where: { id: options.accountId } });
  if (!account) throw new AppError("not_found", "Account not found");
  return setPassword(prisma, { account, password, actor: options.actor, action: "account.password_reset" });
}

async function setPassword(
  prisma: PrismaClient,
  options: { account: AccountRow; password: string; actor: Actor; action: "account.password_changed" | "account.password_reset" },
) {
  const passwordHash = await hashPassword(options.password);
  return prisma.$transaction(async (tx) => {
    const now = new Date();
    const updated = await tx.adminAccount.update({
      where: { id: options.account.id },
      data: { passwordHash, failedLogins: 0, lockedUntil: null, sessionVersion: { increment: 1 }, updatedAt: now },
    });
    await recordAuditEvent(tx, {
      actor: options.actor,
      action: options.action,
      target: { type: "AdminAccount", id: updated.id, label: updated.email },
    });
    return updated;
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
    if (existing) {
      // Only the first administrator comes from ADMIN_PASSWORD: a value left in the environment
      // must not reset (or re-open) an account whose password was changed in the dashboard.
      if (!(await verifyPassword(options.password, existing.passwordHash))) {
        log.warn("ADMIN_PASSWORD differs from the password of the existing account ADMIN_EMAIL and is ignored; change passwords in the dashboard (Settings)", { email: existing.email });
      }
      return;
    }
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
 * (lib/auth/principal.ts re-reads the account and its session version). Nobody disables themself, and the last enabled
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
      // Disabling bumps the session version, so a session from before stays dead after re-enabling.
      data: options.disabled
        ? { disabledAt: now, updatedAt: now, sessionVersion: { increment: 1 } }
        : { disabledAt: null, failedLogins: 0, lockedUntil: null, updatedAt: now },
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
