// Reads of wall reviews (lib/reviews/wall-reviews.ts): items with their wall, side and person named,
// a reviewer's own wall items ("My reviews": the reviewer id is in the where), a campaign's wall
// items (monitoring, the API, the report with each item's decision history) and progress.
import { z } from "zod";
import type { Prisma, PrismaClient } from "@/lib/generated/prisma/client";
import type { Tx } from "@/lib/db/errors";
import { onProcessClient } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { pageWindow, type Page, type PageInput } from "@/lib/pagination";
import { decisionsFor } from "./wall-reviews";
import type { WallQuestion } from "./schemas";

type Db = PrismaClient | Tx;
type Row = Prisma.WallReviewItemGetPayload<object>;

export const wallQueueQuery = z.object({
  campaignId: z.string().trim().max(100).optional().transform((v) => v || undefined),
  state: z.enum(["open", "decided", "all"]).default("open"),
  page: z.coerce.number().optional(),
  pageSize: z.coerce.number().optional(),
});

export const wallItemsQuery = z.object({
  state: z.enum(["open", "decided", "all"]).default("all").describe("open: no decision yet; decided: a decision recorded"),
  liftResolution: z.enum(["pending", "lifted", "declined"]).optional().describe("Only wall items whose lift is waiting for an admin (pending) or was answered"),
});

const QUESTION_TEXT = { wall: "Is this wall still needed?", roster: "Should this person still be on this wall?" } as const;

/** Items with names: wall (name, matter, kind, state), side, person, the group they came through. */
export async function wallItemViews(db: Db, rows: Row[]) {
  const [walls, sides, people, groups] = await Promise.all([
    db.wall.findMany({ where: { id: { in: [...new Set(rows.map((r) => r.wallId))] } }, select: { id: true, name: true, matterRef: true, kind: true, state: true } }),
    db.wallSide.findMany({ where: { id: { in: rows.flatMap((r) => (r.sideId ? [r.sideId] : [])) } }, select: { id: true, name: true } }),
    db.user.findMany({ where: { id: { in: rows.flatMap((r) => (r.userId ? [r.userId] : [])) } }, select: { id: true, userName: true, displayName: true, department: true, active: true } }),
    db.group.findMany({ where: { id: { in: rows.flatMap((r) => (r.viaGroupId ? [r.viaGroupId] : [])) } }, select: { id: true, displayName: true } }),
  ]);
  const wall = new Map(walls.map((w) => [w.id, w]));
  const side = new Map(sides.map((s) => [s.id, s.name]));
  const person = new Map(people.map((p) => [p.id, p]));
  const group = new Map(groups.map((g) => [g.id, g.displayName]));
  return rows.map((r) => {
    const w = wall.get(r.wallId);
    const p = r.userId ? person.get(r.userId) : undefined;
    const question = r.question as WallQuestion;
    return {
      id: r.id,
      campaignId: r.campaignId,
      question,
      questionText: QUESTION_TEXT[question],
      /** The decisions this item takes. */
      decisions: decisionsFor(question),
      wall: { id: r.wallId, name: w?.name ?? null, matterRef: w?.matterRef ?? null, kind: w?.kind ?? null, state: w?.state ?? null },
      side: r.sideId ? { id: r.sideId, name: side.get(r.sideId) ?? null } : null,
      person: r.userId
        ? { id: r.userId, userName: p?.userName ?? null, displayName: p?.displayName ?? null, department: p?.department ?? null, active: p?.active ?? null }
        : null,
      role: r.role,
      viaGroup: r.viaGroupId ? { id: r.viaGroupId, name: group.get(r.viaGroupId) ?? null } : null,
      onRosterSince: r.onRosterSince,
      acknowledgedAt: r.acknowledgedAt,
      recommendation: r.recommendation,
      recommendationReason: r.recommendationReason,
      stage: r.stage,
      reviewerId: r.reviewerId,
      decision: r.decision,
      decidedAt: r.decidedAt,
      decidedBy: r.decidedBy,
      justification: r.justification,
      secondsSpent: r.secondsSpent,
      outcome: r.outcome,
      appliedAt: r.appliedAt,
      applyResult: r.applyResult,
      lift: r.liftResolution ? { resolution: r.liftResolution, resolvedAt: r.liftResolvedAt, resolvedBy: r.liftResolvedBy, reason: r.liftReason } : null,
    };
  });
}

export type WallItemView = Awaited<ReturnType<typeof wallItemViews>>[number];

const ORDER: Prisma.WallReviewItemOrderByWithRelationInput[] = [{ wallId: "asc" }, { question: "desc" }, { sideId: "asc" }, { userId: "asc" }, { id: "asc" }];

