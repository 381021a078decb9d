// Verification of the audit chain: streams events in position order (keyset batches), recomputes
// each content hash and personal digest (where personal data is still present) and each link, and
// names the FIRST broken event. Used by `npm run audit:verify`, the maintenance job and the
// dashboard; the offline export verifier (export.ts) applies the same per-event checks.
import type { PrismaClient } from "@/lib/generated/prisma/client";

/** A client or a transaction (tests verify inside a transaction they then roll back). */
export type ChainDb = Pick<PrismaClient, "$queryRawUnsafe" | "erasureRecord" | "auditVerification">;
import { now as clockNow } from "@/lib/clock";
import {
  CONTENT_TEXT_SQL,
  GENESIS_HASH,
  PERSONAL_TEXT_SQL,
  linkHash,
  personalFieldsFor,
  sha256Sql,
} from "./chain-sql";

export interface ChainBreak {
  position: string;
  eventId: string | null;
  reason: string;
}

export interface VerifyResult {
  ok: boolean;
  /** First and last position examined (empty range: to < from). */
  fromPosition: string;
  toPosition: string;
  checked: number;
  /** Hash of the last verified event. */
  lastHash: string | null;
  /** Where the first link was anchored. */
  anchor: "genesis" | "checkpoint" | "range";
  startedAt: string;
  finishedAt: string;
  break?: ChainBreak;
}

/** One event as the checks need it; recomputed values come from SQL or from the export's texts. */
export interface ChainRow {
  position: bigint;
  id: string;
  targetType: string | null;
  targetId: string | null;
  action: string;
  contentHash: string;
  recomputedContentHash: string;
  prevHash: string;
  hash: string;
  personalFields: string | null;
  personalDigest: string | null;
  personalSalt: string | null;
  /** SHA-256(salt : personal text) when a salt is present. */
  recomputedDigest: string | null;
  /** Whether any personal field still holds a value. */
  personalPresent: boolean;
  erasedAt: string | null;
  erasureId: string | null;
}

/**
 * Checks events one after the other. `expectedPrev` null = take the first event's prevHash as
 * given (a range that does not start at the chain's anchor). `erasureSubject` tells which subject
 * an erasure record erased (undefined = no such record); null skips that check (offline).
 */
export class ChainChecker {
  private expectedPosition: bigint;
  private expectedPrev: string | null;
  lastHash: string | null = null;
  checked = 0;

  constructor(options: { from: bigint; expectedPrev: string | null }) {
    this.expectedPosition = options.from;
    this.expectedPrev = options.expectedPrev;
  }

  get nextPosition(): bigint {
    return this.expectedPosition;
  }

  check(row: ChainRow, erasureSubject: ((erasureId: string) => string | undefined) | null): ChainBreak | undefined {
    const at = (reason: string): ChainBreak => ({ position: String(row.position), eventId: row.id, reason });
    if (row.position !== this.expectedPosition) {
      return row.position > this.expectedPosition
        ? { position: String(this.expectedPosition), eventId: null, reason: `event missing: position ${this.expectedPosition} is absent (next present is ${row.position})` }
        : at(`out of order: position ${row.position} where ${this.expectedPosition} was expected`);
    }
    if (row.recomputedContentHash !== row.contentHash) return at("content changed: the event's content does not match its contentHash");
    if (this.expectedPrev !== null && row.prevHash !== this.expectedPrev)
      return at(`link broken: prevHash does not match the hash of position ${row.position - BigInt(1)}`);
    if (linkHash(row.prevHash, row.contentHash, row.position) !== row.hash) return at("hash mismatch: hash is not SHA-256(prevHash | contentHash | position)");
    const personalBreak = this.checkPersonal(row, erasureSubject);
    if (personalBreak) return at(personalBreak);
    this.expectedPrev = row.hash;
    this.lastHash = row.hash;
    this.expectedPosition = row.position + BigInt(1);
    this.checked += 1;
    return undefined;
  }

