// Evidence packs for a contract or a repository over a window [from, to): everyone who had access
// and when (intervals with level and reason chain), and every grant and revocation with its cause
// and the SCIM or admin event behind it. Read-only; sizes are capped and reported as truncated.
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { findSubject, type SubjectSummary } from "@/lib/access-review/queries";
import { ts, type Db } from "@/lib/access/sql";
import { now as clockNow } from "@/lib/clock";
import { collectAccessEvents, type EvidenceEvent } from "./events";
import { cappedAccessIntervals, type AccessInterval, type IntervalReason } from "@/lib/access/intervals";
import { clipWindow, type Window } from "./window";

/** Interval rows beyond this are not evidence of one subject, they are a dump: the pack says so. */
export const MAX_INTERVALS = 100_000;
export const MAX_EVENTS = 100_000;
/** Contracts of a repository per interval query (keeps each query's working set bounded). */
const CONTRACT_BATCH = 200;

export interface ReasonText {
  level: string;
  /** "Team > Department ← rule “Legal edits deals” v2 (edit) ← repository Deals" (a deleted group: "Team (deleted group)") */
  chain: string;
  ruleId: string;
  ruleVersion: number;
  groupIds: string[] | null;
  justification: string | null;
  ruleAuthor: string | null;
}

export interface IntervalRow {
  userId: string;
  userName: string | null;
  displayName: string | null;
  contractId: string;
  contractTitle: string | null;
  contractExternalRef: string | null;
  repositoryName: string | null;
  from: Date;
  to: Date;
  openAtStart: boolean;
  openAtEnd: boolean;
  level: string;
  reasons: ReasonText[];
}

export interface AccessPack {
  kind: "contract" | "repository";
  subject: SubjectSummary;
  /** The window asked for, and the one reported (a future end is clipped to now). */
  requested: Window;
  window: Window;
  generatedAt: Date;
  people: number;
  intervals: IntervalRow[];
  events: EvidenceEvent[];
  truncated: { intervals: boolean; events: boolean };
}

async function namesFor(db: Db, intervals: AccessInterval[]) {
  const ids = (pick: (r: IntervalReason) => (string | null)[]) => [...new Set(intervals.flatMap((i) => i.reasons.flatMap(pick)).filter((x): x is string => !!x))];
  const userIds = [...new Set(intervals.map((i) => i.userId))];
  const contractIds = [...new Set([...intervals.map((i) => i.contractId), ...ids((r) => [r.ruleContractId])])];
  const groupIds = ids((r) => r.groupIds ?? []);
  const repositoryIds = ids((r) => [r.ruleRepositoryId]);
  const versionIds = ids((r) => [r.ruleVersionId]);
  const rows = await db.$queryRawUnsafe<{ k: string; id: string; a: string | null; b: string | null; c: string | null }[]>(
    `SELECT 'u' AS k, id, "userName" AS a, "displayName" AS b, NULL AS c FROM "User" WHERE id = ANY($1::text[])
     UNION ALL SELECT 'c', c.id, c.title, c."externalRef", r.name FROM "Contract" c JOIN "Repository" r ON r.id = c."repositoryId" WHERE c.id = ANY($2::text[])
     UNION ALL SELECT 'g', id, "displayName", NULL, NULL FROM "Group" WHERE id = ANY($3::text[])
     UNION ALL SELECT 'g', d.id, d."displayName" || ' (deleted group)', NULL, NULL FROM "DeletedGroup" d
       WHERE d.id = ANY($3::text[]) AND NOT EXISTS (SELECT 1 FROM "Group" g WHERE g.id = d.id)
     UNION ALL SELECT 'r', id, name, NULL, NULL FROM "Repository" WHERE id = ANY($4::text[])
     UNION ALL SELECT 'v', id, justification, COALESCE("authorLabel", "authorId"), name FROM "AccessRuleVersion" WHERE id = ANY($5::text[])`,
    userIds,
    contractIds,
    groupIds,
    repositoryIds,
    versionIds,
  );
  const map = (k: string) => new Map(rows.filter((r) => r.k === k).map((r) => [r.id, r]));
  return { users: map("u"), contracts: map("c"), groups: map("g"), repositories: map("r"), versions: map("v") };
}

/** Readable rows for intervals: names where the records still exist, ids where they do not. */
export async function describeIntervals(db: Db, intervals: AccessInterval[]): Promise<IntervalRow[]> {
  const n = await namesFor(db, intervals);
  const shortId = (id: string) => id.slice(0, 8);
  return intervals.map((i) => {
    const user = n.users.get(i.userId);
    const contract = n.contracts.get(i.contractId);
    return {
      userId: i.userId,
      userName: user?.a ?? null,
      displayName: user?.b ?? null,
      contractId: i.contractId,
      contractTitle: contract?.a ?? null,
      contractExternalRef: contract?.b ?? null,
      repositoryName: contract?.c ?? null,
      from: i.from,
      to: i.to,
      openAtStart: i.openAtStart,
      openAtEnd: i.openAtEnd,
      level: i.level,
      reasons: i.reasons.map((r) => {
        const via = r.groupIds ? r.groupIds.map((g) => n.groups.get(g)?.a ?? `deleted group ${shortId(g)}`).join(" > ") : "direct grant";
        const scope = r.ruleContractId
          ? `contract ${n.contracts.get(r.ruleContractId)?.a ?? shortId(r.ruleContractId)}`
          : `repository ${n.repositories.get(r.ruleRepositoryId ?? "")?.a ?? shortId(r.ruleRepositoryId ?? "")}`;
        const version = n.versions.get(r.ruleVersionId);
        return {
          level: r.level,
          chain: `${via} ← rule “${version?.c ?? shortId(r.ruleId)}” v${r.ruleVersion} (${r.level}) ← ${scope}`,
          ruleId: r.ruleId,
          ruleVersion: r.ruleVersion,
          groupIds: r.groupIds,
          justification: version?.a ?? null,
          ruleAuthor: version?.b ?? null,
        };
      }),
    };
  });
}

