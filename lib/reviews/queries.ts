// Reads of review campaigns: the list, one campaign with its progress, a reviewer's own queue
// ("My reviews": only items assigned to them — the reviewer id is in every query's where), and the
// report with its rubber-stamp indicators. Writes are in ./service.ts.
import { z } from "zod";
import type { Prisma, PrismaClient } from "@/lib/generated/prisma/client";
import { confidentialityFromRank, levelFromRank } from "@/lib/access/levels";
import { csvField } from "@/lib/csv";
import { now as clockNow } from "@/lib/clock";
import { AppError } from "@/lib/errors";
import { onProcessClient } from "@/lib/db/client";
import { pageWindow, type Page, type PageInput } from "@/lib/pagination";
import { recommendationText } from "./recommendation";
import { wallReportItems, wallReviewProgress } from "./wall-review-queries";
import { campaignConfig } from "./schemas";

export const queueQuery = z.object({
  campaignId: z.string().trim().max(100).optional().transform((v) => v || undefined),
  state: z.enum(["open", "decided", "all"]).default("open"),
  recommendation: z.enum(["keep", "revoke", "none"]).optional().or(z.literal("").transform(() => undefined)),
  q: z.string().trim().max(200).optional().transform((v) => v || undefined),
  page: z.coerce.number().optional(),
  pageSize: z.coerce.number().optional(),
});

export async function listCampaigns(prisma: PrismaClient, options: { page?: PageInput } = {}) {
  const { page, pageSize, skip, take } = pageWindow(options.page);
  const [total, rows] = await Promise.all([
    prisma.reviewCampaign.count(),
    prisma.reviewCampaign.findMany({ orderBy: [{ startedAt: "desc" }, { id: "asc" }], skip, take }),
  ]);
  const counts = rows.length
    ? await prisma.reviewItem.groupBy({
        by: ["campaignId", "decision"],
        where: { campaignId: { in: rows.map((r) => r.id) } },
        _count: true,
      })
    : [];
  const walls = rows.filter((r) => r.kind === "walls").map((r) => r.id);
  const wallCounts = walls.length ? await prisma.wallReviewItem.groupBy({ by: ["campaignId", "decision"], where: { campaignId: { in: walls } }, _count: true }) : [];
  return {
    page,
    pageSize,
    total,
    items: rows.map((c) => {
      const mine = [...counts, ...wallCounts].filter((x) => x.campaignId === c.id);
      const decided = mine.filter((x) => x.decision !== null).reduce((s, x) => s + x._count, 0);
      return { id: c.id, name: c.name, kind: c.kind, status: c.status, startedAt: c.startedAt, dueAt: c.dueAt, closedAt: c.closedAt, items: c.populationSize, decided };
    }),
  };
}

export async function listDefinitions(prisma: PrismaClient) {
  return prisma.reviewDefinition.findMany({ orderBy: [{ createdAt: "desc" }, { id: "asc" }], take: 200 });
}

export async function getDefinition(prisma: PrismaClient, options: { id: string }) {
  const definition = await prisma.reviewDefinition.findUnique({ where: { id: options.id } });
  if (!definition) throw new AppError("not_found", `Review definition ${options.id} not found`);
  return definition;
}

/** One campaign: its frozen configuration, population hash, and progress by reviewer and stage. */
export async function getCampaign(prisma: PrismaClient, options: { id: string }) {
  const c = await prisma.reviewCampaign.findUnique({ where: { id: options.id } });
  if (!c) throw new AppError("not_found", `Campaign ${options.id} not found`);
  const wallProgress = c.kind === "walls" ? await wallReviewProgress(prisma, c.id) : null;
  const byReviewer = wallProgress ? wallProgress.byReviewer : await prisma.$queryRawUnsafe<{ reviewerId: string | null; stage: number; total: number; decided: number; userName: string | null; displayName: string | null }[]>(
    `SELECT i."reviewerId", i.stage, count(*)::int AS total, count(i.decision)::int AS decided, u."userName", u."displayName"
     FROM "ReviewItem" i LEFT JOIN "User" u ON u.id = i."reviewerId"
     WHERE i."campaignId" = $1 AND NOT i."carriedForward" GROUP BY i."reviewerId", i.stage, u."userName", u."displayName" ORDER BY i.stage, u."userName" NULLS FIRST`,
    c.id,
  );
  const carriedForward = await prisma.reviewItem.count({ where: { campaignId: c.id, carriedForward: true } });
  const outcomes = wallProgress
    ? wallProgress.outcomes.map((o) => ({ decision: o.decision, outcome: o.outcome, _count: o.items }))
    : await prisma.reviewItem.groupBy({ by: ["decision", "outcome"], where: { campaignId: c.id }, _count: true });
  const decided = byReviewer.reduce((s, r) => s + r.decided, 0) + carriedForward;
  const overdue = c.status === "active" && c.dueAt < clockNow();
  return {
    id: c.id,
    definitionId: c.definitionId,
    name: c.name,
    kind: c.kind,
    status: c.status,
    stage: c.stage,
    config: campaignConfig.parse(c.config),
    startedAt: c.startedAt,
    dueAt: c.dueAt,
    closedAt: c.closedAt,
    populationHash: c.populationHash,
    populationSize: c.populationSize,
    progress: { people: c.progressDone, of: c.progressTotal },
    failure: c.failure,
    decided,
    carriedForward,
    overdue,
    reviewers: byReviewer.map((r) => ({ ...r, overdue: overdue && r.decided < r.total })),
    outcomes: outcomes.map((o) => ({ decision: o.decision, outcome: o.outcome, items: o._count })),
  };
}

