// Access review for the dashboard: pick a contract, a repository or a person and an instant, see
// who could open what at which level and why (the export is in ./export.ts). Every answer comes
// from the access engine (lib/access/effective-access.ts); this module only pages and names.
import { z } from "zod";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import {

  checkAccess,
  contractsOfUser,
  readerReasonGroups,
  readersOfContract,
  whoCanAccessContract,
  type ContractsOfUserFilter,
  type Reason,
  type ReaderReasonGroup,
} from "@/lib/access/effective-access";
import { confidentialityFromRank, LEVELS, type Confidentiality, type Level } from "@/lib/access/levels";
import { atInput as pastAtInput } from "@/lib/access/instant";
import { toInt, ts, validAt } from "@/lib/access/sql";
import { datedText } from "@/lib/calendar-date";
import { holdersOfUserNameAt } from "@/lib/users/name-history";
import { accessSince } from "@/lib/access/intervals";
import { isUuid } from "@/lib/contracts/schemas";
import { AppError } from "@/lib/errors";
import { pageWindow, type Page } from "@/lib/pagination";
import { now as clockNow } from "@/lib/clock";
import { onProcessClient } from "@/lib/db/client";

export const SUBJECT_KINDS = ["contract", "repository", "user"] as const;
export type SubjectKind = (typeof SUBJECT_KINDS)[number];

/** An instant, not in the future (lib/access/instant.ts). Absent = now. */
export const atInput = pastAtInput.optional();

export const reviewQuery = z.object({
  subject: z.enum(SUBJECT_KINDS),
  id: z.string().trim().min(1, "is required").max(200),
  at: atInput,
  page: z.coerce.number().optional(),
  pageSize: z.coerce.number().optional(),
  // A person's contracts only: search and filters, applied before paging.
  q: z.string().trim().max(200).optional().transform((v) => v || undefined),
  repositoryId: z.string().trim().max(200).optional().transform((v) => v || undefined),
  level: z.enum(LEVELS).optional(),
  endingWithinDays: z.coerce.number().int().min(1).max(3650).optional(),
});

/** JSON form of the engine's answers (Dates as ISO strings), as routes send them. */
export type Jsonified<T> = T extends Date
  ? string
  : T extends (infer U)[]
    ? Jsonified<U>[]
    : T extends object
      ? { [K in keyof T]: Jsonified<T[K]> }
      : T;

export interface SubjectSummary {
  kind: SubjectKind;
  id: string;
  label: string;
  secondary: string | null;
}

export interface PersonAccess {
  user: { id: string; userName: string | null; displayName: string | null; directoryId: string | null; active: boolean | null };
  level: Level;
  /** From when they have had access at `level` or higher without a break (lib/access/intervals.ts accessSince). */
  since: Date | null;
  reasons: Reason[];
}

export interface ContractAccess {
  contract: {
    id: string;
    title: string | null;
    externalRef: string | null;
    repositoryId: string;
    repositoryName: string | null;
    confidentiality: Confidentiality;
    contractType: string;
  };
  level: Level;
  reasons: Reason[];
}

export interface RepositoryContractRow {
  contract: { id: string; title: string | null; externalRef: string | null; confidentiality: Confidentiality; contractType: string; endDate: string | null };
  /** People who could open the contract at T. */
  people: number;
}

export type ReviewPage =
  | ({ subject: SubjectSummary; at: Date; kind: "contract" } & Page<PersonAccess>)
  | ({ subject: SubjectSummary; at: Date; kind: "user" } & Page<ContractAccess>)
  | ({ subject: SubjectSummary; at: Date; kind: "repository" } & Page<RepositoryContractRow>);

/**
 * The subject by id (or a contract's external reference). A person deleted since may still be
 * reviewed in the past: their status history keeps the id, without a name.
 */
