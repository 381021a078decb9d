// Chain exports: a range of positions as JSON Lines, each line an event exactly as it was hashed
// (its canonical content text and personal text), plus a manifest signed with the installation's
// Ed25519 key (range, count, first prevHash, last hash, SHA-256 of the file). `npm run
// audit:verify -- --export <file> --manifest <file>` checks all of it without the database.
import { createHash } from "node:crypto";
import { z } from "zod";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { AppError } from "@/lib/errors";
import { now as clockNow } from "@/lib/clock";
import { CONTENT_TEXT_SQL, PERSONAL_TEXT_SQL, sha256Hex } from "./chain-sql";
import { getSigningKey, keyIdOf, verifyJsonSignature } from "./signing";
import { ChainChecker, type ChainBreak, type ChainRow } from "./verify";

export const CHAIN_EXPORT_FORMAT = "custodian-audit-chain-export/1";
export const CHAIN_EXPORT_CAP = 100_000;
const BATCH = 1000;

export const chainRangeQuery = z
  .object({
    from: z.string().regex(/^\d{1,18}$/, "must be a chain position").transform(BigInt),
    to: z.string().regex(/^\d{1,18}$/, "must be a chain position").transform(BigInt),
  })
  .refine((r) => r.from >= BigInt(1) && r.from <= r.to, { message: "must be at or after from (positions start at 1)", path: ["to"] })
  .refine((r) => r.to - r.from < BigInt(CHAIN_EXPORT_CAP), { message: `at most ${CHAIN_EXPORT_CAP} events per export`, path: ["to"] });

/** One exported event: what was hashed, and the chain columns. */
export interface ChainExportLine {
  position: string;
  id: string;
  /** The canonical content text; contentHash = SHA-256 of it. */
  content: string;
  contentHash: string;
  prevHash: string;
  hash: string;
  /** The canonical personal text (null: the event has no personal fields). */
  personal: string | null;
  personalSalt: string | null;
  erasedAt: string | null;
  erasureId: string | null;
}

export interface ChainManifestBody {
  format: typeof CHAIN_EXPORT_FORMAT;
  fromPosition: string;
  toPosition: string;
  count: number;
  firstPrevHash: string | null;
  lastHash: string | null;
  file: { sha256: string; bytes: number };
  exportedAt: string;
  keyId: string;
  publicKey: string;
}

export interface ChainManifest extends ChainManifestBody {
  /** Base64 Ed25519 signature of the canonical JSON of the manifest without this field. */
  signature: string;
}

/** The export file, line by line ("\n"-terminated), in position order. */
export async function* chainExportLines(prisma: PrismaClient, range: { from: bigint; to: bigint }): AsyncGenerator<string> {
  let cursor = range.from;
  while (cursor <= range.to) {
    const rows = await prisma.$queryRawUnsafe<(Omit<ChainExportLine, "erasedAt"> & { erasedAt: Date | null })[]>(
      `SELECT e."seq"::text AS position, e."id", ${CONTENT_TEXT_SQL} AS content, e."contentHash", e."prevHash", e."hash",
              ${PERSONAL_TEXT_SQL} AS personal, e."personalSalt", e."erasedAt", e."erasureId"
       FROM "AuditEvent" e WHERE e."seq" >= $1 AND e."seq" <= $2 ORDER BY e."seq" LIMIT $3`,
      cursor,
      range.to,
      BATCH,
    );
    if (rows.length === 0) return;
    yield rows
      .map((r) => JSON.stringify({ ...r, erasedAt: r.erasedAt ? new Date(r.erasedAt).toISOString() : null } satisfies ChainExportLine) + "\n")
      .join("");
    cursor = BigInt(rows[rows.length - 1].position) + BigInt(1);
  }
}

export function chainExportStream(prisma: PrismaClient, range: { from: bigint; to: bigint }): ReadableStream<Uint8Array> {
  const lines = chainExportLines(prisma, range);
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await lines.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value));
    },
    async cancel() {
      await lines.return(undefined);
    },
  });
}