type ItemRow = Prisma.ReviewItemGetPayload<object>;

/** Names for items: people, repositories, contracts, groups on reasons. */
async function itemViews(prisma: PrismaClient, rows: ItemRow[]) {
  const reasons = (r: ItemRow) => r.reasons as { versionId: string; ruleId: string; version: number; level: number; gids: string[] | null; since: string }[];
  const [people, repositories, contracts, groups, campaigns] = await Promise.all([
    prisma.user.findMany({ where: { id: { in: rows.map((r) => r.userId) } }, select: { id: true, userName: true, displayName: true, department: true } }),
    prisma.repository.findMany({ where: { id: { in: rows.map((r) => r.repositoryId) } }, select: { id: true, name: true } }),
    prisma.contract.findMany({ where: { id: { in: rows.flatMap((r) => (r.contractId ? [r.contractId] : [])) } }, select: { id: true, title: true } }),
    prisma.group.findMany({ where: { id: { in: rows.flatMap((r) => reasons(r).flatMap((x) => x.gids ?? [])) } }, select: { id: true, displayName: true } }),
    prisma.reviewCampaign.findMany({ where: { id: { in: [...new Set(rows.map((r) => r.campaignId))] } }, select: { id: true, config: true } }),
  ]);
  const neverOpenedDays = new Map(campaigns.map((c) => [c.id, campaignConfig.parse(c.config).neverOpenedDays ?? null]));
  const person = new Map(people.map((p) => [p.id, p]));
  const repo = new Map(repositories.map((r) => [r.id, r.name]));
  const contract = new Map(contracts.map((c) => [c.id, c.title]));
  const group = new Map(groups.map((g) => [g.id, g.displayName]));
  return rows.map((r) => ({
    id: r.id,
    campaignId: r.campaignId,
    person: { id: r.userId, userName: person.get(r.userId)?.userName ?? null, displayName: person.get(r.userId)?.displayName ?? null, department: person.get(r.userId)?.department ?? null },
    repository: { id: r.repositoryId, name: repo.get(r.repositoryId) ?? null },
    contract: r.contractId ? { id: r.contractId, title: contract.get(r.contractId) ?? null } : null,
    level: levelFromRank(r.level),
    contracts: r.contracts,
    confidentiality: confidentialityFromRank(r.confidentiality),
    reasons: reasons(r).map((x) => ({
      versionId: x.versionId,
      ruleId: x.ruleId,
      version: x.version,
      level: levelFromRank(x.level),
      via: x.gids ? { kind: "group" as const, path: x.gids.map((id) => ({ id, name: group.get(id) ?? null })) } : { kind: "direct" as const },
      since: x.since,
    })),
    personStatus: r.personStatus,
    inactiveDays: r.inactiveDays,
    lastOpenedAt: r.lastOpenedAt,
    recommendation: r.recommendation,
    recommendationReason: r.recommendationReason,
    /** The reason as a sentence (My reviews, the report). */
    recommendationText: recommendationText(r.recommendationReason, { inactiveDays: r.inactiveDays, neverOpenedDays: neverOpenedDays.get(r.campaignId) }),
    stage: r.stage,
    reviewerId: r.reviewerId,
    decision: r.decision,
    decidedAt: r.decidedAt,
    decidedBy: r.decidedBy,
    justification: r.justification,
    secondsSpent: r.secondsSpent,
    bulk: r.bulk,
    carriedForward: r.carriedForward,
    outcome: r.outcome,
    appliedAt: r.appliedAt,
    exclusionId: r.exclusionId,
    endedRuleId: r.endedRuleId,
    proof: r.proof,
  }));
}

