// The dashboard overview's statistics. Everything is aggregated in SQL (GROUP BY over indexed
// time ranges), so the page costs the same on a demo organisation and on millions of events.
import { z } from "zod";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { CONFIDENTIALITIES, type Confidentiality } from "@/lib/access/levels";
import { coverageSql, grantsAt, toInt, ts } from "@/lib/access/sql";
import { directoryHealth, type DirectoryHealth } from "@/lib/directories/health";
import { now as clockNow } from "@/lib/clock";

export const OVERVIEW_RANGES = [7, 30, 90] as const;

export const overviewQuery = z.object({
  days: z.coerce
    .number()
    .int()
    .refine((d) => (OVERVIEW_RANGES as readonly number[]).includes(d), `must be one of ${OVERVIEW_RANGES.join(", ")}`)
    .default(30),
});

/** Provisioning operations: what an identity provider did to users and groups. */
export const PROVISIONING_ACTIONS = [
  "user.created",
  "user.updated",
  "user.activated",
  "user.deactivated",
  "user.deleted",
  "group.created",
  "group.updated",
  "group.members_changed",
  "group.deleted",
] as const;

export interface ActivityRow {
  /** UTC calendar day, YYYY-MM-DD. */
  day: string;
  directoryId: string | null;
  action: string;
  count: number;
}

export interface UserStatusCount {
  directoryId: string;
  directory: string;
  active: number;
  deactivated: number;
}

export interface RevocationItem {
  id: string;
  at: string;
  actorLabel: string | null;
  targetType: string | null;
  targetId: string | null;
  targetLabel: string | null;
  after: unknown;
}

const DAY_MS = 86_400_000;

export function dayKeys(days: number, now: Date): string[] {
  const end = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return Array.from({ length: days }, (_, i) => new Date(end - (days - 1 - i) * DAY_MS).toISOString().slice(0, 10));
}

/** Daily counts of provisioning events by directory and operation since the start of the range (UTC days). */
export async function provisioningActivity(prisma: PrismaClient, options: { days: number; now?: Date }): Promise<{ days: string[]; rows: ActivityRow[] }> {
  const now = options.now ?? clockNow();
  const days = dayKeys(options.days, now);
  const rows = await prisma.$queryRawUnsafe<{ day: string; directoryId: string | null; action: string; count: number | bigint }[]>(
    `SELECT to_char(date_trunc('day', "createdAt"), 'YYYY-MM-DD') AS day, "directoryId", action, count(*) AS count
       FROM "AuditEvent"
      WHERE "createdAt" >= ${ts(1)} AND "createdAt" <= ${ts(2)} AND action = ANY($3::text[])
      GROUP BY 1, 2, 3
      ORDER BY 1, 2, 3`,
    new Date(`${days[0]}T00:00:00Z`),
    now,
    [...PROVISIONING_ACTIONS],
  );
  return { days, rows: rows.map((r) => ({ ...r, count: Number(r.count) })) };
}

export async function userStatusCounts(prisma: PrismaClient): Promise<UserStatusCount[]> {
  const rows = await prisma.$queryRawUnsafe<{ directoryId: string; directory: string; active: number | bigint; deactivated: number | bigint }[]>(
    `SELECT d.id AS "directoryId", d.name AS directory,
            count(u.id) FILTER (WHERE u.active) AS active,
            count(u.id) FILTER (WHERE NOT u.active) AS deactivated
       FROM "Directory" d LEFT JOIN "User" u ON u."directoryId" = d.id
      GROUP BY d.id, d.name
      ORDER BY d.name`,
  );
  return rows.map((r) => ({ ...r, active: Number(r.active), deactivated: Number(r.deactivated) }));
}

export async function recentRevocations(prisma: PrismaClient, options: { limit?: number } = {}): Promise<RevocationItem[]> {
  const rows = await prisma.auditEvent.findMany({
    where: { action: "access.revoked" },
    orderBy: { createdAt: "desc" },
    take: options.limit ?? 10,
    select: { id: true, createdAt: true, actorLabel: true, targetType: true, targetId: true, targetLabel: true, after: true },
  });
  return rows.map(({ createdAt, ...r }) => ({ ...r, at: createdAt.toISOString() }));
}

export interface RepositoryAccess {
  repositoryId: string;
  repository: string;
  /** Contracts (current, not ended) by confidentiality. */
  contracts: Record<Confidentiality, number>;
  /** Of those, the contracts at least one rule in force grants on now, by confidentiality. */
  granted: Record<Confidentiality, number>;
  /** Rules in force now that grant on at least one contract of the repository. */
  rules: number;
}

