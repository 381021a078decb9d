// Screen certificates (issue 20): for a wall and a period, a document signed with the audit signing
// key (lib/audit/signing.ts, the key that signs chain exports) stating the wall, its scope, the
// people on its roster over the period (insiders, screened people or sides), the acknowledgments
// of its memo and the decision-API attempts it denied — with the audit chain positions (and
// hashes) of the wall's own events it was built from, so that it can be checked offline against a
// chain export (verifyWallCertificate; `npm run audit:verify -- --wall-certificate <file>`).
//
// Stored or reproducible: a wall's lift certificate is built right after the lift commits and
// stored (WallCertificate, one per wall) with its SHA-256 in the audit event
// wall.certificate_issued; the maintenance job issues it for a lifted wall that has none (a crash
// between the two). A certificate asked for on request (GET) is rebuilt from the append-only
// history and signed at that moment, not stored: the same wall and period give the same statement
// (only issuedAt and the signature differ) as long as nobody's personal data was erased since.
// Someone with walls:write may issue (store and audit) one for any period.
import { createHash } from "node:crypto";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { recordAuditEvent, type Actor } from "@/lib/audit/record";
import { canonicalJson } from "@/lib/audit/canonical-json";
import { verifyChainExport, type ChainExportLine, type ChainManifest } from "@/lib/audit/export";
import { getSigningKey, keyIdOf, verifyJsonSignature } from "@/lib/audit/signing";
import { now as clockNow } from "@/lib/clock";
import { isUniqueViolation, type Tx } from "@/lib/db/errors";
import { AppError } from "@/lib/errors";
import { getWallRow } from "./queries";
import { liftWall } from "./service";

type Db = PrismaClient | Tx;

export const WALL_CERTIFICATE_FORMAT = "custodian-wall-certificate/1";
/** The attempts listed one by one (all are counted and summarised per person). */
export const CERTIFICATE_ATTEMPT_CAP = 1000;
/** The wall's audit events cited (beyond: counted, the certificate says it is truncated). */
export const CERTIFICATE_EVENT_CAP = 5000;

const iso = (d: Date | null | undefined) => (d ? new Date(d).toISOString() : null);

export interface CertificateActor {
  type: string | null;
  label: string | null;
}

export interface WallCertificateBody {
  format: typeof WALL_CERTIFICATE_FORMAT;
  /** Why it was issued: the wall was lifted, or someone asked. */
  trigger: "lift" | "request";
  wall: {
    id: string;
    name: string;
    matterRef: string | null;
    kind: string;
    /** The wall's state when the certificate was issued. */
    state: string;
    memo: string;
    memoSha256: string;
    requiresAcknowledgment: boolean;
    screenedAcknowledge: boolean;
    createdAt: string;
    activated: { at: string; by: CertificateActor; reason: string | null } | null;
    lifted: { at: string; by: CertificateActor; reason: string | null } | null;
  };
  period: { from: string; to: string };
  /** Whether the wall was in force during the whole period, part of it, or not at all. */
  inForce: { from: string | null; to: string | null };
  sides: { id: string; name: string }[];
  /** Scope items valid at some instant of the period. */
  scope: { sideId: string | null; kind: string; value: string; label: string | null; validFrom: string; validTo: string | null }[];
  /** People on the roster at some instant of the period (one row per roster interval). */
  people: {
    userId: string;
    userName: string | null;
    displayName: string | null;
    role: "insider" | "screened" | "side";
    sideId: string | null;
    viaGroup: string | null;
    validFrom: string;
    validTo: string | null;
    removalJustification: string | null;
  }[];
  /** Acknowledgments of the memo given before the end of the period. */
  acknowledgments: { userId: string; userName: string | null; at: string; onBehalf: boolean; reason: string | null; by: CertificateActor }[];
  attempts: {
    total: number;
    /** Per person: how many, on how many contracts, first and last. */
    byPerson: { userId: string; userName: string | null; attempts: number; contracts: number; first: string; last: string }[];
    /** The attempts themselves, oldest first (at most CERTIFICATE_ATTEMPT_CAP). */
    items: { userId: string; contractId: string; contractTitle: string | null; sideId: string | null; at: string; source: string; action: string | null }[];
    truncated: boolean;
  };
  auditEvidence: {
    /** The wall's audit events up to the end of the period, in chain order. */
    events: { position: string; eventId: string; action: string; at: string; hash: string }[];
    truncated: boolean;
    /** The chain's last position and hash when the certificate was built. */
    chainHead: { position: string; hash: string } | null;
  };
  statement: string;
  issuedAt: string;
  keyId: string;
  publicKey: string;
}