/** Builds the same file as chainExportStream (hashing it as it goes) and signs its manifest. */
export async function chainExportManifest(prisma: PrismaClient, range: { from: bigint; to: bigint }): Promise<ChainManifest> {
  const hash = createHash("sha256");
  let bytes = 0;
  let count = 0;
  let firstPrevHash: string | null = null;
  let lastHash: string | null = null;
  for await (const chunk of chainExportLines(prisma, range)) {
    const buf = Buffer.from(chunk, "utf8");
    hash.update(buf);
    bytes += buf.length;
    for (const line of chunk.split("\n")) {
      if (!line) continue;
      const e = JSON.parse(line) as ChainExportLine;
      if (count === 0) firstPrevHash = e.prevHash;
      lastHash = e.hash;
      count += 1;
    }
  }
  if (count === 0) throw new AppError("not_found", "No audit events in that range");
  const key = await getSigningKey(prisma);
  const body: ChainManifestBody = {
    format: CHAIN_EXPORT_FORMAT,
    fromPosition: String(range.from),
    toPosition: String(range.to),
    count,
    firstPrevHash,
    lastHash,
    file: { sha256: hash.digest("hex"), bytes },
    exportedAt: clockNow().toISOString(),
    keyId: key.keyId,
    publicKey: key.publicKeyPem,
  };
  return { ...body, signature: key.signJson(body) };
}

export interface ExportVerification {
  ok: boolean;
  checked: number;
  /** Problems with the manifest or the file as a whole. */
  problems: string[];
  /** The first broken event inside the file. */
  break?: ChainBreak;
}

/**
 * Offline verification: the manifest's signature (by `trustedPublicKeyPem` when given, else by the
 * key the manifest names — which proves integrity, and authenticity only once that key is compared
 * with the one the installation serves), the file's hash, and the chain inside the file: positions
 * from..to without gaps, each content and personal text against its hash, each link.
 */
export function verifyChainExport(options: { file: Buffer; manifest: ChainManifest; trustedPublicKeyPem?: string }): ExportVerification {
  const { file, manifest } = options;
  const problems: string[] = [];
  const { signature, ...body } = manifest;
  if (manifest.format !== CHAIN_EXPORT_FORMAT) problems.push(`unknown manifest format ${String(manifest.format)}`);
  const publicKey = options.trustedPublicKeyPem ?? manifest.publicKey;
  if (options.trustedPublicKeyPem && keyIdOf(options.trustedPublicKeyPem) !== manifest.keyId) problems.push("the manifest was signed with another key than the trusted one");
  if (!verifyJsonSignature(body, signature ?? "", publicKey)) problems.push("the manifest's signature is invalid");
  if (createHash("sha256").update(file).digest("hex") !== manifest.file?.sha256) problems.push("the export file's SHA-256 does not match the manifest");
  const lines = file.toString("utf8").split("\n").filter(Boolean);
  if (lines.length !== manifest.count) problems.push(`the file holds ${lines.length} events, the manifest says ${manifest.count}`);
  const checker = new ChainChecker({ from: BigInt(manifest.fromPosition), expectedPrev: manifest.firstPrevHash });
  for (const [i, line] of lines.entries()) {
    let row: ChainRow;
    try {
      row = rowOf(JSON.parse(line) as ChainExportLine);
    } catch {
      return { ok: false, checked: checker.checked, problems, break: { position: "?", eventId: null, reason: `line ${i + 1} is not a valid export line` } };
    }
    const b = checker.check(row, null);
    if (b) return { ok: false, checked: checker.checked, problems, break: b };
  }
  if (lines.length > 0 && String(checker.nextPosition - BigInt(1)) !== manifest.toPosition) problems.push(`the file ends at position ${checker.nextPosition - BigInt(1)}, the manifest says ${manifest.toPosition}`);
  if (checker.lastHash !== manifest.lastHash) problems.push("the last event's hash does not match the manifest");
  return { ok: problems.length === 0, checked: checker.checked, problems };
}

function rowOf(line: ChainExportLine): ChainRow {
  // What was hashed is authoritative: identity and classification come from the content text.
  const content = JSON.parse(line.content) as { id: string; action: string; targetType: string | null; targetId: string | null; personalFields: string | null; personalDigest: string | null };
  const personal = line.personal === null ? null : (JSON.parse(line.personal) as Record<string, unknown>);
  if (content.id !== line.id) throw new Error("id differs from content");
  return {
    position: BigInt(line.position),
    id: line.id,
    targetType: content.targetType,
    targetId: content.targetId,
    action: content.action,
    contentHash: line.contentHash,
    recomputedContentHash: sha256Hex(line.content),
    prevHash: line.prevHash,
    hash: line.hash,
    personalFields: content.personalFields,
    personalDigest: content.personalDigest,
    personalSalt: line.personalSalt,
    recomputedDigest: line.personalSalt !== null && line.personal !== null ? sha256Hex(`${line.personalSalt}:${line.personal}`) : null,
    personalPresent: personal !== null && Object.values(personal).some((v) => v !== null),
    erasedAt: line.erasedAt,
    erasureId: line.erasureId,
  };
}
