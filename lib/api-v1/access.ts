// The access questions of /api/v1: resolve the user and contract the caller named (by id, userName
// or externalId; by id or external reference), then ask the engine (lib/access) — which alone
// knows how effective access is derived.
import { z } from "zod";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { checkAccess, contractsOfUser, whoCanAccessContract } from "@/lib/access/effective-access";
import { AT_CLOCK_SKEW_MS, atInput } from "@/lib/access/instant";
import { LEVELS } from "@/lib/access/levels";
import { findContract } from "@/lib/contracts/queries";
import { isUuid } from "@/lib/contracts/schemas";
import { AppError } from "@/lib/errors";
import { pageInput, pageWindow } from "@/lib/pagination";
import { holdersOfUserNameAt } from "@/lib/users/name-history";
import type { Actor } from "@/lib/audit/record";
import { recordBreachAttempts } from "@/lib/walls/service";
import { accessSince } from "@/lib/access/intervals";

/** A point in time: an RFC 3339 date-time, or a date (its start in ACCESS_TIME_ZONE); not in the future (lib/access/instant.ts). */
export const atParam = atInput.describe(
  `Answer for this instant instead of now (point in time). An instant more than ${AT_CLOCK_SKEW_MS / 60_000} minutes ahead of the server clock is 400: no forecasts`,
);

const userRef = z
  .string()
  .trim()
  .min(1)
  .max(300)
  .describe("User id, userName (case-insensitive) or externalId. With `at`, a userName means whoever held it at that instant (even if deleted since and the name re-used); several holders then → 409 with the candidates by id");
const directoryRef = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .optional()
  .describe("Directory name or id, when a userName or externalId exists in several directories");

export const accessCheckQuery = z.object({
  user: userRef,
  contract: z.string().trim().min(1).max(300).describe("Contract id or external reference"),
  level: z.enum(LEVELS).default("view").describe("The level the caller needs"),
  at: atParam.optional(),
  directory: directoryRef,
});

export const contractAccessQuery = pageInput.extend({ at: atParam.optional() });
export const userContractsQuery = pageInput.extend({ at: atParam.optional(), directory: directoryRef });

export interface UserCandidate {
  id: string;
  /** null: the person has since been deleted (their name was erased). */
  userName: string | null;
  externalId: string | null;
  directory: { id: string; name: string };
}

/**
 * The user a caller means: an id wins; else userName (case-insensitive, unique per directory) or
 * externalId, optionally within one directory. Several matches across directories → conflict with
 * the candidates, so the caller can retry with `directory=` or the id. A deleted user can still be
 * named by id for point-in-time questions (their status history keeps the id).
 *
 * With `at` (a question about the past), a userName means whoever held it at `at` — the person who
 * held it then, even if deleted since and the name given to someone new (identity across time);
 * several holders then (in several directories) → conflict with the candidates by id. When nobody
 * held it then, the current holder (or externalId) is meant, as without `at`.
 */
export async function resolveUser(
  prisma: PrismaClient,
  options: { ref: string; directory?: string; at?: Date },
): Promise<{ id: string; userName: string | null; displayName: string | null; directoryId: string | null }> {
  const { ref } = options;
  let directoryId: string | undefined;
  if (options.directory) {
    const directory =
      (await prisma.directory.findUnique({ where: { name: options.directory }, select: { id: true } })) ??
      (isUuid(options.directory) ? await prisma.directory.findUnique({ where: { id: options.directory }, select: { id: true } }) : null);
    if (!directory) throw new AppError("not_found", `No directory named or with id "${options.directory}"`);
    directoryId = directory.id;
  }
  const scope = directoryId ? { directoryId } : {};
  if (isUuid(ref)) {
    const byId = await prisma.user.findFirst({ where: { id: ref, ...scope }, select: { id: true, userName: true, displayName: true, directoryId: true } });
    if (byId) return byId;
  }
  if (options.at) {
    const holders = await holdersOfUserNameAt(prisma, { userName: ref, at: options.at, directoryId });
    if (holders.length === 1) {
      const [h] = holders;
      return { id: h.id, userName: h.userName, displayName: h.displayName, directoryId: h.directoryId };
    }
    if (holders.length > 1) {
      const names = new Map((await prisma.directory.findMany({ where: { id: { in: holders.map((h) => h.directoryId) } }, select: { id: true, name: true } })).map((d) => [d.id, d.name]));
      const candidates: UserCandidate[] = holders.map((h) => ({ id: h.id, userName: h.userName, externalId: null, directory: { id: h.directoryId, name: names.get(h.directoryId) ?? "" } }));
      throw new AppError("conflict", `"${ref}" was held by ${holders.length} users at ${options.at.toISOString()}; pass directory= or a user id`, { candidates });
    }
  }
  const matches = await prisma.user.findMany({
    where: { ...scope, OR: [{ userNameKey: ref.toLowerCase() }, { externalId: ref }] },
    select: { id: true, userName: true, displayName: true, externalId: true, directory: { select: { id: true, name: true } } },
    orderBy: { id: "asc" },
    take: 20,
  });
  if (matches.length === 1) {
    const [m] = matches;
    return { id: m.id, userName: m.userName, displayName: m.displayName, directoryId: m.directory.id };
  }
  if (matches.length > 1) {
    const candidates: UserCandidate[] = matches.map((m) => ({ id: m.id, userName: m.userName, externalId: m.externalId, directory: m.directory }));
    throw new AppError("conflict", `"${ref}" names ${matches.length} users; pass directory= or a user id`, { candidates });
  }
  if (isUuid(ref) && !directoryId) {
    const history = await prisma.userStatusInterval.findFirst({ where: { userId: ref }, select: { userId: true, directoryId: true } });
    if (history) return { id: history.userId, userName: null, displayName: null, directoryId: history.directoryId };
  }
  throw new AppError("not_found", `No user with id, userName or externalId "${ref}"`);
}