export interface WallCertificate extends WallCertificateBody {
  signature: string;
}

/** The period a certificate covers by default: from activation (else creation) to lifting (else now). */
export function defaultPeriod(wall: { createdAt: Date; activatedAt: Date | null; liftedAt: Date | null }, at: Date = clockNow()): { from: Date; to: Date } {
  return { from: wall.activatedAt ?? wall.createdAt, to: wall.liftedAt ?? at };
}

const overlaps = (period: { from: Date; to: Date }) => ({
  validFrom: { lte: period.to },
  OR: [{ validTo: null }, { validTo: { gt: period.from } }],
});

/** Builds and signs the certificate of `wallId` over `period` (default: defaultPeriod). */
export async function buildWallCertificate(
  db: Db,
  options: { wallId: string; period?: { from?: Date; to?: Date }; trigger?: "lift" | "request"; issuedAt?: Date },
): Promise<WallCertificate> {
  const wall = await getWallRow(db, options.wallId);
  const issuedAt = options.issuedAt ?? clockNow();
  const fallback = defaultPeriod(wall, issuedAt);
  const period = { from: options.period?.from ?? fallback.from, to: options.period?.to ?? fallback.to };
  if (period.from > period.to) throw new AppError("invalid_input", "the period ends before it starts", [{ path: "to", message: "before from" }]);
  const role = wall.kind === "inclusionary" ? ("insider" as const) : wall.kind === "exclusionary" ? ("screened" as const) : ("side" as const);

  const [sides, scopes, persons, acks, attemptRows, attemptTotal, summary, events, head, key] = await Promise.all([
    db.wallSide.findMany({ where: { wallId: wall.id }, orderBy: { position: "asc" }, select: { id: true, name: true } }),
    db.wallScope.findMany({ where: { wallId: wall.id, ...overlaps(period) }, orderBy: [{ validFrom: "asc" }, { id: "asc" }] }),
    db.wallPerson.findMany({ where: { wallId: wall.id, ...overlaps(period) }, orderBy: [{ validFrom: "asc" }, { id: "asc" }] }),
    db.wallAcknowledgment.findMany({ where: { wallId: wall.id, at: { lte: period.to } }, orderBy: [{ at: "asc" }, { id: "asc" }] }),
    db.wallBreachAttempt.findMany({ where: { wallId: wall.id, at: { gte: period.from, lte: period.to } }, orderBy: [{ at: "asc" }, { id: "asc" }], take: CERTIFICATE_ATTEMPT_CAP }),
    db.wallBreachAttempt.count({ where: { wallId: wall.id, at: { gte: period.from, lte: period.to } } }),
    db.$queryRawUnsafe<{ userId: string; attempts: number; contracts: number; first: Date; last: Date }[]>(
      `SELECT "userId", count(*)::int AS attempts, count(DISTINCT "contractId")::int AS contracts, min(at) AS first, max(at) AS last
       FROM "WallBreachAttempt" WHERE "wallId" = $1 AND at >= $2::timestamp(3) AND at <= $3::timestamp(3)
       GROUP BY "userId" ORDER BY count(*) DESC, "userId"`,
      wall.id,
      period.from,
      period.to,
    ),
    // Linked events only (seq > 0): an event still being committed has no position yet.
    db.$queryRawUnsafe<{ position: string; id: string; action: string; createdAt: Date; hash: string }[]>(
      `SELECT seq::text AS position, id, action, "createdAt", hash FROM "AuditEvent"
       WHERE "targetType" = 'Wall' AND "targetId" = $1 AND seq > 0 AND ("createdAt" <= $2::timestamp(3) OR id = ANY($4::text[]))
       ORDER BY seq LIMIT $3`,
      wall.id,
      period.to,
      CERTIFICATE_EVENT_CAP + 1,
      // An event is stamped a moment after the instant it records: activation and lifting by id.
      [
        ...(wall.activatedAt && wall.activatedAt <= period.to && wall.activationEventId ? [wall.activationEventId] : []),
        ...(wall.liftedAt && wall.liftedAt <= period.to && wall.liftEventId ? [wall.liftEventId] : []),
      ],
    ),
    db.$queryRawUnsafe<{ position: string; hash: string }[]>(`SELECT seq::text AS position, hash FROM "AuditEvent" WHERE seq > 0 ORDER BY seq DESC LIMIT 1`),
    getSigningKey(db as PrismaClient),
  ]);

  const userIds = [...new Set([...persons.map((p) => p.userId), ...acks.map((a) => a.userId), ...summary.map((s) => s.userId)])];
  const groupIds = [...new Set(persons.flatMap((p) => (p.viaGroupId ? [p.viaGroupId] : [])))];
  const contractIds = [...new Set([...scopes.filter((s) => s.kind === "contract").map((s) => s.value), ...attemptRows.map((a) => a.contractId)])];
  const repositoryIds = scopes.filter((s) => s.kind === "repository").map((s) => s.value);
  const [users, groups, contracts, repositories] = await Promise.all([
    db.user.findMany({ where: { id: { in: userIds } }, select: { id: true, userName: true, displayName: true } }),
    db.group.findMany({ where: { id: { in: groupIds } }, select: { id: true, displayName: true } }),
    db.contract.findMany({ where: { id: { in: contractIds } }, select: { id: true, title: true } }),
    db.repository.findMany({ where: { id: { in: repositoryIds } }, select: { id: true, name: true } }),
  ]);
  const user = new Map(users.map((u) => [u.id, u]));
  const group = new Map(groups.map((g) => [g.id, g.displayName]));
  const title = new Map(contracts.map((c) => [c.id, c.title]));
  const repo = new Map(repositories.map((r) => [r.id, r.name]));

  const inForceFrom = wall.activatedAt && wall.activatedAt <= period.to ? (wall.activatedAt > period.from ? wall.activatedAt : period.from) : null;
  const inForceTo = inForceFrom ? (wall.liftedAt && wall.liftedAt < period.to ? wall.liftedAt : period.to) : null;
  const body: WallCertificateBody = {
    format: WALL_CERTIFICATE_FORMAT,
    trigger: options.trigger ?? "request",
    wall: {
      id: wall.id,
      name: wall.name,
      matterRef: wall.matterRef,
      kind: wall.kind,
      state: wall.state,
      memo: wall.description,
      memoSha256: createHash("sha256").update(wall.description, "utf8").digest("hex"),
      requiresAcknowledgment: wall.requiresAcknowledgment,
      screenedAcknowledge: wall.screenedAcknowledge,
      createdAt: iso(wall.createdAt)!,
      activated: wall.activatedAt ? { at: iso(wall.activatedAt)!, by: { type: wall.activatedByType, label: wall.activatedByLabel }, reason: wall.activationReason } : null,
      lifted: wall.liftedAt ? { at: iso(wall.liftedAt)!, by: { type: wall.liftedByType, label: wall.liftedByLabel }, reason: wall.liftReason } : null,
    },
    period: { from: iso(period.from)!, to: iso(period.to)! },
    inForce: { from: iso(inForceFrom), to: iso(inForceTo) },
    sides,
    scope: scopes.map((s) => ({
      sideId: s.sideId,
      kind: s.kind,
      value: s.value,
      label: s.kind === "contract" ? (title.get(s.value) ?? null) : s.kind === "repository" ? (repo.get(s.value) ?? null) : s.value,
      validFrom: iso(s.validFrom)!,
      validTo: iso(s.validTo),
    })),
    people: persons.map((p) => ({
      userId: p.userId,
      userName: user.get(p.userId)?.userName ?? null,
      displayName: user.get(p.userId)?.displayName ?? null,
      role,
      sideId: p.sideId,
      viaGroup: p.viaGroupId ? (group.get(p.viaGroupId) ?? p.viaGroupId) : null,
      validFrom: iso(p.validFrom)!,
      validTo: iso(p.validTo),
      removalJustification: p.removalJustification,
    })),
    acknowledgments: acks.map((a) => ({
      userId: a.userId,
      userName: user.get(a.userId)?.userName ?? null,
      at: iso(a.at)!,
      onBehalf: a.onBehalf,
      reason: a.reason,
      by: { type: a.actorType, label: a.actorLabel },
    })),
    attempts: {
      total: attemptTotal,
      byPerson: summary.map((s) => ({ userId: s.userId, userName: user.get(s.userId)?.userName ?? null, attempts: Number(s.attempts), contracts: Number(s.contracts), first: iso(s.first)!, last: iso(s.last)! })),
      items: attemptRows.map((a) => ({ userId: a.userId, contractId: a.contractId, contractTitle: title.get(a.contractId) ?? null, sideId: a.sideId, at: iso(a.at)!, source: a.source, action: a.action })),
      truncated: attemptTotal > attemptRows.length,
    },
    auditEvidence: {
      events: events.slice(0, CERTIFICATE_EVENT_CAP).map((e) => ({ position: e.position, eventId: e.id, action: e.action, at: iso(e.createdAt)!, hash: e.hash })),
      truncated: events.length > CERTIFICATE_EVENT_CAP,
      chainHead: head[0] ?? null,
    },
    statement: statementOf(wall.kind, Boolean(inForceFrom)),
    issuedAt: iso(issuedAt)!,
    keyId: key.keyId,
    publicKey: key.publicKeyPem,
  };
  return { ...body, signature: key.signJson(body) };
}

