// Reviews of ethical walls (issue 20, with the campaigns of issue 19): a definition whose config has
// `walls` reviews walls instead of access. At start, for every active wall in scope: one item "is
// this wall still needed" and one per person on its roster (insider, screened person, side member;
// named directly or recorded through a group) "should this person still be on this wall / side",
// frozen with when they joined and whether they acknowledged the memo, the population hashed into
// the audit trail as for access reviews.
//
// Decisions: keep, remove (a roster item), lift (a wall item), don't know (to the next stage, then
// the fallback). Remove and lift always need a justification and are never taken in bulk. Nobody
// reviews their own roster entry; a wall's screened people (and, on a wall of sides, the members of
// the other sides) never review it.
//
// Closing: an undecided item is kept — a campaign never takes anyone off a screen, nor lifts a wall,
// by default ("once screened, a person stays screened until explicitly removed with a
// justification"). A removal is that explicit removal: the walls service ends the person's roster
// rows with a justification naming the campaign and the item (who decided, and why, is in the item's
// decision history and its review_item.decided event). A lift is not applied by the close: it ends a
// screen for everyone at once and restores access across the whole scope, so it waits for an admin
// (resolveWallLift: lift now — the lift certificate is issued — or keep, with a reason).
import { randomUUID } from "node:crypto";
import type { PrismaClient, ReviewCampaign, ReviewDefinition } from "@/lib/generated/prisma/client";
import { wallScopeRepositories } from "@/lib/access/walls";
import { recordAuditEvent, type Actor } from "@/lib/audit/record";
import { now as clockNow } from "@/lib/clock";
import type { Tx } from "@/lib/db/errors";
import { AppError } from "@/lib/errors";
import { enqueueEmails } from "@/lib/notifications/outbox";
import { liftWallAndCertify } from "@/lib/walls/certificate";
import { removeWallPerson } from "@/lib/walls/service";
import { assignmentMessages, closingMessages } from "./notifications";
import { lockReviewerItems } from "./queue-lock";
import { wallPopulationHash } from "./wall-population-hash";
import { resolveWallLiftInput, wallDecisionInput, type CampaignConfig, type WallDecision, type WallQuestion } from "./schemas";

const DAY_MS = 86_400_000;
const txOptions = { maxWait: 10_000, timeout: 120_000 };

type Db = PrismaClient | Tx;

/** A definition's configuration reviews walls (not access). */
export const isWallReview = (config: Pick<CampaignConfig, "walls">): boolean => !!config.walls;

export type WallRole = "insider" | "screened" | "side";
const roleOf = (kind: string): WallRole => (kind === "inclusionary" ? "insider" : kind === "exclusionary" ? "screened" : "side");

interface PlannedWallItem {
  id: string;
  wallId: string;
  sideId: string | null;
  question: WallQuestion;
  userId: string | null;
  role: WallRole | null;
  viaGroupId: string | null;
  onRosterSince: Date | null;
  acknowledgedAt: Date | null;
  recommendation: "remove" | null;
  recommendationReason: "deactivated" | null;
  reviewerId: string | null;
}

interface WallFacts {
  id: string;
  kind: string;
  /** Everyone on the roster now, by side (null: the wall itself). */
  people: { userId: string; sideId: string | null }[];
  repositoryIds: string[];
}

/** Whether `candidate` may review an item of `wall`: not its subject, not screened by the wall, not on another side. */
function mayReview(candidate: string, wall: Pick<WallFacts, "kind" | "people">, item: { question: WallQuestion; userId: string | null; sideId: string | null }): boolean {
  if (candidate === item.userId) return false;
  const on = wall.people.filter((p) => p.userId === candidate);
  if (on.length === 0) return true;
  if (wall.kind === "exclusionary") return false;
  if (wall.kind === "sides") return item.question === "roster" && on.every((p) => p.sideId === item.sideId);
  return true;
}

interface Lookups {
  walls: Map<string, WallFacts>;
  managers: Map<string, string>;
  owners: Map<string, string[]>;
}

