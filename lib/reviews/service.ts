// The only writer of access review campaigns: definitions, start (the population frozen from the
// access engine, its hash in the audit trail), decisions (stage by stage, each recorded), close
// (defaults for undecided items) and apply (each revocation an exclusion — or the end of a direct
// grant in Custodian — with the engine's answer after it as proof). Every write commits with its
// audit event; revocations reach webhooks as access.revoked through the outbox.
import { createHash, randomUUID } from "node:crypto";
import type { Prisma, PrismaClient, ReviewCampaign } from "@/lib/generated/prisma/client";
import { checkAccessMany } from "@/lib/access/check-many";
import { contractsOfUser, checkAccess } from "@/lib/access/effective-access";
import { directGrantsAt } from "@/lib/access/direct-grants";
import { confidentialityRank } from "@/lib/access/levels";
import { counterpartyFilter, reviewPopulation, type PopulationRow } from "@/lib/access/population";
import { reviewersScreenedByWalls } from "@/lib/access/walls";
import { recordAuditEvent, recordAuditEvents, type Actor } from "@/lib/audit/record";
import { recordAccessChanges } from "@/lib/access/change-events";
import { diffSnapshots, snapshotAccess } from "@/lib/access/snapshot";
import { now as clockNow } from "@/lib/clock";
import type { Tx } from "@/lib/db/errors";
import { AppError } from "@/lib/errors";
import { excludeInTransaction } from "@/lib/exclusions/service";
import { log } from "@/lib/log";
import { enqueueEmails } from "@/lib/notifications/outbox";
import { deleteRule } from "@/lib/rules/service";
import { assignmentMessages, closingMessages, reassignmentMessages } from "./notifications";
import { populationHash } from "./population-hash";
import { lockReviewerItems } from "./queue-lock";
import { peopleNeverOpened, recommend, type RecommendationReason } from "./recommendation";
import { closeWallReview, isWallReview, previewWallReview, startWallReviewInTx, wallItemsReviewableBy } from "./wall-reviews";
import { campaignConfig, decisionInput, definitionInput, extendInput, reassignInput, type CampaignConfig, type Decision } from "./schemas";

const DAY_MS = 86_400_000;
const STRICTLY_CONFIDENTIAL = 3;
const txOptions = { maxWait: 10_000, timeout: 120_000 };

export async function createDefinition(prisma: PrismaClient, options: { input: unknown; actor: Actor }) {
  const input = definitionInput.parse(options.input);
  return prisma.$transaction(async (tx) => {
    const definition = await tx.reviewDefinition.create({
      data: { name: input.name, config: input.config, createdBy: options.actor.label ?? options.actor.id ?? null, ownerEmail: accountEmailOf(options.actor) },
    });
    await recordAuditEvent(tx, {
      actor: options.actor,
      action: "review_definition.created",
      target: { type: "ReviewDefinition", id: definition.id, label: input.name },
      after: { name: input.name, config: input.config },
    });
    return definition;
  });
}

/** A dashboard account's e-mail (its actor label), told when campaigns close; null for API keys and the system. */
function accountEmailOf(actor: Actor): string | null {
  return actor.type === "admin" && actor.label && /^[^\s@]+@[^\s@]+$/.test(actor.label) ? actor.label : null;
}

/** Repository owners review its access in campaigns whose stage reviewers are the owners. */
export async function setRepositoryOwners(prisma: PrismaClient, options: { repositoryId: string; userIds: string[]; actor: Actor }) {
  return prisma.$transaction(async (tx) => {
    const repository = await tx.repository.findUnique({ where: { id: options.repositoryId }, select: { id: true, name: true } });
    if (!repository) throw new AppError("not_found", `Repository ${options.repositoryId} not found`);
    const found = await tx.user.count({ where: { id: { in: options.userIds } } });
    if (found !== new Set(options.userIds).size) throw new AppError("invalid_input", "every owner must be a person known to Custodian");
    const before = (await tx.repositoryOwner.findMany({ where: { repositoryId: repository.id } })).map((o) => o.userId).sort();
    await tx.repositoryOwner.deleteMany({ where: { repositoryId: repository.id } });
    await tx.repositoryOwner.createMany({ data: [...new Set(options.userIds)].map((userId) => ({ repositoryId: repository.id, userId })) });
    await recordAuditEvent(tx, {
      actor: options.actor,
      action: "repository.owners_changed",
      target: { type: "Repository", id: repository.id, label: repository.name },
      before: { owners: before },
      after: { owners: [...new Set(options.userIds)].sort() },
    });
  });
}

interface Person {
  id: string;
  directoryId: string;
  managerId: string | null;
  lastSeenAt: Date;
  inactiveFlaggedAt: Date | null;
}

type Lookups = Awaited<ReturnType<typeof reviewerLookups>>;
type Screened = Awaited<ReturnType<typeof reviewersScreenedByWalls>>;

/**
 * An ethical wall in force denies the candidate the item's scope (its contract, or a contract of
 * its repository): never their reviewer — at the start, at "don't know", and when items change
 * hands (itemsReviewableBy).
 */
const barredFrom = (barred: Screened, candidate: string, item: { repositoryId: string; contractId?: string | null }) =>
  item.contractId ? barred.contract.has(`${candidate}|${item.contractId}`) : barred.repository.has(`${candidate}|${item.repositoryId}`);

/**
 * Who reviews an item at a stage: the stage's reviewer, else the fallback; never the person
 * reviewed, never someone an ethical wall screens from the item's scope (null: nobody can).
 */
function reviewerFor(
  config: CampaignConfig,
  stage: number,
  item: { userId: string; repositoryId: string; contractId?: string | null },
  lookups: Lookups,
): string | null {
  const spec = config.stages[stage - 1];
  const candidates =
    spec.reviewers === "manager"
      ? [lookups.managers.get(item.userId)]
      : spec.reviewers === "repository_owners"
        ? (lookups.owners.get(item.repositoryId) ?? [])
        : spec.namedReviewerIds;
  const chosen = candidates.find((c): c is string => !!c && c !== item.userId && !barredFrom(lookups.barred, c, item));
  if (chosen) return chosen;
  return config.fallbackReviewerId !== item.userId && !barredFrom(lookups.barred, config.fallbackReviewerId, item) ? config.fallbackReviewerId : null;
}

/**
 * Managers (SCIM enterprise `manager`: the manager's id, or externalId as some IdPs send it),
 * repository owners, and which of the possible reviewers (those, the configuration's named and
 * fallback reviewers) ethical walls screen from which repositories and contracts now.
 */
async function reviewerLookups(
  db: PrismaClient | Tx,
  people: Person[],
  repositoryIds: string[],
  config: CampaignConfig,
  contractIds: string[] = [],
) {
  const wanted = [...new Set(people.flatMap((p) => (p.managerId ? [p.managerId] : [])))];
  const managers = wanted.length
    ? await db.user.findMany({ where: { OR: [{ id: { in: wanted } }, { externalId: { in: wanted } }] }, select: { id: true, externalId: true, directoryId: true } })
    : [];
  // By directory and id, then by directory and externalId (a scan of the managers per person was
  // quadratic: 50,000 people × thousands of managers).
  const byId = new Map(managers.map((u) => [`${u.directoryId}|${u.id}`, u.id]));
  const byExternalId = new Map<string, string>();
  for (const u of managers) if (u.externalId && !byExternalId.has(`${u.directoryId}|${u.externalId}`)) byExternalId.set(`${u.directoryId}|${u.externalId}`, u.id);
  const managerOf = new Map<string, string>();
  for (const p of people) {
    if (!p.managerId) continue;
    const m = byId.get(`${p.directoryId}|${p.managerId}`) ?? byExternalId.get(`${p.directoryId}|${p.managerId}`);
    if (m) managerOf.set(p.id, m);
  }
  const ownerRows = await db.repositoryOwner.findMany({ where: { repositoryId: { in: repositoryIds } }, orderBy: [{ repositoryId: "asc" }, { userId: "asc" }] });
  const owners = new Map<string, string[]>();
  for (const o of ownerRows) owners.set(o.repositoryId, [...(owners.get(o.repositoryId) ?? []), o.userId]);
  const candidates = [
    ...new Set([...managerOf.values(), ...ownerRows.map((o) => o.userId), ...config.stages.flatMap((s) => s.namedReviewerIds), config.fallbackReviewerId]),
  ];
  const barred = await reviewersScreenedByWalls(db, { candidates, repositoryIds, contractIds, at: clockNow() });
  return { managers: managerOf, owners, barred };
}

const reasonsKey = (reasons: unknown) =>
  JSON.stringify((reasons as { versionId: string; gids: string[] | null }[]).map((x) => [x.versionId, x.gids]));