export async function findSubject(prisma: PrismaClient, options: { kind: SubjectKind; id: string }): Promise<SubjectSummary> {
  const { kind, id } = options;
  if (kind === "contract") {
    const c =
      (isUuid(id) ? await prisma.contract.findUnique({ where: { id }, include: { repository: { select: { name: true } } } }) : null) ??
      (await prisma.contract.findUnique({ where: { externalRef: id }, include: { repository: { select: { name: true } } } }));
    if (!c) throw new AppError("not_found", `No contract with id or externalRef "${id}"`);
    return { kind, id: c.id, label: c.title, secondary: [c.externalRef, c.repository.name].filter(Boolean).join(" · ") || null };
  }
  if (kind === "repository") {
    const r = (isUuid(id) ? await prisma.repository.findUnique({ where: { id } }) : null) ?? (await prisma.repository.findUnique({ where: { name: id } }));
    if (!r) throw new AppError("not_found", `No repository with id or name "${id}"`);
    return { kind, id: r.id, label: r.name, secondary: r.owner };
  }
  const u = await prisma.user.findUnique({ where: { id }, include: { directory: { select: { name: true } } } });
  if (u) return { kind, id: u.id, label: u.displayName ?? u.userName, secondary: `${u.userName} · ${u.directory.name}` };
  const history = await prisma.userStatusInterval.findFirst({ where: { userId: id }, select: { userId: true } });
  if (!history) throw new AppError("not_found", `No user with id "${id}"`);
  return { kind, id, label: `Deleted user ${id.slice(0, 8)}…`, secondary: "deleted; history kept by id" };
}

/**
 * Up to 20 candidates for the subject picker. With `at` (a review of the past), a query that is a
 * whole userName first lists whoever held it at `at` — also a person deleted since, by id — and
 * marks a current holder who did not hold it then (identity across time): both are listed by id.
 */
export async function searchSubjects(prisma: PrismaClient, options: { kind: SubjectKind; q: string; at?: Date }): Promise<SubjectSummary[]> {
  const q = options.q.trim();
  const take = 20;
  if (options.kind === "contract") {
    const rows = await prisma.contract.findMany({
      where: q
        ? { OR: [{ title: { contains: q, mode: "insensitive" } }, { externalRef: q }, { counterparty: { contains: q, mode: "insensitive" } }, ...(isUuid(q) ? [{ id: q }] : [])] }
        : {},
      orderBy: [{ title: "asc" }, { id: "asc" }],
      take,
      include: { repository: { select: { name: true } } },
    });
    return rows.map((c) => ({ kind: "contract", id: c.id, label: c.title, secondary: [c.externalRef, c.repository.name].filter(Boolean).join(" · ") }));
  }
  if (options.kind === "repository") {
    const rows = await prisma.repository.findMany({ where: q ? { name: { contains: q, mode: "insensitive" } } : {}, orderBy: { name: "asc" }, take });
    return rows.map((r) => ({ kind: "repository", id: r.id, label: r.name, secondary: r.owner }));
  }
  const rows = await prisma.user.findMany({
    where: q
      ? { OR: [{ userNameKey: { contains: q.toLowerCase() } }, { displayName: { contains: q, mode: "insensitive" } }, { primaryEmail: { contains: q.toLowerCase() } }, ...(isUuid(q) ? [{ id: q }] : [])] }
      : {},
    orderBy: [{ userNameKey: "asc" }, { id: "asc" }],
    take,
    include: { directory: { select: { name: true } } },
  });
  const people: SubjectSummary[] = rows.map((u) => ({ kind: "user", id: u.id, label: u.displayName ?? u.userName, secondary: `${u.userName} · ${u.directory.name}${u.active ? "" : " · deactivated"}` }));
  if (!options.at || !q) return people;
  const holders = await holdersOfUserNameAt(prisma, { userName: q, at: options.at });
  const heldThen = new Set(holders.map((h) => h.id));
  const then = holders.map((h): SubjectSummary => {
    const current = people.find((p) => p.id === h.id);
    return current
      ? { ...current, secondary: `${current.secondary} · held “${q}” at the chosen instant` }
      : { kind: "user", id: h.id, label: `Deleted user ${h.id.slice(0, 8)}…`, secondary: `held “${q}” at the chosen instant; deleted since (history kept by id)` };
  });
  const others = people
    .filter((p) => !heldThen.has(p.id))
    .map((p) => (rows.find((u) => u.id === p.id)?.userNameKey === q.toLowerCase() ? { ...p, secondary: `${p.secondary} · did not hold “${q}” at the chosen instant` } : p));
  return [...then, ...others].slice(0, take);
}

