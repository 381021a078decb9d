// The SCIM request log (monitoring: what did the identity provider send, what did we answer).
// Entries are buffered and written in batches so logging does not add a write to every request;
// the durable record of changes is the audit trail, written in each change's own transaction.
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { log } from "@/lib/log";
import { now as clockNow } from "@/lib/clock";

export interface RequestLogEntry {
  createdAt: Date;
  directoryId: string | null;
  credentialId: string | null;
  method: string;
  path: string;
  status: number;
  scimType: string | null;
  latencyMs: number;
  /** Unknown attributes the request carried and Custodian dropped (lib/scim/ignored.ts). */
  ignoredCount: number;
  ignoredAttributes: string | null;
  userAgent: string | null;
  requestId: string | null;
  /** The caller's own X-Request-Id (requestId is always the server's). */
  clientRequestId: string | null;
}

const ENTRY_COLUMNS = [
  "createdAt", "directoryId", "credentialId", "method", "path", "status", "scimType", "latencyMs",
  "ignoredCount", "ignoredAttributes", "userAgent", "requestId", "clientRequestId",
] as const satisfies readonly (keyof RequestLogEntry)[];
const COLUMNS = ["id", ...ENTRY_COLUMNS].map((c) => `"${c}"`).join(", ");
const COLUMNS_FROM_JSON = ENTRY_COLUMNS.map((c) => `"${c}"`).join(", ");

const FLUSH_INTERVAL_MS = 500;
const MAX_BUFFER = 500;
let buffer: RequestLogEntry[] = [];
let timer: NodeJS.Timeout | undefined;
let prismaRef: PrismaClient | undefined;
let flushing: Promise<void> = Promise.resolve();

export function logScimRequest(prisma: PrismaClient, entry: RequestLogEntry): void {
  prismaRef = prisma;
  buffer.push({ ...entry, path: entry.path.slice(0, 2048), userAgent: entry.userAgent?.slice(0, 512) ?? null });
  if (buffer.length >= MAX_BUFFER) void flushRequestLog();
  else if (!timer) {
    timer = setTimeout(() => void flushRequestLog(), FLUSH_INTERVAL_MS);
    timer.unref?.();
  }
}

export function flushRequestLog(): Promise<void> {
  if (timer) clearTimeout(timer);
  timer = undefined;
  const batch = buffer;
  buffer = [];
  const prisma = prismaRef;
  if (batch.length === 0 || !prisma) return flushing;
  flushing = flushing.then(() =>
    // One parameter for the whole batch: Prisma's createMany serialised and bound every field of
    // up to 500 rows, which showed in every SCIM request's CPU profile.
    prisma.$executeRawUnsafe(
      `INSERT INTO "RequestLog" (${COLUMNS}) SELECT gen_random_uuid()::text, ${COLUMNS_FROM_JSON}
       FROM jsonb_populate_recordset(NULL::"RequestLog", $1::jsonb)`,
      JSON.stringify(batch),
    ).then(
      () => undefined,
      (err: unknown) => log.warn("request log write failed", { entries: batch.length, error: String(err) }),
    ),
  );
  return flushing;
}

/** Deletes entries older than the retention period; returns how many. */
export async function pruneRequestLog(
  prisma: Pick<PrismaClient, "requestLog">,
  retentionDays: number,
  now = clockNow(),
): Promise<number> {
  const cutoff = new Date(now.getTime() - retentionDays * 86_400_000);
  const result = await prisma.requestLog.deleteMany({ where: { createdAt: { lt: cutoff } } });
  return result.count;
}