interface Planned {
  /** The item's id, chosen here so carried-forward decisions can name it in the same transaction. */
  id: string;
  row: PopulationRow;
  person: Person | undefined;
  lastOpenedAt: Date | null;
  reviewerId: string | null;
  recommendation: "keep" | "revoke" | null;
  recommendationReason: RecommendationReason | null;
  personStatus: string;
  inactiveDays: number;
  /** Kept by a reviewer, unchanged, in the previous campaign, and the definition carries such items forward. */
  carryForward: boolean;
}

/** The previous campaign of a definition (the latest closed one) and what it kept: by any outcome, and by a reviewer's own decision. */
async function previousKeeps(db: PrismaClient | Tx, definitionId: string | undefined) {
  const kept = new Set<string>();
  const keptByReviewer = new Set<string>();
  const previous = definitionId
    ? await db.reviewCampaign.findFirst({ where: { definitionId, status: "closed" }, orderBy: { startedAt: "desc" }, select: { id: true } })
    : null;
  if (previous) {
    const rows = await db.reviewItem.findMany({
      where: { campaignId: previous.id, outcome: "keep" },
      select: { userId: true, repositoryId: true, contractId: true, reasons: true, decision: true, decidedBy: true, carriedForward: true },
    });
    for (const k of rows) {
      const key = itemKey(k);
      kept.add(key);
      // A reviewer's keep — not the default for undecided items, not itself carried forward: every
      // other campaign at least, a person looks at the access again.
      if (k.decision === "keep" && k.decidedBy !== null && !k.carriedForward) keptByReviewer.add(key);
    }
  }
  return { previousId: previous?.id ?? null, kept, keptByReviewer };
}

const itemKey = (i: { userId: string; repositoryId: string; contractId: string | null; reasons: unknown }) =>
  `${i.userId}|${i.repositoryId}|${i.contractId ?? ""}|${reasonsKey(i.reasons)}`;

/** The population of a configuration at `at` with reviewers and recommendations: what starting would create. */
async function planCampaign(db: PrismaClient | Tx, options: { definitionId?: string; config: CampaignConfig; at: Date; dueAt: Date }): Promise<Planned[]> {
  const rows = await populationOf(db, options);
  return planRows(db, { rows, config: options.config, at: options.at, previous: await previousKeeps(db, options.definitionId) });
}

/** The engine's population for a configuration at `at` (access ending before `dueAt` left out). */
function populationOf(db: PrismaClient | Tx, options: { config: CampaignConfig; at: Date; dueAt: Date }): Promise<PopulationRow[]> {
  const { config } = options;
  const rank = (c: Parameters<typeof confidentialityRank>[0] | null | undefined) => (c ? confidentialityRank(c) : null);
  return reviewPopulation(db, {
    at: options.at,
    closeAt: options.dueAt,
    scope: { ...config.scope, confidentialityFloor: rank(config.scope.confidentialityFloor) },
    contractFloor: rank(config.perContractFrom),
  });
}

/** Reviewers, recommendations, last opened and carry-forward for population rows (any subset of people). */
async function planRows(
  db: PrismaClient | Tx,
  options: { rows: PopulationRow[]; config: CampaignConfig; at: Date; previous: Awaited<ReturnType<typeof previousKeeps>> },
): Promise<Planned[]> {
  const { rows, config, at, previous } = options;
  const people = await db.user.findMany({
    where: { id: { in: [...new Set(rows.map((r) => r.userId))] } },
    select: { id: true, directoryId: true, managerId: true, lastSeenAt: true, inactiveFlaggedAt: true },
  });
  const personOf = new Map(people.map((p) => [p.id, p]));
  const lookups = await reviewerLookups(
    db,
    people,
    [...new Set(rows.map((r) => r.repositoryId))],
    config,
    [...new Set(rows.flatMap((r) => (r.contractId ? [r.contractId] : [])))],
  );
  // "Last opened": the decision log's last permit (AuthZEN) on a contract of the item, when known.
  const opened = await db.$queryRawUnsafe<{ userId: string; repositoryId: string; contractId: string; at: Date }[]>(
    `SELECT d."userId", c."repositoryId", d."contractId", d."lastPermitAt" AS at
     FROM "DecisionLog" d JOIN "Contract" c ON c.id = d."contractId" WHERE d."userId" = ANY($1::text[])`,
    [...personOf.keys()],
  );
  const lastOpened = new Map<string, Date>();
  for (const o of opened) {
    for (const key of [`${o.userId}|${o.repositoryId}|`, `${o.userId}|${o.repositoryId}|${o.contractId}`]) {
      const seen = lastOpened.get(key);
      if (!seen || seen < o.at) lastOpened.set(key, o.at);
    }
  }
  const recently = at.getTime() - config.recentlyOpenedDays * DAY_MS;
  const openedOf = (row: PopulationRow) => lastOpened.get(`${row.userId}|${row.repositoryId}|${row.contractId ?? ""}`) ?? null;
  const neverOpened = peopleNeverOpened({ at, days: config.neverOpenedDays, items: rows.map((row) => ({ userId: row.userId, lastOpenedAt: openedOf(row), reasons: row.reasons })) });
  return rows.map((row) => {
    const person = personOf.get(row.userId);
    const inactiveDays = person ? Math.floor((at.getTime() - person.lastSeenAt.getTime()) / DAY_MS) : 0;
    const flagged = !!person?.inactiveFlaggedAt;
    const lastOpenedAt = openedOf(row);
    const key = itemKey(row);
    const { recommendation, reason: recommendationReason } = recommend({
      flagged,
      inactiveDays,
      inactivityRevokeDays: config.inactivityRevokeDays,
      neverOpened: neverOpened.has(row.userId),
      keptBefore: previous.kept.has(key),
      openedRecently: lastOpenedAt !== null && lastOpenedAt.getTime() >= recently,
    });
    const revoke = recommendation === "revoke";
    return {
      id: randomUUID(),
      row,
      person,
      lastOpenedAt,
      reviewerId: reviewerFor(config, 1, row, lookups),
      recommendation,
      recommendationReason,
      personStatus: flagged ? "flagged_inactive" : "active",
      inactiveDays,
      // Never for someone the recommendation says to revoke (inactive): a person decides those.
      carryForward: config.carryForward && !revoke && previous.keptByReviewer.has(key),
    };
  });
}

/**
 * Writes planned items with one INSERT per few thousand (arrays unnested; Prisma's createMany
 * binds 20 parameters per row), and the carried-forward items' keep decisions (their event named
 * later, when the set is complete: `eventId` null here).
 */
async function insertItems(tx: Tx, options: { campaignId: string; plan: Planned[]; at: Date; carryEventId: string | null }) {
  const { plan, at, campaignId } = options;
  const BATCH = 5000;
  for (let i = 0; i < plan.length; i += BATCH) {
    const part = plan.slice(i, i + BATCH);
    const col = <T>(f: (p: Planned) => T) => part.map(f);
    await tx.$executeRawUnsafe(
      `INSERT INTO "ReviewItem" (id, "campaignId", "userId", "repositoryId", "contractId", level, contracts, confidentiality, reasons, "personStatus",
                                 "inactiveDays", "lastOpenedAt", recommendation, "recommendationReason", "reviewerId", "assignedAt", decision, "decidedAt", "carriedForward")
       SELECT i.id, $1, i.uid, i.rid, i.cid, i.level, i.contracts, i.conf, i.reasons, i.status, i.inactive, i.opened, i.rec, i.why, i.reviewer,
              CASE WHEN i.reviewer IS NOT NULL AND NOT i.carried THEN $2::timestamp(3) END,
              CASE WHEN i.carried THEN 'keep' END, CASE WHEN i.carried THEN $2::timestamp(3) END, i.carried
       FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::int[], $8::int[], $9::int[], $10::jsonb[], $11::text[], $12::int[],
                   $13::timestamp(3)[], $14::text[], $15::text[], $16::boolean[], $17::text[])
            AS i(id, uid, rid, cid, level, contracts, conf, reasons, status, inactive, opened, rec, reviewer, carried, why)`,
      campaignId,
      at,
      col((p) => p.id),
      col((p) => p.row.userId),
      col((p) => p.row.repositoryId),
      col((p) => p.row.contractId),
      col((p) => p.row.level),
      col((p) => p.row.contracts),
      col((p) => p.row.confidentiality),
      col((p) => JSON.stringify(p.row.reasons)),
      col((p) => p.personStatus),
      col((p) => p.inactiveDays),
      col((p) => p.lastOpenedAt),
      col((p) => p.recommendation),
      col((p) => p.reviewerId),
      col((p) => p.carryForward),
      col((p) => p.recommendationReason),
    );
    const carried = part.filter((p) => p.carryForward);
    if (carried.length > 0) {
      await tx.reviewDecision.createMany({
        data: carried.map((p) => ({
          itemId: p.id,
          campaignId,
          stage: 1,
          decision: "keep",
          reviewerId: null,
          via: "carry_forward",
          decidedAt: at,
          justification: "Unchanged since a reviewer kept it in the previous campaign of this definition",
          eventId: options.carryEventId,
        })),
      });
    }
  }
}