/** The stage's reviewer for a wall item, else the fallback; null when nobody may review it. */
function wallReviewerFor(config: CampaignConfig, stage: number, item: { wallId: string; question: WallQuestion; userId: string | null; sideId: string | null }, lookups: Lookups): string | null {
  const wall = lookups.walls.get(item.wallId)!;
  const spec = config.stages[stage - 1];
  const candidates =
    spec.reviewers === "manager"
      ? item.userId
        ? [lookups.managers.get(item.userId)]
        : []
      : spec.reviewers === "repository_owners"
        ? [...new Set(wall.repositoryIds.flatMap((r) => lookups.owners.get(r) ?? []))].sort()
        : spec.namedReviewerIds;
  const chosen = candidates.find((c): c is string => !!c && mayReview(c, wall, item));
  if (chosen) return chosen;
  return mayReview(config.fallbackReviewerId, wall, item) ? config.fallbackReviewerId : null;
}

/** The walls' kinds and who is on their rosters at `at` (what mayReview needs). */
async function wallRosters(db: Db, wallIds: string[], at: Date) {
  const [walls, people] = await Promise.all([
    db.wall.findMany({ where: { id: { in: wallIds } }, select: { id: true, kind: true } }),
    db.wallPerson.findMany({
      where: { wallId: { in: wallIds }, validFrom: { lte: at }, OR: [{ validTo: null }, { validTo: { gt: at } }] },
      select: { wallId: true, userId: true, sideId: true },
    }),
  ]);
  return { walls, people };
}

/**
 * Of a wall review's items, those `candidate` may review at `at` — the rule of the start and of
 * "don't know" (mayReview), applied when items change hands later (escalation, reassignment):
 * the roster may have changed since the start.
 */
export async function wallItemsReviewableBy<T extends { wallId: string; question: string; userId: string | null; sideId: string | null }>(
  db: Db,
  options: { candidate: string; items: T[]; at: Date },
): Promise<T[]> {
  if (options.items.length === 0) return [];
  const { walls, people } = await wallRosters(db, [...new Set(options.items.map((i) => i.wallId))], options.at);
  // Each wall's people once, not a scan of every roster per item (a reassignment moves thousands).
  const rosters = new Map(walls.map((w) => [w.id, { kind: w.kind, people: people.filter((p) => p.wallId === w.id) }]));
  return options.items.filter((i) => {
    const wall = rosters.get(i.wallId);
    return wall !== undefined && mayReview(options.candidate, wall, { ...i, question: i.question as WallQuestion });
  });
}

async function lookupsFor(db: Db, wallIds: string[], at: Date): Promise<Lookups> {
  const { walls, people } = await wallRosters(db, wallIds, at);
  const facts = new Map<string, WallFacts>();
  for (const w of walls) {
    facts.set(w.id, { id: w.id, kind: w.kind, people: people.filter((p) => p.wallId === w.id), repositoryIds: await wallScopeRepositories(db, { wallId: w.id, at }) });
  }
  const persons = await db.user.findMany({ where: { id: { in: [...new Set(people.map((p) => p.userId))] } }, select: { id: true, directoryId: true, managerId: true } });
  const wanted = [...new Set(persons.flatMap((p) => (p.managerId ? [p.managerId] : [])))];
  const managerRows = wanted.length
    ? await db.user.findMany({ where: { OR: [{ id: { in: wanted } }, { externalId: { in: wanted } }] }, select: { id: true, externalId: true, directoryId: true } })
    : [];
  const managers = new Map<string, string>();
  for (const p of persons) {
    // SCIM enterprise `manager`: the manager's id, or externalId as some IdPs send it (as for access reviews).
    const m = p.managerId ? managerRows.find((u) => u.directoryId === p.directoryId && (u.id === p.managerId || u.externalId === p.managerId)) : undefined;
    if (m) managers.set(p.id, m.id);
  }
  const ownerRows = await db.repositoryOwner.findMany({ where: { repositoryId: { in: [...new Set([...facts.values()].flatMap((w) => w.repositoryIds))] } }, orderBy: [{ repositoryId: "asc" }, { userId: "asc" }] });
  const owners = new Map<string, string[]>();
  for (const o of ownerRows) owners.set(o.repositoryId, [...(owners.get(o.repositoryId) ?? []), o.userId]);
  return { walls: facts, managers, owners };
}

/**
 * Since when each row's person has been on the roster without a break: a row that carries on a
 * screen through another entry (removeWallMember ends the row and starts the next at the same
 * instant, by the same event) continues the stay of the row it follows. One read of the earlier rows.
 */
