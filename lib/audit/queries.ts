// The audit trail for the dashboard: filtered lists with keyset pagination on `seq` (newest first)
// so page 10,000 costs what page 1 costs, the event detail, the values the filters offer, and
// the export of a filtered set in batches.
//
// Filters on indexed columns (time, action, target, directory) are plain predicates; so is the
// free-text search, over a full-text index of labels, action, stored names and the before/after
// JSON (migration 20261207130000): it searches the whole trail in one request. Filters that can
// only be answered by reading rows — partial actor and target labels, request id — are bounded:
// one request examines at most a window of `seq` values and, when it found fewer matches than asked
// for, hands back a cursor to continue below that window. The work per request stays constant on
// millions of events.
import { z } from "zod";
import { Prisma, type PrismaClient } from "@/lib/generated/prisma/client";
import { AppError } from "@/lib/errors";
import { csvField } from "@/lib/csv";
import { log } from "@/lib/log";
import { now as clockNow } from "@/lib/clock";
import { onProcessClient } from "@/lib/db/client";
import { currentNamesOfIds, nameIndex, referencesOf, UUID_PATTERN, type AuditNames } from "./names";

export const ACTOR_TYPES = ["directory", "admin", "system", "api"] as const;
export const DEFAULT_AUDIT_PAGE_SIZE = 50;
export const MAX_AUDIT_PAGE_SIZE = 500;
/** Events one request examines for row-reading filters. */
export const AUDIT_SCAN_WINDOW = 20_000;
/** Characters of each before/after document the free-text search looks at (the index's expression says the same). */
export const AUDIT_JSON_SEARCH_CHARS = 20_000;
export const AUDIT_EXPORT_CAP = 100_000;

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `at most ${max} characters`)
    .optional()
    .transform((v) => (v ? v : undefined));

const optionalDate = z
  .union([z.iso.datetime({ offset: true }), z.iso.datetime({ local: true }), z.iso.date()], { error: "must be an ISO 8601 date or date-time" })
  .optional()
  .transform((v) => (v ? new Date(v) : undefined));

export const auditQuery = z
  .object({
    from: optionalDate,
    to: optionalDate,
    actorType: z.enum(ACTOR_TYPES).optional(),
    /** Part of the actor's label (e-mail, token name) or the actor's exact id. */
    actor: optionalText(200),
    /** An exact action (user.created) or a prefix ending in * (user.*). */
    action: z
      .string()
      .trim()
      .max(100)
      .regex(/^[A-Za-z0-9_.:-]*\*?$/, "letters, digits, . _ : - and an optional trailing *")
      .optional()
      .transform((v) => (v ? v : undefined)),
    targetType: optionalText(100),
    targetId: optionalText(200),
    /** Part of the target's label. */
    target: optionalText(200),
    directoryId: optionalText(64),
    requestId: optionalText(128),
    /** Words (each a prefix, in order) over actor and target labels, action, names and the before/after JSON. */
    q: optionalText(200),
    /** Exclusive upper bound of `seq` (from the previous page's nextCursor). */
    cursor: z
      .string()
      .regex(/^\d{1,19}$/, "must be a cursor from a previous page")
      .optional()
      .transform((v) => (v ? BigInt(v) : undefined)),
    limit: z.coerce.number().int().min(1).max(MAX_AUDIT_PAGE_SIZE).default(DEFAULT_AUDIT_PAGE_SIZE),
  })
  .refine((q) => !q.from || !q.to || q.from < q.to, { message: "must be after the start", path: ["to"] });

export type AuditQueryInput = z.input<typeof auditQuery>;
type AuditQuery = z.output<typeof auditQuery>;

export interface AuditListItem {
  id: string;
  seq: string;
  createdAt: string;
  actorType: string;
  actorId: string | null;
  actorLabel: string | null;
  directoryId: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  targetLabel: string | null;
  requestId: string | null;
  /** The caller's own X-Request-Id, when it sent one (requestId is always the server's). */
  clientRequestId: string | null;
  ip: string | null;
  hasChanges: boolean;
  /** Names of what the event touches, as they were when it was written (null on older events). */
  names: AuditNames | null;
}

