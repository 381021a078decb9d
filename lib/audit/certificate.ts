// Erasure certificates: what an erasure erased, what was retained and on which legal basis, and
// the proof of no remaining access, signed with the audit signing key (JSON) or printable (HTML).
// Also the list of erasures for the audit page.
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { AppError } from "@/lib/errors";
import { getSigningKey, verifyJsonSignature } from "./signing";

export interface ErasedCounts {
  userRecord: number;
  auditEventsCleared: number;
  requestLogEntries: number;
  /** Webhook deliveries (sent or pending) whose stored payload carried the erased fields. */
  webhookPayloadsCleared: number;
  /** Audit events that kept the subject's name among the names of what they touched (absent on older records). */
  auditNamesCleared?: number;
  /** Notification e-mails to the subject (pending or sent; their address) deleted (absent on older records). */
  emailMessages?: number;
}


export interface RetainedItem {
  what: string;
  count: number;
  legalBasis: string;
}

export const CERTIFICATE_FORMAT = "custodian-erasure-certificate/1";

export interface ErasureCertificateBody {
  format: typeof CERTIFICATE_FORMAT;
  erasureId: string;
  subject: { pseudonymousId: string; directoryId: string | null; directoryName: string | null };
  erasedAt: string;
  erasedBy: { type: string; id: string | null; label: string | null };
  erased: ErasedCounts;
  retained: RetainedItem[];
  effectiveAccessAtErasure: { contracts: number; checkedWith: string };
  auditEvidence: { eventId: string | null; chainPosition: string | null; chainHash: string | null };
  statement: string;
  issuedAt: string;
  keyId: string;
  publicKey: string;
}

export interface ErasureCertificate extends ErasureCertificateBody {
  signature: string;
}

export async function erasureCertificate(prisma: PrismaClient, erasureId: string, issuedAt = new Date()): Promise<ErasureCertificate> {
  const record = await prisma.erasureRecord.findUnique({ where: { id: erasureId } });
  if (!record) throw new AppError("not_found", "Erasure record not found");
  const [directory, event, key] = await Promise.all([
    record.directoryId ? prisma.directory.findUnique({ where: { id: record.directoryId }, select: { name: true } }) : null,
    record.eventId ? prisma.auditEvent.findUnique({ where: { id: record.eventId }, select: { seq: true, hash: true } }) : null,
    getSigningKey(prisma),
  ]);
  const body: ErasureCertificateBody = {
    format: CERTIFICATE_FORMAT,
    erasureId: record.id,
    subject: { pseudonymousId: record.subjectId, directoryId: record.directoryId, directoryName: directory?.name ?? null },
    erasedAt: record.erasedAt.toISOString(),
    erasedBy: { type: record.actorType, id: record.actorId, label: record.actorLabel },
    erased: record.erased as unknown as ErasedCounts,
    retained: record.retained as unknown as RetainedItem[],
    effectiveAccessAtErasure: { contracts: record.effectiveAccessCount, checkedWith: "Custodian access engine (contracts the user could open at the time of erasure)" },
    auditEvidence: { eventId: record.eventId, chainPosition: event ? String(event.seq) : null, chainHash: event?.hash ?? null },
    statement:
      "The data subject's personal data held by Custodian (user record, names and e-mail addresses in the audit trail, SCIM request-log entries naming them) was erased in one transaction. Retained records identify the subject only by the pseudonymous id above. Audit events marked with this erasure id keep their hashes, so the audit chain remains verifiable.",
    issuedAt: issuedAt.toISOString(),
    keyId: key.keyId,
    publicKey: key.publicKeyPem,
  };
  return { ...body, signature: key.signJson(body) };
}

export function verifyErasureCertificate(certificate: ErasureCertificate, publicKeyPem = certificate.publicKey): boolean {
  const { signature, ...body } = certificate;
  return verifyJsonSignature(body, signature, publicKeyPem);
}

const escapeHtml = (s: unknown) =>
  String(s ?? "—").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