async function rosterStaySince(
  db: Db,
  options: { wallIds: string[]; rows: { wallId: string; sideId: string | null; userId: string; validFrom: Date; eventId: string | null }[]; at: Date },
): Promise<(row: { wallId: string; sideId: string | null; userId: string; validFrom: Date; eventId: string | null }) => Date> {
  const earlier = options.rows.length
    ? await db.wallPerson.findMany({
        where: { wallId: { in: options.wallIds }, userId: { in: [...new Set(options.rows.map((r) => r.userId))] }, validTo: { lte: options.at }, removedEventId: { not: null } },
        select: { wallId: true, sideId: true, userId: true, validFrom: true, validTo: true, eventId: true, removedEventId: true },
      })
    : [];
  const key = (r: { wallId: string; sideId: string | null; userId: string }, endedAt: Date, byEvent: string) => `${r.wallId}|${r.sideId ?? ""}|${r.userId}|${endedAt.getTime()}|${byEvent}`;
  const ending = new Map(earlier.map((e) => [key(e, e.validTo!, e.removedEventId!), e]));
  return (row) => {
    let from = row.validFrom;
    let eventId = row.eventId;
    for (;;) {
      const prev = eventId ? ending.get(key(row, from, eventId)) : undefined;
      // strictly earlier: the walk back ends
      if (!prev || prev.validFrom >= from) return from;
      from = prev.validFrom;
      eventId = prev.eventId;
    }
  };
}

/** The walls a configuration reviews at `at` (active ones, in its list if it has one) with their items and reviewers. */
export async function planWallReview(db: Db, options: { config: CampaignConfig; at: Date }): Promise<PlannedWallItem[]> {
  const { config, at } = options;
  const chosen = config.walls?.wallIds ?? [];
  const walls = await db.wall.findMany({
    where: { state: "active", ...(chosen.length ? { id: { in: chosen } } : {}) },
    orderBy: [{ nameKey: "asc" }, { id: "asc" }],
    select: { id: true, kind: true },
  });
  if (walls.length === 0) return [];
  const wallIds = walls.map((w) => w.id);
  const lookups = await lookupsFor(db, wallIds, at);
  const rows = await db.wallPerson.findMany({
    where: { wallId: { in: wallIds }, validFrom: { lte: at }, OR: [{ validTo: null }, { validTo: { gt: at } }] },
    orderBy: [{ validFrom: "asc" }, { id: "asc" }],
  });
  const sinceOf = await rosterStaySince(db, { wallIds, rows, at });
  const [acks, inactive] = await Promise.all([
    db.wallAcknowledgment.groupBy({ by: ["wallId", "userId"], where: { wallId: { in: wallIds }, at: { lte: at } }, _min: { at: true } }),
    db.user.findMany({ where: { id: { in: [...new Set(rows.map((r) => r.userId))] }, active: false }, select: { id: true } }),
  ]);
  const ackOf = new Map(acks.map((a) => [`${a.wallId}|${a.userId}`, a._min.at]));
  const deactivated = new Set(inactive.map((u) => u.id));
  const items: PlannedWallItem[] = [];
  for (const wall of walls) {
    const role = roleOf(wall.kind);
    const wallItem = { wallId: wall.id, question: "wall" as const, userId: null, sideId: null };
    items.push({ id: randomUUID(), ...wallItem, role: null, viaGroupId: null, onRosterSince: null, acknowledgedAt: null, recommendation: null, recommendationReason: null, reviewerId: wallReviewerFor(config, 1, wallItem, lookups) });
    // One item per person and side: named directly and through a group is one place on the roster (the earliest row says since when; a direct entry wins as the way in).
    const seen = new Map<string, PlannedWallItem>();
    for (const r of rows.filter((x) => x.wallId === wall.id)) {
      const key = `${r.userId}|${r.sideId ?? ""}`;
      const known = seen.get(key);
      if (known) {
        if (!r.viaGroupId) known.viaGroupId = null;
        continue;
      }
      const item = { wallId: wall.id, question: "roster" as const, userId: r.userId, sideId: r.sideId };
      // A deactivated insider or side member needs no place in the team; a screened person stays screened whatever their status.
      const remove = role !== "screened" && deactivated.has(r.userId);
      const planned: PlannedWallItem = {
        id: randomUUID(),
        ...item,
        role,
        viaGroupId: r.viaGroupId,
        onRosterSince: sinceOf(r),
        acknowledgedAt: ackOf.get(`${wall.id}|${r.userId}`) ?? null,
        recommendation: remove ? "remove" : null,
        recommendationReason: remove ? "deactivated" : null,
        reviewerId: wallReviewerFor(config, 1, item, lookups),
      };
      seen.set(key, planned);
      items.push(planned);
    }
  }
  return items;
}

