// Reads of directories, their SCIM credentials and the SCIM request log for the dashboard. The
// writes — and their audit events — live in lib/directories/service.ts.
import { z } from "zod";
import type { Prisma, PrismaClient } from "@/lib/generated/prisma/client";
import { AppError } from "@/lib/errors";
import { pageWindow, type Page } from "@/lib/pagination";
import { directoryHealth, directoryMonitoring, type DirectoryMonitoring } from "./health";
import { now as clockNow } from "@/lib/clock";
import { onProcessClient } from "@/lib/db/client";

/** Requests answered with a status of 400 or more count as errors. */
export const ERROR_STATUS_FROM = 400;
/** Beyond this many matches the request log reports "more than" instead of counting on. */
export const REQUEST_LOG_COUNT_CAP = 10_000;

export interface RequestStats {
  /** Requests in the last 24 hours. */
  requests24h: number;
  errors24h: number;
  /** errors24h / requests24h, null when there were no requests. */
  errorRate24h: number | null;
  lastSuccessAt: string | null;
  lastRequestAt: string | null;
}

export interface DirectoryListItem extends RequestStats {
  id: string;
  name: string;
  kind: string;
  createdAt: string;
  users: number;
  groups: number;
  /** Tokens that are neither revoked nor expired. */
  activeTokens: number;
  oauthClients: number;
}

const liveTokenWhere = (now: Date): Prisma.ScimTokenWhereInput => ({
  revokedAt: null,
  OR: [{ expiresAt: null }, { expiresAt: { gt: now } }],
});

/**
 * Request counts per directory over the last 24 hours (errors: status 400 and above) and the last
 * successful and last request: the directory health computation (lib/monitoring), read for the
 * given directories.
 */
export async function requestStatsOf(prisma: PrismaClient, directoryIds: string[], now = clockNow()): Promise<Map<string, RequestStats>> {
  const health = await directoryHealth(prisma, { now, directoryIds });
  return new Map(
    health.map((h) => [
      h.id,
      { requests24h: h.requests24h, errors24h: h.failed24h, errorRate24h: h.errorRate24h, lastSuccessAt: h.lastSuccessAt, lastRequestAt: h.lastRequestAt },
    ]),
  );
}

export const directoryListQuery = z.object({
  search: z.string().trim().max(100).optional(),
  page: z.coerce.number().optional(),
  pageSize: z.coerce.number().optional(),
});

export async function listDirectoriesForAdmin(
  prisma: PrismaClient,
  input: z.input<typeof directoryListQuery>,
  now = clockNow(),
): Promise<Page<DirectoryListItem>> {
  const q = directoryListQuery.parse(input);
  const { page, pageSize, skip, take } = pageWindow({ page: q.page, pageSize: q.pageSize });
  const where: Prisma.DirectoryWhereInput = q.search ? { name: { contains: q.search, mode: "insensitive" } } : {};
  const [total, rows] = await Promise.all([
    prisma.directory.count({ where }),
    prisma.directory.findMany({
      where,
      orderBy: [{ name: "asc" }, { id: "asc" }],
      skip,
      take,
      include: {
        _count: { select: { users: true, groups: true, tokens: { where: liveTokenWhere(now) }, oauthClients: { where: { revokedAt: null } } } },
      },
    }),
  ]);
  const stats = await requestStatsOf(prisma, rows.map((d) => d.id), now);
  return {
    total,
    page,
    pageSize,
    items: rows.map((d) => ({
      id: d.id,
      name: d.name,
      kind: d.kind,
      createdAt: d.createdAt.toISOString(),
      users: d._count.users,
      groups: d._count.groups,
      activeTokens: d._count.tokens,
      oauthClients: d._count.oauthClients,
      ...stats.get(d.id)!,
    })),
  };
}

export interface DirectoryDetail extends DirectoryListItem {
  /** The directory's own SCIM request budget per minute; null = the instance default. */
  rateLimitPerMinute: number | null;
  activeUsers: number;
  /** Inactivity policy (lib/users/inactivity.ts); null days = off. */
  inactivityDays: number | null;
  inactivityAction: string;
  /** Mover reviews (lib/reviews/mover.ts): a move (department, manager) starts a review for the new manager. */
  moverReviews: {
    enabled: boolean;
    fallbackReviewer: { id: string; userName: string | null; displayName: string | null } | null;
    durationDays: number;
    /** Moves waiting for the job; campaigns started in the last 30 days. */
    pending: number;
    startedLast30Days: number;
  };
  monitoring: DirectoryMonitoring;
}

