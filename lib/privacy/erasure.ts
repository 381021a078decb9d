// GDPR erasure of a data subject (a SCIM user), in the transaction of its deletion (SCIM DELETE or
// the admin "Erase personal data" action). Where a user's personal data lives, and what happens:
//   - the User row (SCIM attributes, e-mails, names, …): deleted by deleteUser (with its
//     GroupMember rows, cascaded);
//   - audit events about the user: label (userName) and, on user.* events, the before/after SCIM
//     documents are cleared (the trigger lets only this through); the events keep the pseudonymous
//     user id, action, time, actor and their hashes, so the chain stays verifiable;
//   - the user's name stored with any audit event (names.User, kept outside the hash for this);
//   - the SCIM request log: entries whose query string names the userName or an e-mail address —
//     a literal of the logged filter, or the whole value of a parameter that is not SCIM paging,
//     sorting or attribute selection — are deleted (exact, case-insensitive: a user called "sers"
//     must not take every "/Users?…" line with them, nor "100" every "count=100"), found by the
//     keys stored with each line (RequestLogSubject), by index;
//   - kept under the pseudonymous id (listed in the certificate with their legal basis):
//     membership and status history, access rules naming the user, access-change events.
// Every erasure is an ErasureRecord (append-only) and a "privacy.erased" audit event; its
// certificate (certificate.ts) is signed with the audit signing key.
import { randomUUID } from "node:crypto";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { Actor } from "@/lib/audit/record";
import { recordAuditEvent } from "@/lib/audit/record";
import { contractsOfUser } from "@/lib/access/effective-access";
import type { Tx } from "@/lib/db/errors";
import { AppError } from "@/lib/errors";
import type { ErasedCounts, RetainedItem } from "@/lib/audit/certificate";
import { subjectKey, valuesNamedByPath } from "@/lib/scim/request-log-subjects";

export const ERASURE_ACTION = "privacy.erased";

export const LEGAL_BASIS = {
  accountability:
    "GDPR Art. 17(3)(b) (compliance with a legal obligation to keep records of access to contracts) and Art. 17(3)(e) (establishment, exercise or defence of legal claims)",
} as const;

/** Names a user is known by, for finding them in free text (request-log paths). */
export interface SubjectIdentifiers {
  userName?: string | null;
  emails?: string[];
  /** userNames the trail recorded before a rename. */
  formerNames?: string[];
}

/**
 * clearTrail's statement ($1: the subject's id, $2: the instant, $3: the erasure id). Exported for
 * the test that holds its cost (erasure-cost.test.ts): webhook deliveries are found by event id.
 */
export const CLEAR_TRAIL_SQL = `WITH old AS (
     SELECT id, "targetLabel" AS label, COALESCE("after"->'emails', "before"->'emails') AS emails
     FROM "AuditEvent" WHERE "targetType" = 'User' AND "targetId" = $1 AND "erasedAt" IS NULL AND "personalFields" IS NOT NULL),
   -- Webhook deliveries keep the body they send and replay: take the same fields out of it.
   deliveries AS (
     UPDATE "WebhookDelivery" d
        SET payload = ((CASE WHEN a."personalFields" = 'targetLabel' THEN d.payload::jsonb #- '{data,target,label}'
                             ELSE d.payload::jsonb #- '{data,target,label}' #- '{data,before}' #- '{data,after}' END)
                       || '{"personalDataErased": true}'::jsonb)::text
       FROM "AuditEvent" a
      WHERE a.id = d."eventId" AND a."targetType" = 'User' AND a."targetId" = $1 AND a."personalFields" IS NOT NULL
     RETURNING 1),
   events AS (
     UPDATE "AuditEvent" e SET "targetLabel" = NULL,
            "before" = CASE WHEN e."personalFields" = 'targetLabel' THEN e."before" END,
            "after" = CASE WHEN e."personalFields" = 'targetLabel' THEN e."after" END,
            "personalSalt" = NULL, "erasedAt" = $2, "erasureId" = $3
       FROM old WHERE e.id = old.id
     RETURNING 1)
   SELECT (SELECT array_agg(label ORDER BY label) FROM old WHERE label IS NOT NULL) AS labels,
          (SELECT array_agg(emails) FROM old WHERE emails IS NOT NULL) AS emails,
          (SELECT count(*) FROM events) AS events,
          (SELECT count(*) FROM deliveries) AS deliveries`;

/**
 * Clears the subject's personal fields from the trail and from the webhook bodies that copy them,
 * and hands back the identifiers those fields held (for a user whose row is already gone, and for
 * names the user had before). One statement: its reading CTE sees the events as they were before
 * its own updates. The audit trigger admits the update only under `custodian.audit_erasure`.
 */