export type ReviewItemView = Awaited<ReturnType<typeof itemViews>>[number];

export const campaignItemsQuery = z.object({
  state: z.enum(["open", "decided", "all"]).default("all").describe("open: no decision yet; decided: a decision recorded"),
  reviewerId: z.string().trim().min(1).max(100).optional().describe("Only items assigned to this reviewer now"),
});

/** Every item of a campaign (monitoring, the API), paged in the database; the campaign must exist. */
export async function campaignItems(
  prisma: PrismaClient,
  options: { id: string; filter: z.output<typeof campaignItemsQuery>; page?: PageInput },
): Promise<Page<ReviewItemView>> {
  const campaign = await prisma.reviewCampaign.findUnique({ where: { id: options.id }, select: { id: true } });
  if (!campaign) throw new AppError("not_found", `Campaign ${options.id} not found`);
  const { page, pageSize, skip, take } = pageWindow(options.page);
  const f = options.filter;
  const where: Prisma.ReviewItemWhereInput = {
    campaignId: campaign.id,
    ...(f.state === "open" ? { decision: null } : f.state === "decided" ? { decision: { not: null } } : {}),
    ...(f.reviewerId ? { reviewerId: f.reviewerId } : {}),
  };
  const [total, rows] = await Promise.all([
    prisma.reviewItem.count({ where }),
    prisma.reviewItem.findMany({ where, orderBy: [{ userId: "asc" }, { repositoryId: "asc" }, { contractId: "asc" }, { id: "asc" }], skip, take }),
  ]);
  return { page, pageSize, total, items: await itemViews(prisma, rows) };
}

/**
 * The reviewer's own queue: items assigned to them in active campaigns (their id is in the where;
 * an item reassigned or passed to the next stage leaves their queue). Open items first.
 */
export async function myQueue(prisma: PrismaClient, options: { reviewerId: string; query: z.input<typeof queueQuery> }): Promise<Page<ReviewItemView> & { bulkAllowed: Record<string, boolean>; revokeNotes: Record<string, string | null> }> {
  const q = queueQuery.parse(options.query);
  const { page, pageSize, skip, take } = pageWindow({ page: q.page, pageSize: q.pageSize });
  const active = await prisma.reviewCampaign.findMany({ where: { status: "active", ...(q.campaignId ? { id: q.campaignId } : {}) }, select: { id: true, config: true } });
  const where: Prisma.ReviewItemWhereInput = {
    reviewerId: options.reviewerId,
    campaignId: { in: active.map((c) => c.id) },
    ...(q.state === "open" ? { decision: null } : q.state === "decided" ? { decision: { not: null } } : {}),
    ...(q.recommendation ? { recommendation: q.recommendation === "none" ? null : q.recommendation } : {}),
  };
  if (q.q) {
    const like = await prisma.user.findMany({
      where: { OR: [{ userName: { contains: q.q, mode: "insensitive" } }, { displayName: { contains: q.q, mode: "insensitive" } }] },
      select: { id: true },
      take: 1000,
    });
    where.userId = { in: like.map((u) => u.id) };
  }
  const [total, rows] = await Promise.all([
    prisma.reviewItem.count({ where }),
    prisma.reviewItem.findMany({ where, orderBy: [{ decision: { sort: "asc", nulls: "first" } }, { confidentiality: "desc" }, { id: "asc" }], skip, take }),
  ]);
  return {
    page,
    pageSize,
    total,
    items: await itemViews(prisma, rows),
    bulkAllowed: Object.fromEntries(active.map((c) => [c.id, campaignConfig.parse(c.config).bulkAllowed])),
    revokeNotes: Object.fromEntries(active.map((c) => [c.id, revokeNote(campaignConfig.parse(c.config))])),
  };
}

/**
 * What a revoke does when the campaign reviewed only some paths to the access (the reviewer reads
 * it before deciding): a direct-grants-only campaign ends the direct grant (an exclusion only where
 * the grant's scope is not the item's); one scoped to groups or rules excludes the person from the
 * item's repository or contract whatever else grants it (Custodian cannot take someone out of a
 * group the identity provider owns: the access.revoked webhook asks the source to).
 */
