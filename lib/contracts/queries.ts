// Reads of repositories and contracts: the one contract list (filters, sorting, pages), a contract
// by id or external reference and its history, the repository list and a repository's detail
// (contracts by confidentiality and status), a contract's detail, and the pickers' options.
// Writes go through ./service.ts.
import { z } from "zod";
import type { Contract, Prisma, PrismaClient, Repository } from "@/lib/generated/prisma/client";
import { CONFIDENTIALITIES, confidentialityFromRank, confidentialityRank, type Confidentiality } from "@/lib/access/levels";
import type { Tx } from "@/lib/db/errors";
import { isUuid, listContractsInput } from "./schemas";
import { AppError } from "@/lib/errors";
import { pageWindow, type Page, type PageInput } from "@/lib/pagination";
import { now as clockNow } from "@/lib/clock";
import { onProcessClient } from "@/lib/db/client";
import { datedText } from "@/lib/calendar-date";

// Views: how a contract and a repository are answered (the writes in ./service.ts answer the same).

export type ContractWithRepository = Contract & { repository: Pick<Repository, "id" | "name"> };

export interface ContractView {
  id: string;
  externalRef: string | null;
  title: string;
  counterparty: string | null;
  contractType: string;
  confidentiality: string;
  status: string;
  /** A day ("2026-03-31", in ACCESS_TIME_ZONE) when given date-only, else an instant. */
  effectiveDate: string | null;
  /** Inclusive when a day; exclusive when an instant. */
  endDate: string | null;
  /** The instant access through rules ends (before grace days): after endDate's day, or endDate itself. */
  accessEndsAt: string | null;
  owner: string | null;
  tags: string[];
  repository: { id: string; name: string };
  version: number;
  createdAt: string;
  updatedAt: string;
}

export function contractView(c: ContractWithRepository): ContractView {
  return {
    id: c.id,
    externalRef: c.externalRef,
    title: c.title,
    counterparty: c.counterparty,
    contractType: c.contractType,
    confidentiality: confidentialityFromRank(c.confidentiality),
    status: c.status,
    effectiveDate: datedText(c.effectiveDate, c.effectiveDay),
    endDate: datedText(c.endDate, c.endDay),
    accessEndsAt: c.endDate?.toISOString() ?? null,
    owner: c.owner,
    tags: Array.isArray(c.tags) ? (c.tags as string[]) : [],
    repository: { id: c.repository.id, name: c.repository.name },
    version: c.version,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  };
}

export function repositoryView(r: Repository & { _count?: { contracts: number } }) {
  return {
    id: r.id,
    name: r.name,
    description: r.description,
    owner: r.owner,
    ...(r._count ? { contracts: r._count.contracts } : {}),
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}

/** What every contract view reads with the contract. */
export const withRepository = { repository: { select: { id: true, name: true } } } as const;

export const CONTRACT_SORTS = ["title", "counterparty", "contractType", "confidentiality", "status", "endDate", "updatedAt"] as const;
type ContractSort = (typeof CONTRACT_SORTS)[number];

const NULLABLE_SORTS = new Set<string>(["counterparty", "endDate"]);

export const contractListQuery = listContractsInput.extend({
  sort: z.enum(CONTRACT_SORTS).default("title"),
  order: z.enum(["asc", "desc"]).default("asc"),
  page: z.coerce.number().optional(),
  pageSize: z.coerce.number().optional(),
});

/** Empty query-string values mean "no filter". */
function withoutEmpty(input: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(input).filter(([, v]) => v !== "" && v !== undefined && v !== null));
}

/**
 * Contracts filtered, sorted and paginated in the database: the one contract list behind
 * /api/v1/contracts and the dashboard (which passes its query string through
 * listContractsForAdmin).
 */
export async function listContracts(
  prisma: PrismaClient,
  options: { page?: PageInput; filter?: z.input<typeof listContractsInput>; sort?: ContractSort; order?: "asc" | "desc" } = {},
): Promise<Page<ContractView>> {
  const { page, pageSize, skip, take } = pageWindow(options.page);
  const f = listContractsInput.parse(options.filter ?? {});
  const sort = options.sort ?? "title";
  const order = options.order ?? "asc";
  const where: Prisma.ContractWhereInput = {
    ...(f.repositoryId ? { repositoryId: f.repositoryId } : {}),
    ...(f.contractType ? { contractType: f.contractType } : {}),
    ...(f.confidentiality ? { confidentiality: confidentialityRank(f.confidentiality) } : {}),
    ...(f.status ? { status: f.status } : {}),
    ...(f.q
      ? { OR: [{ title: { contains: f.q, mode: "insensitive" } }, { counterparty: { contains: f.q, mode: "insensitive" } }, { externalRef: { equals: f.q } }] }
      : {}),
  };
  const [total, rows] = await Promise.all([
    prisma.contract.count({ where }),
    prisma.contract.findMany({
      where,
      // Contracts without a counterparty or end date sort last either way.
      orderBy: [{ [sort]: NULLABLE_SORTS.has(sort) ? { sort: order, nulls: "last" } : order }, { id: "asc" }],
      skip,
      take,
      include: withRepository,
    }),
  ]);
  return { total, page, pageSize, items: rows.map(contractView) };
}

/** The dashboard's contract list: its query string (filters, sort, page) parsed, then listContracts. */
export async function listContractsForAdmin(prisma: PrismaClient, input: Record<string, unknown>): Promise<Page<ContractView>> {
  const { sort, order, page, pageSize, ...filter } = contractListQuery.parse(withoutEmpty(input));
  return listContracts(prisma, { filter, sort, order, page: { page, pageSize } });
}

