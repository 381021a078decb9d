// Directory health, computed here only: the card of every directory on the overview
// (directoryHealth) and one directory's monitoring on its page (directoryMonitoring) — errors by
// class over the last hour and day, writes the SCIM layer rejected, attributes it ignored,
// credentials about to stop working (one warning period, TOKEN_WARNING_DAYS), and the users the
// inactivity policy flagged or suspended. Aggregated in SQL over the (directoryId, createdAt)
// index of the request log.
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { ts } from "@/lib/access/sql";
import { now as clockNow } from "@/lib/clock";

export const TOKEN_WARNING_DAYS = 14;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

export type ErrorClass = "4xx" | "429" | "5xx";

export interface WindowStats {
  window: "1h" | "24h";
  requests: number;
  /** Client errors except 429, by scimType (null = none given: 401, 404, 412 …). */
  clientErrors: number;
  throttled: number;
  serverErrors: number;
  errorRate: number | null;
  byScimType: { scimType: string | null; status: number; count: number }[];
}

export interface TokenWarning {
  id: string;
  kind: "token";
  name: string;
  prefix: string;
  expiresAt: string;
  lastUsedAt: string | null;
  /** expiring: within TOKEN_WARNING_DAYS; expired: past expiry, used within the last TOKEN_WARNING_DAYS (an IdP likely still relies on it). */
  state: "expiring" | "expired";
}

export interface DirectoryMonitoring {
  windows: WindowStats[];
  /** Writes (POST/PUT/PATCH/DELETE) refused with 4xx in the last 24 h, by method and scimType. */
  rejectedWrites24h: { method: string; scimType: string | null; count: number }[];
  /** Requests in the last 24 h that carried attributes Custodian does not know (dropped). */
  ignored24h: { requests: number; attributes: number; top: { name: string; count: number }[] };
  tokenWarnings: TokenWarning[];
  users: { flagged: number; suspended: number };
}

const errorClassSql = `CASE WHEN status = 429 THEN '429' WHEN status >= 500 THEN '5xx' WHEN status >= 400 THEN '4xx' ELSE 'ok' END`;