/** Before starting: how many items and reviewers the definition yields now. */
export async function previewCampaign(prisma: PrismaClient, options: { definitionId: string }) {
  const definition = await prisma.reviewDefinition.findUnique({ where: { id: options.definitionId } });
  if (!definition) throw new AppError("not_found", `Review definition ${options.definitionId} not found`);
  const config = campaignConfig.parse(definition.config);
  if (isWallReview(config)) return previewWallReview(prisma, { config });
  const at = clockNow();
  const plan = await planCampaign(prisma, { definitionId: definition.id, config, at, dueAt: new Date(at.getTime() + config.durationDays * DAY_MS) });
  return {
    items: plan.length,
    people: new Set(plan.map((p) => p.row.userId)).size,
    reviewers: new Set(plan.flatMap((p) => (p.reviewerId ? [p.reviewerId] : []))).size,
    unassigned: plan.filter((p) => !p.reviewerId).length,
    recommendedRevoke: plan.filter((p) => p.recommendation === "revoke").length,
    carriedForward: plan.filter((p) => p.carryForward).length,
  };
}

/**
 * Starts a campaign and waits until it is active (the demo, tests, the bench): see beginCampaign
 * and runCampaignStart. A failed start throws after marking the campaign failed.
 */
export async function startCampaign(prisma: PrismaClient, options: { definitionId: string; name?: string; actor: Actor }) {
  // A wall review (a handful of walls, not a population) starts in one transaction as before.
  if (await isWallReviewDefinition(prisma, options.definitionId)) return prisma.$transaction((tx) => startCampaignInTx(tx, options), txOptions);
  const campaign = await beginCampaign(prisma, options);
  return runCampaignStart(prisma, { campaignId: campaign.id, actor: options.actor });
}

/**
 * The dashboard's and the API's start: begins the campaign and runs its start in the background,
 * answering once it is active or after `waitMs`, whichever comes first — a small campaign answers
 * active as before, one of 50,000 people answers "starting" (its page shows the progress) while
 * the work goes on in this process. A failed start is logged and left marked failed.
 */
export async function startCampaignInBackground(
  prisma: PrismaClient,
  options: { definitionId: string; name?: string; actor: Actor; waitMs?: number },
): Promise<{ campaign: ReviewCampaign; done: boolean }> {
  if (await isWallReviewDefinition(prisma, options.definitionId)) return { campaign: await startCampaign(prisma, options), done: true };
  const begun = await beginCampaign(prisma, options);
  const run = runCampaignStart(prisma, { campaignId: begun.id, actor: options.actor }).then(
    (campaign) => ({ campaign, done: true }),
    (err: unknown) => {
      log.warn("review campaign start failed", { campaignId: begun.id, error: err instanceof Error ? err.message : String(err) });
      return null;
    },
  );
  let timer: NodeJS.Timeout | undefined;
  const waited = await Promise.race([run, new Promise<"waiting">((resolve) => (timer = setTimeout(() => resolve("waiting"), options.waitMs ?? 2000)))]);
  clearTimeout(timer);
  if (waited && waited !== "waiting") return waited;
  return { campaign: await prisma.reviewCampaign.findUniqueOrThrow({ where: { id: begun.id } }), done: false };
}

async function isWallReviewDefinition(prisma: PrismaClient, definitionId: string): Promise<boolean> {
  const definition = await prisma.reviewDefinition.findUnique({ where: { id: definitionId }, select: { config: true } });
  const parsed = definition ? campaignConfig.safeParse(definition.config) : null;
  return !!parsed?.success && isWallReview(parsed.data);
}

/** A start silent this long (its process stopped) is marked failed by the maintenance job. */
export const START_STALLED_MS = 10 * 60_000;
/** People per transaction of a background start: the progress unit, and what one commit holds. */
const START_CHUNK_PEOPLE = 2000;

const campaignName = async (tx: Tx, definition: { id: string; name: string }, name?: string) =>
  // Numbered, not dated: pages show instants only through the one formatter (the start is on the campaign).
  name ?? `${definition.name} #${(await tx.reviewCampaign.count({ where: { definitionId: definition.id } })) + 1}`;

/** A campaign row as it starts: named, snapshot instant and due date fixed, no population yet. */
async function startingCampaign(
  tx: Tx,
  options: { definition: { id: string; ownerEmail: string | null; name: string }; config: CampaignConfig; name?: string; at: Date; actor: Actor },
) {
  const { definition, config, at, actor } = options;
  return {
    definitionId: definition.id,
    name: await campaignName(tx, definition, options.name),
    config,
    status: "starting",
    startedAt: at,
    dueAt: new Date(at.getTime() + config.durationDays * DAY_MS),
    populationHash: "",
    populationSize: 0,
    startedBy: actor.label ?? actor.id ?? null,
    ownerEmail: accountEmailOf(actor) ?? definition.ownerEmail,
  };
}

/**
 * The first step of a start from the dashboard or the API: the campaign row, status "starting",
 * its snapshot instant and due date fixed; the request returns at once and runCampaignStart does
 * the work (the route runs it after answering).
 */
export async function beginCampaign(prisma: PrismaClient, options: { definitionId: string; name?: string; actor: Actor }): Promise<ReviewCampaign> {
  return prisma.$transaction(async (tx) => {
    const definition = await tx.reviewDefinition.findUnique({ where: { id: options.definitionId } });
    if (!definition) throw new AppError("not_found", `Review definition ${options.definitionId} not found`);
    const config = campaignConfig.parse(definition.config);
    const at = clockNow();
    return tx.reviewCampaign.create({
      data: { ...(await startingCampaign(tx, { definition, config, name: options.name, at, actor: options.actor })), kind: "scheduled", heartbeatAt: at },
    });
  });
}

/**
 * Does a "starting" campaign's work: the population at its snapshot instant (one read, computed
 * as sets by the engine), then its items written a few thousand people per transaction — each
 * commit moves the progress ("12,000 of 50,000 people") and SCIM writes are never held up behind
 * one long transaction — and last, in one transaction, the hash, the audit events, the e-mails
 * and the status "active". Items of a campaign that is not active are in nobody's queue. If
 * anything fails, the items written so far are removed and the campaign is marked "failed" with
 * the reason; the definition can be started again.
 */
export async function runCampaignStart(prisma: PrismaClient, options: { campaignId: string; actor: Actor }): Promise<ReviewCampaign> {
  const campaign = await prisma.reviewCampaign.findUnique({ where: { id: options.campaignId } });
  if (!campaign) throw new AppError("not_found", `Campaign ${options.campaignId} not found`);
  if (campaign.status !== "starting") throw new AppError("conflict", `Campaign ${campaign.name} is ${campaign.status}`);
  const at = campaign.startedAt;
  try {
    const config = campaignConfig.parse(campaign.config);
    const rows = await populationOf(prisma, { config, at, dueAt: campaign.dueAt });
    const previous = await previousKeeps(prisma, campaign.definitionId);
    // Rows come ordered by person: chunks of whole people.
    const bounds: number[] = [0];
    let people = 0;
    for (let i = 1; i <= rows.length; i++) {
      if (i === rows.length || rows[i].userId !== rows[i - 1].userId) {
        people++;
        if (people % START_CHUNK_PEOPLE === 0 || i === rows.length) bounds.push(i);
      }
    }
    await beat(prisma, campaign.id, { progressDone: 0, progressTotal: people });
    const counts = new Map<string, number>();
    const carried: string[] = [];
    for (let k = 1; k < bounds.length; k++) {
      const plan = await planRows(prisma, { rows: rows.slice(bounds[k - 1], bounds[k]), config, at, previous });
      for (const p of plan) {
        if (p.reviewerId && !p.carryForward) counts.set(p.reviewerId, (counts.get(p.reviewerId) ?? 0) + 1);
        if (p.carryForward) carried.push(p.id);
      }
      await prisma.$transaction(async (tx) => {
        // Still ours (not marked failed as stalled meanwhile): FOR SHARE keeps it so to the commit.
        const [row] = await tx.$queryRawUnsafe<{ status: string }[]>(`SELECT status FROM "ReviewCampaign" WHERE id = $1 FOR SHARE`, campaign.id);
        if (row?.status !== "starting") throw new AppError("conflict", `Campaign ${campaign.name} is ${row?.status ?? "gone"}`);
        await insertItems(tx, { campaignId: campaign.id, plan, at, carryEventId: null });
        await beat(tx, campaign.id, { progressDone: Math.min(people, k * START_CHUNK_PEOPLE), progressTotal: people });
      }, txOptions);
    }
    return await prisma.$transaction(async (tx) => {
      // Still ours: a start marked failed meanwhile (stalled) does not come back to life.
      const locked = await tx.$queryRawUnsafe<{ status: string }[]>(`SELECT status FROM "ReviewCampaign" WHERE id = $1 FOR UPDATE`, campaign.id);
      if (locked[0]?.status !== "starting") throw new AppError("conflict", `Campaign ${campaign.name} is ${locked[0]?.status ?? "gone"}`);
      return recordStart(tx, { campaign, rows, counts, carried, actor: options.actor, at });
    }, txOptions);
  } catch (err) {
    await failStart(prisma, { campaignId: campaign.id, reason: err instanceof Error ? err.message : String(err) });
    throw err;
  }
}

