// Tests that tamper with the audit trail go around its triggers the way an attacker with database
// superuser rights would: session_replication_role = replica disables ordinary triggers for the
// transaction (superuser only — the test databases run as one).
import type { PrismaClient } from "@/lib/generated/prisma/client";
import type { Tx } from "@/lib/db/errors";

export async function bypassingAuditTriggers<T>(prisma: PrismaClient, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return prisma.$transaction(async (tx) => {
    await tx.$executeRawUnsafe("SET LOCAL session_replication_role = replica");
    return fn(tx);
  });
}

/** Runs raw SQL around the triggers. */
export async function tamper(prisma: PrismaClient, sql: string, ...params: unknown[]): Promise<number> {
  return bypassingAuditTriggers(prisma, (tx) => tx.$executeRawUnsafe(sql, ...params));
}

class RolledBack extends Error {}

/** Tampers, looks, and rolls everything back: the chain is intact again afterwards. */
export async function withTamperedChain(prisma: PrismaClient, fn: (tx: Tx) => Promise<void>): Promise<void> {
  try {
    await bypassingAuditTriggers(prisma, async (tx) => {
      await fn(tx);
      throw new RolledBack();
    });
  } catch (err) {
    if (!(err instanceof RolledBack)) throw err;
  }
}