function statementOf(kind: string, inForce: boolean): string {
  const what =
    kind === "inclusionary"
      ? "only the insiders listed could be granted access to the scope; every other person was denied it, whatever access rules said"
      : kind === "exclusionary"
        ? "the screened people listed were denied the scope, whatever access rules said"
        : "the people of each side were denied the other sides' scope, whatever access rules said";
  return inForce
    ? `While the wall was in force (see inForce), Custodian's access engine applied it to every answer — access checks, the decision API (AuthZEN and /api/v1), reports, previews, evidence and review campaigns: ${what}. The acknowledgments and denied attempts are those recorded in the period. The audit events listed are the wall's own, at the chain positions given; check them against a chain export of the installation.`
    : "The wall was not in force during this period: it denied nothing. The roster, scope and audit events listed are those recorded.";
}

/** SHA-256 of the canonical JSON of a certificate (as stored and audited). */
export function certificateSha256(certificate: WallCertificate): string {
  return createHash("sha256").update(canonicalJson(certificate), "utf8").digest("hex");
}

export interface WallCertificateVerification {
  ok: boolean;
  problems: string[];
  /** Audit events of the certificate found in the chain export given (if any). */
  eventsChecked: number;
}

/**
 * Offline verification, like the chain exports': the format, the signature (by
 * `trustedPublicKeyPem` when given, else by the key the certificate names — integrity; authenticity
 * once that key is compared with the installation's), and, given a chain export (file and signed
 * manifest), that the export itself verifies and holds every cited event at its position with the
 * same id and hash.
 */