const hashOf = (items: PlannedWallItem[]) =>
  wallPopulationHash(items.map((i) => ({ wallId: i.wallId, sideId: i.sideId, question: i.question, userId: i.userId, onRosterSince: i.onRosterSince?.toISOString() ?? null })));

/** Before starting a wall review: how many walls, items and reviewers it yields now. */
export async function previewWallReview(db: Db, options: { config: CampaignConfig }) {
  const plan = await planWallReview(db, { config: options.config, at: clockNow() });
  return {
    items: plan.length,
    walls: plan.filter((p) => p.question === "wall").length,
    people: new Set(plan.flatMap((p) => (p.userId ? [p.userId] : []))).size,
    reviewers: new Set(plan.flatMap((p) => (p.reviewerId ? [p.reviewerId] : []))).size,
    unassigned: plan.filter((p) => !p.reviewerId).length,
    recommendedRevoke: plan.filter((p) => p.recommendation === "remove").length,
    carriedForward: 0,
  };
}

/**
 * Starts a wall review in the caller's transaction (startCampaignInTx hands wall definitions here):
 * the campaign, its items, the population hash and size in review_campaign.started, one e-mail per
 * reviewer.
 */
export async function startWallReviewInTx(
  tx: Tx,
  options: { definition: ReviewDefinition; config: CampaignConfig; name?: string; actor: Actor; ownerEmail: string | null; occurrenceAt?: Date; skipEmpty?: boolean },
): Promise<ReviewCampaign | null> {
  const { definition, config } = options;
  const at = clockNow();
  const dueAt = new Date(at.getTime() + config.durationDays * DAY_MS);
  const plan = await planWallReview(tx, { config, at });
  if (plan.length === 0 && options.skipEmpty) return null;
  const hash = hashOf(plan);
  const name = options.name ?? `${definition.name} #${(await tx.reviewCampaign.count({ where: { definitionId: definition.id } })) + 1}`;
  const campaign = await tx.reviewCampaign.create({
    data: {
      definitionId: definition.id,
      name,
      config,
      status: "active",
      startedAt: at,
      dueAt,
      populationHash: hash,
      populationSize: plan.length,
      startedBy: options.actor.label ?? options.actor.id ?? null,
      ownerEmail: options.ownerEmail,
      occurrenceAt: options.occurrenceAt ?? null,
      kind: "walls",
    },
  });
  await tx.wallReviewItem.createMany({
    data: plan.map((p) => ({
      id: p.id,
      campaignId: campaign.id,
      wallId: p.wallId,
      sideId: p.sideId,
      question: p.question,
      userId: p.userId,
      role: p.role,
      viaGroupId: p.viaGroupId,
      onRosterSince: p.onRosterSince,
      acknowledgedAt: p.acknowledgedAt,
      recommendation: p.recommendation,
      recommendationReason: p.recommendationReason,
      reviewerId: p.reviewerId,
      assignedAt: p.reviewerId ? at : null,
    })),
  });
  const counts = new Map<string, number>();
  for (const p of plan) if (p.reviewerId) counts.set(p.reviewerId, (counts.get(p.reviewerId) ?? 0) + 1);
  const eventId = await recordAuditEvent(tx, {
    actor: options.actor,
    action: "review_campaign.started",
    target: { type: "ReviewCampaign", id: campaign.id, label: name },
    after: {
      definitionId: definition.id,
      subject: "walls",
      walls: plan.filter((p) => p.question === "wall").map((p) => p.wallId),
      populationHash: hash,
      populationSize: plan.length,
      snapshotAt: at.toISOString(),
      dueAt: dueAt.toISOString(),
      reviewers: counts.size,
      assignments: [...counts.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([reviewerId, items]) => ({ reviewerId, items })),
      carriedForward: 0,
      ...(options.occurrenceAt ? { occurrenceAt: options.occurrenceAt.toISOString() } : {}),
    },
  });
  await enqueueEmails(tx, { messages: await assignmentMessages(tx, { id: campaign.id, name, dueAt, kind: "walls" }, counts), eventId, now: at });
  return tx.reviewCampaign.update({ where: { id: campaign.id }, data: { startEventId: eventId } });
}

/**
 * A reviewer's decision on wall items of their own queue. Items not theirs are "not found"; their
 * own roster entry is refused; remove only on roster items, lift only on wall items, each with a
 * justification and one item at a time; keep in bulk where the campaign allows it.
 */