  private checkPersonal(row: ChainRow, erasureSubject: ((erasureId: string) => string | undefined) | null): string | undefined {
    if (row.personalFields !== personalFieldsFor(row.targetType, row.action)) return "personal-data classification does not match the event";
    if (row.personalFields === null) {
      if (row.personalSalt !== null || row.personalDigest !== null || row.erasedAt !== null) return "personal-data columns set on an event without personal data";
      return undefined;
    }
    if (row.erasedAt !== null) {
      if (!row.erasureId) return "marked erased without an erasure record";
      if (erasureSubject) {
        const subject = erasureSubject(row.erasureId);
        if (subject === undefined) return `marked erased by erasure ${row.erasureId}, which does not exist`;
        if (subject !== row.targetId) return `marked erased by erasure ${row.erasureId}, which erased another subject`;
      }
      if (row.personalSalt !== null || row.personalPresent) return "marked erased but still holds personal data";
      return undefined;
    }
    if (row.personalSalt === null) return "personal data removed without an erasure record";
    if (row.recomputedDigest !== row.personalDigest) return "personal data changed: it does not match its personalDigest";
    return undefined;
  }
}

/** A ChainRow as the database returns it (bigint and timestamps as text or Date). */
type DbRow = Omit<ChainRow, "position" | "erasedAt"> & { position: string; erasedAt: Date | string | null };

const BATCH = 2000;

async function chainBounds(prisma: ChainDb) {
  // One statement: one snapshot, so an append committing meanwhile cannot look like a stray row.
  const [row] = await prisma.$queryRawUnsafe<
    { headPosition: string | null; headHash: string | null; beyondHead: string | null; lowest: string | null; checkpointPosition: string | null; checkpointHash: string | null }[]
  >(
    `SELECT h."position"::text AS "headPosition", h."hash" AS "headHash",
            (SELECT min("seq")::text FROM "AuditEvent" WHERE "seq" > h."position") AS "beyondHead",
            (SELECT min("seq")::text FROM "AuditEvent") AS "lowest",
            c."position"::text AS "checkpointPosition", c."hash" AS "checkpointHash"
     FROM (SELECT 1) one
     LEFT JOIN "AuditChainHead" h ON h."id" = 1
     LEFT JOIN LATERAL (SELECT "position", "hash" FROM "AuditChainCheckpoint" ORDER BY "position" DESC LIMIT 1) c ON true`,
  );
  return row;
}

/**
 * Verifies the chain (or positions `from`..`to`). The whole chain starts at the newest retention
 * checkpoint (or the genesis) and must end at the chain head; a range takes its first prevHash as
 * given. Also compares the hashes that earlier successful verifications recorded: a chain rewritten
 * consistently from some position onwards still differs from what was verified before.
 */
