// Leavers: for each person their directory deactivated or deleted in a window, from the identity
// provider's request to the end of every grant they held (time to revoke), and the distribution
// over people. The request time is when the SCIM request arrived (request log, by request id);
// when the log no longer has it (retention), the audit event's time. The grants held are the
// repositories the point-in-time engine (snapshotAccess) says the person could open just before
// their status changed; each ends at the first access.revoked event for that person and
// repository that leaves them no contracts there.
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { levelFromRank } from "@/lib/access/levels";
import { snapshotAccess } from "@/lib/access/snapshot";
import { ts } from "@/lib/access/sql";
import { now as clockNow } from "@/lib/clock";
import { requestOfSql } from "./events";
import { clipWindow, type Window } from "./window";

export const MAX_LEAVERS = 5000;

export interface LeaverGrant {
  repositoryId: string;
  repositoryName: string | null;
  contracts: number;
  level: string | null;
  /** The access.revoked event that ended it; null when none was recorded. */
  endedAt: Date | null;
  revokedEventId: string | null;
  /** endedAt − request time; null when not ended. */
  timeToRevokeMs: number | null;
}

export interface Leaver {
  userId: string;
  /** userName when the record still exists, else the audit label, else null (erased / deleted). */
  label: string | null;
  directoryId: string | null;
  action: "user.deactivated" | "user.deleted";
  eventId: string;
  eventAt: Date;
  requestId: string | null;
  /** When the identity provider's request arrived; null when the request log no longer has it. */
  requestReceivedAt: Date | null;
  /** requestReceivedAt, else the audit event's time. */
  requestedAt: Date;
  grants: LeaverGrant[];
  /** Max over grants; null without grants or while a grant has no recorded end. */
  timeToRevokeMs: number | null;
  /** Some grant has no recorded end. */
  unrevoked: boolean;
}

export interface Distribution {
  /** People with at least one grant, all ended. */
  count: number;
  medianMs: number | null;
  p95Ms: number | null;
  maxMs: number | null;
  buckets: { label: string; upToMs: number | null; people: number }[];
  /** People who held no grant when they left. */
  withoutGrants: number;
  /** People with a grant that has no recorded end. */
  unrevoked: number;
}

export interface LeaversReport {
  kind: "leavers";
  requested: Window;
  window: Window;
  generatedAt: Date;
  leavers: Leaver[];
  distribution: Distribution;
  truncated: boolean;
}

const BUCKETS: [string, number | null][] = [
  ["< 1 s", 1000],
  ["1–10 s", 10_000],
  ["10 s–1 min", 60_000],
  ["1–10 min", 600_000],
  ["10 min–1 h", 3_600_000],
  ["1 h–1 day", 86_400_000],
  ["> 1 day", null],
];

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export function distributionOf(leavers: Leaver[]): Distribution {
  const values = leavers.filter((l) => l.timeToRevokeMs !== null).map((l) => l.timeToRevokeMs!).sort((a, b) => a - b);
  const buckets = BUCKETS.map(([label, upToMs]) => ({ label, upToMs, people: 0 }));
  for (const v of values) buckets.find((b) => b.upToMs === null || v < b.upToMs)!.people++;
  return {
    count: values.length,
    medianMs: percentile(values, 50),
    p95Ms: percentile(values, 95),
    maxMs: values.at(-1) ?? null,
    buckets,
    withoutGrants: leavers.filter((l) => l.grants.length === 0).length,
    unrevoked: leavers.filter((l) => l.unrevoked).length,
  };
}

interface LeaverRow {
  id: string;
  createdAt: Date;
  action: Leaver["action"];
  targetId: string;
  targetLabel: string | null;
  directoryId: string | null;
  requestId: string | null;
  userName: string | null;
  received: Date | null;
  changedAt: Date | null;
}