async function beat(db: PrismaClient | Tx, campaignId: string, progress: { progressDone: number; progressTotal: number }) {
  await db.reviewCampaign.updateMany({ where: { id: campaignId, status: "starting" }, data: { ...progress, heartbeatAt: clockNow() } });
}

/** A start that failed (or stalled): its items and decisions removed, the campaign "failed" with the reason. */
async function failStart(prisma: PrismaClient, options: { campaignId: string; reason: string }) {
  await prisma.$transaction(async (tx) => {
    const locked = await tx.$queryRawUnsafe<{ status: string }[]>(`SELECT status FROM "ReviewCampaign" WHERE id = $1 FOR UPDATE`, options.campaignId);
    // Never an active or closed campaign's items; a failed one's again (nothing may be left).
    if (locked[0]?.status !== "starting" && locked[0]?.status !== "failed") return;
    await tx.$executeRawUnsafe(`DELETE FROM "ReviewDecision" WHERE "campaignId" = $1`, options.campaignId);
    await tx.$executeRawUnsafe(`DELETE FROM "ReviewItem" WHERE "campaignId" = $1`, options.campaignId);
    if (locked[0].status === "starting") {
      await tx.reviewCampaign.update({ where: { id: options.campaignId }, data: { status: "failed", failure: options.reason.slice(0, 2000), progressDone: 0 } });
    }
  }, txOptions);
}

/** Marks failed the starts whose process stopped (no progress for START_STALLED_MS); returns how many. */
export async function failStalledStarts(prisma: PrismaClient, options: { now: Date }): Promise<number> {
  const stalled = await prisma.reviewCampaign.findMany({
    where: { status: "starting", heartbeatAt: { lt: new Date(options.now.getTime() - START_STALLED_MS) } },
    select: { id: true },
  });
  for (const c of stalled) await failStart(prisma, { campaignId: c.id, reason: "The start stopped (its server stopped or restarted) and was abandoned; start the campaign again" });
  return stalled.length;
}

/**
 * The end of a start, in the caller's transaction: the population hash and size, the carried-
 * forward set's event (its decisions point at it), the start's audit event naming each reviewer's
 * item count (the `review.campaign_started` webhook), each reviewer told once by e-mail, status active.
 */
async function recordStart(
  tx: Tx,
  options: { campaign: ReviewCampaign; rows: PopulationRow[]; counts: Map<string, number>; carried: string[]; actor: Actor; at: Date; people?: string[] },
): Promise<ReviewCampaign> {
  const { campaign, rows, counts, carried, at } = options;
  const hash = populationHash(rows);
  let carryEventId: string | null = null;
  if (carried.length > 0) {
    // One event for the set (a campaign may carry tens of thousands), naming the previous
    // campaign and hashing the items' ids; each item's history row points at it.
    carryEventId = await recordAuditEvent(tx, {
      actor: { type: "system", label: "carry forward" },
      action: "review_campaign.carried_forward",
      target: { type: "ReviewCampaign", id: campaign.id, label: campaign.name },
      after: {
        previousCampaignId: (await previousKeeps(tx, campaign.definitionId)).previousId,
        items: carried.length,
        itemsSha256: createHash("sha256").update([...carried].sort().join("\n")).digest("hex"),
      },
    });
    await tx.$executeRawUnsafe(`UPDATE "ReviewDecision" SET "eventId" = $1 WHERE "campaignId" = $2 AND via = 'carry_forward'`, carryEventId, campaign.id);
  }
  const eventId = await recordAuditEvent(tx, {
    actor: options.actor,
    action: "review_campaign.started",
    target: { type: "ReviewCampaign", id: campaign.id, label: campaign.name },
    after: {
      definitionId: campaign.definitionId,
      populationHash: hash,
      populationSize: rows.length,
      snapshotAt: at.toISOString(),
      dueAt: campaign.dueAt.toISOString(),
      reviewers: counts.size,
      assignments: reviewerCounts(counts),
      carriedForward: carried.length,
      ...(options.people ? { people: options.people } : {}),
      ...(campaign.occurrenceAt ? { occurrenceAt: campaign.occurrenceAt.toISOString() } : {}),
    },
  });
  await enqueueEmails(tx, { messages: await assignmentMessages(tx, { id: campaign.id, name: campaign.name, dueAt: campaign.dueAt }, counts), eventId, now: at });
  return tx.reviewCampaign.update({
    where: { id: campaign.id },
    data: { status: "active", populationHash: hash, populationSize: rows.length, startEventId: eventId, heartbeatAt: clockNow() },
  });
}

/**
 * Starting in the caller's transaction (the scheduler starts recurring campaigns under its job
 * lock, `occurrenceAt` naming the recurrence slot; a mover review passes `people`, only these
 * people, and `kind`).
 */
export async function startCampaignInTx(
  tx: Tx,
  options: { definitionId: string; name?: string; actor: Actor; occurrenceAt?: Date; people?: string[]; kind?: "scheduled" | "mover"; skipEmpty: true },
): Promise<ReviewCampaign | null>;
export async function startCampaignInTx(
  tx: Tx,
  options: { definitionId: string; name?: string; actor: Actor; occurrenceAt?: Date; people?: string[]; kind?: "scheduled" | "mover"; skipEmpty?: false },
): Promise<ReviewCampaign>;
export async function startCampaignInTx(
  tx: Tx,
  options: { definitionId: string; name?: string; actor: Actor; occurrenceAt?: Date; people?: string[]; kind?: "scheduled" | "mover"; skipEmpty?: boolean },
): Promise<ReviewCampaign | null> {
  const definition = await tx.reviewDefinition.findUnique({ where: { id: options.definitionId } });
  if (!definition) throw new AppError("not_found", `Review definition ${options.definitionId} not found`);
  const stored = campaignConfig.parse(definition.config);
  if (isWallReview(stored)) {
    const ownerEmail = accountEmailOf(options.actor) ?? definition.ownerEmail;
    return startWallReviewInTx(tx, { definition, config: stored, name: options.name, actor: options.actor, ownerEmail, occurrenceAt: options.occurrenceAt, skipEmpty: options.skipEmpty });
  }
  const config = options.people ? { ...stored, scope: { ...stored.scope, userIds: options.people } } : stored;
  const at = clockNow();
  const dueAt = new Date(at.getTime() + config.durationDays * DAY_MS);
  const plan = await planCampaign(tx, { definitionId: definition.id, config, at, dueAt });
  // Nothing to review (a mover without access): no campaign that would only need closing.
  if (plan.length === 0 && options.skipEmpty) return null;
  const campaign = await tx.reviewCampaign.create({
    data: {
      ...(await startingCampaign(tx, { definition, config, name: options.name, at, actor: options.actor })),
      dueAt,
      occurrenceAt: options.occurrenceAt ?? null,
      kind: options.kind ?? "scheduled",
    },
  });
  await insertItems(tx, { campaignId: campaign.id, plan, at, carryEventId: null });
  const counts = new Map<string, number>();
  for (const p of plan) if (p.reviewerId && !p.carryForward) counts.set(p.reviewerId, (counts.get(p.reviewerId) ?? 0) + 1);
  return recordStart(tx, { campaign, rows: plan.map((p) => p.row), counts, carried: plan.filter((p) => p.carryForward).map((p) => p.id), actor: options.actor, at, people: options.people });
}

/** Reviewer → item count as a list in a stable order (audit documents and webhooks). */
export function reviewerCounts(counts: Map<string, number>): { reviewerId: string; items: number }[] {
  return [...counts.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([reviewerId, items]) => ({ reviewerId, items }));
}

/**
 * A reviewer's decision on items of their own queue (several = bulk). Items that are not theirs
 * are "not found" (reviewers never learn of others' items); self-review is refused; bulk is
 * refused when the campaign forbids it or an item is strictly confidential. Keep passes an item to
 * the next stage, if any; don't know to the next stage or, at the last, to the fallback reviewer.
 */