export async function verifyAuditChain(
  prisma: ChainDb,
  options: { from?: bigint; to?: bigint; batchSize?: number } = {},
): Promise<VerifyResult> {
  const startedAt = clockNow().toISOString();
  const bounds = await chainBounds(prisma);
  const finish = (r: Omit<VerifyResult, "startedAt" | "finishedAt">): VerifyResult => ({ ...r, startedAt, finishedAt: clockNow().toISOString() });
  if (!bounds.headPosition || !bounds.headHash) {
    return finish({ ok: false, fromPosition: "1", toPosition: "0", checked: 0, lastHash: null, anchor: "genesis", break: { position: "0", eventId: null, reason: "the chain head is missing" } });
  }
  const head = BigInt(bounds.headPosition);
  const checkpoint = bounds.checkpointPosition ? BigInt(bounds.checkpointPosition) : BigInt(0);
  const chainStart = checkpoint + BigInt(1);
  const from = options.from !== undefined && options.from > chainStart ? options.from : chainStart;
  const to = options.to !== undefined && options.to < head ? options.to : head;
  const anchor = from === chainStart ? (checkpoint > BigInt(0) ? "checkpoint" : "genesis") : "range";
  const checker = new ChainChecker({ from, expectedPrev: anchor === "range" ? null : (bounds.checkpointHash ?? GENESIS_HASH) });
  const base = { fromPosition: String(from), toPosition: String(to), anchor } as const;
  const broken = (b: ChainBreak) => finish({ ...base, ok: false, checked: checker.checked, lastHash: checker.lastHash, break: b });

  if (options.from === undefined && bounds.lowest !== null && BigInt(bounds.lowest) < BigInt(1))
    return broken({ position: bounds.lowest, eventId: null, reason: "event at a position below 1 (inserted outside the chain)" });
  if (options.to === undefined && bounds.beyondHead !== null)
    return broken({ position: bounds.beyondHead, eventId: null, reason: `event beyond the chain head (head is at ${head}): inserted outside the chain` });

  const anchors = await verifiedAnchors(prisma, from, to);
  const erasures = new Map<string, string>();
  const batchSize = options.batchSize ?? BATCH;
  let cursor = from;
  while (cursor <= to) {
    const rows = await prisma.$queryRawUnsafe<DbRow[]>(
      `SELECT e."seq"::text AS position, e."id", e."targetType", e."targetId", e."action", e."contentHash",
              ${sha256Sql(CONTENT_TEXT_SQL)} AS "recomputedContentHash",
              e."prevHash", e."hash", e."personalFields", e."personalDigest", e."personalSalt",
              CASE WHEN e."personalSalt" IS NOT NULL THEN ${sha256Sql(`e."personalSalt" || ':' || ${PERSONAL_TEXT_SQL}`)} END AS "recomputedDigest",
              (e."targetLabel" IS NOT NULL OR (e."personalFields" <> 'targetLabel' AND (e."before" IS NOT NULL OR e."after" IS NOT NULL))) AS "personalPresent",
              e."erasedAt", e."erasureId"
       FROM "AuditEvent" e WHERE e."seq" >= $1 AND e."seq" <= $2 ORDER BY e."seq" LIMIT $3`,
      cursor,
      to,
      batchSize,
    );
    if (rows.length === 0) break;
    await loadErasures(prisma, rows, erasures);
    for (const r of rows) {
      const row: ChainRow = {
        ...r,
        position: BigInt(r.position),
        personalPresent: Boolean(r.personalPresent),
        erasedAt: r.erasedAt === null ? null : new Date(r.erasedAt).toISOString(),
      };
      const b = checker.check(row, (id) => erasures.get(id));
      if (b) return broken(b);
      const anchored = anchors.get(r.position);
      if (anchored !== undefined && anchored.hash !== r.hash)
        return broken({ position: r.position, eventId: r.id, reason: `rewritten: its hash differs from the one verified at ${anchored.at}` });
    }
    cursor = BigInt(rows[rows.length - 1].position) + BigInt(1);
  }
  if (checker.nextPosition <= to)
    return broken({ position: String(checker.nextPosition), eventId: null, reason: `event missing: position ${checker.nextPosition} is absent` });
  if (to === head && options.to === undefined && checker.checked > 0 && checker.lastHash !== bounds.headHash)
    return broken({ position: String(head), eventId: null, reason: "the chain head's hash does not match the last event" });
  return finish({ ...base, ok: true, checked: checker.checked, lastHash: checker.lastHash });
}

async function loadErasures(prisma: ChainDb, rows: DbRow[], into: Map<string, string>) {
  const ids = [...new Set(rows.map((r) => r.erasureId).filter((id): id is string => !!id && !into.has(id)))];
  if (ids.length === 0) return;
  const records = await prisma.erasureRecord.findMany({ where: { id: { in: ids } }, select: { id: true, subjectId: true } });
  for (const r of records) into.set(r.id, r.subjectId);
}

/** Hashes recorded by earlier successful verifications inside the range (the last 50). */
async function verifiedAnchors(prisma: ChainDb, from: bigint, to: bigint) {
  const rows = await prisma.auditVerification.findMany({
    where: { ok: true, lastHash: { not: null }, toPosition: { gte: from, lte: to } },
    orderBy: { finishedAt: "desc" },
    take: 50,
    select: { toPosition: true, lastHash: true, finishedAt: true },
  });
  return new Map(rows.map((r) => [String(r.toPosition), { hash: r.lastHash!, at: r.finishedAt.toISOString() }]));
}

/** Records a verification's result (dashboard status, anchors for later runs). */
export async function recordVerification(prisma: ChainDb, result: VerifyResult, kind: "full" | "incremental", requestedBy?: string) {
  await prisma.auditVerification.create({
    data: {
      kind,
      requestedBy: requestedBy ?? null,
      startedAt: new Date(result.startedAt),
      finishedAt: new Date(result.finishedAt),
      ok: result.ok,
      fromPosition: BigInt(result.fromPosition),
      toPosition: BigInt(result.toPosition),
      lastHash: result.ok ? result.lastHash : null,
      checked: result.checked,
      brokenPosition: result.break ? BigInt(result.break.position) : null,
      brokenEventId: result.break?.eventId ?? null,
      reason: result.break?.reason ?? null,
    },
  });
}

/** One line for people: "verified N events up to position P" or "broken at position P: reason". */
export function describeVerification(r: Pick<VerifyResult, "ok" | "checked" | "toPosition" | "break">): string {
  return r.ok ? `verified ${r.checked} events up to position ${r.toPosition}` : `broken at position ${r.break?.position}: ${r.break?.reason}`;
}