export function revokeNote(config: z.output<typeof campaignConfig>): string | null {
  if (config.scope.directOnly) return "This campaign reviews direct grants only: revoking ends the direct grant; access through groups stays.";
  if (config.scope.groupIds.length || config.scope.ruleIds.length) {
    return "This campaign reviews access through some groups or rules only, but revoking excludes the person from the whole repository (or contract), whatever else grants it. To withdraw one path only, change the group membership at the source or the rule instead.";
  }
  return null;
}

/** Median of a list (null when empty). */
function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export const reportQuery = z.object({ format: z.enum(["json", "csv"]).default("json").describe("csv: one line per item, after a header line naming the population hash") });

/** Seconds under which a reviewer who kept everything is listed as a possible rubber stamp. */
export const RUBBER_STAMP_SECONDS = 5;

/**
 * The campaign report: definition, population hash and size, every item with its reasons and
 * decision history, exclusions created with proof, and rubber-stamp indicators.
 */
export async function campaignReport(prisma: PrismaClient, options: { id: string }) {
  const campaign = await getCampaign(prisma, options);
  const rows = await prisma.reviewItem.findMany({ where: { campaignId: campaign.id }, orderBy: [{ userId: "asc" }, { repositoryId: "asc" }, { contractId: "asc" }] });
  const items = await itemViews(prisma, rows);
  const wallItems = campaign.kind === "walls" ? await wallReportItems(prisma, campaign.id) : [];
  const history = await prisma.reviewDecision.findMany({ where: { campaignId: campaign.id }, orderBy: [{ decidedAt: "asc" }, { id: "asc" }] });
  const byItem = new Map<string, typeof history>();
  for (const d of history) byItem.set(d.itemId, [...(byItem.get(d.itemId) ?? []), d]);
  const moves = await prisma.reviewAssignment.findMany({ where: { campaignId: campaign.id }, orderBy: [{ at: "asc" }, { id: "asc" }] });
  const movesOf = new Map<string, typeof moves>();
  for (const m of moves) movesOf.set(m.itemId, [...(movesOf.get(m.itemId) ?? []), m]);
  // An item's changes of reviewer (reassigned, escalated), access and wall items alike.
  const reassignmentsOf = (itemId: string) =>
    (movesOf.get(itemId) ?? []).map((m) => ({ stage: m.stage, kind: m.kind, fromReviewerId: m.fromReviewerId, toReviewerId: m.toReviewerId, reason: m.reason, at: m.at, eventId: m.eventId }));
  // Carried-forward decisions are nobody's: they count apart, never in the reviewers' indicators.
  const byReviewers = history.filter((d) => d.reviewerId !== null);
  const seconds = byReviewers.flatMap((d) => (d.secondsSpent === null ? [] : [d.secondsSpent]));
  const perReviewer = new Map<string, { decisions: number; keeps: number; seconds: number[] }>();
  for (const d of byReviewers) {
    if (d.reviewerId === null) continue;
    const r = perReviewer.get(d.reviewerId) ?? { decisions: 0, keeps: 0, seconds: [] };
    r.decisions++;
    if (d.decision === "keep") r.keeps++;
    if (d.secondsSpent !== null) r.seconds.push(d.secondsSpent);
    perReviewer.set(d.reviewerId, r);
  }
  const rubberStamps = [...perReviewer.entries()]
    .filter(([, r]) => r.decisions > 0 && r.keeps === r.decisions && r.seconds.length === r.decisions && r.seconds.every((s) => s < RUBBER_STAMP_SECONDS))
    .map(([reviewerId, r]) => ({ reviewerId, decisions: r.decisions, medianSeconds: median(r.seconds) }));
  return {
    campaign,
    indicators: {
      decisions: byReviewers.length,
      medianSecondsPerDecision: median(seconds),
      bulkShare: byReviewers.length ? byReviewers.filter((d) => d.bulk).length / byReviewers.length : 0,
      carriedForward: items.filter((i) => i.carriedForward).length,
      rubberStampSeconds: RUBBER_STAMP_SECONDS,
      rubberStamps,
      revocations: items.filter((i) => i.outcome === "revoke").length,
      applied: items.filter((i) => i.appliedAt !== null).length,
      defaulted: items.filter((i) => i.outcome !== null && i.decision !== i.outcome).length + wallItems.filter((i) => i.outcome !== null && i.decision !== i.outcome).length,
      wallRemovals: wallItems.filter((i) => i.applyResult === "removed").length,
      wallLiftsPending: wallItems.filter((i) => i.lift?.resolution === "pending").length,
    },
    /** A wall review's items (lib/reviews/wall-reviews.ts), each with its decision history and changes of reviewer; empty for an access review. */
    wallItems: wallItems.map((i) => ({ ...i, reassignments: reassignmentsOf(i.id) })),
    items: items.map((i) => ({
      ...i,
      history: (byItem.get(i.id) ?? []).map((d) => ({
        stage: d.stage,
        decision: d.decision,
        via: d.via,
        reviewerId: d.reviewerId,
        decidedAt: d.decidedAt,
        justification: d.justification,
        secondsSpent: d.secondsSpent,
        bulk: d.bulk,
        eventId: d.eventId,
      })),
      reassignments: reassignmentsOf(i.id),
    })),
  };
}