export function verifyWallCertificate(options: {
  certificate: WallCertificate;
  trustedPublicKeyPem?: string;
  chainExport?: { file: Buffer; manifest: ChainManifest };
}): WallCertificateVerification {
  const { signature, ...body } = options.certificate;
  const problems: string[] = [];
  if (body.format !== WALL_CERTIFICATE_FORMAT) problems.push(`unknown certificate format ${String(body.format)}`);
  if (options.trustedPublicKeyPem && keyIdOf(options.trustedPublicKeyPem) !== body.keyId) problems.push("the certificate was signed with another key than the trusted one");
  if (!verifyJsonSignature(body, signature ?? "", options.trustedPublicKeyPem ?? body.publicKey)) problems.push("the certificate's signature is invalid");
  let eventsChecked = 0;
  if (options.chainExport) {
    const chain = verifyChainExport({ ...options.chainExport, trustedPublicKeyPem: options.trustedPublicKeyPem });
    if (!chain.ok) problems.push(`the chain export does not verify: ${[...chain.problems, chain.break?.reason].filter(Boolean).join("; ")}`);
    const lines = new Map<string, ChainExportLine>();
    for (const line of options.chainExport.file.toString("utf8").split("\n")) {
      if (!line) continue;
      const e = JSON.parse(line) as ChainExportLine;
      lines.set(e.position, e);
    }
    const from = BigInt(options.chainExport.manifest.fromPosition);
    const to = BigInt(options.chainExport.manifest.toPosition);
    for (const e of body.auditEvidence?.events ?? []) {
      const position = BigInt(e.position);
      if (position < from || position > to) continue;
      const line = lines.get(e.position);
      if (!line) problems.push(`audit event ${e.eventId} (position ${e.position}) is missing from the chain export`);
      else if (line.id !== e.eventId || line.hash !== e.hash) problems.push(`audit event at position ${e.position} differs from the chain export`);
      else eventsChecked += 1;
    }
  }
  return { ok: problems.length === 0, problems, eventsChecked };
}