/** Everyone who could open the contract at `at`, with level and reasons (one page). */
export async function contractAccessPage(
  prisma: PrismaClient,
  options: { contractId: string; at?: Date; page?: number; pageSize?: number },
): Promise<Page<PersonAccess>> {
  const { page, pageSize, skip, take } = pageWindow({ page: options.page, pageSize: options.pageSize });
  const result = await whoCanAccessContract(prisma, { contractId: options.contractId, at: options.at, offset: skip, limit: take });
  const ids = result.items.map((i) => i.user.id);
  const [users, since] = await Promise.all([
    prisma.user.findMany({ where: { id: { in: ids } }, select: { id: true, active: true } }),
    accessSince(prisma, { contractId: options.contractId, at: options.at ?? clockNow(), readers: result.items.map((i) => ({ userId: i.user.id, level: i.level })) }),
  ]);
  const active = new Map(users.map((u) => [u.id, u.active]));
  return {
    page,
    pageSize,
    total: result.total,
    items: result.items.map((i) => ({ user: { ...i.user, active: active.get(i.user.id) ?? null }, level: i.level, since: since.get(i.user.id) ?? null, reasons: i.reasons })),
  };
}

/** Every contract the person could open at `at`, with level and reasons (one page). */
export async function userAccessPage(
  prisma: PrismaClient,
  options: { userId: string; at?: Date; page?: number; pageSize?: number; filter?: ContractsOfUserFilter },
): Promise<Page<ContractAccess>> {
  const { page, pageSize, skip, take } = pageWindow({ page: options.page, pageSize: options.pageSize });
  const result = await contractsOfUser(prisma, { userId: options.userId, at: options.at, offset: skip, limit: take, filter: options.filter });
  const repoIds = [...new Set(result.items.map((i) => i.contract.repositoryId))];
  const names = new Map((await prisma.repository.findMany({ where: { id: { in: repoIds } }, select: { id: true, name: true } })).map((r) => [r.id, r.name]));
  return {
    page,
    pageSize,
    total: result.total,
    items: result.items.map((i) => ({ contract: { ...i.contract, repositoryName: names.get(i.contract.repositoryId) ?? null }, level: i.level, reasons: i.reasons })),
  };
}

/**
 * The contracts that belonged to the repository at `at` (as their revisions then say), each with
 * how many people could open it then; the reasons are one click away (contract review).
 */
export async function repositoryAccessPage(
  prisma: PrismaClient,
  options: { repositoryId: string; at?: Date; page?: number; pageSize?: number },
): Promise<Page<RepositoryContractRow>> {
  const { page, pageSize, skip, take } = pageWindow({ page: options.page, pageSize: options.pageSize });
  const at = options.at ?? clockNow();
  const T = ts(2);
  const [rows, [{ n }]] = await Promise.all([
    prisma.$queryRawUnsafe<{ id: string; title: string; externalRef: string | null; confidentiality: number; contractType: string; endDate: Date | null; endDay: Date | null }[]>(
      `SELECT c.id, c.title, c."externalRef", cr.confidentiality, cr."contractType", cr."endDate", cr."endDay"
         FROM "ContractRevision" cr JOIN "Contract" c ON c.id = cr."contractId"
        WHERE cr."repositoryId" = $1 AND ${validAt("cr", T)}
        ORDER BY c.title, c.id OFFSET ${skip} LIMIT ${take}`,
      options.repositoryId,
      at,
    ),
    prisma.$queryRawUnsafe<{ n: unknown }[]>(
      `SELECT count(*) AS n FROM "ContractRevision" cr WHERE cr."repositoryId" = $1 AND ${validAt("cr", T)}`,
      options.repositoryId,
      at,
    ),
  ]);
  const people = await Promise.all(rows.map((r) => whoCanAccessContract(prisma, { contractId: r.id, at, offset: 0, limit: 1 })));
  return {
    page,
    pageSize,
    total: toInt(n),
    items: rows.map((r, i) => ({
      contract: { id: r.id, title: r.title, externalRef: r.externalRef, confidentiality: confidentialityFromRank(r.confidentiality), contractType: r.contractType, endDate: datedText(r.endDate, r.endDay) },
      people: people[i].total,
    })),
  };
}

