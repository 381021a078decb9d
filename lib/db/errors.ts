// Prisma errors mapped in one place (DESIGN.md §4). Callers branch on these codes, never on text.
import { Prisma } from "@/lib/generated/prisma/client";

export type Tx = Prisma.TransactionClient;

export function isUniqueViolation(err: unknown): boolean {
  if (err instanceof Prisma.PrismaClientKnownRequestError) return err.code === "P2002";
  // Raw queries surface the PostgreSQL code through the driver adapter.
  return pgCode(err) === "23505";
}

export function isNotFound(err: unknown): boolean {
  return err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2025";
}

/** Serialization failures and deadlocks: the transaction may simply be retried. */
export function isRetryableConflict(err: unknown): boolean {
  const code = pgCode(err);
  if (code === "40001" || code === "40P01") return true;
  return err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2034";
}

function pgCode(err: unknown): string | undefined {
  let e: unknown = err;
  for (let depth = 0; depth < 4 && e && typeof e === "object"; depth++) {
    const o = e as { code?: unknown; cause?: unknown; meta?: { driverAdapterError?: { cause?: { originalCode?: unknown } } } };
    const original = o.meta?.driverAdapterError?.cause?.originalCode;
    if (typeof original === "string") return original;
    if (typeof o.code === "string" && /^[0-9A-Z]{5}$/.test(o.code)) return o.code;
    e = o.cause;
  }
  return undefined;
}