// ---------------------------------------------------------------------------------------------
// Stored certificates

export interface StoredCertificateView {
  id: string;
  trigger: string;
  periodFrom: Date;
  periodTo: Date;
  issuedAt: Date;
  sha256: string;
}

/** Signs, stores and audits a certificate (wall.certificate_issued names its SHA-256). */
async function storeCertificate(prisma: PrismaClient, options: { certificate: WallCertificate; actor: Actor; liftOf: string | null }): Promise<StoredCertificateView> {
  const c = options.certificate;
  const sha256 = certificateSha256(c);
  return prisma.$transaction(async (tx) => {
    const eventId = await recordAuditEvent(tx, {
      actor: options.actor,
      action: "wall.certificate_issued",
      target: { type: "Wall", id: c.wall.id, label: c.wall.name },
      after: { trigger: c.trigger, period: c.period, sha256, keyId: c.keyId, events: c.auditEvidence.events.length, attempts: c.attempts.total },
    });
    const row = await tx.wallCertificate.create({
      data: { wallId: c.wall.id, trigger: c.trigger, liftOf: options.liftOf, periodFrom: new Date(c.period.from), periodTo: new Date(c.period.to), issuedAt: new Date(c.issuedAt), document: c as object, sha256, eventId },
    });
    return { id: row.id, trigger: row.trigger, periodFrom: row.periodFrom, periodTo: row.periodTo, issuedAt: row.issuedAt, sha256 };
  });
}

/** Issues (stores and audits) a certificate on request (walls:write). */
export async function issueWallCertificate(prisma: PrismaClient, options: { wallId: string; period?: { from?: Date; to?: Date }; actor: Actor }): Promise<StoredCertificateView> {
  const certificate = await buildWallCertificate(prisma, { wallId: options.wallId, period: options.period, trigger: "request" });
  return storeCertificate(prisma, { certificate, actor: options.actor, liftOf: null });
}

/**
 * The lift certificate of a lifted wall (activation to lifting), issued once: a second call (two
 * instances, the maintenance sweep) finds the stored one.
 */
export async function issueLiftCertificate(prisma: PrismaClient, options: { wallId: string; actor: Actor }): Promise<StoredCertificateView> {
  const existing = await prisma.wallCertificate.findUnique({ where: { liftOf: options.wallId } });
  if (existing) return viewOf(existing);
  const wall = await getWallRow(prisma, options.wallId);
  if (wall.state !== "lifted") throw new AppError("conflict", `Wall ${wall.id} is ${wall.state}; a lift certificate needs a lifted wall`);
  const certificate = await buildWallCertificate(prisma, { wallId: wall.id, trigger: "lift" });
  try {
    return await storeCertificate(prisma, { certificate, actor: options.actor, liftOf: wall.id });
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    return viewOf(await prisma.wallCertificate.findUniqueOrThrow({ where: { liftOf: options.wallId } }));
  }
}

/** Lifts the wall (lib/walls/service.ts), then issues its lift certificate once the lift committed (its events then have chain positions). */
export async function liftWallAndCertify(prisma: PrismaClient, options: { id: string; input: unknown; actor: Actor }) {
  const wall = await liftWall(prisma, options);
  const certificate = await issueLiftCertificate(prisma, { wallId: wall.id, actor: { type: "system", label: "wall lift certificate" } });
  return { wall, certificate };
}

