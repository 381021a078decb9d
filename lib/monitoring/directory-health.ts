// Per-directory monitoring read model (directory page): errors by class over the last hour and
// day, writes the SCIM layer rejected, attributes it ignored, credentials about to stop working,
// and the users the inactivity policy flagged or suspended. Aggregated in SQL over the
// (directoryId, createdAt) index of the request log.
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { ts } from "@/lib/access/sql";

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
  const now = options.now ?? new Date();
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