export async function getDirectoryForAdmin(prisma: PrismaClient, id: string, now = clockNow()): Promise<DirectoryDetail> {
  const d = await prisma.directory.findUnique({
    where: { id },
    include: {
      _count: { select: { users: true, groups: true, tokens: { where: liveTokenWhere(now) }, oauthClients: { where: { revokedAt: null } } } },
    },
  });
  if (!d) throw new AppError("not_found", "Directory not found");
  const [activeUsers, stats, monitoring, fallback, moverPending, moverStarted] = await Promise.all([
    prisma.user.count({ where: { directoryId: id, active: true } }),
    requestStatsOf(prisma, [id], now),
    directoryMonitoring(prisma, { directoryId: id, now }),
    d.moverReviewFallbackId ? prisma.user.findUnique({ where: { id: d.moverReviewFallbackId }, select: { id: true, userName: true, displayName: true } }) : null,
    prisma.moverReview.count({ where: { directoryId: id, processedAt: null } }),
    prisma.moverReview.count({ where: { directoryId: id, outcome: "started", processedAt: { gte: new Date(now.getTime() - 30 * 86_400_000) } } }),
  ]);
  return {
    id: d.id,
    name: d.name,
    kind: d.kind,
    createdAt: d.createdAt.toISOString(),
    rateLimitPerMinute: d.rateLimitPerMinute,
    inactivityDays: d.inactivityDays,
    inactivityAction: d.inactivityAction,
    moverReviews: {
      enabled: d.moverReviews,
      fallbackReviewer: fallback ?? (d.moverReviewFallbackId ? { id: d.moverReviewFallbackId, userName: null, displayName: null } : null),
      durationDays: d.moverReviewDays,
      pending: moverPending,
      startedLast30Days: moverStarted,
    },
    monitoring,
    users: d._count.users,
    activeUsers,
    groups: d._count.groups,
    activeTokens: d._count.tokens,
    oauthClients: d._count.oauthClients,
    ...stats.get(id)!,
  };
}

/** The directory (id and name), or not_found: credential writes are scoped through it. */
export async function requireDirectory(prisma: PrismaClient, directoryId: string) {
  const directory = await prisma.directory.findUnique({ where: { id: directoryId }, select: { id: true, name: true } });
  if (!directory) throw new AppError("not_found", "Directory not found");
  return directory;
}

// ---------------------------------------------------------------------------------------------
// Bearer tokens

export type CredentialStatus = "active" | "expired" | "revoked";

export interface ScimTokenItem {
  id: string;
  name: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
  status: CredentialStatus;
}

/** A directory holds a handful of tokens; more than this means something automated went wrong. */
const MAX_CREDENTIALS_LISTED = 500;

export function tokenItem(t: { id: string; name: string; prefix: string; createdAt: Date; lastUsedAt: Date | null; expiresAt: Date | null; revokedAt: Date | null }, now: Date): ScimTokenItem {
  return {
    id: t.id,
    name: t.name,
    prefix: t.prefix,
    createdAt: t.createdAt.toISOString(),
    lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
    expiresAt: t.expiresAt?.toISOString() ?? null,
    revokedAt: t.revokedAt?.toISOString() ?? null,
    status: t.revokedAt ? "revoked" : t.expiresAt && t.expiresAt <= now ? "expired" : "active",
  };
}

export async function listScimTokensForAdmin(prisma: PrismaClient, directoryId: string, now = clockNow()): Promise<{ items: ScimTokenItem[] }> {
  await requireDirectory(prisma, directoryId);
  const rows = await prisma.scimToken.findMany({
    where: { directoryId },
    // Live tokens first, then by age.
    orderBy: [{ revokedAt: { sort: "desc", nulls: "first" } }, { createdAt: "desc" }],
    take: MAX_CREDENTIALS_LISTED,
    select: { id: true, name: true, prefix: true, createdAt: true, lastUsedAt: true, expiresAt: true, revokedAt: true },
  });
  return { items: rows.map((t) => tokenItem(t, now)) };
}

// ---------------------------------------------------------------------------------------------
// OAuth 2.0 clients

export interface OAuthClientItem {
  id: string;
  name: string;
  clientId: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
  status: CredentialStatus;
}

export function clientItem(c: { id: string; name: string; clientId: string; createdAt: Date; lastUsedAt: Date | null; revokedAt: Date | null }): OAuthClientItem {
  return {
    id: c.id,
    name: c.name,
    clientId: c.clientId,
    createdAt: c.createdAt.toISOString(),
    lastUsedAt: c.lastUsedAt?.toISOString() ?? null,
    revokedAt: c.revokedAt?.toISOString() ?? null,
    status: c.revokedAt ? "revoked" : "active",
  };
}

