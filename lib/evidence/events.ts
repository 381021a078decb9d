// Grant and revocation events in a window, each with its cause: the access.granted /
// access.revoked audit events (lib/access/change-events.ts, one per person and repository), the
// SCIM or admin audit event that caused them (after.cause.eventId), and the SCIM request behind
// that (the request log, by request id). Audit fields may be null after a GDPR erasure: labels
// fall back to ids, and an event whose `after` was erased has no repository to filter on.
import { ts, type Db } from "@/lib/access/sql";

export interface CauseEvent {
  id: string;
  action: string;
  at: Date;
  actor: { type: string; id: string | null; label: string | null };
  requestId: string | null;
  target: { type: string | null; id: string | null; label: string | null };
}

export interface RequestRef {
  requestId: string;
  /** When the request arrived: the log's completion time minus its latency. */
  receivedAt: Date;
  method: string;
  path: string;
  status: number;
}

export interface EvidenceEvent {
  id: string;
  seq: string;
  at: Date;
  action: "access.granted" | "access.revoked";
  userId: string | null;
  userLabel: string | null;
  repositoryId: string | null;
  repositoryName: string | null;
  before: { contracts: number | null; level: string | null };
  after: { contracts: number | null; level: string | null };
  actor: { type: string; id: string | null; label: string | null };
  cause: { kind: string | null; description: string | null; eventId: string | null; event: CauseEvent | null; request: RequestRef | null };
}

interface Row {
  id: string;
  seq: string;
  createdAt: Date;
  action: EvidenceEvent["action"];
  targetId: string | null;
  targetLabel: string | null;
  actorType: string;
  actorId: string | null;
  actorLabel: string | null;
  requestId: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  cId: string | null;
  cAction: string | null;
  cAt: Date | null;
  cActorType: string | null;
  cActorId: string | null;
  cActorLabel: string | null;
  cRequestId: string | null;
  cTargetType: string | null;
  cTargetId: string | null;
  cTargetLabel: string | null;
  rlRequestId: string | null;
  rlReceived: Date | null;
  rlMethod: string | null;
  rlPath: string | null;
  rlStatus: number | null;
}

const str = (v: unknown) => (typeof v === "string" ? v : null);
const num = (v: unknown) => (typeof v === "number" ? v : null);

/**
 * The request log entry of a request id, as a SQL lateral subquery on `idSql`, in the directory
 * `directorySql` that made it. Request ids are the server's own (never a caller's X-Request-Id), and
 * the directory scopes the join all the same.
 */
export const requestOfSql = (idSql: string, directorySql: string) => `
  SELECT r."requestId", r."createdAt" - r."latencyMs" * interval '1 millisecond' AS received, r.method, r.path, r.status
  FROM "RequestLog" r WHERE r."requestId" = ${idSql} AND r."directoryId" = ${directorySql} ORDER BY r."createdAt" LIMIT 1`;

/**
 * One batch of grant/revocation events in [from, to), oldest first, after `afterSeq`: for these
 * repositories and/or these people. Keyset-paginated by the audit sequence.
 */
export async function accessEvents(
  db: Db,
  options: { from: Date; to: Date; repositoryIds?: string[]; userIds?: string[]; afterSeq?: string; limit: number },
): Promise<EvidenceEvent[]> {
  const rows = await db.$queryRawUnsafe<Row[]>(
    `SELECT e.id, e.seq::text AS seq, e."createdAt", e.action, e."targetId", e."targetLabel", e."actorType", e."actorId", e."actorLabel",
            e."requestId", e.before, e.after,
            c.id AS "cId", c.action AS "cAction", c."createdAt" AS "cAt", c."actorType" AS "cActorType", c."actorId" AS "cActorId",
            c."actorLabel" AS "cActorLabel", c."requestId" AS "cRequestId", c."targetType" AS "cTargetType", c."targetId" AS "cTargetId",
            c."targetLabel" AS "cTargetLabel",
            rl."requestId" AS "rlRequestId", rl.received AS "rlReceived", rl.method AS "rlMethod", rl.path AS "rlPath", rl.status AS "rlStatus"
     FROM "AuditEvent" e
     LEFT JOIN "AuditEvent" c ON c.id = e.after->'cause'->>'eventId'
     LEFT JOIN LATERAL (${requestOfSql(
       `COALESCE(c."requestId", e."requestId")`,
       `CASE WHEN c."requestId" IS NOT NULL THEN c."directoryId" ELSE e."directoryId" END`,
     )}) rl ON TRUE
     WHERE e.action IN ('access.granted', 'access.revoked') AND e."createdAt" >= ${ts(1)} AND e."createdAt" < ${ts(2)}
       AND ($3::text[] IS NULL OR e.after->>'repositoryId' = ANY($3::text[]))
       AND ($4::text[] IS NULL OR e."targetId" = ANY($4::text[]))
       AND e.seq > $5::bigint
     ORDER BY e.seq LIMIT $6::int`,
    options.from,
    options.to,
    options.repositoryIds ?? null,
    options.userIds ?? null,
    options.afterSeq ?? "0",
    options.limit,
  );
  return rows.map((r) => {
    const after = r.after ?? {};
    const before = r.before ?? {};
    const cause = (after.cause ?? null) as Record<string, unknown> | null;
    return {
      id: r.id,
      seq: r.seq,
      at: r.createdAt,
      action: r.action,
      userId: r.targetId,
      userLabel: r.targetLabel ?? r.targetId,
      repositoryId: str(after.repositoryId),
      repositoryName: str(after.repositoryName) ?? str(after.repositoryId),
      before: { contracts: num(before.contracts), level: str(before.level) },
      after: { contracts: num(after.contracts), level: str(after.level) },
      actor: { type: r.actorType, id: r.actorId, label: r.actorLabel ?? r.actorId },
      cause: {
        kind: str(cause?.kind),
        description: str(cause?.description),
        eventId: str(cause?.eventId),
        event: r.cId
          ? {
              id: r.cId,
              action: r.cAction!,
              at: r.cAt!,
              actor: { type: r.cActorType!, id: r.cActorId, label: r.cActorLabel ?? r.cActorId },
              requestId: r.cRequestId,
              target: { type: r.cTargetType, id: r.cTargetId, label: r.cTargetLabel ?? r.cTargetId },
            }
          : null,
        request: r.rlRequestId
          ? { requestId: r.rlRequestId, receivedAt: r.rlReceived!, method: r.rlMethod!, path: r.rlPath!, status: r.rlStatus! }
          : null,
      },
    };
  });
}

/** All events of accessEvents' filter up to `max` (batched); `truncated` when there were more. */
export async function collectAccessEvents(
  db: Db,
  options: Omit<Parameters<typeof accessEvents>[1], "afterSeq" | "limit"> & { max: number },
): Promise<{ events: EvidenceEvent[]; truncated: boolean }> {
  const events: EvidenceEvent[] = [];
  const batch = 2000;
  for (;;) {
    const page = await accessEvents(db, { ...options, afterSeq: events.at(-1)?.seq, limit: Math.min(batch, options.max + 1 - events.length) });
    for (const event of page) events.push(event);
    if (events.length > options.max) return { events: events.slice(0, options.max), truncated: true };
    if (page.length < batch) return { events, truncated: false };
  }
}