/** The reviewer's own wall items in active campaigns, open first. */
export async function myWallQueue(prisma: PrismaClient, options: { reviewerId: string; query: z.input<typeof wallQueueQuery> }): Promise<Page<WallItemView>> {
  const q = wallQueueQuery.parse(options.query);
  const { page, pageSize, skip, take } = pageWindow({ page: q.page, pageSize: q.pageSize });
  const active = await prisma.reviewCampaign.findMany({ where: { status: "active", kind: "walls", ...(q.campaignId ? { id: q.campaignId } : {}) }, select: { id: true } });
  const where: Prisma.WallReviewItemWhereInput = {
    reviewerId: options.reviewerId,
    campaignId: { in: active.map((c) => c.id) },
    ...(q.state === "open" ? { decision: null } : q.state === "decided" ? { decision: { not: null } } : {}),
  };
  const [total, rows] = await Promise.all([
    prisma.wallReviewItem.count({ where }),
    prisma.wallReviewItem.findMany({ where, orderBy: [{ decision: { sort: "asc", nulls: "first" } }, ...ORDER], skip, take }),
  ]);
  return { page, pageSize, total, items: await wallItemViews(prisma, rows) };
}

/** A campaign's wall items, paged in the database; the campaign must exist. */
export async function campaignWallItems(prisma: PrismaClient, options: { id: string; filter: z.output<typeof wallItemsQuery>; page?: PageInput }): Promise<Page<WallItemView>> {
  const campaign = await prisma.reviewCampaign.findUnique({ where: { id: options.id }, select: { id: true } });
  if (!campaign) throw new AppError("not_found", `Campaign ${options.id} not found`);
  const { page, pageSize, skip, take } = pageWindow(options.page);
  const f = options.filter;
  const where: Prisma.WallReviewItemWhereInput = {
    campaignId: campaign.id,
    ...(f.state === "open" ? { decision: null } : f.state === "decided" ? { decision: { not: null } } : {}),
    ...(f.liftResolution ? { liftResolution: f.liftResolution } : {}),
  };
  const [total, rows] = await Promise.all([prisma.wallReviewItem.count({ where }), prisma.wallReviewItem.findMany({ where, orderBy: ORDER, skip, take })]);
  return { page, pageSize, total, items: await wallItemViews(prisma, rows) };
}

/** One wall item of a campaign. */
export async function getWallItem(db: Db, options: { campaignId: string; itemId: string }): Promise<WallItemView> {
  const row = await db.wallReviewItem.findFirst({ where: { id: options.itemId, campaignId: options.campaignId } });
  if (!row) throw new AppError("not_found", `Item ${options.itemId} of campaign ${options.campaignId} not found`);
  return (await wallItemViews(db, [row]))[0];
}

/** Progress of a wall review by reviewer and stage, and its decisions and outcomes (getCampaign's shape). */
export async function wallReviewProgress(db: Db, campaignId: string) {
  const byReviewer = await db.$queryRawUnsafe<{ reviewerId: string | null; stage: number; total: number; decided: number; userName: string | null; displayName: string | null }[]>(
    `SELECT i."reviewerId", i.stage, count(*)::int AS total, count(i.decision)::int AS decided, u."userName", u."displayName"
     FROM "WallReviewItem" i LEFT JOIN "User" u ON u.id = i."reviewerId"
     WHERE i."campaignId" = $1 GROUP BY i."reviewerId", i.stage, u."userName", u."displayName" ORDER BY i.stage, u."userName" NULLS FIRST`,
    campaignId,
  );
  const outcomes = await db.wallReviewItem.groupBy({ by: ["decision", "outcome"], where: { campaignId }, _count: true });
  return { byReviewer, outcomes: outcomes.map((o) => ({ decision: o.decision, outcome: o.outcome, items: o._count })) };
}

/** Every wall item of a campaign with its decision history (the report). */
export async function wallReportItems(db: Db, campaignId: string) {
  const rows = await db.wallReviewItem.findMany({ where: { campaignId }, orderBy: ORDER });
  if (rows.length === 0) return [];
  const history = await db.reviewDecision.findMany({ where: { campaignId, itemId: { in: rows.map((r) => r.id) } }, orderBy: [{ decidedAt: "asc" }, { id: "asc" }] });
  const byItem = new Map<string, typeof history>();
  for (const d of history) byItem.set(d.itemId, [...(byItem.get(d.itemId) ?? []), d]);
  return (await wallItemViews(db, rows)).map((i) => ({
    ...i,
    history: (byItem.get(i.id) ?? []).map((d) => ({ stage: d.stage, decision: d.decision, reviewerId: d.reviewerId, decidedAt: d.decidedAt, justification: d.justification, secondsSpent: d.secondsSpent, bulk: d.bulk, eventId: d.eventId })),
  }));
}

export type WallReportItem = Awaited<ReturnType<typeof wallReportItems>>[number];

/** The read functions the campaign pages call (the process's client). */
export const wallReviewsForPages = {
  items: onProcessClient(campaignWallItems),
};