export async function decideItems(prisma: PrismaClient, options: { campaignId: string; reviewerId: string; input: unknown; actor: Actor }) {
  const input = decisionInput.parse(options.input);
  const itemIds = [...new Set(input.itemIds)];
  const bulk = itemIds.length > 1;
  return prisma.$transaction(async (tx) => {
    const campaign = await lockReviewerItems(tx, { table: "ReviewItem", campaignId: options.campaignId, reviewerId: options.reviewerId, itemIds });
    const config = campaignConfig.parse(campaign.config);
    const rows = await tx.reviewItem.findMany({ where: { id: { in: itemIds } } });
    if (rows.some((r) => r.userId === options.reviewerId)) throw new AppError("forbidden", "Nobody reviews their own access");
    if (rows.some((r) => r.decision !== null)) throw new AppError("conflict", "Some items are already decided");
    if (bulk && !config.bulkAllowed) throw new AppError("invalid_input", "This campaign does not allow bulk decisions");
    if (bulk && rows.some((r) => r.confidentiality >= STRICTLY_CONFIDENTIAL)) {
      throw new AppError("invalid_input", "Strictly confidential items are decided one by one, never in bulk");
    }
    const needsWhy = (input.decision === "keep" && config.justification.keep) || (input.decision === "revoke" && config.justification.revoke);
    if (needsWhy && !input.justification) {
      throw new AppError("invalid_input", `A ${input.decision} decision needs a justification in this campaign`, [{ path: "justification", message: "is required" }]);
    }
    const at = clockNow();
    const lookupsNeeded = input.decision !== "revoke";
    const people = lookupsNeeded
      ? await tx.user.findMany({ where: { id: { in: rows.map((r) => r.userId) } }, select: { id: true, directoryId: true, managerId: true, lastSeenAt: true, inactiveFlaggedAt: true } })
      : [];
    const lookups = lookupsNeeded
      ? await reviewerLookups(tx, people, [...new Set(rows.map((r) => r.repositoryId))], config, [...new Set(rows.flatMap((r) => (r.contractId ? [r.contractId] : [])))])
      : null;
    const seconds = input.secondsSpent === undefined ? null : Math.round(input.secondsSpent / rows.length);
    for (const item of rows) {
      const eventId = await recordAuditEvent(tx, {
        actor: options.actor,
        action: "review_item.decided",
        target: { type: "ReviewItem", id: item.id, label: `${item.userId} on ${item.contractId ?? item.repositoryId}` },
        after: { campaignId: campaign.id, stage: item.stage, decision: input.decision, reviewerId: options.reviewerId, justification: input.justification ?? null, bulk },
      });
      await tx.reviewDecision.create({
        data: {
          itemId: item.id,
          campaignId: campaign.id,
          stage: item.stage,
          decision: input.decision,
          reviewerId: options.reviewerId,
          decidedAt: at,
          justification: input.justification ?? null,
          secondsSpent: seconds,
          bulk,
          eventId,
        },
      });
      await tx.reviewItem.update({ where: { id: item.id }, data: nextState(config, item, input.decision, options.reviewerId, lookups, { at, justification: input.justification, seconds, bulk }) });
    }
    return { decided: rows.length };
  });
}

function nextState(
  config: CampaignConfig,
  item: { stage: number; userId: string; repositoryId: string; contractId?: string | null },
  decision: Decision,
  reviewerId: string,
  lookups: Lookups | null,
  d: { at: Date; justification?: string; seconds: number | null; bulk: boolean },
) {
  const last = item.stage >= config.stages.length;
  const decided = { decidedAt: d.at, decidedBy: reviewerId, justification: d.justification ?? null, secondsSpent: d.seconds, bulk: d.bulk };
  if (decision === "revoke" || (decision === "keep" && last)) return { decision, ...decided };
  if (!last) return { stage: item.stage + 1, reviewerId: reviewerFor(config, item.stage + 1, item, lookups!), assignedAt: d.at, decision: null, ...decided };
  // Don't know at the last stage: to the fallback reviewer once; the fallback's own "don't know" stays undecided.
  if (reviewerId !== config.fallbackReviewerId && config.fallbackReviewerId !== item.userId && !(lookups && barredFrom(lookups.barred, config.fallbackReviewerId, item))) {
    return { reviewerId: config.fallbackReviewerId, assignedAt: d.at, decision: null, ...decided };
  }
  return { decision: "dont_know", ...decided };
}

/**
 * Closes the campaign: every item gets its outcome (its decision, else the campaign's default for
 * undecided items), then each revocation is applied — see applyRevocations.
 */
export async function closeCampaign(prisma: PrismaClient, options: { campaignId: string; actor: Actor }) {
  if ((await prisma.reviewCampaign.findUnique({ where: { id: options.campaignId }, select: { kind: true } }))?.kind === "walls") return closeWallReview(prisma, options);
  await prisma.$transaction(async (tx) => {
    const locked = await tx.$queryRawUnsafe<{ status: string; name: string; config: unknown; dueAt: Date; ownerEmail: string | null }[]>(
      `SELECT status, name, config, "dueAt", "ownerEmail" FROM "ReviewCampaign" WHERE id = $1 FOR UPDATE`,
      options.campaignId,
    );
    if (locked.length === 0) throw new AppError("not_found", `Campaign ${options.campaignId} not found`);
    // Closed before, with revocations left to apply (the process stopped mid-way): resume below.
    if (locked[0].status === "closed" && (await tx.reviewItem.count({ where: { campaignId: options.campaignId, outcome: "revoke", appliedAt: null } })) > 0) return;
    if (locked[0].status !== "active") throw new AppError("conflict", `Campaign ${locked[0].name} is ${locked[0].status}`);
    const config = campaignConfig.parse(locked[0].config);
    await tx.$executeRawUnsafe(`UPDATE "ReviewItem" SET outcome = decision WHERE "campaignId" = $1 AND decision IN ('keep', 'revoke')`, options.campaignId);
    const fallback = config.undecided === "recommendation" ? `COALESCE(recommendation, 'keep')` : `'${config.undecided === "revoke" ? "revoke" : "keep"}'`;
    const defaulted = await tx.$executeRawUnsafe(`UPDATE "ReviewItem" SET outcome = ${fallback} WHERE "campaignId" = $1 AND outcome IS NULL`, options.campaignId);
    const counts = await tx.reviewItem.groupBy({ by: ["outcome"], where: { campaignId: options.campaignId }, _count: true });
    const at = clockNow();
    // Everyone who held items of the campaign (now, or when they decided) hears of the close; a
    // carried-forward decision is nobody's.
    const reviewers = await tx.$queryRawUnsafe<{ reviewerId: string }[]>(
      `SELECT "reviewerId" FROM "ReviewItem" WHERE "campaignId" = $1 AND "reviewerId" IS NOT NULL
       UNION SELECT "reviewerId" FROM "ReviewDecision" WHERE "campaignId" = $1 AND "reviewerId" IS NOT NULL ORDER BY 1`,
      options.campaignId,
    );
    const outcomes = Object.fromEntries(counts.map((c) => [c.outcome, c._count]));
    const eventId = await recordAuditEvent(tx, {
      actor: options.actor,
      action: "review_campaign.closed",
      target: { type: "ReviewCampaign", id: options.campaignId, label: locked[0].name },
      after: { closedAt: at.toISOString(), undecidedDefault: config.undecided, defaulted, outcomes, reviewers: reviewers.length },
    });
    await tx.reviewCampaign.update({ where: { id: options.campaignId }, data: { status: "closed", closedAt: at, closeEventId: eventId } });
    const messages = await closingMessages(
      tx,
      { id: options.campaignId, name: locked[0].name, dueAt: locked[0].dueAt, ownerEmail: locked[0].ownerEmail },
      reviewers.map((r) => r.reviewerId),
      { kept: outcomes.keep ?? 0, revoked: outcomes.revoke ?? 0, defaulted },
    );
    await enqueueEmails(tx, { messages, eventId, now: at });
  }, txOptions);
  return applyRevocations(prisma, options);
}

/** Locks an active campaign's row (decisions wait, as for a close); not found and not active are errors. */
async function lockActiveCampaign(tx: Tx, campaignId: string) {
  const locked = await tx.$queryRawUnsafe<{ id: string }[]>(`SELECT id FROM "ReviewCampaign" WHERE id = $1 FOR UPDATE`, campaignId);
  if (locked.length === 0) throw new AppError("not_found", `Campaign ${campaignId} not found`);
  const campaign = await tx.reviewCampaign.findUniqueOrThrow({ where: { id: campaignId } });
  if (campaign.status !== "active") throw new AppError("conflict", `Campaign ${campaign.name} is ${campaign.status}`);
  return campaign;
}