export interface AuditPage {
  items: AuditListItem[];
  /** Pass as `cursor` for the next (older) page; null when nothing older can match. */
  nextCursor: string | null;
  /**
   * Set when a row-reading filter was bounded: the oldest `seq` examined. With fewer items than
   * the limit and a nextCursor, "load more" continues the search below it.
   */
  scannedDownTo: string | null;
  /** Today's names of ids the page's events show without a stored name (older events). */
  currentNames: AuditNames;
  /** How long the database took to answer, in milliseconds. */
  tookMs: number;
}

/** Escapes LIKE wildcards so user text matches literally. */
function likeContains(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

function usesRowReadingFilter(q: AuditQuery): boolean {
  return Boolean(q.actor || q.target || q.requestId);
}

function conditionsOf(q: AuditQuery): Prisma.Sql[] {
  const c: Prisma.Sql[] = [];
  if (q.from) c.push(Prisma.sql`"createdAt" >= ${q.from}`);
  if (q.to) c.push(Prisma.sql`"createdAt" < ${q.to}`);
  if (q.actorType) c.push(Prisma.sql`"actorType" = ${q.actorType}`);
  if (q.actor) c.push(Prisma.sql`("actorLabel" ILIKE ${likeContains(q.actor)} OR "actorId" = ${q.actor})`);
  if (q.action) {
    if (q.action.endsWith("*")) c.push(Prisma.sql`"action" LIKE ${`${q.action.slice(0, -1).replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`}`);
    else c.push(Prisma.sql`"action" = ${q.action}`);
  }
  if (q.targetType) c.push(Prisma.sql`"targetType" = ${q.targetType}`);
  if (q.targetId) c.push(Prisma.sql`"targetId" = ${q.targetId}`);
  if (q.target) c.push(Prisma.sql`"targetLabel" ILIKE ${likeContains(q.target)}`);
  if (q.directoryId) c.push(Prisma.sql`"directoryId" = ${q.directoryId}`);
  // Either id finds the request: the server's, or the one the caller sent.
  if (q.requestId) c.push(Prisma.sql`("requestId" = ${q.requestId} OR "clientRequestId" = ${q.requestId})`);
  // The index's own expression, so PostgreSQL answers it from AuditEvent_search_idx.
  if (q.q) c.push(Prisma.sql`${Prisma.raw(SEARCH_VECTOR_SQL)} @@ "audit_search_query"(${q.q})`);
  return c;
}

export const SEARCH_VECTOR_SQL = `"audit_search_vector"("actorLabel", "targetLabel", "action", "names", "before", "after")`;

/** A row as the database returns it: the list item before seq and time are made strings. */
type AuditRow = Omit<AuditListItem, "seq" | "createdAt" | "names"> & { seq: bigint | number | string; createdAt: Date | string; names: unknown };

function itemOf(r: AuditRow): AuditListItem {
  return {
    id: r.id,
    seq: String(r.seq),
    createdAt: new Date(r.createdAt).toISOString(),
    actorType: r.actorType,
    actorId: r.actorId,
    actorLabel: r.actorLabel,
    directoryId: r.directoryId,
    action: r.action,
    targetType: r.targetType,
    targetId: r.targetId,
    targetLabel: r.targetLabel,
    requestId: r.requestId,
    clientRequestId: r.clientRequestId,
    ip: r.ip,
    hasChanges: Boolean(r.hasChanges),
    names: (r.names as AuditNames | null) ?? null,
  };
}

/** Ids an event shows (target, directory, ids in its labels and documents) that it holds no name for. */
function unnamedIds(e: { targetId: string | null; directoryId: string | null; targetLabel: string | null; actorLabel: string | null; names: AuditNames | null; before?: unknown; after?: unknown }): string[] {
  const named = nameIndex(e.names);
  const ids = [e.targetId, e.directoryId, ...(e.targetLabel?.match(UUID_PATTERN) ?? []), ...(e.actorLabel?.match(UUID_PATTERN) ?? [])];
  ids.push(...referencesOf({ before: e.before, after: e.after }).refs.map((r) => r.id));
  return ids.filter((id): id is string => !!id && !named.has(id));
}

/** Fallback for events written before names were stored: the names on record today. */
async function fallbackNames(prisma: PrismaClient, events: Parameters<typeof unnamedIds>[0][]): Promise<AuditNames> {
  const ids = events.flatMap(unnamedIds);
  return ids.length ? ((await currentNamesOfIds(prisma, ids)) ?? {}) : {};
}

async function seqBounds(prisma: PrismaClient): Promise<{ min: bigint; max: bigint } | undefined> {
  const agg = await prisma.auditEvent.aggregate({ _min: { seq: true }, _max: { seq: true } });
  if (agg._min.seq === null || agg._max.seq === null) return undefined;
  return { min: BigInt(agg._min.seq), max: BigInt(agg._max.seq) };
}

/** One page of the trail, newest first. */
export async function listAuditEvents(
  prisma: PrismaClient,
  input: AuditQueryInput,
  options: { scanWindow?: number } = {},
): Promise<AuditPage> {
  const q = auditQuery.parse(dropEmpty(input));
  const page = await listParsed(prisma, q, options.scanWindow ?? AUDIT_SCAN_WINDOW);
  return { ...page, currentNames: await fallbackNames(prisma, page.items) };
}

async function listParsed(prisma: PrismaClient, q: AuditQuery, scanWindow: number): Promise<Omit<AuditPage, "currentNames">> {
  const started = performance.now();
  const conditions = conditionsOf(q);
  let scannedDownTo: bigint | undefined;
  let lowestSeq: bigint | undefined;
  if (q.cursor !== undefined) conditions.push(Prisma.sql`"seq" < ${q.cursor}`);
  if (usesRowReadingFilter(q)) {
    const bounds = await seqBounds(prisma);
    if (!bounds) return { items: [], nextCursor: null, scannedDownTo: null, tookMs: Math.round(performance.now() - started) };
    const upper = q.cursor ?? bounds.max + BigInt(1);
    scannedDownTo = upper - BigInt(scanWindow);
    if (scannedDownTo < bounds.min) scannedDownTo = bounds.min;
    lowestSeq = bounds.min;
    conditions.push(Prisma.sql`"seq" >= ${scannedDownTo}`);
  }
  const where = conditions.length ? Prisma.sql`WHERE ${Prisma.join(conditions, " AND ")}` : Prisma.empty;
  const rows = await prisma.$queryRaw<AuditRow[]>`
    SELECT "id", "seq", "createdAt", "actorType", "actorId", "actorLabel", "directoryId", "action",
           "targetType", "targetId", "targetLabel", "requestId", "clientRequestId", "ip", "names",
           ("before" IS NOT NULL OR "after" IS NOT NULL) AS "hasChanges"
    FROM "AuditEvent" ${where}
    ORDER BY "seq" DESC
    LIMIT ${q.limit + 1}`;
  const items = rows.slice(0, q.limit).map(itemOf);
  let nextCursor: string | null = null;
  if (rows.length > q.limit) nextCursor = items[items.length - 1].seq;
  else if (scannedDownTo !== undefined && lowestSeq !== undefined && scannedDownTo > lowestSeq) nextCursor = String(scannedDownTo);
  return { items, nextCursor, scannedDownTo: scannedDownTo === undefined ? null : String(scannedDownTo), tookMs: Math.round(performance.now() - started) };
}

function dropEmpty(input: AuditQueryInput): AuditQueryInput {
  return Object.fromEntries(Object.entries(input).filter(([, v]) => v !== "" && v !== undefined && v !== null)) as AuditQueryInput;
}

// ---------------------------------------------------------------------------------------------
// Detail

export interface AuditEventDetail extends AuditListItem {
  before: unknown;
  after: unknown;
  /** The directory's name: stored with the event, else today's. */
  directoryName: string | null;
  /** Today's names of what the event shows without a stored name (events written before names were stored). */
  currentNames: AuditNames;
}

export async function getAuditEvent(prisma: PrismaClient, id: string): Promise<AuditEventDetail> {
  const e = await prisma.auditEvent.findUnique({ where: { id } });
  if (!e) throw new AppError("not_found", "Audit event not found");
  const item = itemOf({ ...e, hasChanges: e.before !== null || e.after !== null });
  const currentNames = await fallbackNames(prisma, [{ ...item, before: e.before, after: e.after }]);
  const directoryName = e.directoryId ? eventNameOf(item.names, currentNames, e.directoryId) : null;
  return { ...item, before: e.before, after: e.after, directoryName, currentNames };
}

/** The name an event shows for an id: stored with it, else today's, else null ("(unknown)"). */
export function eventNameOf(names: AuditNames | null, currentNames: AuditNames, id: string): string | null {
  return nameIndex(names, currentNames).get(id)?.name ?? null;
}

// ---------------------------------------------------------------------------------------------
// Filter suggestions

/**
 * Distinct actions and target types, read with a loose index scan (one index probe per distinct
 * value) instead of a scan of the trail.
 */
export async function auditFilterOptions(prisma: PrismaClient): Promise<{ actions: string[]; targetTypes: string[] }> {
  const [actions, targetTypes] = await Promise.all([
    prisma.$queryRaw<{ v: string }[]>`
      WITH RECURSIVE d(v) AS (
        (SELECT "action" FROM "AuditEvent" ORDER BY "action" LIMIT 1)
        UNION ALL
        SELECT (SELECT "action" FROM "AuditEvent" WHERE "action" > d.v ORDER BY "action" LIMIT 1) FROM d WHERE d.v IS NOT NULL
      )
      SELECT v FROM d WHERE v IS NOT NULL LIMIT 500`,
    prisma.$queryRaw<{ v: string }[]>`
      WITH RECURSIVE d(v) AS (
        (SELECT "targetType" FROM "AuditEvent" WHERE "targetType" IS NOT NULL ORDER BY "targetType" LIMIT 1)
        UNION ALL
        SELECT (SELECT "targetType" FROM "AuditEvent" WHERE "targetType" > d.v ORDER BY "targetType" LIMIT 1) FROM d WHERE d.v IS NOT NULL
      )
      SELECT v FROM d WHERE v IS NOT NULL LIMIT 200`,
  ]);
  return { actions: actions.map((r) => r.v), targetTypes: targetTypes.map((r) => r.v) };
}

// ---------------------------------------------------------------------------------------------
// Export

export const AUDIT_EXPORT_FORMATS = ["csv", "json"] as const;
export type AuditExportFormat = (typeof AUDIT_EXPORT_FORMATS)[number];

const EXPORT_BATCH = 1000;
/** Exports read every event once anyway; a larger window means fewer round trips. */
const EXPORT_SCAN_WINDOW = 200_000;

export interface ExportedAuditEvent extends AuditListItem {
  before: unknown;
  after: unknown;
}

/** Yields the filtered set newest first, in batches, up to `cap` events. */
export async function* exportAuditEvents(
  prisma: PrismaClient,
  input: AuditQueryInput,
  cap = AUDIT_EXPORT_CAP,
): AsyncGenerator<ExportedAuditEvent[], { truncated: boolean; count: number }> {
  const base = auditQuery.parse({ ...dropEmpty(input), cursor: undefined, limit: 1 });
  let cursor: bigint | undefined;
  let count = 0;
  for (;;) {
    const limit = Math.min(EXPORT_BATCH, cap - count);
    // At the cap, one more probe tells "exactly cap events" from "cut off at cap".
    const page = await listParsed(prisma, { ...base, cursor, limit: Math.max(limit, 1) }, EXPORT_SCAN_WINDOW);
    if (limit <= 0) {
      if (page.items.length) return { truncated: true, count };
    } else if (page.items.length) {
      const full = await prisma.auditEvent.findMany({ where: { id: { in: page.items.map((i) => i.id) } }, select: { id: true, before: true, after: true } });
      const byId = new Map(full.map((f) => [f.id, f]));
      count += page.items.length;
      yield page.items.map((i) => ({ ...i, before: byId.get(i.id)?.before ?? null, after: byId.get(i.id)?.after ?? null }));
    }
    if (!page.nextCursor) return { truncated: false, count };
    cursor = BigInt(page.nextCursor);
  }
}

export const AUDIT_CSV_COLUMNS = [
  "seq", "createdAt", "actorType", "actorId", "actorLabel", "directoryId", "action",
  "targetType", "targetId", "targetLabel", "requestId", "ip", "before", "after",
] as const;

export function csvRow(event: ExportedAuditEvent): string {
  return AUDIT_CSV_COLUMNS.map((c) => csvField(event[c])).join(",") + "\r\n";
}

/**
 * The export as a byte stream: CSV (header row; a final `# …` line says when the cap cut it off) or
 * JSON ({ exportedAt, filters, events: [...], count, truncated }). Read lazily, batch by batch, as
 * the client consumes it.
 */
export function auditExportStream(
  prisma: PrismaClient,
  options: { input: AuditQueryInput; format: AuditExportFormat; cap?: number; now?: Date },
): ReadableStream<Uint8Array> {
  // Validate before the first byte: a bad filter must be a 400, not a broken download.
  const filters = auditQuery.parse(dropEmpty({ ...options.input, cursor: undefined, limit: undefined }));
  const cap = options.cap ?? AUDIT_EXPORT_CAP;
  const encoder = new TextEncoder();
  const batches = exportAuditEvents(prisma, options.input, cap);
  let started = false;
  let wroteEvent = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        if (!started) {
          started = true;
          if (options.format === "csv") controller.enqueue(encoder.encode(AUDIT_CSV_COLUMNS.join(",") + "\r\n"));
          else {
            const shown = Object.fromEntries(Object.entries(filters).filter(([k, v]) => v !== undefined && k !== "limit" && k !== "cursor"));
            const head = { exportedAt: (options.now ?? clockNow()).toISOString(), filters: shown, cap };
            controller.enqueue(encoder.encode(`${JSON.stringify(head).slice(0, -1)},"events":[\n`));
          }
          return;
        }
        const next = await batches.next();
        if (!next.done) {
          if (options.format === "csv") controller.enqueue(encoder.encode(next.value.map(csvRow).join("")));
          else if (next.value.length) {
            controller.enqueue(encoder.encode((wroteEvent ? ",\n" : "") + next.value.map((e) => JSON.stringify(e)).join(",\n")));
            wroteEvent = true;
          }
          return;
        }
        const { truncated, count } = next.value;
        if (options.format === "csv") {
          if (truncated) controller.enqueue(encoder.encode(`# truncated: the export stops at ${cap} events (newest first); narrow the filters to export the rest\r\n`));
        } else {
          controller.enqueue(encoder.encode(`\n],"count":${count},"truncated":${truncated}}\n`));
        }
        controller.close();
      } catch (err) {
        // Headers are long sent: the client sees a broken download, the log says why.
        log.error("audit export failed", { error: err instanceof Error ? err.stack : String(err) });
        controller.error(err);
      }
    },
    async cancel() {
      await batches.return({ truncated: false, count: 0 });
    },
  });
}

/** The reads audit pages make (pages never hold the database client). */
export const auditForPages = {
  event: onProcessClient(getAuditEvent),
};