async function resolveContract(prisma: PrismaClient, ref: string) {
  const contract = await findContract(prisma, ref);
  if (!contract) throw new AppError("not_found", `No contract with id or externalRef "${ref}"`);
  return contract;
}

/**
 * GET /api/v1/access/check. A denial an ethical wall caused is told as such (which wall, which side)
 * only to callers allowed to know (`canSeeWalls`: a key with walls:read); others learn "denied" and
 * nothing else. A wall's denial of a check about now is a breach attempt: recorded (lib/walls).
 */
export async function accessCheck(prisma: PrismaClient, query: Record<string, string>, options: { canSeeWalls?: boolean; actor?: Actor } = {}) {
  const q = accessCheckQuery.parse(query);
  const [user, contract] = await Promise.all([resolveUser(prisma, { ref: q.user, directory: q.directory, at: q.at }), resolveContract(prisma, q.contract)]);
  const result = await checkAccess(prisma, { userId: user.id, contractId: contract.id, level: q.level, at: q.at });
  const walls = result.denial.flatMap((d) => (d.code === "wall" ? [d] : []));
  if (walls.length && !q.at) {
    await recordBreachAttempts(prisma, {
      attempts: [{ userId: user.id, contractId: contract.id, walls, action: q.level }],
      source: "api",
      actor: options.actor ?? { type: "system", label: "access check" },
    });
  }
  return {
    allowed: result.allowed,
    level: result.level,
    requiredLevel: q.level,
    at: result.at,
    user,
    contract: { id: contract.id, externalRef: contract.externalRef, title: contract.title },
    reasons: result.reasons,
    denial: walls.length && !options.canSeeWalls ? [{ code: "denied" as const }] : result.denial,
  };
}

/** GET /api/v1/contracts/{ref}/access */
export async function contractAccess(prisma: PrismaClient, options: { ref: string; query: Record<string, string> }) {
  const { at, ...page } = contractAccessQuery.parse(options.query);
  const contract = await resolveContract(prisma, options.ref);
  const w = pageWindow(page);
  const instant = at ?? new Date();
  const result = await whoCanAccessContract(prisma, { contractId: contract.id, at: instant, offset: w.skip, limit: w.take });
  // Since when, for this page's readers only.
  const since = await accessSince(prisma, { contractId: contract.id, at: instant, readers: result.items.map((i) => ({ userId: i.user.id, level: i.level })) });
  return {
    contract: { id: contract.id, externalRef: contract.externalRef, title: contract.title },
    at: instant,
    page: w.page,
    pageSize: w.pageSize,
    total: result.total,
    items: result.items.map((i) => ({ ...i, since: since.get(i.user.id) ?? null })),
  };
}

/** GET /api/v1/users/{ref}/contracts */
export async function userContracts(prisma: PrismaClient, options: { ref: string; query: Record<string, string> }) {
  const { at, directory, ...page } = userContractsQuery.parse(options.query);
  const user = await resolveUser(prisma, { ref: options.ref, directory, at });
  const w = pageWindow(page);
  const instant = at ?? new Date();
  const result = await contractsOfUser(prisma, { userId: user.id, at: instant, offset: w.skip, limit: w.take });
  return { user, at: instant, page: w.page, pageSize: w.pageSize, total: result.total, items: result.items };
}