/** Moves an active campaign's due date later, with a reason (audit `review_campaign.extended`). */
export async function extendCampaign(prisma: PrismaClient, options: { campaignId: string; input: unknown; actor: Actor }) {
  const input = extendInput.parse(options.input);
  const dueAt = new Date(input.dueAt);
  return prisma.$transaction(async (tx) => {
    const campaign = await lockActiveCampaign(tx, options.campaignId);
    const at = clockNow();
    if (dueAt <= campaign.dueAt) throw new AppError("invalid_input", "The new due date must be after the current one", [{ path: "dueAt", message: "must be after the current due date" }]);
    if (dueAt <= at) throw new AppError("invalid_input", "The new due date must be in the future", [{ path: "dueAt", message: "must be in the future" }]);
    await recordAuditEvent(tx, {
      actor: options.actor,
      action: "review_campaign.extended",
      target: { type: "ReviewCampaign", id: campaign.id, label: campaign.name },
      before: { dueAt: campaign.dueAt.toISOString() },
      after: { dueAt: dueAt.toISOString(), reason: input.reason },
    });
    return tx.reviewCampaign.update({ where: { id: campaign.id }, data: { dueAt } });
  });
}

// Handing items to another reviewer (an admin's reassignment, the scheduler's escalation) works
// on either kind of campaign: a wall review's items are in WallReviewItem, every other campaign's
// in ReviewItem; the history of both is in ReviewAssignment (as their decisions are in ReviewDecision).

/** The table holding a campaign's items. */
export const itemTable = (kind: string): "ReviewItem" | "WallReviewItem" => (kind === "walls" ? "WallReviewItem" : "ReviewItem");

/** An undecided item with a reviewer; the scope columns are null on wall items, the wall columns on access items. */
export interface OpenItem {
  id: string;
  stage: number;
  reviewerId: string;
  userId: string | null;
  repositoryId: string | null;
  contractId: string | null;
  wallId: string | null;
  sideId: string | null;
  question: string | null;
}

/**
 * A campaign's undecided items held by `reviewerId`, or (escalation) held by anyone but
 * `notReviewerId` since `assignedBy` or before (an item never reassigned counts from the start),
 * locked FOR UPDATE (the caller holds the campaign row first, as decisions and the close take them).
 */
export async function lockOpenItems(
  tx: Tx,
  campaign: { id: string; kind: string; startedAt: Date },
  filter: { reviewerId: string } | { notReviewerId: string; assignedBy: Date },
): Promise<OpenItem[]> {
  const table = itemTable(campaign.kind);
  const columns =
    table === "WallReviewItem"
      ? `NULL::text AS "repositoryId", NULL::text AS "contractId", i."wallId", i."sideId", i.question`
      : `i."repositoryId", i."contractId", NULL::text AS "wallId", NULL::text AS "sideId", NULL::text AS question`;
  const select = `SELECT i.id, i.stage, i."reviewerId", i."userId", ${columns} FROM "${table}" i WHERE i."campaignId" = $1 AND i.decision IS NULL`;
  if ("reviewerId" in filter) return tx.$queryRawUnsafe<OpenItem[]>(`${select} AND i."reviewerId" = $2 ORDER BY i.id FOR UPDATE`, campaign.id, filter.reviewerId);
  return tx.$queryRawUnsafe<OpenItem[]>(
    `${select} AND i."reviewerId" IS NOT NULL AND i."reviewerId" <> $2 AND COALESCE(i."assignedAt", $3::timestamp(3)) <= $4::timestamp(3) ORDER BY i.id FOR UPDATE`,
    campaign.id,
    filter.notReviewerId,
    campaign.startedAt,
    filter.assignedBy,
  );
}

/**
 * Of these items, those `candidate` may receive, the rules the start applies: never an item about
 * themselves (nobody reviews their own access or their own place on a roster); on an access
 * review, never an item whose scope an ethical wall in force at `at` denies them (barredFrom); on a
 * wall review, never a wall that screens them, nor another side's items (wallItemsReviewableBy).
 * `screened`: how many of the others a wall keeps from them (the audit events say so).
 */
export async function itemsReviewableBy(
  tx: Tx,
  campaign: { kind: string },
  candidate: string,
  items: OpenItem[],
  at: Date,
): Promise<{ reviewable: OpenItem[]; screened: number }> {
  const notOwn = items.filter((i) => i.userId !== candidate);
  const reviewable =
    campaign.kind === "walls"
      ? await wallItemsReviewableBy(tx, { candidate, items: notOwn.map((i) => ({ ...i, wallId: i.wallId!, question: i.question! })), at })
      : await accessItemsNotScreened(tx, candidate, notOwn, at);
  return { reviewable, screened: notOwn.length - reviewable.length };
}

/** Access items the walls in force at `at` do not screen `candidate` from: the start's lookup and predicate, for one candidate. */
async function accessItemsNotScreened(tx: Tx, candidate: string, items: OpenItem[], at: Date): Promise<OpenItem[]> {
  const barred = await reviewersScreenedByWalls(tx, {
    candidates: [candidate],
    repositoryIds: [...new Set(items.map((i) => i.repositoryId!))],
    contractIds: [...new Set(items.flatMap((i) => (i.contractId ? [i.contractId] : [])))],
    at,
  });
  return items.filter((i) => !barredFrom(barred, candidate, { repositoryId: i.repositoryId!, contractId: i.contractId }));
}

/** Gives the items to `toReviewerId` (assigned now: escalation counts from here) and writes each item's history row. */
export async function handOverItems(
  tx: Tx,
  options: { campaign: { id: string; kind: string }; items: OpenItem[]; toReviewerId: string; kind: "reassigned" | "escalated"; reason: string; at: Date; eventId: string },
): Promise<void> {
  const { campaign, items, at } = options;
  await tx.$executeRawUnsafe(
    `UPDATE "${itemTable(campaign.kind)}" SET "reviewerId" = $1, "assignedAt" = $2::timestamp(3) WHERE id = ANY($3::text[])`,
    options.toReviewerId,
    at,
    items.map((i) => i.id),
  );
  await tx.reviewAssignment.createMany({
    data: items.map((i) => ({
      itemId: i.id,
      campaignId: campaign.id,
      stage: i.stage,
      kind: options.kind,
      fromReviewerId: i.reviewerId,
      toReviewerId: options.toReviewerId,
      reason: options.reason,
      at,
      eventId: options.eventId,
    })),
  });
}

/**
 * Moves reviewer A's undecided items of an active campaign (access or wall review) to person B (an
 * admin's decision: A is away, left, or should not review these). Items B may not review (their
 * own access or place on a roster; an item of a scope an ethical wall screens them from, or of a
 * wall that screens them) stay with A, counted as kept back (the audit event also counts those a
 * wall keeps back); when none may move, nothing moves and the request fails. Each moved item's
 * history gets the change; one audit event names them; B is told by e-mail.
 */
export async function reassignItems(prisma: PrismaClient, options: { campaignId: string; input: unknown; actor: Actor }) {
  const input = reassignInput.parse(options.input);
  if (input.fromReviewerId === input.toReviewerId) throw new AppError("invalid_input", "The new reviewer must be another person", [{ path: "toReviewerId", message: "is the current reviewer" }]);
  return prisma.$transaction(async (tx) => {
    const campaign = await lockActiveCampaign(tx, options.campaignId);
    const to = await tx.user.findUnique({ where: { id: input.toReviewerId }, select: { id: true, active: true } });
    if (!to || !to.active) throw new AppError("invalid_input", "The new reviewer must be an active person of a directory", [{ path: "toReviewerId", message: "is no active person" }]);
    const open = await lockOpenItems(tx, campaign, { reviewerId: input.fromReviewerId });
    if (open.length === 0) throw new AppError("invalid_input", "That reviewer has no undecided items in this campaign", [{ path: "fromReviewerId", message: "has no undecided items" }]);
    const at = clockNow();
    const { reviewable: moving, screened } = await itemsReviewableBy(tx, campaign, to.id, open, at);
    const keptBack = open.length - moving.length;
    if (moving.length === 0) {
      const message =
        campaign.kind === "walls"
          ? "Nobody reviews their own place on a roster nor a wall that screens them: every undecided item of that reviewer is one of these for the new reviewer"
          : screened > 0
            ? "Nobody reviews their own access nor access an ethical wall screens them from: every undecided item of that reviewer is about the new reviewer or in a scope a wall screens them from"
            : "Nobody reviews their own access: every undecided item of that reviewer is about the new reviewer";
      throw new AppError("invalid_input", message, [{ path: "toReviewerId", message: screened > 0 ? "is screened from or the subject of every item" : "is the subject of every item" }]);
    }
    const eventId = await recordAuditEvent(tx, {
      actor: options.actor,
      action: "review_campaign.items_reassigned",
      target: { type: "ReviewCampaign", id: campaign.id, label: campaign.name },
      before: { reviewerId: input.fromReviewerId },
      after: { reviewerId: to.id, reason: input.reason, items: moving.length, keptBack, keptBackByWall: screened, itemIds: moving.map((i) => i.id) },
    });
    await handOverItems(tx, { campaign, items: moving, toReviewerId: to.id, kind: "reassigned", reason: input.reason, at, eventId });
    await enqueueEmails(tx, { messages: await reassignmentMessages(tx, campaign, to.id, moving.length, input.reason), eventId, now: at });
    return { reassigned: moving.length, keptBack };
  });
}

