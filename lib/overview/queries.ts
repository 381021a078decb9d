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

/**
 * One line of "Recent revocations": the access.revoked events one cause produced, folded — a
 * nightly batch of contract ends is one line with a count, not one line per person.
 */
export interface RevocationLine {
  /** The newest event of the line (a link to the trail). */
  id: string;
  at: string;
  /** Events folded into the line; `partial` when the line may continue past the events read. */
  events: number;
  partial: boolean;
  people: number;
  /** Up to three of the people, newest first. */
  examples: { id: string | null; label: string | null; contracts: number | null; level: string | null }[];
  repositories: { id: string; name: string | null }[];
  actorLabel: string | null;
  cause: {
    kind: string;
    description: string | null;
    /** The causing audit event (a rule change, a membership change…), when there is one. */
    eventId: string | null;
    /** The contracts whose end (plus grace) caused it, by their current title. */
    contracts: { id: string; title: string | null }[];
    /** The rules whose expiry or start caused it. */
    rules: { id: string }[];
  };
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

/** access.revoked events read to build the recent lines (a batch larger than this is shown as "at least"). */
const REVOCATION_WINDOW = 2_000;
const TIMED_CAUSES = new Set(["contract.end", "rule.expiry", "rule.start", "timed"]);

interface RevocationAfter {
  repositoryId?: string;
  repositoryName?: string | null;
  contracts?: number;
  level?: string | null;
  effectiveAt?: string;
  cause?: { kind?: string; eventId?: string; description?: string; subjects?: { kind: string; id: string }[] };
}

/** The latest revocations, one line per cause (see RevocationLine). */
export async function recentRevocations(prisma: PrismaClient, options: { limit?: number } = {}): Promise<RevocationLine[]> {
  const limit = options.limit ?? 10;
  const rows = await prisma.auditEvent.findMany({
    where: { action: "access.revoked" },
    orderBy: [{ createdAt: "desc" }, { seq: "desc" }],
    take: REVOCATION_WINDOW,
    select: { id: true, createdAt: true, actorLabel: true, targetId: true, targetLabel: true, after: true },
  });
  const lines = new Map<string, RevocationLine & { people_: Set<string> }>();
  for (const row of rows) {
    const after = (row.after ?? {}) as RevocationAfter;
    const kind = after.cause?.kind ?? "unknown";
    // Timed effects of one instant were recorded together; other causes name their audit event.
    const key = TIMED_CAUSES.has(kind) ? `t|${after.effectiveAt}|${kind}` : `e|${after.cause?.eventId ?? row.id}`;
    let line = lines.get(key);
    if (!line) {
      if (lines.size === limit) break;
      const subjects = after.cause?.subjects ?? [];
      line = {
        id: row.id,
        at: row.createdAt.toISOString(),
        events: 0,
        partial: false,
        people: 0,
        people_: new Set(),
        examples: [],
        repositories: [],
        actorLabel: row.actorLabel,
        cause: {
          kind,
          description: after.cause?.description ?? null,
          eventId: after.cause?.eventId ?? null,
          contracts: subjects.filter((x) => x.kind === "contract.end").map((x) => ({ id: x.id, title: null })),
          rules: subjects.filter((x) => x.kind === "rule.expiry" || x.kind === "rule.start").map((x) => ({ id: x.id })),
        },
      };
      lines.set(key, line);
    }
    line.events += 1;
    const person = row.targetId ?? row.id;
    if (!line.people_.has(person)) {
      line.people_.add(person);
      if (line.examples.length < 3) line.examples.push({ id: row.targetId, label: row.targetLabel, contracts: after.contracts ?? null, level: after.level ?? null });
    }
    if (after.repositoryId && !line.repositories.some((r) => r.id === after.repositoryId)) {
      line.repositories.push({ id: after.repositoryId, name: after.repositoryName ?? null });
    }
  }
  const result = [...lines.values()];
  // The oldest line may continue beyond the events read.
  if (rows.length === REVOCATION_WINDOW && result.length > 0) result[result.length - 1].partial = true;
  const contractIds = [...new Set(result.flatMap((l) => l.cause.contracts.map((c) => c.id)))];
  const titles = new Map(
    (contractIds.length ? await prisma.contract.findMany({ where: { id: { in: contractIds } }, select: { id: true, title: true } }) : []).map((c) => [c.id, c.title]),
  );
  return result.map(({ people_, ...line }) => ({
    ...line,
    people: people_.size,
    cause: { ...line.cause, contracts: line.cause.contracts.map((c) => ({ id: c.id, title: titles.get(c.id) ?? null })) },
  }));
}

export interface RepositoryAccess {
  repositoryId: string;
  repository: string;
  /** Contracts (current, not ended) by confidentiality. */
  contracts: Record<Confidentiality, number>;
  /** Of those, the contracts at least one rule in force grants on now, by confidentiality. */
  granted: Record<Confidentiality, number>;
  /** Ended contracts a rule still grants on in its grace days (not among `contracts`). */
  inGrace: Record<Confidentiality, number>;
  /** Rules in force now that grant on at least one contract of the repository. */
  rules: number;
}

const zeroes = () => Object.fromEntries(CONFIDENTIALITIES.map((c) => [c, 0])) as Record<Confidentiality, number>;

/**
 * Access by repository and confidentiality: which contracts rules grant on now, counted with the
 * access engine's own coverage predicates (lib/access/sql.ts) — one aggregate over rules ×
 * contract revisions, not a per-person expansion. Every repository, those with the most granted
 * contracts first (the overview shows the top ones and the rest on request).
 */
export async function accessByRepository(prisma: PrismaClient, options: { now?: Date } = {}): Promise<RepositoryAccess[]> {
  const now = options.now ?? clockNow();
  const rows = await prisma.$queryRawUnsafe<{ repositoryId: string; confidentiality: number; contracts: unknown; granted: unknown; grace: unknown; rules: unknown }[]>(
    `WITH rules AS (
       SELECT v.id AS key, v."contractId", v."repositoryId", v."contractTypes", v."confidentialityCeiling", v."graceDaysAfterEnd"
         FROM "AccessRuleVersion" v WHERE ${grantsAt("v", ts(1))}
     ), coverage AS (${coverageSql("rules", ts(1))}),
     -- Granted and open measure the same contracts; ended ones still in a rule's grace days apart.
     granted AS (
       SELECT c."repositoryId", c.confidentiality,
              count(DISTINCT c."contractId") FILTER (WHERE cr."endDate" IS NULL OR cr."endDate" > ${ts(1)}) AS granted,
              count(DISTINCT c."contractId") FILTER (WHERE cr."endDate" <= ${ts(1)}) AS grace
         FROM coverage c JOIN "ContractRevision" cr ON cr."contractId" = c."contractId" AND cr."validTo" IS NULL
        GROUP BY 1, 2
     ),
     rule_counts AS (SELECT "repositoryId", count(DISTINCT key) AS rules FROM coverage GROUP BY 1),
     totals AS (
       SELECT cr."repositoryId", cr.confidentiality, count(*) AS contracts
         FROM "ContractRevision" cr
        WHERE cr."validTo" IS NULL AND (cr."endDate" IS NULL OR cr."endDate" > ${ts(1)})
        GROUP BY 1, 2
     )
     SELECT COALESCE(t."repositoryId", g."repositoryId") AS "repositoryId", COALESCE(t.confidentiality, g.confidentiality) AS confidentiality,
            COALESCE(t.contracts, 0) AS contracts, COALESCE(g.granted, 0) AS granted, COALESCE(g.grace, 0) AS grace, COALESCE(rc.rules, 0) AS rules
       FROM totals t
       FULL JOIN granted g ON g."repositoryId" = t."repositoryId" AND g.confidentiality = t.confidentiality
       LEFT JOIN rule_counts rc ON rc."repositoryId" = COALESCE(t."repositoryId", g."repositoryId")`,
    now,
  );
  // Every repository, those without contracts too (with zeroes).
  const repositories = await prisma.repository.findMany({ select: { id: true, name: true } });
  const byRepo = new Map<string, RepositoryAccess>(
    repositories.map((r) => [r.id, { repositoryId: r.id, repository: r.name, contracts: zeroes(), granted: zeroes(), inGrace: zeroes(), rules: 0 }]),
  );
  for (const r of rows) {
    const entry = byRepo.get(r.repositoryId);
    if (!entry) continue;
    const c = CONFIDENTIALITIES[r.confidentiality] ?? "internal";
    entry.contracts[c] += toInt(r.contracts);
    entry.granted[c] += toInt(r.granted);
    entry.inGrace[c] += toInt(r.grace);
    entry.rules = toInt(r.rules);
  }
  const sum = (x: Record<Confidentiality, number>) => Object.values(x).reduce((a, b) => a + b, 0);
  return [...byRepo.values()].sort(
    (a, b) => sum(b.granted) - sum(a.granted) || sum(b.contracts) - sum(a.contracts) || a.repository.localeCompare(b.repository),
  );
}

export interface Overview {
  days: number;
  activity: { days: string[]; rows: ActivityRow[] };
  directories: { id: string; name: string }[];
  users: UserStatusCount[];
  access: RepositoryAccess[];
  revocations: RevocationLine[];
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
