// Prisma errors mapped in one place (DESIGN.md §4). Callers branch on these codes, never on text.
import { Prisma } from "@/lib/generated/prisma/client";
import { log } from "@/lib/log";

export type Tx = Prisma.TransactionClient;

export function isUniqueViolation(err: unknown): boolean {
  if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002") return true;
  // Raw queries (P2010) surface the PostgreSQL code through the driver adapter.
  return pgCode(err) === "23505";
}

/** A referenced row is gone, e.g. a member deleted by a concurrent request. */
export function isForeignKeyViolation(err: unknown): boolean {
  if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2003") return true;
  return pgCode(err) === "23503";
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

/**
 * Thrown inside a transaction that found the data it locked changed under it in a way that needs
 * a fresh start (e.g. rows to lock appeared after the locks were taken); retryOnConflict retries.
 */
export class TransactionRaceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TransactionRaceError";
  }
}

export interface RetryOptions {
  /** Runs in all, the first included (default 5). */
  attempts?: number;
  /**
   * Which errors start another run (default: deadlock victims, serialization failures and
   * TransactionRaceError). Anything else, or an error on the last run, is thrown as is.
   */
  retryOn?: (err: unknown) => boolean;
}

const isConflictOrRace = (err: unknown) => err instanceof TransactionRaceError || isRetryableConflict(err);

/**
 * Runs a whole transaction again when PostgreSQL aborted it as a deadlock victim or for a
 * serialization failure: the work is all inside the transaction, so a retry is safe, and the
 * client gets an answer instead of a 500 (Entra quarantines a connection that fails often).
 * The one retry helper: call sites differ only in `attempts` and `retryOn`.
 */
export async function retryOnConflict<T>(run: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const { attempts = 5, retryOn = isConflictOrRace } = options;
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (err) {
      if (attempt >= attempts || !retryOn(err)) throw err;
      log.warn("transaction retried", { attempt, reason: err instanceof TransactionRaceError ? err.message : pgCode(err) });
    }
  }
}

/** PostgreSQL cancelled the statement (statement_timeout). */
export function isStatementTimeout(err: unknown): boolean {
  return pgCode(err) === "57014";
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
