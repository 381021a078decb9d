// Rate limits of the e-mail + password sign-in: per client IP and per account (e-mail), counted in
// one-minute windows in the database, so every instance behind the load balancer shares them. They
// come before any password hashing, so a flood costs one upsert per attempt, not an scrypt.
import { now as clockNow } from "@/lib/clock";
import type { PrismaClient } from "@/lib/generated/prisma/client";

const WINDOW_MS = 60_000;

export interface SignInLimits {
  perIp: number;
  perAccount: number;
}

/**
 * Counts this attempt against its IP (when known) and its e-mail; refused when either exceeds its
 * limit in the current window. Refused attempts count too, so hammering does not reopen the door.
 */
export async function takeSignInAttempt(
  prisma: PrismaClient,
  options: { email: string; ip: string | undefined; limits: SignInLimits; now?: Date },
): Promise<{ ok: true } | { ok: false; retryAfterSeconds: number }> {
  const now = (options.now ?? clockNow()).getTime();
  const windowStart = new Date(Math.floor(now / WINDOW_MS) * WINDOW_MS);
  const keys = [`account:${options.email.trim().toLowerCase().slice(0, 254)}`, ...(options.ip ? [`ip:${options.ip}`] : [])];
  // One statement per key: INSERT … ON CONFLICT DO UPDATE … RETURNING is atomic, so concurrent
  // attempts on any instance each count once.
  const counts = await Promise.all(
    keys.map(async (key) => {
      const [row] = await prisma.$queryRaw<{ count: number }[]>`
        INSERT INTO "SignInThrottle" ("key", "windowStart", "count") VALUES (${key}, ${windowStart}, 1)
        ON CONFLICT ("key") DO UPDATE SET
          "count" = CASE WHEN "SignInThrottle"."windowStart" = EXCLUDED."windowStart" THEN "SignInThrottle"."count" + 1 ELSE 1 END,
          "windowStart" = EXCLUDED."windowStart"
        RETURNING "count"`;
      return { key, count: Number(row.count) };
    }),
  );
  const over = counts.some(({ key, count }) => count > (key.startsWith("ip:") ? options.limits.perIp : options.limits.perAccount));
  if (!over) return { ok: true };
  return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((windowStart.getTime() + WINDOW_MS - now) / 1000)) };
}

/**
 * A successful sign-in clears its account's count: the per-account limit is there for guesses, and
 * someone who signs in often (or a test suite) must not lock themself out with right passwords.
 */
export async function clearAccountAttempts(prisma: PrismaClient, email: string): Promise<void> {
  await prisma.signInThrottle.deleteMany({ where: { key: `account:${email.trim().toLowerCase().slice(0, 254)}` } });
}

/** Drops windows that ended (the maintenance job); returns how many. */
export async function pruneSignInThrottle(prisma: Pick<PrismaClient, "signInThrottle">, now = clockNow()): Promise<number> {
  const { count } = await prisma.signInThrottle.deleteMany({ where: { windowStart: { lt: new Date(now.getTime() - WINDOW_MS) } } });
  return count;
}
