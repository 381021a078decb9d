// Reads of exclusions: the list (dashboard, API) and one exclusion explained. The engine applies
// them (lib/access/sql.ts notExcludedAt); these only show them.
import type { z } from "zod";
import type { Prisma, PrismaClient } from "@/lib/generated/prisma/client";
import type { Tx } from "@/lib/db/errors";
import { now as clockNow } from "@/lib/clock";
import { onProcessClient } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { confidentialityFromRank, type Confidentiality } from "@/lib/access/levels";
import { pageWindow, type Page, type PageInput } from "@/lib/pagination";
import type { exclusionListQuery } from "./schemas";

export interface ExclusionView {
  id: string;
  user: { id: string; userName: string | null; displayName: string | null };
  scope:
    | {
        kind: "repository";
        id: string;
        name: string | null;
        /** Narrowed to these contract types (empty: all) and this confidentiality and above (null: all). */
        contractTypes: string[];
        confidentialityFloor: Confidentiality | null;
      }
    | { kind: "contract"; id: string; name: string | null };
  source: string;
  campaignId: string | null;
  reason: string;
  validFrom: Date;
  validTo: Date | null;
  /** Valid now. */
  active: boolean;
  createdAt: Date;
  createdBy: { type: string; id: string | null; label: string | null };
  lifted: { at: Date; by: { type: string | null; id: string | null; label: string | null }; justification: string | null } | null;
  /** One sentence for the list: "Excluded by access review campaign "Q4 review", applied by …: reason". */
  explanation: string;
}

type Row = Prisma.ExclusionGetPayload<object>;

async function views(db: PrismaClient | Tx, rows: Row[]): Promise<ExclusionView[]> {
  const [users, repositories, contracts, campaigns] = await Promise.all([
    db.user.findMany({ where: { id: { in: rows.map((r) => r.userId) } }, select: { id: true, userName: true, displayName: true } }),
    db.repository.findMany({ where: { id: { in: rows.flatMap((r) => (r.repositoryId ? [r.repositoryId] : [])) } }, select: { id: true, name: true } }),
    db.contract.findMany({ where: { id: { in: rows.flatMap((r) => (r.contractId ? [r.contractId] : [])) } }, select: { id: true, title: true } }),
    db.reviewCampaign.findMany({ where: { id: { in: rows.flatMap((r) => (r.campaignId ? [r.campaignId] : [])) } }, select: { id: true, name: true } }),
  ]);
  const campaignName = new Map(campaigns.map((c) => [c.id, c.name]));
  const userOf = new Map(users.map((u) => [u.id, u]));
  const repositoryName = new Map(repositories.map((r) => [r.id, r.name]));
  const contractTitle = new Map(contracts.map((c) => [c.id, c.title]));
  const now = clockNow();
  return rows.map((r) => {
    const u = userOf.get(r.userId);
    const scope = r.repositoryId
      ? {
          kind: "repository" as const,
          id: r.repositoryId,
          name: repositoryName.get(r.repositoryId) ?? null,
          contractTypes: (r.contractTypes as string[] | null) ?? [],
          confidentialityFloor: r.confidentialityFloor === null ? null : confidentialityFromRank(r.confidentialityFloor),
        }
      : { kind: "contract" as const, id: r.contractId!, name: contractTitle.get(r.contractId!) ?? null };
    const by = r.createdByLabel ?? r.createdById ?? r.createdByType;
    return {
      id: r.id,
      user: { id: r.userId, userName: u?.userName ?? null, displayName: u?.displayName ?? null },
      scope,
      source: r.source,
      campaignId: r.campaignId,
      reason: r.reason,
      validFrom: r.validFrom,
      validTo: r.validTo,
      active: r.validFrom <= now && (r.validTo === null || r.validTo > now),
      createdAt: r.createdAt,
      createdBy: { type: r.createdByType, id: r.createdById, label: r.createdByLabel },
      lifted: r.liftedAt
        ? { at: r.liftedAt, by: { type: r.liftedByType, id: r.liftedById, label: r.liftedByLabel }, justification: r.liftJustification }
        : null,
      // The campaign by its name (the list is read by people, who cannot resolve an id).
      explanation:
        r.source === "campaign"
          ? `Excluded by access review campaign "${(r.campaignId && campaignName.get(r.campaignId)) ?? "(deleted campaign)"}", applied by ${by}: ${r.reason}`
          : `Excluded by an admin, ${by}: ${r.reason}`,
    };
  });
}

export async function getExclusion(db: PrismaClient | Tx, options: { id: string }): Promise<ExclusionView> {
  const row = await db.exclusion.findUnique({ where: { id: options.id } });
  if (!row) throw new AppError("not_found", `Exclusion ${options.id} not found`);
  return (await views(db, [row]))[0];
}

export async function listExclusions(
  db: PrismaClient,
  options: { filter: z.output<typeof exclusionListQuery>; page?: PageInput },
): Promise<Page<ExclusionView>> {
  const { page, pageSize, skip, take } = pageWindow(options.page);
  const f = options.filter;
  const now = clockNow();
  const where: Prisma.ExclusionWhereInput = {
    ...(f.userId ? { userId: f.userId } : {}),
    ...(f.repositoryId ? { repositoryId: f.repositoryId } : {}),
    ...(f.contractId ? { contractId: f.contractId } : {}),
    ...(f.campaignId ? { campaignId: f.campaignId } : {}),
    ...(f.state === "active" ? { validFrom: { lte: now }, OR: [{ validTo: null }, { validTo: { gt: now } }] } : {}),
    ...(f.state === "lifted" ? { liftedAt: { not: null } } : {}),
  };
  const [total, rows] = await Promise.all([
    db.exclusion.count({ where }),
    db.exclusion.findMany({ where, orderBy: [{ createdAt: "desc" }, { id: "asc" }], skip, take }),
  ]);
  return { items: await views(db, rows), page, pageSize, total };
}

/** The read functions the exclusions page calls. */
export const exclusionsForPages = {
  list: onProcessClient(listExclusions),
};