export async function decideWallItems(prisma: PrismaClient, options: { campaignId: string; reviewerId: string; input: unknown; actor: Actor }) {
  const input = wallDecisionInput.parse(options.input);
  const itemIds = [...new Set(input.itemIds)];
  const bulk = itemIds.length > 1;
  return prisma.$transaction(async (tx) => {
    const campaign = await lockReviewerItems(tx, { table: "WallReviewItem", campaignId: options.campaignId, reviewerId: options.reviewerId, itemIds });
    const config = campaign.config as CampaignConfig;
    const rows = await tx.wallReviewItem.findMany({ where: { id: { in: itemIds } } });
    if (rows.some((r) => r.userId === options.reviewerId)) throw new AppError("forbidden", "Nobody reviews their own place on a wall's roster");
    if (rows.some((r) => r.decision !== null)) throw new AppError("conflict", "Some items are already decided");
    if (input.decision === "remove" && rows.some((r) => r.question !== "roster")) {
      throw new AppError("invalid_input", "Remove is a decision on a person of the roster; a wall is lifted", [{ path: "decision", message: "not for a wall item" }]);
    }
    if (input.decision === "lift" && rows.some((r) => r.question !== "wall")) {
      throw new AppError("invalid_input", "Lift is a decision on the wall; a person of the roster is removed", [{ path: "decision", message: "not for a roster item" }]);
    }
    if (bulk && (input.decision === "remove" || input.decision === "lift")) {
      throw new AppError("invalid_input", "Removing someone from a wall and lifting a wall are decided one by one, never in bulk");
    }
    if (bulk && !config.bulkAllowed) throw new AppError("invalid_input", "This campaign does not allow bulk decisions");
    const needsWhy = input.decision === "remove" || input.decision === "lift" || (input.decision === "keep" && config.justification.keep);
    if (needsWhy && !input.justification) {
      throw new AppError("invalid_input", `A ${input.decision} decision on a wall needs a justification`, [{ path: "justification", message: "is required" }]);
    }
    const at = clockNow();
    const lookups = input.decision === "keep" || input.decision === "dont_know" ? await lookupsFor(tx, [...new Set(rows.map((r) => r.wallId))], at) : null;
    const seconds = input.secondsSpent === undefined ? null : Math.round(input.secondsSpent / rows.length);
    for (const item of rows) {
      const eventId = await recordAuditEvent(tx, {
        actor: options.actor,
        action: "review_item.decided",
        target: { type: "WallReviewItem", id: item.id, label: item.userId ? `${item.userId} on wall ${item.wallId}` : `wall ${item.wallId}` },
        after: {
          campaignId: campaign.id,
          stage: item.stage,
          wallId: item.wallId,
          sideId: item.sideId,
          question: item.question,
          userId: item.userId,
          decision: input.decision,
          reviewerId: options.reviewerId,
          justification: input.justification ?? null,
          bulk,
        },
      });
      await tx.reviewDecision.create({
        data: { itemId: item.id, campaignId: campaign.id, stage: item.stage, decision: input.decision, reviewerId: options.reviewerId, decidedAt: at, justification: input.justification ?? null, secondsSpent: seconds, bulk, eventId },
      });
      const decided = { decidedAt: at, decidedBy: options.reviewerId, justification: input.justification ?? null, secondsSpent: seconds };
      const last = item.stage >= config.stages.length;
      const q = { wallId: item.wallId, question: item.question as WallQuestion, userId: item.userId, sideId: item.sideId };
      let data: Record<string, unknown>;
      if (input.decision === "remove" || input.decision === "lift" || (input.decision === "keep" && last)) data = { decision: input.decision, ...decided };
      else if (!last) data = { stage: item.stage + 1, reviewerId: wallReviewerFor(config, item.stage + 1, q, lookups!), assignedAt: at, ...decided };
      // Don't know at the last stage: to the fallback once (if they may review it); the fallback's own stays undecided (kept at close).
      else if (options.reviewerId !== config.fallbackReviewerId && mayReview(config.fallbackReviewerId, lookups!.walls.get(item.wallId)!, q)) {
        data = { reviewerId: config.fallbackReviewerId, assignedAt: at, ...decided };
      } else data = { decision: "dont_know", ...decided };
      await tx.wallReviewItem.update({ where: { id: item.id }, data });
    }
    return { decided: rows.length };
  });
}

