// GET /api/metrics: the in-process SCIM metrics of this instance (lib/monitoring/metrics.ts) plus
// gauges read from the shared database — the same on every instance, so aggregate them with
// max() rather than sum() in Prometheus. Protected by METRICS_TOKEN; off (404) when it is unset.
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { bearerOf, constantTimeEqual } from "@/lib/directories/credentials";
import { processFamilies, renderExposition, scimRequestFamilies, type MetricFamily } from "./metrics";

export const PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

const seconds = (d: Date) => Math.floor(d.getTime() / 1000);

export async function databaseFamilies(prisma: PrismaClient): Promise<MetricFamily[]> {
  const [lastSuccess, tokens, users, audit] = await Promise.all([
    // One backwards index walk per directory (directories are few).
    prisma.$queryRawUnsafe<{ id: string; at: Date | null }[]>(
      `SELECT d.id, (SELECT r."createdAt" FROM "RequestLog" r WHERE r."directoryId" = d.id AND r.status < 400
                     ORDER BY r."createdAt" DESC LIMIT 1) AS at
       FROM "Directory" d`,
    ),
    prisma.scimToken.findMany({
      where: { revokedAt: null, expiresAt: { not: null } },
      select: { id: true, directoryId: true, expiresAt: true },
      orderBy: { expiresAt: "asc" },
      take: 1_000,
    }),
    prisma.$queryRawUnsafe<{ directoryId: string; active: bigint; deactivated: bigint; suspended: bigint; flagged: bigint }[]>(
      `SELECT "directoryId",
              count(*) FILTER (WHERE active AND "suspendedAt" IS NULL) AS active,
              count(*) FILTER (WHERE NOT active) AS deactivated,
              count(*) FILTER (WHERE active AND "suspendedAt" IS NOT NULL) AS suspended,
              count(*) FILTER (WHERE "inactiveFlaggedAt" IS NOT NULL) AS flagged
       FROM "User" GROUP BY 1`,
    ),
    // The trail is append-only with a sequence: its highest number is the count ever written,
    // without counting millions of rows per scrape.
    prisma.$queryRawUnsafe<{ n: bigint | null }[]>(`SELECT max(seq) AS n FROM "AuditEvent"`),
  ]);
  return [
    {
      name: "custodian_directory_last_success_timestamp_seconds",
      help: "Time of the directory's last successful SCIM request (status below 400) still in the request log.",
      type: "gauge",
      samples: lastSuccess.filter((r) => r.at).map((r) => ({ labels: { directory: r.id }, value: seconds(new Date(r.at!)) })),
    },
    {
      name: "custodian_scim_token_expiry_timestamp_seconds",
      help: "Expiry time of each SCIM bearer token that has one and is not revoked.",
      type: "gauge",
      samples: tokens.map((t) => ({ labels: { directory: t.directoryId, token: t.id }, value: seconds(t.expiresAt!) })),
    },
    {
      name: "custodian_users",
      help: "Users per directory by state: active, deactivated (by the directory), suspended (by the inactivity policy).",
      type: "gauge",
      samples: users.flatMap((u) =>
        (["active", "deactivated", "suspended"] as const).map((state) => ({ labels: { directory: u.directoryId, state }, value: Number(u[state]) })),
      ),
    },
    {
      name: "custodian_users_inactive_flagged",
      help: "Users the inactivity policy flagged (not seen by their directory for its inactivity period).",
      type: "gauge",
      samples: users.map((u) => ({ labels: { directory: u.directoryId }, value: Number(u.flagged) })),
    },
    {
      name: "custodian_audit_events_total",
      help: "Audit events ever recorded (all instances: read from the database).",
      type: "counter",
      samples: [{ labels: {}, value: Number(audit[0]?.n ?? 0) }],
    },
  ];
}

/** The whole /api/metrics exchange; `token` is METRICS_TOKEN (undefined = endpoint off). */
export async function metricsResponse(prisma: () => Promise<PrismaClient>, options: { request: Request; token: string | undefined }): Promise<Response> {
  if (!options.token) return new Response("Not found\n", { status: 404, headers: { "content-type": "text/plain; charset=utf-8" } });
  const presented = bearerOf(options.request.headers.get("authorization"));
  if (!presented || !constantTimeEqual(presented, options.token)) {
    return new Response("Unauthorized\n", { status: 401, headers: { "content-type": "text/plain; charset=utf-8", "www-authenticate": 'Bearer realm="metrics"' } });
  }
  const families = [...scimRequestFamilies(), ...(await databaseFamilies(await prisma())), ...processFamilies()];
  return new Response(renderExposition(families), { status: 200, headers: { "content-type": PROMETHEUS_CONTENT_TYPE, "cache-control": "no-store" } });
}