export async function leaversReport(prisma: PrismaClient, options: { window: Window }): Promise<LeaversReport> {
  const window = clipWindow(options.window);
  // The first deactivation or deletion per person in the window, made by their directory.
  const rows = await prisma.$queryRawUnsafe<LeaverRow[]>(
    `SELECT e.id, e."createdAt", e.action, e."targetId", e."targetLabel", e."directoryId", e."requestId", u."userName",
            rl.received,
            (SELECT max(us."validTo") FROM "UserStatusInterval" us
              WHERE us."userId" = e."targetId" AND us.active AND us."validTo" <= e."createdAt") AS "changedAt"
     FROM (
       SELECT DISTINCT ON ("targetId") * FROM "AuditEvent"
       WHERE action IN ('user.deactivated', 'user.deleted') AND "actorType" = 'directory' AND "targetId" IS NOT NULL
         AND "createdAt" >= ${ts(1)} AND "createdAt" < ${ts(2)}
       ORDER BY "targetId", "createdAt", seq
     ) e
     LEFT JOIN "User" u ON u.id = e."targetId"
     LEFT JOIN LATERAL (${requestOfSql(`e."requestId"`, `e."directoryId"`)}) rl ON TRUE
     ORDER BY e."createdAt", e.id
     LIMIT ${MAX_LEAVERS + 1}`,
    window.from,
    window.to,
  );
  const truncated = rows.length > MAX_LEAVERS;
  const list = rows.slice(0, MAX_LEAVERS);

  // Revocations that emptied a (person, repository), from the first request on.
  const revocations = list.length
    ? await prisma.$queryRawUnsafe<{ id: string; createdAt: Date; targetId: string; repositoryId: string | null; contracts: number | null }[]>(
        `SELECT id, "createdAt", "targetId", after->>'repositoryId' AS "repositoryId", (after->>'contracts')::int AS contracts
         FROM "AuditEvent"
         WHERE "targetType" = 'User' AND "targetId" = ANY($1::text[]) AND action = 'access.revoked' AND "createdAt" >= ${ts(2)}
         ORDER BY "createdAt", seq`,
        list.map((r) => r.targetId),
        new Date(list.reduce((min, r) => Math.min(min, (r.received ?? r.createdAt).getTime()), Infinity)),
      )
    : [];

  const leavers: Leaver[] = [];
  for (const r of list) {
    const requestedAt = r.received ?? r.createdAt;
    // Just before the status changed (the interval's end), else just before the request arrived.
    const before = new Date((r.changedAt ?? requestedAt).getTime() - 1);
    const held = (await snapshotAccess(prisma, { userIds: [r.targetId], at: before })).get(r.targetId) ?? new Map();
    const names = new Map(
      (await prisma.repository.findMany({ where: { id: { in: [...held.keys()] } }, select: { id: true, name: true } })).map((x) => [x.id, x.name]),
    );
    const grants: LeaverGrant[] = [...held.entries()].map(([repositoryId, access]) => {
      const ended = revocations.find(
        (e) => e.targetId === r.targetId && e.repositoryId === repositoryId && e.contracts === 0 && e.createdAt.getTime() >= before.getTime(),
      );
      return {
        repositoryId,
        repositoryName: names.get(repositoryId) ?? null,
        contracts: access.contracts,
        level: levelFromRank(access.level),
        endedAt: ended?.createdAt ?? null,
        revokedEventId: ended?.id ?? null,
        timeToRevokeMs: ended ? Math.max(0, ended.createdAt.getTime() - requestedAt.getTime()) : null,
      };
    });
    grants.sort((a, b) => (a.repositoryName ?? a.repositoryId).localeCompare(b.repositoryName ?? b.repositoryId));
    const unrevoked = grants.some((g) => g.endedAt === null);
    leavers.push({
      userId: r.targetId,
      label: r.userName ?? r.targetLabel ?? null,
      directoryId: r.directoryId,
      action: r.action,
      eventId: r.id,
      eventAt: r.createdAt,
      requestId: r.requestId,
      requestReceivedAt: r.received,
      requestedAt,
      grants,
      timeToRevokeMs: grants.length === 0 || unrevoked ? null : grants.reduce((max, g) => Math.max(max, g.timeToRevokeMs!), -Infinity),
      unrevoked,
    });
  }
  return { kind: "leavers", requested: options.window, window, generatedAt: clockNow(), leavers, distribution: distributionOf(leavers), truncated };
}