export async function directoryMonitoring(prisma: PrismaClient, options: { directoryId: string; now?: Date }): Promise<DirectoryMonitoring> {
  const now = options.now ?? clockNow();
  const dayAgo = new Date(now.getTime() - DAY_MS);
  const hourAgo = new Date(now.getTime() - HOUR_MS);
  const id = options.directoryId;
  const [classes, rejected, ignored, topIgnored, tokens, users] = await Promise.all([
    prisma.$queryRawUnsafe<{ recent: boolean; cls: string; scimType: string | null; status: number; n: bigint }[]>(
      `SELECT "createdAt" >= ${ts(3)} AS recent, ${errorClassSql} AS cls,
              CASE WHEN status >= 400 THEN "scimType" END AS "scimType", CASE WHEN status >= 400 THEN status ELSE 0 END AS status, count(*) AS n
       FROM "RequestLog" WHERE "directoryId" = $1 AND "createdAt" >= ${ts(2)}
       GROUP BY 1, 2, 3, 4`,
      id,
      dayAgo,
      hourAgo,
    ),
    prisma.$queryRawUnsafe<{ method: string; scimType: string | null; n: bigint }[]>(
      `SELECT method, "scimType", count(*) AS n FROM "RequestLog"
       WHERE "directoryId" = $1 AND "createdAt" >= ${ts(2)} AND status >= 400 AND status < 500 AND status <> 429
         AND method IN ('POST', 'PUT', 'PATCH', 'DELETE')
       GROUP BY 1, 2 ORDER BY n DESC LIMIT 20`,
      id,
      dayAgo,
    ),
    prisma.$queryRawUnsafe<{ requests: bigint; attributes: bigint | null }[]>(
      `SELECT count(*) AS requests, sum("ignoredCount") AS attributes FROM "RequestLog"
       WHERE "directoryId" = $1 AND "createdAt" >= ${ts(2)} AND "ignoredCount" > 0`,
      id,
      dayAgo,
    ),
    prisma.$queryRawUnsafe<{ name: string; n: bigint }[]>(
      `SELECT name, count(*) AS n FROM "RequestLog", unnest(string_to_array("ignoredAttributes", ',')) AS name
       WHERE "directoryId" = $1 AND "createdAt" >= ${ts(2)} AND "ignoredCount" > 0
       GROUP BY 1 ORDER BY n DESC, name LIMIT 5`,
      id,
      dayAgo,
    ),
    prisma.scimToken.findMany({
      where: {
        directoryId: id,
        revokedAt: null,
        OR: [
          { expiresAt: { gt: now, lte: new Date(now.getTime() + TOKEN_WARNING_DAYS * DAY_MS) } },
          { expiresAt: { lte: now }, lastUsedAt: { gte: new Date(now.getTime() - TOKEN_WARNING_DAYS * DAY_MS) } },
        ],
      },
      orderBy: { expiresAt: "asc" },
      take: 20,
    }),
    prisma.$queryRawUnsafe<{ flagged: bigint; suspended: bigint }[]>(
      `SELECT count(*) FILTER (WHERE "inactiveFlaggedAt" IS NOT NULL) AS flagged, count(*) FILTER (WHERE "suspendedAt" IS NOT NULL) AS suspended
       FROM "User" WHERE "directoryId" = $1 AND ("inactiveFlaggedAt" IS NOT NULL OR "suspendedAt" IS NOT NULL)`,
      id,
    ),
  ]);
  const windowStats = (window: "1h" | "24h"): WindowStats => {
    const rows = classes.filter((r) => window === "24h" || r.recent);
    const sum = (cls?: string) => rows.filter((r) => !cls || r.cls === cls).reduce((a, r) => a + Number(r.n), 0);
    const requests = sum();
    const byType = new Map<string, { scimType: string | null; status: number; count: number }>();
    for (const r of rows.filter((x) => x.cls !== "ok")) {
      const k = `${r.status}|${r.scimType ?? ""}`;
      const entry = byType.get(k) ?? { scimType: r.scimType, status: Number(r.status), count: 0 };
      entry.count += Number(r.n);
      byType.set(k, entry);
    }
    const errors = sum("4xx") + sum("429") + sum("5xx");
    return {
      window,
      requests,
      clientErrors: sum("4xx"),
      throttled: sum("429"),
      serverErrors: sum("5xx"),
      errorRate: requests ? errors / requests : null,
      byScimType: [...byType.values()].sort((a, b) => b.count - a.count),
    };
  };
  return {
    windows: [windowStats("1h"), windowStats("24h")],
    rejectedWrites24h: rejected.map((r) => ({ method: r.method, scimType: r.scimType, count: Number(r.n) })),
    ignored24h: {
      requests: Number(ignored[0]?.requests ?? 0),
      attributes: Number(ignored[0]?.attributes ?? 0),
      top: topIgnored.map((r) => ({ name: r.name, count: Number(r.n) })),
    },
    tokenWarnings: tokens.map((t) => ({
      id: t.id,
      kind: "token",
      name: t.name,
      prefix: t.prefix,
      expiresAt: t.expiresAt!.toISOString(),
      lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
      state: t.expiresAt! > now ? "expiring" : "expired",
    })),
    users: { flagged: Number(users[0]?.flagged ?? 0), suspended: Number(users[0]?.suspended ?? 0) },
  };
}

export interface DirectoryHealth {
  id: string;
  name: string;
  kind: string;
  lastSuccessAt: string | null;
  lastRequestAt: string | null;
  /** Requests of the last 24 hours, and how many of them failed (status ≥ 400; ≥ 500 separately). */
  requests24h: number;
  failed24h: number;
  serverErrors24h: number;
  /** 429 answers (the directory exceeded its rate limit), part of failed24h. */
  throttled24h: number;
  /** Requests that carried attributes Custodian does not know (dropped). */
  ignored24h: number;
  errorRate24h: number | null;
  liveTokens: number;
  /** Live tokens (not revoked) that expire within TOKEN_WARNING_DAYS. */
  tokensExpiringSoon: number;
  /** Tokens past their expiry that nobody revoked: an identity provider still using one fails. */
  tokensExpired: number;
  /** Of those, the ones used within the last TOKEN_WARNING_DAYS: the IdP probably still relies on them. */
  tokensExpiredRecentlyUsed: number;
  nextTokenExpiry: string | null;
  /** Inactivity policy: users flagged / suspended. */
  flaggedUsers: number;
  suspendedUsers: number;
}

