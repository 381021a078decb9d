// Read models of repositories and contracts for the dashboard: the contract list with the
// contract service's filters plus sorting, a repository's detail (contracts by confidentiality and
// status, rules on it), and a contract's detail (history of its access-relevant attributes, rules
// naming it). Writes go through lib/contracts/service.ts.
import { z } from "zod";
import type { Prisma, PrismaClient } from "@/lib/generated/prisma/client";
import { CONFIDENTIALITIES, confidentialityRank, type Confidentiality } from "@/lib/access/levels";
import { contractView, getContract, listContractRevisions, listContractsInput, repositoryView, type ContractView } from "@/lib/contracts/service";
import { AppError } from "@/lib/errors";
import { pageWindow, type Page } from "@/lib/pagination";

export const CONTRACT_SORTS = ["title", "counterparty", "contractType", "confidentiality", "status", "endDate", "updatedAt"] as const;

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

export async function listContractsForAdmin(prisma: PrismaClient, input: Record<string, unknown>): Promise<Page<ContractView>> {
  const q = contractListQuery.parse(withoutEmpty(input));
  const { page, pageSize, skip, take } = pageWindow({ page: q.page, pageSize: q.pageSize });
  const where: Prisma.ContractWhereInput = {
    ...(q.repositoryId ? { repositoryId: q.repositoryId } : {}),
    ...(q.contractType ? { contractType: q.contractType } : {}),
    ...(q.confidentiality ? { confidentiality: confidentialityRank(q.confidentiality) } : {}),
    ...(q.status ? { status: q.status } : {}),
    ...(q.q
      ? { OR: [{ title: { contains: q.q, mode: "insensitive" } }, { counterparty: { contains: q.q, mode: "insensitive" } }, { externalRef: { equals: q.q } }] }
      : {}),
  };
  const [total, rows] = await Promise.all([
    prisma.contract.count({ where }),
    prisma.contract.findMany({
      where,
      // Contracts without a counterparty or end date sort last either way.
      orderBy: [{ [q.sort]: NULLABLE_SORTS.has(q.sort) ? { sort: q.order, nulls: "last" } : q.order }, { id: "asc" }],
      skip,
      take,
      include: { repository: { select: { id: true, name: true } } },
    }),
  ]);
  return { total, page, pageSize, items: rows.map(contractView) };
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
    prisma.contract.count({ where: { repositoryId: repository.id, endDate: { lte: options.now ?? new Date() } } }),
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
  const ended = contract.endDate !== null && new Date(contract.endDate).getTime() <= (options.now ?? new Date()).getTime();
  return { contract, ended, revisions: await listContractRevisions(prisma, { contractId: contract.id }) };
}