/** Lifted walls without their lift certificate (a crash between the lift and the issue): issues them. */
export async function issueMissingLiftCertificates(prisma: PrismaClient, options: { limit?: number } = {}): Promise<number> {
  const missing = await prisma.$queryRawUnsafe<{ id: string }[]>(
    `SELECT w.id FROM "Wall" w WHERE w.state = 'lifted' AND NOT EXISTS (SELECT 1 FROM "WallCertificate" c WHERE c."liftOf" = w.id) ORDER BY w."liftedAt" LIMIT $1`,
    options.limit ?? 100,
  );
  for (const w of missing) await issueLiftCertificate(prisma, { wallId: w.id, actor: { type: "system", label: "wall lift certificate" } });
  return missing.length;
}

const viewOf = (r: { id: string; trigger: string; periodFrom: Date; periodTo: Date; issuedAt: Date; sha256: string }): StoredCertificateView => ({
  id: r.id,
  trigger: r.trigger,
  periodFrom: r.periodFrom,
  periodTo: r.periodTo,
  issuedAt: r.issuedAt,
  sha256: r.sha256,
});

/** The certificates stored for a wall, newest first. */
export async function listWallCertificates(db: Db, options: { wallId: string }): Promise<StoredCertificateView[]> {
  await getWallRow(db, options.wallId);
  const rows = await db.wallCertificate.findMany({ where: { wallId: options.wallId }, orderBy: [{ issuedAt: "desc" }, { id: "asc" }], take: 200 });
  return rows.map(viewOf);
}

/** One stored certificate, exactly as issued. */
export async function getStoredWallCertificate(db: Db, options: { wallId: string; certificateId: string }): Promise<WallCertificate> {
  const row = await db.wallCertificate.findFirst({ where: { id: options.certificateId, wallId: options.wallId } });
  if (!row) throw new AppError("not_found", `Certificate ${options.certificateId} of wall ${options.wallId} not found`);
  return row.document as unknown as WallCertificate;
}

// ---------------------------------------------------------------------------------------------
// The printable page

const escapeHtml = (s: unknown) =>
  String(s ?? "—").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