/**
 * Closes a wall review (closeCampaign hands wall campaigns here): each item's outcome is its
 * decision, else keep; then the removals are applied (each through the walls service, with the
 * campaign as justification) and the lifts left for an admin. A close interrupted after the status
 * changed resumes the removals when called again.
 */
export async function closeWallReview(prisma: PrismaClient, options: { campaignId: string; actor: Actor }): Promise<ReviewCampaign> {
  await prisma.$transaction(async (tx) => {
    const locked = await tx.$queryRawUnsafe<{ status: string; name: string; dueAt: Date; ownerEmail: string | null }[]>(
      `SELECT status, name, "dueAt", "ownerEmail" FROM "ReviewCampaign" WHERE id = $1 FOR UPDATE`,
      options.campaignId,
    );
    if (locked.length === 0) throw new AppError("not_found", `Campaign ${options.campaignId} not found`);
    if (locked[0].status === "closed" && (await tx.wallReviewItem.count({ where: { campaignId: options.campaignId, outcome: { in: ["remove", "lift"] }, appliedAt: null } })) > 0) return;
    if (locked[0].status !== "active") throw new AppError("conflict", `Campaign ${locked[0].name} is ${locked[0].status}`);
    await tx.$executeRawUnsafe(`UPDATE "WallReviewItem" SET outcome = decision WHERE "campaignId" = $1 AND decision IN ('keep', 'remove', 'lift')`, options.campaignId);
    // Never a removal or a lift by default: what nobody decided stays as it is.
    const defaulted = await tx.$executeRawUnsafe(`UPDATE "WallReviewItem" SET outcome = 'keep' WHERE "campaignId" = $1 AND outcome IS NULL`, options.campaignId);
    const counts = await tx.wallReviewItem.groupBy({ by: ["outcome"], where: { campaignId: options.campaignId }, _count: true });
    const outcomes = Object.fromEntries(counts.map((c) => [c.outcome, c._count]));
    const reviewers = await tx.$queryRawUnsafe<{ reviewerId: string }[]>(
      `SELECT "reviewerId" FROM "WallReviewItem" WHERE "campaignId" = $1 AND "reviewerId" IS NOT NULL
       UNION SELECT "reviewerId" FROM "ReviewDecision" WHERE "campaignId" = $1 AND "reviewerId" IS NOT NULL ORDER BY 1`,
      options.campaignId,
    );
    const at = clockNow();
    const eventId = await recordAuditEvent(tx, {
      actor: options.actor,
      action: "review_campaign.closed",
      target: { type: "ReviewCampaign", id: options.campaignId, label: locked[0].name },
      after: { closedAt: at.toISOString(), subject: "walls", undecidedDefault: "keep", defaulted, outcomes, reviewers: reviewers.length },
    });
    await tx.reviewCampaign.update({ where: { id: options.campaignId }, data: { status: "closed", closedAt: at, closeEventId: eventId } });
    const messages = await closingMessages(
      tx,
      { id: options.campaignId, name: locked[0].name, dueAt: locked[0].dueAt, ownerEmail: locked[0].ownerEmail, kind: "walls" },
      reviewers.map((r) => r.reviewerId),
      { kept: outcomes.keep ?? 0, revoked: outcomes.remove ?? 0, defaulted },
    );
    await enqueueEmails(tx, { messages, eventId, now: at });
  }, txOptions);
  return applyWallOutcomes(prisma, options);
}