async function clearTrail(tx: Tx, subjectId: string, now: Date, erasureId: string): Promise<{ fromTrail: SubjectIdentifiers; auditEventsCleared: number; webhookPayloadsCleared: number }> {
  await tx.$executeRawUnsafe(`SELECT set_config('custodian.audit_erasure', $1, true)`, erasureId);
  const [row] = await tx.$queryRawUnsafe<{ labels: string[] | null; emails: unknown[] | null; events: bigint | number; deliveries: bigint | number }[]>(
    CLEAR_TRAIL_SQL,
    subjectId,
    now,
    erasureId,
  );
  const emails = new Set<string>();
  for (const list of row.emails ?? [])
    if (Array.isArray(list)) for (const e of list) if (e && typeof e === "object" && typeof (e as { value?: unknown }).value === "string") emails.add((e as { value: string }).value);
  return {
    fromTrail: { userName: row.labels?.[0] ?? null, emails: [...emails], formerNames: row.labels ?? [] },
    auditEventsCleared: Number(row.events),
    webhookPayloadsCleared: Number(row.deliveries),
  };
}

/** Each identifier once, lower-cased (userName and e-mail addresses are case-insensitive in SCIM). */
function identifierSet(ids: SubjectIdentifiers): Set<string> {
  return new Set([ids.userName, ...(ids.emails ?? []), ...(ids.formerNames ?? [])].filter((v): v is string => !!v).map((v) => v.toLowerCase()));
}

// Postgres regular-expression metacharacters (ARE), escaped to match themselves.
const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * Regular expressions over lower(path) that find every line that may name an identifier (as it is,
 * percent-encoded, or form-encoded) with a delimiter on both sides — a quote, a blank, a bracket, an
 * escape such as %22, `=`, `&` or an end. A cheap filter in SQL; the exact test is namesSubject.
 */
function candidatePatterns(identifiers: Set<string>): string[] {
  const before = "(^|[^a-z0-9%]|%[0-9a-f]{2})";
  const after = "($|[^a-z0-9%]|%[0-9a-f]{2})";
  const forms = new Set<string>();
  for (const v of identifiers) {
    const encoded = encodeURIComponent(v).toLowerCase();
    for (const form of [v, encoded, encoded.replace(/%20/g, "+")]) forms.add(form);
  }
  return [...forms].map((f) => `${before}${escapeRegex(f)}${after}`);
}

/** Whether the path names one of the identifiers exactly (a cut-off literal: as its beginning). */
function namesSubject(path: string, identifiers: Set<string>): boolean {
  return valuesNamedByPath(path).some(({ text, partial }) => {
    const value = text.toLowerCase();
    if (identifiers.has(value)) return true;
    return !!partial && value.length >= 3 && [...identifiers].some((id) => id.startsWith(value));
  });
}

/**
 * Deletes the subject's keyed request-log lines ($2: their subject keys) and reads the unkeyed
 * lines that may name them ($3: candidatePatterns), in one statement ($1: the directory or null).
 * Exported for the test that holds its cost (erasure-cost.test.ts).
 */
export const REQUEST_LOG_ERASURE_SQL = `WITH lines AS MATERIALIZED (
     -- The keyed lines by primary key, then their directory checked. Given the directory as well,
     -- the planner, whose statistics trail a log growing by every request, may take a directory it
     -- thinks small from its index and filter the ids: the whole directory's log read for a few lines
     -- (18 ms of every SCIM DELETE at 18,000 lines).
     SELECT r.id, r."directoryId" FROM "RequestLog" r
      WHERE r.id = ANY(ARRAY(SELECT "requestLogId" FROM "RequestLogSubject" WHERE "key" = ANY($2::text[])))),
   keyed AS (
     DELETE FROM "RequestLog"
      WHERE id = ANY(ARRAY(SELECT id FROM lines WHERE $1::text IS NULL OR "directoryId" = $1))
     RETURNING 1)
   SELECT (SELECT count(*) FROM keyed) AS deleted,
          -- Lines written before subject keys: a partial index holds only them.
          (SELECT json_agg(json_build_object('id', id, 'path', path)) FROM "RequestLog"
            WHERE NOT "subjectKeysStored" AND ($1::text IS NULL OR "directoryId" = $1) AND strpos("path", '?') > 0
              AND lower("path") ~ ANY($3::text[])) AS candidates`;

/**
 * Erases the subject's personal data outside the User row (which the caller deletes first) and
 * records the erasure. Refuses when the subject still has effective access (checked with the access
 * engine after the deletion: a deleted user has none).
 */