/** A printable page (self-contained, no scripts); the signed JSON is the verifiable form. */
export function erasureCertificateHtml(c: ErasureCertificate): string {
  const retained = c.retained
    .map((r) => `<tr><td>${escapeHtml(r.what)}</td><td class="n">${escapeHtml(r.count)}</td><td>${escapeHtml(r.legalBasis)}</td></tr>`)
    .join("");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Erasure certificate ${escapeHtml(c.erasureId)}</title>
<style>body{font:14px/1.5 system-ui,sans-serif;max-width:50rem;margin:2rem auto;color:#111}h1{font-size:1.4rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem}td,th{border:1px solid #ccc;padding:.35rem .5rem;text-align:left;vertical-align:top}
.n{text-align:right}code{font-size:12px;word-break:break-all}</style></head>
<body>
<h1>Certificate of erasure (GDPR Art. 17)</h1>
<table>
<tr><th>Erasure id</th><td><code>${escapeHtml(c.erasureId)}</code></td></tr>
<tr><th>Data subject (pseudonymous id)</th><td><code>${escapeHtml(c.subject.pseudonymousId)}</code></td></tr>
<tr><th>Directory</th><td>${escapeHtml(c.subject.directoryName ?? c.subject.directoryId)}</td></tr>
<tr><th>Erased at</th><td>${escapeHtml(c.erasedAt)}</td></tr>
<tr><th>Erased by</th><td>${escapeHtml(c.erasedBy.label ?? c.erasedBy.id)} (${escapeHtml(c.erasedBy.type)})</td></tr>
<tr><th>Effective access at erasure</th><td>${escapeHtml(c.effectiveAccessAtErasure.contracts)} contracts — ${escapeHtml(c.effectiveAccessAtErasure.checkedWith)}</td></tr>
</table>
<h2>Erased</h2>
<table>
<tr><td>User record</td><td class="n">${escapeHtml(c.erased.userRecord)}</td></tr>
<tr><td>Audit events whose personal fields were cleared</td><td class="n">${escapeHtml(c.erased.auditEventsCleared)}</td></tr>
<tr><td>Audit events whose stored names named the person</td><td class="n">${escapeHtml(c.erased.auditNamesCleared ?? 0)}</td></tr>
<tr><td>SCIM request-log entries naming the user</td><td class="n">${escapeHtml(c.erased.requestLogEntries)}</td></tr>
<tr><td>Webhook delivery bodies carrying those fields</td><td class="n">${escapeHtml(c.erased.webhookPayloadsCleared ?? 0)}</td></tr>
<tr><td>Notification e-mails to the person</td><td class="n">${escapeHtml(c.erased.emailMessages ?? 0)}</td></tr>
</table>
<h2>Retained</h2>
<table><tr><th>What</th><th>Count</th><th>Legal basis</th></tr>${retained}</table>
<p>${escapeHtml(c.statement)}</p>
<h2>Evidence</h2>
<p>Audit event <code>${escapeHtml(c.auditEvidence.eventId)}</code> at chain position ${escapeHtml(c.auditEvidence.chainPosition)}, hash <code>${escapeHtml(c.auditEvidence.chainHash)}</code>.</p>
<p>Issued ${escapeHtml(c.issuedAt)}. Signed (Ed25519, key <code>${escapeHtml(c.keyId)}</code>); the JSON form of this certificate carries the signature.</p>
</body></html>`;
}

export interface ErasureListItem {
  id: string;
  subjectId: string;
  directoryId: string | null;
  erasedAt: string;
  actorLabel: string | null;
  actorType: string;
  erased: ErasedCounts;
}

/** Newest first, keyset-paginated on (erasedAt, id). */
export async function listErasures(prisma: PrismaClient, options: { limit?: number; before?: string } = {}): Promise<{ items: ErasureListItem[]; nextCursor: string | null }> {
  const limit = Math.min(Math.max(options.limit ?? 50, 1), 200);
  const cursor = options.before ? new Date(options.before) : undefined;
  if (cursor && Number.isNaN(cursor.getTime())) throw new AppError("invalid_input", "before must be a date");
  const rows = await prisma.erasureRecord.findMany({
    where: cursor ? { erasedAt: { lt: cursor } } : undefined,
    orderBy: [{ erasedAt: "desc" }, { id: "desc" }],
    take: limit + 1,
    select: { id: true, subjectId: true, directoryId: true, erasedAt: true, actorLabel: true, actorType: true, erased: true },
  });
  const items = rows.slice(0, limit).map((r) => ({ ...r, erasedAt: r.erasedAt.toISOString(), erased: r.erased as unknown as ErasedCounts }));
  return { items, nextCursor: rows.length > limit ? items[items.length - 1].erasedAt : null };
}