/** One page of a review, whatever the subject (`input`: the query string as an object). */
export async function reviewAccess(prisma: PrismaClient, input: Record<string, unknown>): Promise<ReviewPage> {
  const q = reviewQuery.parse(input);
  const subject = await findSubject(prisma, { kind: q.subject, id: q.id });
  const at = q.at ?? clockNow();
  const window = { at, page: q.page, pageSize: q.pageSize };
  if (subject.kind === "contract") return { kind: "contract", subject, at, ...(await contractAccessPage(prisma, { contractId: subject.id, ...window })) };
  if (subject.kind === "user") {
    const filter = { q: q.q, repositoryId: q.repositoryId, level: q.level, endingWithinDays: q.endingWithinDays };
    return { kind: "user", subject, at, ...(await userAccessPage(prisma, { userId: subject.id, ...window, filter })) };
  }
  return { kind: "repository", subject, at, ...(await repositoryAccessPage(prisma, { repositoryId: subject.id, ...window })) };
}

export const checkQuery = z.object({
  userId: z.string().trim().min(1, "is required").max(200),
  contractId: z.string().trim().min(1, "is required").max(200),
  level: z.enum(LEVELS).default("view"),
  at: atInput,
});

/** One person and one contract: allowed or not, the reasons, and why not (the review's single check). */
export async function checkOne(prisma: PrismaClient, input: Record<string, unknown>) {
  const q = checkQuery.parse(input);
  const [user, contract] = [await findSubject(prisma, { kind: "user", id: q.userId }), await findSubject(prisma, { kind: "contract", id: q.contractId })];
  const result = await checkAccess(prisma, { userId: user.id, contractId: contract.id, level: q.level, at: q.at ?? clockNow() });
  return { user, contract, requiredLevel: q.level, ...result };
}

/** A contract's readers grouped by reason (the dashboard's "who can open this and why"). */
export const readerGroupsQuery = z.object({
  contractId: z.string().trim().min(1, "is required").max(200),
  at: atInput,
});

/** One page of a contract's readers: those of one reason (a key from the groups), or a name search. */
export const readersQuery = readerGroupsQuery.extend({
  reason: z.string().trim().max(4000).optional().transform((v) => v || undefined),
  q: z.string().trim().max(200).optional().transform((v) => v || undefined),
  page: z.coerce.number().optional(),
  pageSize: z.coerce.number().optional(),
});

export interface ReaderGroups {
  at: Date;
  /** Everyone who can open the contract (a person reached by several reasons counts once). */
  total: number;
  groups: ReaderReasonGroup[];
}

/** The contract's reasons, each with its number of readers (contract by id or external reference). */
export async function contractReaderGroups(prisma: PrismaClient, input: Record<string, unknown>): Promise<ReaderGroups> {
  const q = readerGroupsQuery.parse(input);
  const subject = await findSubject(prisma, { kind: "contract", id: q.contractId });
  const at = q.at ?? clockNow();
  const [groups, everyone] = await Promise.all([
    readerReasonGroups(prisma, { contractId: subject.id, at }),
    readersOfContract(prisma, { contractId: subject.id, at, reason: undefined, q: undefined, offset: 0, limit: 1 }),
  ]);
  return { at, total: everyone.total, groups };
}

/** One page of the contract's readers, of one reason or matching a search (then with their reasons). */
export async function contractReadersPage(
  prisma: PrismaClient,
  input: Record<string, unknown>,
): Promise<Page<{ user: PersonAccess["user"]; level: Level; since: Date | null; reasons?: Reason[] }>> {
  const q = readersQuery.parse(input);
  const subject = await findSubject(prisma, { kind: "contract", id: q.contractId });
  const { page, pageSize, skip, take } = pageWindow({ page: q.page, pageSize: q.pageSize });
  const at = q.at ?? clockNow();
  const result = await readersOfContract(prisma, { contractId: subject.id, at, reason: q.reason, q: q.q, offset: skip, limit: take });
  // Since when, for this page's readers only.
  const since = await accessSince(prisma, { contractId: subject.id, at, readers: result.items.map((i) => ({ userId: i.user.id, level: i.level })) });
  return { page, pageSize, total: result.total, items: result.items.map((i) => ({ ...i, since: since.get(i.user.id) ?? null })) };
}

/** The reads the access-review page makes (pages never hold the database client). */
export const accessReviewForPages = {
  subject: onProcessClient(findSubject),
};