export async function listOAuthClientsForAdmin(prisma: PrismaClient, directoryId: string): Promise<{ items: OAuthClientItem[] }> {
  await requireDirectory(prisma, directoryId);
  const rows = await prisma.oAuthClient.findMany({
    where: { directoryId },
    orderBy: [{ revokedAt: { sort: "desc", nulls: "first" } }, { createdAt: "desc" }],
    take: MAX_CREDENTIALS_LISTED,
    select: { id: true, name: true, clientId: true, createdAt: true, lastUsedAt: true, revokedAt: true },
  });
  return { items: rows.map(clientItem) };
}

// ---------------------------------------------------------------------------------------------
// SCIM request log

export const STATUS_CLASSES = ["2xx", "3xx", "4xx", "5xx", "errors"] as const;
export const LOGGED_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;

const optionalDate = z
  .union([z.iso.datetime({ offset: true }), z.iso.datetime({ local: true }), z.iso.date()], { error: "must be an ISO 8601 date or date-time" })
  .optional()
  .transform((v) => (v ? new Date(v) : undefined));

export const requestLogQuery = z.object({
  /** A directory id, or "none" for requests no directory could be established for (failed authentication). */
  directoryId: z.string().max(64).optional(),
  /** A class (2xx…5xx, "errors" = 400 and above) or one exact status code. */
  status: z.union([z.enum(STATUS_CLASSES), z.string().regex(/^[1-5]\d\d$/, "a status class (4xx) or a status code (404)")]).optional(),
  method: z.enum(LOGGED_METHODS).optional(),
  path: z.string().trim().max(200).optional(),
  from: optionalDate,
  to: optionalDate,
  page: z.coerce.number().optional(),
  pageSize: z.coerce.number().optional(),
});

export interface RequestLogItem {
  id: string;
  createdAt: string;
  directoryId: string | null;
  credentialId: string | null;
  method: string;
  path: string;
  status: number;
  scimType: string | null;
  latencyMs: number;
  userAgent: string | null;
  requestId: string | null;
}

function statusWhere(status: string): Prisma.IntFilter | number {
  if (status === "errors") return { gte: ERROR_STATUS_FROM };
  if (/^[1-5]xx$/.test(status)) {
    const base = Number(status[0]) * 100;
    return { gte: base, lt: base + 100 };
  }
  return Number(status);
}

/** The request log, newest first, filtered and paginated in the database. */
export async function listRequestLogForAdmin(
  prisma: PrismaClient,
  input: z.input<typeof requestLogQuery>,
): Promise<Page<RequestLogItem> & { totalCapped: boolean }> {
  // Empty query-string values mean "no filter".
  const cleaned = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== "" && v !== undefined));
  const q = requestLogQuery.parse(cleaned);
  const { page, pageSize, skip, take } = pageWindow({ page: q.page, pageSize: q.pageSize });
  const where: Prisma.RequestLogWhereInput = {
    ...(q.directoryId ? { directoryId: q.directoryId === "none" ? null : q.directoryId } : {}),
    ...(q.status ? { status: statusWhere(q.status) } : {}),
    ...(q.method ? { method: q.method } : {}),
    ...(q.path ? { path: { contains: q.path, mode: "insensitive" } } : {}),
    ...(q.from || q.to ? { createdAt: { ...(q.from ? { gte: q.from } : {}), ...(q.to ? { lt: q.to } : {}) } } : {}),
  };
  const [counted, rows] = await Promise.all([
    // Counting stops at the cap: a busy directory's 30 days can hold millions of requests, and
    // nobody pages to the 200th page — they narrow the filters instead.
    prisma.requestLog.count({ where, take: REQUEST_LOG_COUNT_CAP + 1 }),
    prisma.requestLog.findMany({ where, orderBy: [{ createdAt: "desc" }, { id: "desc" }], skip, take }),
  ]);
  return {
    total: Math.min(counted, REQUEST_LOG_COUNT_CAP),
    totalCapped: counted > REQUEST_LOG_COUNT_CAP,
    page,
    pageSize,
    items: rows.map((r) => ({
      id: r.id,
      createdAt: r.createdAt.toISOString(),
      directoryId: r.directoryId,
      credentialId: r.credentialId,
      method: r.method,
      path: r.path,
      status: r.status,
      scimType: r.scimType,
      latencyMs: r.latencyMs,
      userAgent: r.userAgent,
      requestId: r.requestId,
    })),
  };
}

/** Every directory by name, for the directory filters of the users, groups, audit and request-log pages. */
export async function listDirectoryOptions(prisma: PrismaClient): Promise<{ id: string; name: string }[]> {
  return prisma.directory.findMany({ select: { id: true, name: true }, orderBy: { name: "asc" } });
}

/** The reads directory, user, group and audit pages make (pages never hold the database client). */
export const directoriesForPages = {
  options: onProcessClient(listDirectoryOptions),
  detail: onProcessClient(getDirectoryForAdmin),
};