/**
 * Applies the revocations of a closed campaign not applied yet, each in its own transaction (so a
 * crash resumes where it stopped and the campaign's size does not bound a transaction): a direct
 * grant in Custodian whose scope is exactly the item's ends; any other access gets an exclusion
 * with the campaign as its reason. The engine's answer right after is the proof.
 */
export async function applyRevocations(prisma: PrismaClient, options: { campaignId: string; actor: Actor }) {
  const campaign = await prisma.reviewCampaign.findUniqueOrThrow({ where: { id: options.campaignId } });
  const config = campaignConfig.parse(campaign.config);
  const floor = config.perContractFrom ? confidentialityRank(config.perContractFrom) : null;
  const narrowing = scopeNarrowing(config);
  // By repository, then person: a batch's access snapshots cover few repositories.
  const pending = await prisma.reviewItem.findMany({
    where: { campaignId: campaign.id, outcome: "revoke", appliedAt: null },
    orderBy: [{ repositoryId: "asc" }, { userId: "asc" }, { id: "asc" }],
  });
  // Most items are one plain exclusion (a repository reviewed whole, or a contract): applied in
  // batches, each one transaction with bulk writes. The others (a direct grant to end, contracts
  // one by one, a narrowed exclusion) one by one below, as before.
  const plain: typeof pending = [];
  const others: typeof pending = [];
  for (const item of pending) {
    const reasons = item.reasons as { gids: string[] | null }[];
    const special =
      (!item.contractId && (floor !== null || narrowing.counterparties.length > 0 || narrowing.contractTypes.length > 0 || narrowing.confidentialityFloor !== null)) ||
      reasons.every((r) => r.gids === null);
    (special ? others : plain).push(item);
  }
  for (let i = 0; i < plain.length; i += APPLY_BATCH) {
    await applyPlainRevocations(prisma, { campaign, items: plain.slice(i, i + APPLY_BATCH), actor: options.actor });
  }
  for (const item of others) {
    // A repository item beside per-contract items of the same person and repository covered only
    // the contracts below the per-contract floor: those are excluded one by one, so the contracts
    // reviewed separately (kept, or revoked by their own item) are left to their own decision.
    // A repository item of a scope filtered by counterparty is applied contract by contract too
    // (the engine's answers do not look at counterparties), one filtered by contract type or
    // confidentiality as one repository exclusion narrowed the same way: in either case the
    // revocation withdraws exactly what was reviewed, never the repository's other contracts.
    const covered = await coveredContracts(prisma, { campaignId: campaign.id, floor, item, narrowing });
    const narrowed = !item.contractId && !covered && (narrowing.contractTypes.length > 0 || narrowing.confidentialityFloor !== null);
    const reasons = item.reasons as { ruleId: string; gids: string[] | null }[];
    const directRules = [...new Set(reasons.filter((r) => r.gids === null).map((r) => r.ruleId))];
    const allDirect = !covered && !narrowed && directRules.length > 0 && reasons.every((r) => r.gids === null);
    const rules = allDirect ? await prisma.accessRuleVersion.findMany({ where: { ruleId: { in: directRules }, recordedTo: null } }) : [];
    const exactScope = allDirect && rules.length === directRules.length && rules.every((r) => (item.contractId ? r.contractId === item.contractId : r.repositoryId === item.repositoryId && !r.contractId));
    // No person in it (it is stored in hashed audit content): who decided is in the item's decision history.
    const why = `Revoked in access review campaign "${campaign.name}"${item.decidedBy ? " by its reviewer's decision" : " (default for undecided items)"}`;
    let exclusionIds: string[] = [];
    if (exactScope) {
      for (const ruleId of directRules) await deleteRule(prisma, { id: ruleId, input: { justification: why }, actor: options.actor });
    } else {
      const scopes = covered
        ? covered.map((contractId) => ({ repositoryId: null, contractId }))
        : [
            {
              repositoryId: item.contractId ? null : item.repositoryId,
              contractId: item.contractId,
              ...(narrowed ? { contractTypes: narrowing.contractTypes, confidentialityFloor: narrowing.confidentialityFloor } : {}),
            },
          ];
      exclusionIds = await prisma.$transaction(async (tx) => {
        const ids: string[] = [];
        for (const scope of scopes) {
          ids.push(
            await excludeInTransaction(tx, {
              content: { userId: item.userId, ...scope, reason: why, validUntil: null, source: "campaign", campaignId: campaign.id },
              actor: options.actor,
            }),
          );
        }
        return ids;
      }, txOptions);
    }
    // The item's one exclusion (the first, when a repository item was applied contract by contract; all are in the event).
    const exclusionId = exclusionIds[0] ?? null;
    const engineProof = await revocationProof(prisma, item, covered ?? (narrowed ? await scopeContracts(prisma, { repositoryId: item.repositoryId, narrowing, below: null }) : null));
    const proof = exactScope ? await directGrantProof(prisma, item, directRules, engineProof) : engineProof;
    await prisma.$transaction(async (tx) => {
      await recordAuditEvent(tx, {
        actor: options.actor,
        action: "review_item.revoked",
        target: { type: "ReviewItem", id: item.id, label: `${item.userId} on ${item.contractId ?? item.repositoryId}` },
        after: { campaignId: campaign.id, exclusionId, ...(covered ? { exclusionIds } : {}), endedRuleIds: exactScope ? directRules : [], proof },
      });
      await tx.reviewItem.update({
        where: { id: item.id },
        data: { appliedAt: proof.at, exclusionId, endedRuleId: exactScope ? directRules.join(",") : null, proof },
      });
    });
  }
  return prisma.reviewCampaign.findUniqueOrThrow({ where: { id: campaign.id } });
}

/** Revocations per transaction at close: each commits its exclusions, events and items together. */
const APPLY_BATCH = 500;

/**
 * A batch of plain revocations (one exclusion each: the repository, or the contract), in one
 * transaction: the exclusions, their exclusion.created events, the access.revoked events they
 * cause (one snapshot of the batch's people in its repositories before and after, each event
 * naming its own exclusion's event as the cause), the proof (the engine's answer inside the
 * transaction, after the exclusions: the contracts left in the repository, or the contract's
 * check), the review_item.revoked events and the items' appliedAt — so a person is denied from
 * the instant their item reads applied, never later. Every insert is one statement per batch.
 */