/** A printable page (self-contained, no scripts); the signed JSON is the verifiable form. */
export function wallCertificateHtml(c: WallCertificate): string {
  const sideName = new Map(c.sides.map((s) => [s.id, s.name]));
  const side = (id: string | null) => (id ? escapeHtml(sideName.get(id) ?? id) : "—");
  const rows = (cells: unknown[][]) => cells.map((r) => `<tr>${r.map((x) => `<td>${x}</td>`).join("")}</tr>`).join("");
  const who = (p: { userName: string | null; displayName?: string | null; userId: string }) => escapeHtml(p.displayName ? `${p.displayName} (${p.userName ?? p.userId})` : (p.userName ?? p.userId));
  const empty = (n: number, cols: number, text: string) => (n === 0 ? `<tr><td colspan="${cols}">${escapeHtml(text)}</td></tr>` : "");
  const roleWord = c.wall.kind === "inclusionary" ? "Insiders" : c.wall.kind === "exclusionary" ? "Screened people" : "People by side";
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Screen certificate: ${escapeHtml(c.wall.name)}</title>
<style>body{font:14px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;color:#111;padding:0 1rem}h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:1.5rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem}td,th{border:1px solid #ccc;padding:.3rem .5rem;text-align:left;vertical-align:top}
code{font-size:12px;word-break:break-all}.memo{white-space:pre-wrap;border-left:3px solid #ccc;padding-left:.75rem}</style></head>
<body>
<h1>Ethical wall screen certificate</h1>
<table>
<tr><th>Wall</th><td>${escapeHtml(c.wall.name)}</td></tr>
<tr><th>Matter</th><td>${escapeHtml(c.wall.matterRef)}</td></tr>
<tr><th>Kind</th><td>${escapeHtml(c.wall.kind)}${c.wall.requiresAcknowledgment ? " — access withheld until the memo is acknowledged" : ""}</td></tr>
<tr><th>Period certified</th><td>${escapeHtml(c.period.from)} to ${escapeHtml(c.period.to)}</td></tr>
<tr><th>In force</th><td>${c.inForce.from ? `${escapeHtml(c.inForce.from)} to ${escapeHtml(c.inForce.to)}` : "not in force during the period"}</td></tr>
<tr><th>Activated</th><td>${c.wall.activated ? `${escapeHtml(c.wall.activated.at)} by ${escapeHtml(c.wall.activated.by.label)}: ${escapeHtml(c.wall.activated.reason)}` : "—"}</td></tr>
<tr><th>Lifted</th><td>${c.wall.lifted ? `${escapeHtml(c.wall.lifted.at)} by ${escapeHtml(c.wall.lifted.by.label)}: ${escapeHtml(c.wall.lifted.reason)}` : "—"}</td></tr>
<tr><th>Issued</th><td>${escapeHtml(c.issuedAt)} (${c.trigger === "lift" ? "when the wall was lifted" : "on request"})</td></tr>
</table>
<h2>Memo</h2>
<p class="memo">${escapeHtml(c.wall.memo || "(no memo)")}</p>
<p>SHA-256 of the memo: <code>${escapeHtml(c.wall.memoSha256)}</code></p>
<h2>Scope</h2>
<table><tr><th>Side</th><th>Kind</th><th>What</th><th>From</th><th>Until</th></tr>${rows(c.scope.map((s) => [side(s.sideId), escapeHtml(s.kind), escapeHtml(s.label ?? s.value), escapeHtml(s.validFrom), escapeHtml(s.validTo ?? "—")]))}${empty(c.scope.length, 5, "No scope in the period")}</table>
<h2>${roleWord}</h2>
<table><tr><th>Person</th><th>Side</th><th>Through group</th><th>From</th><th>Until</th><th>Removal justification</th></tr>${rows(c.people.map((p) => [who(p), side(p.sideId), escapeHtml(p.viaGroup ?? "—"), escapeHtml(p.validFrom), escapeHtml(p.validTo ?? "—"), escapeHtml(p.removalJustification ?? "—")]))}${empty(c.people.length, 6, "Nobody on the roster in the period")}</table>
<h2>Acknowledgments</h2>
<table><tr><th>Person</th><th>At</th><th>How</th></tr>${rows(c.acknowledgments.map((a) => [who(a), escapeHtml(a.at), a.onBehalf ? `on their behalf by ${escapeHtml(a.by.label)}: ${escapeHtml(a.reason)}` : "themselves"]))}${empty(c.acknowledgments.length, 3, "No acknowledgment")}</table>
<h2>Denied attempts (decision API): ${escapeHtml(c.attempts.total)}</h2>
<table><tr><th>Person</th><th>Attempts</th><th>Contracts</th><th>First</th><th>Last</th></tr>${rows(c.attempts.byPerson.map((s) => [who(s), escapeHtml(s.attempts), escapeHtml(s.contracts), escapeHtml(s.first), escapeHtml(s.last)]))}${empty(c.attempts.byPerson.length, 5, "No attempt was denied")}</table>
<p>${escapeHtml(c.statement)}</p>
<h2>Audit evidence</h2>
<table><tr><th>Chain position</th><th>Action</th><th>At</th><th>Hash</th></tr>${rows(c.auditEvidence.events.map((e) => [escapeHtml(e.position), escapeHtml(e.action), escapeHtml(e.at), `<code>${escapeHtml(e.hash)}</code>`]))}</table>
${c.auditEvidence.truncated ? "<p>More events exist; the list is truncated.</p>" : ""}
<p>Chain head when built: position ${escapeHtml(c.auditEvidence.chainHead?.position)}, hash <code>${escapeHtml(c.auditEvidence.chainHead?.hash)}</code>.</p>
<p>Signed (Ed25519, key <code>${escapeHtml(c.keyId)}</code>); the JSON form of this certificate carries the signature. Verify it offline with <code>npm run audit:verify -- --wall-certificate &lt;file&gt;</code>, with a chain export (<code>--export</code>, <code>--manifest</code>) to check the positions.</p>
</body></html>`;
}
