// The audit chain's canonical forms, as the verifier recomputes them. The insert and link triggers
// (prisma/migrations/20261128070000_audit_chain) computes the same expressions with its own
// functions; the verifier inlines them here so that it depends only on PostgreSQL built-ins, not on
// functions stored in the database it checks. chain.test.ts proves both agree. clientRequestId
// (migration 20261207050000) and names (20261207130000, people's names left out: erasable) are part
// of the content only when set, so older events hash as before.
import { createHash } from "node:crypto";

/** prevHash of position 1 (and of an empty chain's head). */
export const GENESIS_HASH = "0".repeat(64);

/** Canonical content of the event aliased `e`: JSON text (jsonb's deterministic output). */
export const CONTENT_TEXT_SQL = `(jsonb_build_object(
    'v', 1,
    'id', e."id",
    'createdAt', (extract(epoch FROM e."createdAt") * 1000)::bigint,
    'actorType', e."actorType", 'actorId', e."actorId", 'actorLabel', e."actorLabel",
    'directoryId', e."directoryId", 'action', e."action",
    'targetType', e."targetType", 'targetId', e."targetId",
    'targetLabel', CASE WHEN e."personalFields" IS NULL THEN e."targetLabel" END,
    'before', CASE WHEN e."personalFields" IS NULL OR e."personalFields" = 'targetLabel' THEN e."before" END,
    'after', CASE WHEN e."personalFields" IS NULL OR e."personalFields" = 'targetLabel' THEN e."after" END,
    'requestId', e."requestId", 'ip', e."ip",
    'personalFields', e."personalFields", 'personalDigest', e."personalDigest"
  ) || CASE WHEN e."clientRequestId" IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('clientRequestId', e."clientRequestId") END
    || CASE WHEN e."names" IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('names', e."names" - 'User') END)::text`;

/** The personal part of the event aliased `e` (null when it has none). */
export const PERSONAL_TEXT_SQL = `CASE
    WHEN e."personalFields" = 'targetLabel' THEN jsonb_build_object('targetLabel', e."targetLabel")::text
    WHEN e."personalFields" IS NOT NULL THEN jsonb_build_object('targetLabel', e."targetLabel", 'before', e."before", 'after', e."after")::text
  END`;

export const sha256Sql = (text: string) => `encode(sha256(convert_to(${text}, 'UTF8')), 'hex')`;

export const sha256Hex = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");

/** The chain link of an event. */
export function linkHash(prevHash: string, contentHash: string, position: bigint | string): string {
  return sha256Hex(`${prevHash}|${contentHash}|${position}`);
}

export function personalDigestOf(salt: string, personalText: string): string {
  return sha256Hex(`${salt}:${personalText}`);
}

/** Which fields of an event hold personal data of its data subject (as the insert trigger decides). */
export function personalFieldsFor(targetType: string | null, action: string): string | null {
  if (targetType !== "User") return null;
  return action.startsWith("user.") ? "targetLabel,before,after" : "targetLabel";
}