/** Distinct contract types in use, for filter and rule forms. */
export async function contractTypes(prisma: PrismaClient, options: { repositoryId?: string } = {}): Promise<string[]> {
  const rows = await prisma.contract.findMany({
    where: options.repositoryId ? { repositoryId: options.repositoryId } : {},
    distinct: ["contractType"],
    select: { contractType: true },
    orderBy: { contractType: "asc" },
    take: 500,
  });
  return rows.map((r) => r.contractType);
}

export async function listRepositories(
  prisma: PrismaClient,
  options: { page?: PageInput; q?: string } = {},
): Promise<Page<ReturnType<typeof repositoryView>>> {
  const { page, pageSize, skip, take } = pageWindow(options.page);
  const q = options.q?.trim();
  const where: Prisma.RepositoryWhereInput = q ? { name: { contains: q, mode: "insensitive" } } : {};
  const [rows, total] = await Promise.all([
    prisma.repository.findMany({
      where,
      orderBy: [{ name: "asc" }, { id: "asc" }],
      skip,
      take,
      include: { _count: { select: { contracts: true } } },
    }),
    prisma.repository.count({ where }),
  ]);
  return { items: rows.map(repositoryView), page, pageSize, total };
}

/** A contract by id or by external reference. */
export async function findContract(prisma: PrismaClient | Tx, ref: string): Promise<ContractWithRepository | null> {
  if (isUuid(ref)) {
    const byId = await prisma.contract.findUnique({ where: { id: ref }, include: withRepository });
    if (byId) return byId;
  }
  return prisma.contract.findUnique({ where: { externalRef: ref }, include: withRepository });
}

export async function getContract(prisma: PrismaClient, options: { ref: string }): Promise<ContractView> {
  const contract = await findContract(prisma, options.ref);
  if (!contract) throw new AppError("not_found", `No contract with id or externalRef "${options.ref}"`);
  return contractView(contract);
}

/** The access-relevant history of a contract, oldest first. */
export async function listContractRevisions(prisma: PrismaClient, options: { contractId: string }) {
  const rows = await prisma.contractRevision.findMany({
    where: { contractId: options.contractId },
    orderBy: [{ validFrom: "asc" }, { id: "asc" }],
  });
  return rows.map((r) => ({
    id: r.id,
    repositoryId: r.repositoryId,
    contractType: r.contractType,
    confidentiality: confidentialityFromRank(r.confidentiality),
    endDate: datedText(r.endDate, r.endDay),
    accessEndsAt: r.endDate?.toISOString() ?? null,
    validFrom: r.validFrom.toISOString(),
    validTo: r.validTo?.toISOString() ?? null,
    eventId: r.eventId,
  }));
}

export const repositoryListQuery = z.object({
  q: z.string().trim().max(200).optional(),
  page: z.coerce.number().optional(),
  pageSize: z.coerce.number().optional(),
});

export interface RepositoryDetail {
  repository: ReturnType<typeof repositoryView>;
  byConfidentiality: Record<Confidentiality, number>;
  byStatus: Record<string, number>;
  /** Contracts whose end date has passed. */
  ended: number;
  contractTypes: string[];
}

export async function getRepositoryDetail(prisma: PrismaClient, options: { id: string; now?: Date }): Promise<RepositoryDetail> {
  const repository = await prisma.repository.findUnique({ where: { id: options.id }, include: { _count: { select: { contracts: true } } } });
  if (!repository) throw new AppError("not_found", `No repository with id "${options.id}"`);
  const [byConf, byStatus, ended, types] = await Promise.all([
    prisma.contract.groupBy({ by: ["confidentiality"], where: { repositoryId: repository.id }, _count: { _all: true } }),
    prisma.contract.groupBy({ by: ["status"], where: { repositoryId: repository.id }, _count: { _all: true } }),
    prisma.contract.count({ where: { repositoryId: repository.id, endDate: { lte: options.now ?? clockNow() } } }),
    contractTypes(prisma, { repositoryId: repository.id }),
  ]);
  const confidentiality = Object.fromEntries(CONFIDENTIALITIES.map((c) => [c, 0])) as Record<Confidentiality, number>;
  for (const row of byConf) {
    const c = CONFIDENTIALITIES[row.confidentiality];
    if (c) confidentiality[c] = row._count._all;
  }
  return {
    repository: repositoryView(repository),
    byConfidentiality: confidentiality,
    byStatus: Object.fromEntries(byStatus.map((s) => [s.status, s._count._all])),
    ended,
    contractTypes: types,
  };
}

export interface ContractDetail {
  contract: ContractView;
  /** The end date has passed (access through rules then lasts only their grace days). */
  ended: boolean;
  revisions: Awaited<ReturnType<typeof listContractRevisions>>;
}

export async function getContractDetail(prisma: PrismaClient, options: { id: string; now?: Date }): Promise<ContractDetail> {
  const contract = await getContract(prisma, { ref: options.id });
  const ended = contract.accessEndsAt !== null && new Date(contract.accessEndsAt).getTime() <= (options.now ?? clockNow()).getTime();
  return { contract, ended, revisions: await listContractRevisions(prisma, { contractId: contract.id }) };
}

/** Repositories by name (the first 1,000), for the repository pickers of the contract and rule forms and filters. */
export async function listRepositoryOptions(prisma: PrismaClient): Promise<{ id: string; name: string }[]> {
  return prisma.repository.findMany({ select: { id: true, name: true }, orderBy: { name: "asc" }, take: 1000 });
}

/** The reads contract and rule pages make (pages never hold the database client). */
export const contractsForPages = {
  repositoryOptions: onProcessClient(listRepositoryOptions),
  contract: onProcessClient(findContract),
};
