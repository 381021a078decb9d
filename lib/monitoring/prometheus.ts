// GET /api/metrics: the in-process SCIM metrics of this instance (lib/monitoring/metrics.ts) plus
// gauges read from the shared database — the same on every instance, so aggregate them with
// max() rather than sum() in Prometheus. Protected by METRICS_TOKEN; off (404) when it is unset.
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { bearerOf, constantTimeEqual } from "@/lib/directories/credentials";
import { Counter, Gauge, Registry } from "prom-client";
import { httpStatusOf } from "@/lib/errors";
import { registry } from "./metrics";

const seconds = (d: Date) => Math.floor(d.getTime() / 1000);

/** One scrape's database readings: every gauge below reads the same snapshot. */
async function readDatabase(prisma: PrismaClient) {
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
  return { lastSuccess, tokens, users, audit: Number(audit[0]?.n ?? 0) };
}

/**
 * The gauges read from the shared database, in their own registry: collected on each scrape from
 * one snapshot. prom-client calls every collect() synchronously when metrics() starts, right after
 * `snapshot` is set, so concurrent scrapes cannot mix snapshots.
 */
function databaseRegistry() {
  let snapshot: Awaited<ReturnType<typeof readDatabase>> | undefined;
  const registry = new Registry();
  const registers = [registry];
  new Gauge({
    name: "custodian_directory_last_success_timestamp_seconds",
    help: "Time of the directory's last successful SCIM request (status below 400) still in the request log.",
    labelNames: ["directory"] as const,
    registers,
    collect() {
      this.reset();
      for (const r of snapshot!.lastSuccess) if (r.at) this.set({ directory: r.id }, seconds(new Date(r.at)));
    },
  });
  new Gauge({
    name: "custodian_scim_token_expiry_timestamp_seconds",
    help: "Expiry time of each SCIM bearer token that has one and is not revoked.",
    labelNames: ["directory", "token"] as const,
    registers,
    collect() {
      this.reset();
      for (const t of snapshot!.tokens) this.set({ directory: t.directoryId, token: t.id }, seconds(t.expiresAt!));
    },
  });
  new Gauge({
    name: "custodian_users",
    help: "Users per directory by state: active, deactivated (by the directory), suspended (by the inactivity policy).",
    labelNames: ["directory", "state"] as const,
    registers,
    collect() {
      this.reset();
      for (const u of snapshot!.users) {
        for (const state of ["active", "deactivated", "suspended"] as const) this.set({ directory: u.directoryId, state }, Number(u[state]));
      }
    },
  });
  new Gauge({
    name: "custodian_users_inactive_flagged",
    help: "Users the inactivity policy flagged (not seen by their directory for its inactivity period).",
    labelNames: ["directory"] as const,
    registers,
    collect() {
      this.reset();
      for (const u of snapshot!.users) this.set({ directory: u.directoryId }, Number(u.flagged));
    },
  });
  new Counter({
    name: "custodian_audit_events_total",
    help: "Audit events ever recorded (all instances: read from the database).",
    registers,
    collect() {
      // A database reading, not an in-process count: replace the value.
      this.reset();
      this.inc(snapshot!.audit);
    },
  });
  return {
    async metrics(prisma: PrismaClient): Promise<string> {
      snapshot = await readDatabase(prisma);
      return registry.metrics();
    },
  };
}

let database: ReturnType<typeof databaseRegistry> | undefined;

const plainText = (code: "not_found" | "unauthorized", headers: Record<string, string> = {}) =>
  new Response(code === "not_found" ? "Not found\n" : "Unauthorized\n", {
    status: httpStatusOf[code],
    headers: { "content-type": "text/plain; charset=utf-8", ...headers },
  });

/** The whole /api/metrics exchange; `token` is METRICS_TOKEN (undefined = endpoint off). */
export async function metricsResponse(prisma: () => Promise<PrismaClient>, options: { request: Request; token: string | undefined }): Promise<Response> {
  if (!options.token) return plainText("not_found");
  const presented = bearerOf(options.request.headers.get("authorization"));
  if (!presented || !constantTimeEqual(presented, options.token)) {
    return plainText("unauthorized", { "www-authenticate": 'Bearer realm="metrics"' });
  }
  database ??= databaseRegistry();
  const [instance, shared] = await Promise.all([registry.metrics(), database.metrics(await prisma())]);
  return new Response(instance + shared, { status: 200, headers: { "content-type": registry.contentType, "cache-control": "no-store" } });
}