function sortRows(rows: IntervalRow[]) {
  const name = (r: IntervalRow) => r.userName ?? `~${r.userId}`;
  return rows.sort(
    (a, b) =>
      name(a).localeCompare(name(b)) ||
      (a.contractTitle ?? "").localeCompare(b.contractTitle ?? "") ||
      a.contractId.localeCompare(b.contractId) ||
      a.from.getTime() - b.from.getTime(),
  );
}

/** The repositories a contract belonged to during the window (events are per repository). */
async function repositoriesOfContract(db: Db, contractId: string, window: Window): Promise<string[]> {
  const rows = await db.$queryRawUnsafe<{ rid: string }[]>(
    `SELECT DISTINCT "repositoryId" AS rid FROM "ContractRevision"
     WHERE "contractId" = $1 AND "validFrom" < ${ts(3)} AND ("validTo" IS NULL OR "validTo" > ${ts(2)})`,
    contractId,
    window.from,
    window.to,
  );
  return rows.map((r) => r.rid);
}

/**
 * Everyone who could open the contract in the window, when, at which level and why; and the
 * grant/revocation events of those people in the contract's repository (events are recorded per
 * person and repository, so a revocation may concern other contracts of that repository too).
 */
export async function contractPack(prisma: PrismaClient, options: { id: string; window: Window }): Promise<AccessPack> {
  const subject = await findSubject(prisma, { kind: "contract", id: options.id });
  const window = clipWindow(options.window);
  const { intervals: kept, truncated: truncatedIntervals } = await cappedAccessIntervals(prisma, {
    scope: { contractIds: [subject.id] },
    ...window,
    max: MAX_INTERVALS,
  });
  const people = [...new Set(kept.map((i) => i.userId))];
  const { events, truncated } =
    people.length === 0
      ? { events: [], truncated: false }
      : await collectAccessEvents(prisma, {
          ...window,
          repositoryIds: await repositoriesOfContract(prisma, subject.id, window),
          userIds: people,
          max: MAX_EVENTS,
        });
  return {
    kind: "contract",
    subject,
    requested: options.window,
    window,
    generatedAt: clockNow(),
    people: people.length,
    intervals: sortRows(await describeIntervals(prisma, kept)),
    events,
    truncated: { intervals: truncatedIntervals, events: truncated },
  };
}

/**
 * Every (person, contract) interval of access to the contracts the repository held during the
 * window (while they were in it), and every grant and revocation in the repository.
 */
export async function repositoryPack(prisma: PrismaClient, options: { id: string; window: Window }): Promise<AccessPack> {
  const subject = await findSubject(prisma, { kind: "repository", id: options.id });
  const window = clipWindow(options.window);
  const contracts = await prisma.$queryRawUnsafe<{ cid: string }[]>(
    `SELECT DISTINCT "contractId" AS cid FROM "ContractRevision"
     WHERE "repositoryId" = $1 AND "validFrom" < ${ts(3)} AND ("validTo" IS NULL OR "validTo" > ${ts(2)}) ORDER BY 1`,
    subject.id,
    window.from,
    window.to,
  );
  // The cap applies in SQL, batch by batch, to what is still allowed; never spread a batch into
  // push() (one argument per element overflows the stack past ~120,000).
  const kept: AccessInterval[] = [];
  let truncatedIntervals = false;
  for (let i = 0; i < contracts.length && !truncatedIntervals; i += CONTRACT_BATCH) {
    const contractIds = contracts.slice(i, i + CONTRACT_BATCH).map((c) => c.cid);
    const batch = await cappedAccessIntervals(prisma, { scope: { contractIds, repositoryId: subject.id }, ...window, max: MAX_INTERVALS - kept.length });
    for (const interval of batch.intervals) kept.push(interval);
    truncatedIntervals = batch.truncated;
  }
  const { events, truncated } = await collectAccessEvents(prisma, { ...window, repositoryIds: [subject.id], max: MAX_EVENTS });
  return {
    kind: "repository",
    subject,
    requested: options.window,
    window,
    generatedAt: clockNow(),
    people: new Set(kept.map((i) => i.userId)).size,
    intervals: sortRows(await describeIntervals(prisma, kept)),
    events,
    truncated: { intervals: truncatedIntervals, events: truncated },
  };
}
