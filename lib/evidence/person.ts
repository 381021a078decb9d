// Subject access request (GDPR Art. 15): everything Custodian holds about one person — the SCIM
// attributes (core + enterprise extension) as stored, group memberships now and over time, status
// history, a dashboard account with the same e-mail if any, access history per contract, the
// audit events about them and the SCIM requests that concerned them. Works for a person deleted
// since (history is kept by id) and for audit events whose personal fields were erased (nulls
// fall back to ids).
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { findSubject, type SubjectSummary } from "@/lib/access-review/queries";
import { ts } from "@/lib/access/sql";
import { now as clockNow } from "@/lib/clock";
import { userDocFromRow } from "@/lib/scim/mapping";
import { collectAccessEvents, type EvidenceEvent } from "./events";
import { cappedAccessIntervals } from "@/lib/access/intervals";
import { describeIntervals, MAX_INTERVALS, type IntervalRow } from "./packs";
import { clipWindow, type Window } from "./window";

export const MAX_PERSON_ROWS = 10_000;

export interface PersonAuditEvent {
  id: string;
  at: Date;
  action: string;
  actor: { type: string; id: string | null; label: string | null };
  target: { type: string | null; id: string | null; label: string | null };
  requestId: string | null;
  ip: string | null;
  before: unknown;
  after: unknown;
}

export interface PersonRequest {
  at: Date;
  requestId: string | null;
  method: string;
  path: string;
  status: number;
  userAgent: string | null;
  directoryId: string | null;
}

export interface PersonPack {
  kind: "person";
  subject: SubjectSummary;
  requested: Window;
  window: Window;
  generatedAt: Date;
  /** Null when the person was deleted: their attributes went with the row. */
  attributes: {
    directory: { id: string; name: string };
    scim: Record<string, unknown>;
    created: Date;
    lastModified: Date;
  } | null;
  groups: { groupId: string; displayName: string | null; since: Date }[];
  memberships: { groupId: string; displayName: string | null; from: Date; to: Date | null; addedEventId: string | null; removedEventId: string | null }[];
  status: { active: boolean; from: Date; to: Date | null; eventId: string | null }[];
  dashboardAccount: { id: string; email: string; name: string | null; role: string; createdAt: Date; lastLoginAt: Date | null; disabledAt: Date | null } | null;
  /** Access per contract in the window. */
  access: IntervalRow[];
  accessEvents: EvidenceEvent[];
  auditEvents: PersonAuditEvent[];
  requests: PersonRequest[];
  truncated: { access: boolean; accessEvents: boolean; auditEvents: boolean; requests: boolean };
}