const zeroes = () => Object.fromEntries(CONFIDENTIALITIES.map((c) => [c, 0])) as Record<Confidentiality, number>;

/**
 * Access by repository and confidentiality: which contracts rules grant on now, counted with the
 * access engine's own coverage predicates (lib/access/sql.ts) — one aggregate over rules ×
 * contract revisions, not a per-person expansion. The `limit` repositories with the most granted
 * contracts come first.
 */
export async function accessByRepository(prisma: PrismaClient, options: { now?: Date; limit?: number } = {}): Promise<RepositoryAccess[]> {
  const now = options.now ?? clockNow();
  const limit = options.limit ?? 12;
  const rows = await prisma.$queryRawUnsafe<{ repositoryId: string; confidentiality: number; contracts: unknown; granted: unknown; rules: unknown }[]>(
    `WITH rules AS (
       SELECT v.id AS key, v."contractId", v."repositoryId", v."contractTypes", v."confidentialityCeiling", v."graceDaysAfterEnd"
         FROM "AccessRuleVersion" v WHERE ${grantsAt("v", ts(1))}
     ), coverage AS (${coverageSql("rules", ts(1))}),
     granted AS (
       SELECT "repositoryId", confidentiality, count(DISTINCT "contractId") AS granted FROM coverage GROUP BY 1, 2
     ),
     rule_counts AS (SELECT "repositoryId", count(DISTINCT key) AS rules FROM coverage GROUP BY 1),
     totals AS (
       SELECT cr."repositoryId", cr.confidentiality, count(*) AS contracts
         FROM "ContractRevision" cr
        WHERE cr."validTo" IS NULL AND (cr."endDate" IS NULL OR cr."endDate" > ${ts(1)})
        GROUP BY 1, 2
     )
     SELECT t."repositoryId", t.confidentiality, t.contracts, COALESCE(g.granted, 0) AS granted, COALESCE(rc.rules, 0) AS rules
       FROM totals t
       LEFT JOIN granted g ON g."repositoryId" = t."repositoryId" AND g.confidentiality = t.confidentiality
       LEFT JOIN rule_counts rc ON rc."repositoryId" = t."repositoryId"`,
    now,
  );
  const byRepo = new Map<string, RepositoryAccess>();
  for (const r of rows) {
    const entry = byRepo.get(r.repositoryId) ?? { repositoryId: r.repositoryId, repository: "", contracts: zeroes(), granted: zeroes(), rules: 0 };
    const c = CONFIDENTIALITIES[r.confidentiality] ?? "internal";
    entry.contracts[c] += toInt(r.contracts);
    entry.granted[c] += toInt(r.granted);
    entry.rules = toInt(r.rules);
    byRepo.set(r.repositoryId, entry);
  }
  const sum = (x: Record<Confidentiality, number>) => Object.values(x).reduce((a, b) => a + b, 0);
  const top = [...byRepo.values()].sort((a, b) => sum(b.granted) - sum(a.granted) || sum(b.contracts) - sum(a.contracts)).slice(0, limit);
  const names = await prisma.repository.findMany({ where: { id: { in: top.map((t) => t.repositoryId) } }, select: { id: true, name: true } });
  const nameOf = new Map(names.map((n) => [n.id, n.name]));
  return top.map((t) => ({ ...t, repository: nameOf.get(t.repositoryId) ?? t.repositoryId }));
}

export interface Overview {
  days: number;
  activity: { days: string[]; rows: ActivityRow[] };
  directories: { id: string; name: string }[];
  users: UserStatusCount[];
  access: RepositoryAccess[];
  revocations: RevocationItem[];
  health: DirectoryHealth[];
}

export async function getOverview(prisma: PrismaClient, input: z.input<typeof overviewQuery>, options: { now?: Date } = {}): Promise<Overview> {
  const { days } = overviewQuery.parse(input);
  const now = options.now ?? clockNow();
  const [activity, users, access, revocations, health] = await Promise.all([
    provisioningActivity(prisma, { days, now }),
    userStatusCounts(prisma),
    accessByRepository(prisma, { now }),
    recentRevocations(prisma, { limit: 10 }),
    directoryHealth(prisma, { now }),
  ]);
  return { days, activity, directories: health.map((h) => ({ id: h.id, name: h.name })), users, access, revocations, health };
}
