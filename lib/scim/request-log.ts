// The SCIM request log (monitoring: what did the identity provider send, what did we answer).
// Entries are buffered and written in batches so logging does not add a write to every request;
// the durable record of changes is the audit trail, written in each change's own transaction.
// Both what anyone without a credential can make it keep and what waits in memory are bounded;
// what is not written is counted in /api/metrics (custodian_scim_request_log_dropped_total).
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { log } from "@/lib/log";
import { now as clockNow } from "@/lib/clock";
import { randomUUID } from "node:crypto";
import { countRequestLogDrop } from "@/lib/monitoring/metrics";
import { subjectKeysOfQuery } from "./request-log-subjects";

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
const COLUMNS = ["id", ...ENTRY_COLUMNS, "subjectKeysStored"].map((c) => `"${c}"`).join(", ");

/** A queued line: its id is made here, so its subject keys can name it in the same statement. */
type QueuedEntry = RequestLogEntry & { id: string; subjectKeysStored: boolean; subjectKeys: string[] };

/**
 * A line naming more values than this keeps no keys and is marked unkeyed: erasure reads its path
 * instead (lib/privacy/erasure.ts), so it stays exact without a thousand key rows for one request.
 */
export const MAX_SUBJECT_KEYS_PER_LINE = 64;

const FLUSH_INTERVAL_MS = 500;
const MAX_BUFFER = 500;
/** Entries buffered or in a batch not yet written; past it new ones are dropped (and counted). */
export const MAX_PENDING_ENTRIES = 5_000;
let buffer: QueuedEntry[] = [];
let pending = 0;
let timer: NodeJS.Timeout | undefined;
let prismaRef: PrismaClient | undefined;
let flushing: Promise<void> = Promise.resolve();

// Failures without a credential (scanners, a wrong token) are written at most this often per
// source (client IP) and per minute in all, on each instance: the first ones show what went wrong,
// the rest only add 30 days of rows. Their lines are also shorter.
export const UNAUTHENTICATED_LINES_PER_SOURCE = 10;
export const UNAUTHENTICATED_LINES_PER_MINUTE = 60;
const UNAUTHENTICATED_TEXT_LIMIT = 256;
// Only admitted sources are remembered, so the map holds at most the per-minute allowance.
let sampling = { minute: 0, total: 0, perSource: new Map<string, number>() };

function admitUnauthenticated(source: string, at: Date): boolean {
  const minute = Math.floor(at.getTime() / 60_000);
  if (sampling.minute !== minute) sampling = { minute, total: 0, perSource: new Map() };
  const written = sampling.perSource.get(source) ?? 0;
  if (written >= UNAUTHENTICATED_LINES_PER_SOURCE || sampling.total >= UNAUTHENTICATED_LINES_PER_MINUTE) {
    if (written === UNAUTHENTICATED_LINES_PER_SOURCE) {
      log.warn("unauthenticated SCIM failures sampled from the request log", { source, perMinute: UNAUTHENTICATED_LINES_PER_SOURCE });
      // Once per source and minute.
      sampling.perSource.set(source, written + 1);
    }
    return false;
  }
  sampling.perSource.set(source, written + 1);
  sampling.total++;
  return true;
}

/**
 * Queues one entry. `source` (the client IP) is needed for failures without a credential, which
 * are sampled per source; every request a directory authenticated is written.
 */
export function logScimRequest(prisma: PrismaClient, entry: RequestLogEntry, options: { source?: string } = {}): void {
  const unauthenticated = entry.credentialId === null && entry.status >= 400;
  if (unauthenticated && !admitUnauthenticated(options.source ?? "unknown", entry.createdAt)) {
    countRequestLogDrop("sampled");
    return;
  }
  if (pending >= MAX_PENDING_ENTRIES) {
    countRequestLogDrop("queue_full");
    return;
  }
  pending++;
  prismaRef = prisma;
  const textLimit = unauthenticated ? UNAUTHENTICATED_TEXT_LIMIT : undefined;
  const path = entry.path.slice(0, textLimit ?? 2048);
  // Keys of what the request named, from the whole query (a literal the stored path cuts off still
  // names the subject); an unauthenticated line keeps only its short path, so only that.
  const query = unauthenticated ? path : entry.path;
  const q = query.indexOf("?");
  const keys = q < 0 ? [] : subjectKeysOfQuery(query.slice(q));
  const keyed = keys.length <= MAX_SUBJECT_KEYS_PER_LINE;
  buffer.push({
    ...entry,
    id: randomUUID(),
    path,
    userAgent: entry.userAgent?.slice(0, textLimit ?? 512) ?? null,
    subjectKeysStored: keyed,
    subjectKeys: keyed ? keys : [],
  });
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
    // up to 500 rows, which showed in every SCIM request's CPU profile. The lines and their subject
    // keys in one statement (the foreign key is checked at its end, when the lines exist).
    prisma.$executeRawUnsafe(
      `WITH lines AS (INSERT INTO "RequestLog" (${COLUMNS}) SELECT ${COLUMNS} FROM jsonb_populate_recordset(NULL::"RequestLog", $1::jsonb))
       INSERT INTO "RequestLogSubject" ("requestLogId", "key")
       SELECT e->>'id', k FROM jsonb_array_elements($1::jsonb) e, jsonb_array_elements_text(e->'subjectKeys') k`,
      JSON.stringify(batch),
    ).then(
      () => undefined,
      (err: unknown) => log.warn("request log write failed", { entries: batch.length, error: String(err) }),
    ).finally(() => {
      pending -= batch.length;
    }),
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