export async function personPack(prisma: PrismaClient, options: { id: string; window: Window }): Promise<PersonPack> {
  const subject = await findSubject(prisma, { kind: "user", id: options.id });
  const userId = subject.id;
  const window = clipWindow(options.window);
  const user = await prisma.user.findUnique({ where: { id: userId }, include: { directory: { select: { id: true, name: true } } } });

  const [memberships, status] = await Promise.all([
    prisma.membershipInterval.findMany({ where: { memberUserId: userId }, orderBy: [{ validFrom: "asc" }, { id: "asc" }], take: MAX_PERSON_ROWS }),
    prisma.userStatusInterval.findMany({ where: { userId }, orderBy: [{ validFrom: "asc" }, { id: "asc" }], take: MAX_PERSON_ROWS }),
  ]);
  const groupIds = [...new Set(memberships.map((m) => m.groupId))];
  // A deleted group keeps its name (DeletedGroup), marked; a live group's current name wins.
  const [live, deleted] = await Promise.all([
    prisma.group.findMany({ where: { id: { in: groupIds } }, select: { id: true, displayName: true } }),
    prisma.deletedGroup.findMany({ where: { id: { in: groupIds } }, select: { id: true, displayName: true } }),
  ]);
  const groupNames = new Map([...deleted.map((g) => [g.id, `${g.displayName} (deleted group)`] as const), ...live.map((g) => [g.id, g.displayName] as const)]);

  // A dashboard account is matched by e-mail: the person's userName or any of their addresses.
  const emails = user
    ? [user.userName, user.primaryEmail, ...((user.emails as { value?: unknown }[]) ?? []).map((e) => e?.value)]
        .filter((e): e is string => typeof e === "string" && e.includes("@"))
        .map((e) => e.toLowerCase())
    : [];
  const account = emails.length
    ? await prisma.adminAccount.findFirst({
        where: { email: { in: [...new Set(emails)] } },
        select: { id: true, email: true, name: true, role: true, createdAt: true, lastLoginAt: true, disabledAt: true },
      })
    : null;

  const intervals = await cappedAccessIntervals(prisma, { scope: { userId }, ...window, max: MAX_INTERVALS });
  const access = await describeIntervals(prisma, intervals.intervals);
  access.sort((a, b) => (a.contractTitle ?? "").localeCompare(b.contractTitle ?? "") || a.contractId.localeCompare(b.contractId) || a.from.getTime() - b.from.getTime());
  const events = await collectAccessEvents(prisma, { ...window, userIds: [userId], max: MAX_PERSON_ROWS });

  // Audit events about the person (as the target) or by their dashboard account (as the actor).
  const audit = await prisma.auditEvent.findMany({
    where: {
      createdAt: { gte: window.from, lt: window.to },
      OR: [{ targetId: userId }, ...(account ? [{ actorId: account.id }] : [])],
    },
    orderBy: { seq: "asc" },
    take: MAX_PERSON_ROWS + 1,
  });
  // SCIM requests addressed to the person's resource, or that carried a change about them: their
  // own events, and the group changes that added or removed them (membership history).
  const membershipEventIds = [...new Set(memberships.flatMap((m) => [m.addedEventId, m.removedEventId]).filter((e): e is string => !!e))];
  const membershipEvents = membershipEventIds.length
    ? await prisma.auditEvent.findMany({ where: { id: { in: membershipEventIds } }, select: { requestId: true, directoryId: true } })
    : [];
  // Each request id with the directory that made the request (request ids are the server's own;
  // the directory scopes the match all the same).
  const madeBy = new Map([...audit, ...membershipEvents].filter((e) => e.requestId && e.directoryId).map((e) => [`${e.requestId}\n${e.directoryId}`, e]));
  const requestIds = [...madeBy.values()].map((e) => e.requestId!);
  const requestDirectories = [...madeBy.values()].map((e) => e.directoryId!);
  const requests = await prisma.$queryRawUnsafe<PersonRequest[]>(
    `SELECT r."createdAt" AS at, r."requestId", r.method, r.path, r.status, r."userAgent", r."directoryId"
     FROM "RequestLog" r
     WHERE r."createdAt" >= ${ts(3)} AND r."createdAt" < ${ts(4)}
       AND (r.path LIKE $1 OR r.path LIKE $5 OR (r."requestId", r."directoryId") IN (SELECT * FROM unnest($2::text[], $6::text[])))
     ORDER BY r."createdAt", r.id LIMIT ${MAX_PERSON_ROWS + 1}`,
    `/Users/${userId}`,
    requestIds,
    window.from,
    window.to,
    `/Users/${userId}?%`,
    requestDirectories,
  );

  return {
    kind: "person",
    subject,
    requested: options.window,
    window,
    generatedAt: clockNow(),
    attributes: user ? { directory: user.directory, scim: userDocFromRow(user), created: user.createdAt, lastModified: user.updatedAt } : null,
    groups: memberships.filter((m) => m.validTo === null).map((m) => ({ groupId: m.groupId, displayName: groupNames.get(m.groupId) ?? null, since: m.validFrom })),
    memberships: memberships.map((m) => ({
      groupId: m.groupId,
      displayName: groupNames.get(m.groupId) ?? null,
      from: m.validFrom,
      to: m.validTo,
      addedEventId: m.addedEventId,
      removedEventId: m.removedEventId,
    })),
    status: status.map((s) => ({ active: s.active, from: s.validFrom, to: s.validTo, eventId: s.eventId })),
    dashboardAccount: account,
    access,
    accessEvents: events.events,
    auditEvents: audit.slice(0, MAX_PERSON_ROWS).map((e) => ({
      id: e.id,
      at: e.createdAt,
      action: e.action,
      actor: { type: e.actorType, id: e.actorId, label: e.actorLabel ?? e.actorId },
      target: { type: e.targetType, id: e.targetId, label: e.targetLabel ?? e.targetId },
      requestId: e.requestId,
      ip: e.ip,
      before: e.before ?? null,
      after: e.after ?? null,
    })),
    requests: requests.slice(0, MAX_PERSON_ROWS),
    truncated: {
      access: intervals.truncated,
      accessEvents: events.truncated,
      auditEvents: audit.length > MAX_PERSON_ROWS,
      requests: requests.length > MAX_PERSON_ROWS,
    },
  };
}