export async function eraseSubjectInTx(
  tx: Tx,
  options: { subjectId: string; directoryId: string | null; actor: Actor; now: Date; identifiers?: SubjectIdentifiers; userRecordDeleted: boolean },
): Promise<{ erasureId: string; erased: ErasedCounts; retained: RetainedItem[] }> {
  const { subjectId, now } = options;
  const access = await contractsOfUser(tx, { userId: subjectId, at: now, offset: 0, limit: 1 });
  if (access.total > 0) throw new AppError("conflict", `User ${subjectId} still has access to ${access.total} contracts; deprovision before erasing`);
  const erasureId = randomUUID();
  const { fromTrail, auditEventsCleared, webhookPayloadsCleared } = await clearTrail(tx, subjectId, now, erasureId);
  const identifiers: SubjectIdentifiers = {
    userName: options.identifiers?.userName ?? fromTrail.userName,
    emails: [...new Set([...(options.identifiers?.emails ?? []), ...(fromTrail.emails ?? [])])],
    formerNames: fromTrail.formerNames,
  };

  // Only entries with a query string can name a user (paths carry ids only). Each line keeps the
  // keys of the values its query named (lib/scim/request-log-subjects.ts): those naming the subject
  // are found by index. Lines without keys (written before issue 17, or naming too many values)
  // are read the old way: SQL finds the lines where an identifier stands between delimiters; the
  // exact test reads their query strings.
  const names = identifierSet(identifiers);
  let requestLogEntries = 0;
  if (names.size > 0) {
    // One round trip: the keyed lines are deleted and the unkeyed candidates read in one statement
    // (disjoint sets, so the candidates' snapshot before the delete is the right one).
    const [found] = await tx.$queryRawUnsafe<{ deleted: bigint | number; candidates: { id: string; path: string }[] | null }[]>(
      REQUEST_LOG_ERASURE_SQL,
      options.directoryId,
      [...names].map(subjectKey),
      candidatePatterns(names),
    );
    requestLogEntries += Number(found.deleted);
    const doomed = (found.candidates ?? []).filter((c) => namesSubject(c.path, names)).map((c) => c.id);
    if (doomed.length > 0) requestLogEntries += await tx.$executeRawUnsafe(`DELETE FROM "RequestLog" WHERE id = ANY($1::text[])`, doomed);
  }

  // The person's name stored with any event (lib/audit/names.ts): a group's member list, a rule's
  // principal, an access change… Found through the GIN index on names->'User'. Still under the
  // erasure setting clearTrail set; a statement of its own (one update per row and statement).
  const auditNamesCleared = await tx.$executeRawUnsafe(
    `UPDATE "AuditEvent" SET "names" = jsonb_set("names", '{User}', ("names" -> 'User') - $1) WHERE "names" -> 'User' ? $1`,
    subjectId,
  );

  // Indexed counts only: this runs inside every SCIM DELETE. The erasure setting is cleared in the
  // same statement (one round trip less).
  const [kept] = await tx.$queryRawUnsafe<{ events: bigint; memberships: bigint; statuses: bigint; rules: bigint; names: bigint }[]>(
    `SELECT set_config('custodian.audit_erasure', '', true) AS cleared,
            (SELECT count(*) FROM "AuditEvent" WHERE "targetType" = 'User' AND "targetId" = $1) AS events,
            (SELECT count(*) FROM "MembershipInterval" WHERE "memberUserId" = $1) AS memberships,
            (SELECT count(*) FROM "UserStatusInterval" WHERE "userId" = $1) AS statuses,
            (SELECT count(*) FROM "AccessRuleVersion" WHERE "userId" = $1) AS rules,
            (SELECT count(*) FROM "UserNameInterval" WHERE "userId" = $1) AS names`,
    subjectId,
  );
  const retained: RetainedItem[] = [
    { what: "Audit events about the user under the pseudonymous user id (action, time, actor, access changes), with their hashes and the salted digest of the erased fields", count: Number(kept.events), legalBasis: LEGAL_BASIS.accountability },
    { what: "Group membership history (validity intervals) under the pseudonymous user id", count: Number(kept.memberships), legalBasis: LEGAL_BASIS.accountability },
    { what: "Account status history (active/inactive/deleted intervals) under the pseudonymous user id", count: Number(kept.statuses), legalBasis: LEGAL_BASIS.accountability },
    { what: "Access rule versions naming the user as a direct-grant principal (by id)", count: Number(kept.rules), legalBasis: LEGAL_BASIS.accountability },
    { what: "When the user held their userName, as a keyed digest of the name (not the name): a past question by that name still finds this pseudonymous id", count: Number(kept.names), legalBasis: LEGAL_BASIS.accountability },
  ];

  const erased: ErasedCounts = { userRecord: options.userRecordDeleted ? 1 : 0, auditEventsCleared, auditNamesCleared, requestLogEntries, webhookPayloadsCleared };
  const eventId = await recordAuditEvent(tx, {
    actor: options.actor,
    action: ERASURE_ACTION,
    directoryId: options.directoryId ?? undefined,
    target: { type: "ErasureRecord", id: erasureId },
    after: { subjectId, erased, effectiveAccessCount: access.total },
  });
  await tx.erasureRecord.create({
    data: {
      id: erasureId,
      subjectId,
      directoryId: options.directoryId,
      erasedAt: now,
      actorType: options.actor.type,
      actorId: options.actor.id,
      actorLabel: options.actor.label,
      erased: erased as unknown as Prisma.InputJsonValue,
      retained: retained as unknown as Prisma.InputJsonValue,
      effectiveAccessCount: access.total,
      eventId,
    },
  });
  return { erasureId, erased, retained };
}