/** Applies a closed wall review's removals (each in its own transactions) and marks its lifts as waiting for an admin. */
async function applyWallOutcomes(prisma: PrismaClient, options: { campaignId: string; actor: Actor }): Promise<ReviewCampaign> {
  const campaign = await prisma.reviewCampaign.findUniqueOrThrow({ where: { id: options.campaignId } });
  const pending = await prisma.wallReviewItem.findMany({ where: { campaignId: campaign.id, outcome: { in: ["remove", "lift"] }, appliedAt: null }, orderBy: { id: "asc" } });
  for (const item of pending) {
    let result: "removed" | "not_on_roster" | "wall_lifted" | "lift_pending";
    if (item.outcome === "remove") {
      // No person's name in it (it is stored in hashed audit content): the reviewer and their reason are in the item's decision history.
      const justification = `Removed by the reviewer's decision in wall review campaign "${campaign.name}" (campaign ${campaign.id}, item ${item.id}): ${item.justification ?? "no justification given"}`;
      try {
        await removeWallPerson(prisma, { id: item.wallId, userId: item.userId!, sideId: item.sideId, input: { justification: justification.slice(0, 2000) }, actor: options.actor });
        result = "removed";
      } catch (err) {
        // Removed by an admin meanwhile, or the wall lifted: nothing left to remove, and the item says so.
        if (!(err instanceof AppError) || (err.code !== "not_found" && err.code !== "conflict")) throw err;
        result = err.code === "not_found" ? "not_on_roster" : "wall_lifted";
      }
    } else {
      result = "lift_pending";
    }
    await prisma.$transaction(async (tx) => {
      const at = clockNow();
      const eventId = await recordAuditEvent(tx, {
        actor: options.actor,
        action: "review_wall_item.applied",
        target: { type: "WallReviewItem", id: item.id, label: item.userId ? `${item.userId} on wall ${item.wallId}` : `wall ${item.wallId}` },
        after: { campaignId: campaign.id, wallId: item.wallId, sideId: item.sideId, userId: item.userId, outcome: item.outcome, result },
      });
      await tx.wallReviewItem.update({
        where: { id: item.id },
        data: { appliedAt: at, applyEventId: eventId, applyResult: result, ...(result === "lift_pending" ? { liftResolution: "pending" } : {}) },
      });
    }, txOptions);
  }
  return prisma.reviewCampaign.findUniqueOrThrow({ where: { id: campaign.id } });
}

/**
 * An admin's answer to a closed wall review's lift: lift the wall now (its lift certificate is
 * issued; the reason names the campaign) or keep it. Recorded on the item and in the audit trail.
 */
export async function resolveWallLift(prisma: PrismaClient, options: { campaignId: string; itemId: string; input: unknown; actor: Actor }) {
  const input = resolveWallLiftInput.parse(options.input);
  const item = await prisma.wallReviewItem.findFirst({ where: { id: options.itemId, campaignId: options.campaignId } });
  if (!item) throw new AppError("not_found", `Item ${options.itemId} of campaign ${options.campaignId} not found`);
  if (item.liftResolution !== "pending") throw new AppError("conflict", item.liftResolution ? `This lift was ${item.liftResolution} already` : "This item is no lift waiting for confirmation");
  const campaign = await prisma.reviewCampaign.findUniqueOrThrow({ where: { id: options.campaignId } });
  let resolution: "lifted" | "declined" = "declined";
  if (input.action === "lift") {
    const wall = await prisma.wall.findUnique({ where: { id: item.wallId }, select: { state: true } });
    // Lifted meanwhile (by hand, or this call's lift committed before a crash): the lift stands.
    if (wall?.state === "active") {
      await liftWallAndCertify(prisma, { id: item.wallId, input: { reason: `Confirmed from wall review campaign "${campaign.name}" (item ${item.id}): ${input.reason}`.slice(0, 2000) }, actor: options.actor });
    } else if (wall?.state !== "lifted") {
      throw new AppError("conflict", `Wall ${item.wallId} is ${wall?.state ?? "gone"}; it cannot be lifted`);
    }
    resolution = "lifted";
  }
  return prisma.$transaction(async (tx) => {
    const at = clockNow();
    // Claimed once: two admins answering at the same time — the second finds it resolved.
    const claimed = await tx.wallReviewItem.updateMany({
      where: { id: item.id, liftResolution: "pending" },
      data: { liftResolution: resolution, liftResolvedAt: at, liftResolvedBy: options.actor.label ?? options.actor.id ?? null, liftReason: input.reason },
    });
    if (claimed.count === 0) throw new AppError("conflict", "This lift was answered already");
    await recordAuditEvent(tx, {
      actor: options.actor,
      action: "review_wall_item.lift_resolved",
      target: { type: "WallReviewItem", id: item.id, label: `wall ${item.wallId}` },
      before: { liftResolution: "pending" },
      after: { campaignId: campaign.id, wallId: item.wallId, liftResolution: resolution, reason: input.reason },
    });
    return tx.wallReviewItem.findUniqueOrThrow({ where: { id: item.id } });
  }, txOptions);
}

/** The decision kinds a wall item takes (the UI and the API say so). */
export const decisionsFor = (question: WallQuestion): WallDecision[] => (question === "wall" ? ["keep", "lift", "dont_know"] : ["keep", "remove", "dont_know"]);