async function applyPlainRevocations(
  prisma: PrismaClient,
  options: { campaign: ReviewCampaign; items: Prisma.ReviewItemGetPayload<object>[]; actor: Actor },
) {
  const { campaign, items, actor } = options;
  await prisma.$transaction(async (tx) => {
    const userIds = [...new Set(items.map((i) => i.userId))];
    const repositoryIds = [...new Set(items.map((i) => i.repositoryId))];
    const before = await snapshotAccess(tx, { userIds, repositoryIds, at: clockNow() });
    const at = clockNow();
    const why = (item: { decidedBy: string | null }) =>
      `Revoked in access review campaign "${campaign.name}"${item.decidedBy ? " by its reviewer's decision" : " (default for undecided items)"}`;
    const exclusions = items.map((item) => ({
      id: randomUUID(),
      userId: item.userId,
      repositoryId: item.contractId ? null : item.repositoryId,
      contractId: item.contractId,
      source: "campaign",
      campaignId: campaign.id,
      reason: why(item),
    }));
    const exclusionEvents = await recordAuditEvents(
      tx,
      exclusions.map((x) => ({
        actor,
        action: "exclusion.created" as const,
        target: { type: "Exclusion", id: x.id, label: `user ${x.userId} from ${x.repositoryId ? `repository ${x.repositoryId}` : `contract ${x.contractId}`}` },
        after: { userId: x.userId, repositoryId: x.repositoryId, contractId: x.contractId, source: x.source, campaignId: x.campaignId, reason: x.reason, validFrom: at.toISOString(), validTo: null },
      })),
    );
    await tx.$executeRawUnsafe(
      `INSERT INTO "Exclusion" (id, "userId", "repositoryId", "contractId", source, "campaignId", reason, "validFrom", "validTo", "createdAt", "createdByType", "createdById", "createdByLabel", "eventId")
       SELECT x.id, x.uid, x.rid, x.cid, 'campaign', $1, x.reason, $2::timestamp(3), NULL, $2::timestamp(3), $3, $4, $5, x.eid
       FROM unnest($6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[]) AS x(id, uid, rid, cid, reason, eid)`,
      campaign.id,
      at,
      actor.type,
      actor.id ?? null,
      actor.label ?? null,
      exclusions.map((x) => x.id),
      exclusions.map((x) => x.userId),
      exclusions.map((x) => x.repositoryId),
      exclusions.map((x) => x.contractId),
      exclusions.map((x) => x.reason),
      exclusionEvents,
    );
    const proofAt = clockNow();
    const after = await snapshotAccess(tx, { userIds, repositoryIds, at: proofAt });
    // Each (person, repository) change is caused by that person's exclusion in it (the first, when a
    // repository item and contract items of one person share a repository).
    const eventOf = new Map<string, string>();
    items.forEach((item, k) => {
      const key = `${item.userId}|${item.repositoryId}`;
      if (!eventOf.has(key)) eventOf.set(key, exclusionEvents[k]);
    });
    await recordAccessChanges(tx, {
      changes: diffSnapshots(before, after),
      actor,
      cause: { kind: "exclusion.created", description: `exclusions of access review campaign ${campaign.id}` },
      causeOf: (c) => ({ kind: "exclusion.created", eventId: eventOf.get(`${c.userId}|${c.repositoryId}`), description: "exclusion from an access review campaign" }),
      at: proofAt,
    });
    // The same proofs as one by one: a contract's check; a repository's count of the person's
    // contracts left in it — here the engine's snapshot after the exclusions (the count
    // contractsOfUser gives, for the whole batch in one query).
    const proofs: Record<string, unknown>[] = [];
    for (const item of items) {
      if (item.contractId) {
        const check = await checkAccess(tx, { userId: item.userId, contractId: item.contractId, at: proofAt });
        proofs.push({ at: proofAt.toISOString(), query: "check", contractId: item.contractId, allowed: check.allowed, denial: check.denial.map((d) => d.code) });
      } else {
        const left = after.get(item.userId)?.get(item.repositoryId)?.contracts ?? 0;
        proofs.push({ at: proofAt.toISOString(), query: "contracts_of_user", repositoryId: item.repositoryId, allowed: left > 0, contractsLeft: left });
      }
    }
    const revokedEvents = await recordAuditEvents(
      tx,
      items.map((item, k) => ({
        actor,
        action: "review_item.revoked" as const,
        target: { type: "ReviewItem", id: item.id, label: `${item.userId} on ${item.contractId ?? item.repositoryId}` },
        after: { campaignId: campaign.id, exclusionId: exclusions[k].id, endedRuleIds: [], proof: proofs[k] },
      })),
    );
    void revokedEvents;
    await tx.$executeRawUnsafe(
      `UPDATE "ReviewItem" i SET "appliedAt" = $1::timestamp(3), "exclusionId" = x.eid, proof = x.proof
       FROM unnest($2::text[], $3::text[], $4::jsonb[]) AS x(id, eid, proof) WHERE i.id = x.id`,
      proofAt,
      items.map((i) => i.id),
      exclusions.map((x) => x.id),
      proofs.map((p) => JSON.stringify(p)),
    );
  }, txOptions);
}

interface ScopeNarrowing {
  contractTypes: string[];
  /** Confidentiality rank. */
  confidentialityFloor: number | null;
  /** Lower-cased. */
  counterparties: string[];
}

/** How the campaign's scope narrows a repository's contracts (what a repository item reviewed). */
function scopeNarrowing(config: CampaignConfig): ScopeNarrowing {
  return {
    contractTypes: [...new Set(config.scope.contractTypes)].sort(),
    confidentialityFloor: config.scope.confidentialityFloor ? confidentialityRank(config.scope.confidentialityFloor) : null,
    counterparties: [...new Set(config.scope.counterparties.map((c) => c.toLowerCase()))].sort(),
  };
}

/**
 * The contracts a repository item covered, when they must be excluded one by one: the same person
 * × repository also has per-contract items in the campaign (the repository item covered only the
 * contracts below the per-contract floor), or the scope is filtered by counterparty. The
 * repository's current, not ended contracts within the scope's narrowing. Null when the item is
 * not such an item (a contract item, or a repository reviewed whole or narrowed by type and
 * confidentiality only). Contracts added to the repository later are not excluded (the revocation
 * covers what was reviewed).
 */
async function coveredContracts(
  prisma: PrismaClient,
  options: { campaignId: string; floor: number | null; narrowing: ScopeNarrowing; item: { userId: string; repositoryId: string; contractId: string | null } },
): Promise<string[] | null> {
  const { item, floor, narrowing } = options;
  if (item.contractId) return null;
  const split =
    floor !== null &&
    (await prisma.reviewItem.count({
      where: { campaignId: options.campaignId, userId: item.userId, repositoryId: item.repositoryId, contractId: { not: null } },
    })) > 0;
  if (!split && narrowing.counterparties.length === 0) return null;
  return scopeContracts(prisma, { repositoryId: item.repositoryId, narrowing, below: split ? floor : null });
}

/** The repository's current, not ended contracts within the narrowing (and below `below`, a confidentiality rank). */
async function scopeContracts(prisma: PrismaClient, options: { repositoryId: string; narrowing: ScopeNarrowing; below: number | null }): Promise<string[]> {
  const n = options.narrowing;
  const rows = await prisma.$queryRawUnsafe<{ contractId: string }[]>(
    `SELECT cr."contractId" FROM "ContractRevision" cr
     WHERE cr."repositoryId" = $1 AND cr."validTo" IS NULL AND (cr."endDate" IS NULL OR cr."endDate" > $2::timestamp(3))
       AND ($3::int IS NULL OR cr.confidentiality < $3::int)
       AND (cardinality($4::text[]) = 0 OR cr."contractType" = ANY($4::text[]))
       AND ($5::int IS NULL OR cr.confidentiality >= $5::int)
       AND (cardinality($6::text[]) = 0 OR ${counterpartyFilter("cr", "$6")})
     ORDER BY cr."contractId"`,
    options.repositoryId,
    clockNow(),
    options.below,
    n.contractTypes,
    n.confidentialityFloor,
    n.counterparties,
  );
  return rows.map((r) => r.contractId);
}

/**
 * The proof of a direct grant's revocation (the item's access was all direct grants of exactly its
 * scope, and they were ended): what was revoked — the rules ended, and no direct grant of the
 * person on that scope in force at the instant — with the engine's answer beside it as information
 * (a "direct grants only" campaign leaves access through groups, so the engine may still allow);
 * the report's verification checks the former (lib/reviews/export.ts).
 */
async function directGrantProof(
  prisma: PrismaClient,
  item: { userId: string; repositoryId: string; contractId: string | null },
  endedRuleIds: string[],
  engine: Awaited<ReturnType<typeof revocationProof>>,
) {
  const left = await directGrantsAt(prisma, { userId: item.userId, repositoryId: item.repositoryId, contractId: item.contractId, at: new Date(engine.at) });
  // The engine's answer keeps its fields (query, allowed, …: what they always meant); `revoked` says what the proof is.
  return { ...engine, revoked: "direct_grant" as const, endedRuleIds, directGrantsLeft: left.length };
}

/** The engine's answer for the person right after the revocation: no contract of the item's scope left. */
async function revocationProof(prisma: PrismaClient, item: { userId: string; repositoryId: string; contractId: string | null }, covered: string[] | null) {
  const at = clockNow();
  if (covered) {
    const checks = await checkAccessMany(prisma, { pairs: covered.map((contractId) => ({ userId: item.userId, contractId })), at });
    const left = covered.filter((c) => checks.get(`${item.userId}|${c}`)?.level).length;
    return { at: at.toISOString(), query: "check_many", repositoryId: item.repositoryId, contracts: covered.length, allowed: left > 0, contractsLeft: left };
  }
  if (item.contractId) {
    const check = await checkAccess(prisma, { userId: item.userId, contractId: item.contractId, at });
    return { at: at.toISOString(), query: "check", contractId: item.contractId, allowed: check.allowed, denial: check.denial.map((d) => d.code) };
  }
  const left = await contractsOfUser(prisma, { userId: item.userId, at, offset: 0, limit: 1, filter: { repositoryId: item.repositoryId } });
  return { at: at.toISOString(), query: "contracts_of_user", repositoryId: item.repositoryId, allowed: left.total > 0, contractsLeft: left.total };
}
