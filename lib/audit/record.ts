// Audit events are written by the domain services inside the transaction of the change they
// describe, so a change and its record commit or roll back together.
import { randomUUID } from "node:crypto";
import type { Tx } from "@/lib/db/errors";
import type { Prisma } from "@/lib/generated/prisma/client";
import { now as clockNow } from "@/lib/clock";
import type { AfterOf, AuditAction, BeforeOf } from "./actions";
import { currentNames, mergeNames, nameObjectSql, namesForEvent, namesGiven, referencesOf, type AuditNames } from "./names";

export type ActorType = "directory" | "admin" | "system" | "api";

export interface Actor {
  type: ActorType;
  /** token id, OAuth client id, admin account id… */
  id?: string;
  label?: string;
  directoryId?: string;
  /** The server's own request id. */
  requestId?: string;
  /** The caller's X-Request-Id, if it sent one (kept beside requestId, never instead of it). */
  clientRequestId?: string;
  ip?: string;
}

/** An audit event to record: only catalog actions (./actions.ts), with their document shapes. */
export interface AuditInput<A extends AuditAction = AuditAction> {
  actor: Actor;
  action: A;
  directoryId?: string;
  target?: { type: string; id: string; label?: string | null };
  before?: BeforeOf<A> | null;
  after?: AfterOf<A> | null;
  /** Names the event should keep that its tables do not hold (e.g. a rule's name); see ./names.ts. */
  names?: AuditNames;
}

const json = (v: unknown) => (v === undefined ? undefined : (v as Prisma.InputJsonValue));

export async function recordAuditEvent<A extends AuditAction>(tx: Tx, input: AuditInput<A>): Promise<string> {
  // Names as they are now, in the writing transaction (before a deletion in it, or after a rename).
  const names = await namesForEvent(tx, { ...input, directoryId: input.directoryId ?? input.actor.directoryId });
  const event = await tx.auditEvent.create({ data: auditColumns(input, names), select: { id: true } });
  return event.id;
}

/** The columns of an audit event (everything but its id and sequence number). */
function auditColumns(input: AuditInput, names: AuditNames | undefined) {
  return {
    createdAt: clockNow(),
    actorType: input.actor.type,
    actorId: input.actor.id,
    actorLabel: input.actor.label,
    directoryId: input.directoryId ?? input.actor.directoryId,
    action: input.action,
    targetType: input.target?.type,
    targetId: input.target?.id,
    targetLabel: input.target?.label ?? undefined,
    before: json(input.before),
    after: json(input.after),
    requestId: input.actor.requestId,
    ip: input.actor.ip,
    clientRequestId: input.actor.clientRequestId,
    names: json(names),
  };
}

/**
 * For a write that is a single statement (one CTE: the change and its audit event commit
 * together without an interactive transaction): the event's id and its row as a jsonb parameter,
 * and `insert(param)`, the INSERT of that row reading it from the parameter — the same columns
 * recordAuditEvent writes, so triggers on AuditEvent fire the same way.
 */
export function auditEventStatement<A extends AuditAction>(input: AuditInput<A>): {
  id: string;
  row: string;
  /** `after`: a CTE that must run first (the audit insert takes the chain head lock, which is held
   * to commit: taking it before the statement's other row locks could deadlock with a writer that
   * holds one of those and waits for the head). */
  insert: (param: string, after?: string, overrides?: string) => string;
} {
  const id = randomUUID();
  // JSON.stringify drops undefined members: those columns get their defaults (NULL).
  // Always a names column: the statement adds the directory's name (and an unlabelled target's).
  const row = { id, ...auditColumns(input, namesGiven(input) ?? {}) };
  const namesSql = (param: string) => {
    const targetNamed = !!namesGiven({ target: input.target });
    return ` || jsonb_build_object('names', ${nameObjectSql("Directory", `${param}::jsonb->>'directoryId'`)}${
      targetNamed ? "" : ` || ${nameObjectSql(input.target?.type, `${param}::jsonb->>'targetId'`)}`
    } || (${param}::jsonb->'names'))`;
  };
  const columns = Object.keys(row)
    .filter((k) => row[k as keyof typeof row] !== undefined)
    .map((k) => `"${k}"`)
    .join(", ");
  return {
    id,
    row: JSON.stringify(row),
    // `overrides`: a jsonb expression whose members replace the row's (values computed by the
    // statement itself, e.g. which members it added); those members must be present in `input`.
    insert: (param, after, overrides) =>
      `INSERT INTO "AuditEvent" (${columns}) SELECT ${columns} FROM jsonb_populate_record(NULL::"AuditEvent", ${param}::jsonb${namesSql(param)}${overrides ? ` || ${overrides}` : ""})` +
      (after ? ` WHERE EXISTS (SELECT 1 FROM ${after})` : "") +
      " RETURNING id",
  };
}

/** Only the keys whose values differ, so the trail shows what a change did. */
export function diffObjects(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
): { before: Record<string, unknown>; after: Record<string, unknown> } {
  const b: Record<string, unknown> = {};
  const a: Record<string, unknown> = {};
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) {
      if (key in before) b[key] = before[key];
      if (key in after) a[key] = after[key];
    }
  }
  return { before: b, after: a };
}

/**
 * Many events in one statement (a campaign's close applies thousands of revocations): the rows
 * recordAuditEvent would write, in this order, with their names looked up once per 200 events
 * (currentNames' cap per type) instead of once per event. Returns the events' ids in order.
 */
export async function recordAuditEvents(tx: Tx, inputs: AuditInput[]): Promise<string[]> {
  const rows: Record<string, unknown>[] = [];
  for (let i = 0; i < inputs.length; i += 200) {
    const part = inputs.slice(i, i + 200);
    const refs = part.flatMap((input) => referencesOf({ ...input, directoryId: input.directoryId ?? input.actor.directoryId }).refs);
    const looked = refs.length ? await currentNames(tx, refs) : undefined;
    for (const input of part) {
      const { refs: own, known } = referencesOf({ ...input, directoryId: input.directoryId ?? input.actor.directoryId });
      const found: AuditNames = {};
      for (const r of own) {
        const name = looked?.[r.type]?.[r.id];
        if (name) (found[r.type] ??= {})[r.id] = name;
      }
      rows.push({ id: randomUUID(), ...auditColumns(input, mergeNames(found, known, namesGiven(input))) });
    }
  }
  if (rows.length === 0) return [];
  // The same columns recordAuditEvent writes; undefined members are dropped by JSON (their defaults).
  await tx.$executeRawUnsafe(
    `INSERT INTO "AuditEvent" (id, "createdAt", "actorType", "actorId", "actorLabel", "directoryId", action, "targetType", "targetId", "targetLabel",
                               before, after, "requestId", ip, "clientRequestId", names)
     SELECT e.id, e."createdAt", e."actorType", e."actorId", e."actorLabel", e."directoryId", e.action, e."targetType", e."targetId", e."targetLabel",
            e.before, e.after, e."requestId", e.ip, e."clientRequestId", e.names
     FROM jsonb_populate_recordset(NULL::"AuditEvent", $1::jsonb) WITH ORDINALITY AS e ORDER BY e.ordinality`,
    JSON.stringify(rows),
  );
  return rows.map((r) => r.id as string);
}