/** The health card of every directory (or of `directoryIds`), by name. */
export async function directoryHealth(prisma: PrismaClient, options: { now?: Date; directoryIds?: string[] } = {}): Promise<DirectoryHealth[]> {
  const now = options.now ?? clockNow();
  const since = new Date(now.getTime() - DAY_MS);
  const soon = new Date(now.getTime() + TOKEN_WARNING_DAYS * DAY_MS);
  const rows = await prisma.$queryRawUnsafe<
    {
      id: string;
      name: string;
      kind: string;
      lastSuccessAt: Date | null;
      lastRequestAt: Date | null;
      requests: number | bigint;
      failed: number | bigint;
      serverErrors: number | bigint;
      throttled: number | bigint;
      ignored: number | bigint;
      expiredRecentlyUsed: number | bigint;
      flagged: number | bigint;
      suspended: number | bigint;
      liveTokens: number | bigint;
      expiringSoon: number | bigint;
      expired: number | bigint;
      nextExpiry: Date | null;
    }[]
  >(
    `SELECT d.id, d.name, d.kind,
            (SELECT max(r."createdAt") FROM "RequestLog" r WHERE r."directoryId" = d.id AND r.status < 400) AS "lastSuccessAt",
            (SELECT max(r."createdAt") FROM "RequestLog" r WHERE r."directoryId" = d.id) AS "lastRequestAt",
            recent.requests, recent.failed, recent."serverErrors", recent.throttled, recent.ignored,
            tokens.live AS "liveTokens", tokens."expiringSoon", tokens.expired, tokens."expiredRecentlyUsed", tokens."nextExpiry",
            (SELECT count(*) FROM "User" u WHERE u."directoryId" = d.id AND u."inactiveFlaggedAt" IS NOT NULL) AS flagged,
            (SELECT count(*) FROM "User" u WHERE u."directoryId" = d.id AND u."suspendedAt" IS NOT NULL) AS suspended
       FROM "Directory" d
       CROSS JOIN LATERAL (
         SELECT count(*) AS requests,
                count(*) FILTER (WHERE r.status >= 400) AS failed,
                count(*) FILTER (WHERE r.status >= 500) AS "serverErrors",
                count(*) FILTER (WHERE r.status = 429) AS throttled,
                count(*) FILTER (WHERE r."ignoredCount" > 0) AS ignored
           FROM "RequestLog" r WHERE r."directoryId" = d.id AND r."createdAt" >= ${ts(1)}
       ) recent
       CROSS JOIN LATERAL (
         SELECT count(*) FILTER (WHERE t."expiresAt" IS NULL OR t."expiresAt" > ${ts(2)}) AS live,
                count(*) FILTER (WHERE t."expiresAt" > ${ts(2)} AND t."expiresAt" <= ${ts(3)}) AS "expiringSoon",
                count(*) FILTER (WHERE t."expiresAt" <= ${ts(2)}) AS expired,
                count(*) FILTER (WHERE t."expiresAt" <= ${ts(2)} AND t."lastUsedAt" >= ${ts(4)}) AS "expiredRecentlyUsed",
                min(t."expiresAt") FILTER (WHERE t."expiresAt" > ${ts(2)}) AS "nextExpiry"
           FROM "ScimToken" t WHERE t."directoryId" = d.id AND t."revokedAt" IS NULL
       ) tokens
      ${options.directoryIds ? `WHERE d.id = ANY($5::text[])` : ""}
      ORDER BY d.name`,
    since,
    now,
    soon,
    new Date(now.getTime() - TOKEN_WARNING_DAYS * DAY_MS),
    ...(options.directoryIds ? [options.directoryIds] : []),
  );
  // timestamp columns come back as Dates read in UTC.
  const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);
  return rows.map((r) => {
    const requests = Number(r.requests);
    const failed = Number(r.failed);
    return {
      id: r.id,
      name: r.name,
      kind: r.kind,
      lastSuccessAt: iso(r.lastSuccessAt),
      lastRequestAt: iso(r.lastRequestAt),
      requests24h: requests,
      failed24h: failed,
      serverErrors24h: Number(r.serverErrors),
      throttled24h: Number(r.throttled),
      ignored24h: Number(r.ignored),
      errorRate24h: requests > 0 ? failed / requests : null,
      liveTokens: Number(r.liveTokens),
      tokensExpiringSoon: Number(r.expiringSoon),
      tokensExpired: Number(r.expired),
      tokensExpiredRecentlyUsed: Number(r.expiredRecentlyUsed),
      flaggedUsers: Number(r.flagged),
      suspendedUsers: Number(r.suspended),
      nextTokenExpiry: iso(r.nextExpiry),
    };
  });
}