export type CampaignReport = Awaited<ReturnType<typeof campaignReport>>;

const CSV_HEADER = [
  "item_id", "person_id", "user_name", "repository", "contract", "level", "contracts", "confidentiality", "reasons", "person_status",
  "recommendation", "recommendation_reason", "decision", "decided_by", "decided_at", "justification", "seconds_spent", "bulk", "outcome", "applied_at", "exclusion_id", "proof",
];

/** The report as CSV: a header naming the campaign and its population hash, then one line per item. */
export function reportCsv(report: CampaignReport): string {
  const c = report.campaign;
  const lines = [
    `# campaign ${csvField(c.name)} ${c.id}; population ${c.populationSize}; sha256 ${c.populationHash}; started ${c.startedAt.toISOString()}; closed ${c.closedAt?.toISOString() ?? "not yet"}`,
    CSV_HEADER.join(","),
  ];
  for (const i of report.items) {
    const reasons = i.reasons.map((r) => `${r.ruleId} v${r.version} ${r.level} ${r.via.kind === "group" ? r.via.path.map((g) => g.name ?? g.id).join(" > ") : "direct"} since ${r.since}`).join("; ");
    lines.push(
      [
        i.id, i.person.id, i.person.userName, i.repository.name ?? i.repository.id, i.contract?.title ?? i.contract?.id ?? "", i.level, i.contracts, i.confidentiality, reasons,
        i.personStatus, i.recommendation ?? "", i.recommendationText ?? "", i.decision ?? "", i.carriedForward ? "carry forward" : (i.decidedBy ?? ""), i.decidedAt?.toISOString() ?? "", i.justification ?? "", i.secondsSpent ?? "",
        i.bulk, i.outcome ?? "", i.appliedAt?.toISOString() ?? "", i.exclusionId ?? "", i.proof ? JSON.stringify(i.proof) : "",
      ]
        .map((v) => csvField(String(v ?? "")))
        .join(","),
    );
  }
  if (report.wallItems.length > 0) {
    // A wall review: its items in a section of their own (the access columns do not fit a wall).
    lines.push("# wall items", WALL_CSV_HEADER.join(","));
    for (const i of report.wallItems) {
      lines.push(
        [
          i.id, i.wall.id, i.wall.name, i.wall.matterRef, i.side?.name ?? "", i.question, i.person?.id ?? "", i.person?.userName ?? "", i.role ?? "", i.viaGroup?.name ?? i.viaGroup?.id ?? "",
          i.onRosterSince?.toISOString() ?? "", i.acknowledgedAt?.toISOString() ?? "", i.recommendation ?? "", i.decision ?? "", i.decidedBy ?? "", i.decidedAt?.toISOString() ?? "", i.justification ?? "",
          i.outcome ?? "", i.applyResult ?? "", i.appliedAt?.toISOString() ?? "", i.lift ? `${i.lift.resolution}${i.lift.reason ? `: ${i.lift.reason}` : ""}` : "",
        ]
          .map((v) => csvField(String(v ?? "")))
          .join(","),
      );
    }
  }
  return lines.join("\r\n") + "\r\n";
}

const WALL_CSV_HEADER = [
  "item_id", "wall_id", "wall", "matter", "side", "question", "person_id", "user_name", "role", "via_group", "on_roster_since", "acknowledged_at",
  "recommendation", "decision", "decided_by", "decided_at", "justification", "outcome", "applied", "applied_at", "lift",
];

/** The report as a CSV download (dashboard and /api/v1 answer the same file). */
export function reportCsvFile(report: CampaignReport) {
  return { filename: `campaign-${report.campaign.id}.csv`, contentType: "text/csv; charset=utf-8", body: reportCsv(report) };
}

/** The read functions the campaign pages call (on the process's client: pages never import the database). */
export const reviewsForPages = {
  campaigns: onProcessClient(listCampaigns),
  campaign: onProcessClient(getCampaign),
  report: onProcessClient(campaignReport),
  definitions: onProcessClient(listDefinitions),
};
