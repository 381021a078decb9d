// The only writer of repositories and contracts. Contract metadata arrives from the contract system
// (upsert by external reference, one or in bulk), from CSV imports and from the admin UI; all of
// them end in upsertContractsInTx, so validation, version bumps, audit events and contract
// revisions exist once. Each call is one transaction including its audit events.
//
// A ContractRevision keeps the access-relevant attributes (repository, type, confidentiality, end
// date) over time: every change to one of them closes the current revision and opens the next at
// the same instant, so point-in-time access reads the contract as it was.
//
// Reads and the views both answer with are in ./queries.ts, input schemas in ./schemas.ts.
import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { Contract, Prisma, PrismaClient, Repository } from "@/lib/generated/prisma/client";
import { diffObjects, recordAuditEvent, type Actor } from "@/lib/audit/record";
import { isRetryableConflict, isUniqueViolation, retryOnConflict, type RetryOptions, type Tx } from "@/lib/db/errors";
import { AppError } from "@/lib/errors";
import { confidentialityFromRank, confidentialityRank } from "@/lib/access/levels";
import { contractView, withRepository, type ContractView } from "./queries";
import {
  bulkContractsBody,
  contractBody,
  contractItem,
  createContractInput,
  externalRefSchema,
  isUuid,
  repositoryInput,
  updateContractInput,
  updateRepositoryInput,
  type DatedValue,
} from "./schemas";
import { trackAccessChanges, usersReachedInRepositories } from "@/lib/access/change-events";
import { now as clockNow } from "@/lib/clock";
import { datedText, dayValue } from "@/lib/calendar-date";

// ---------------------------------------------------------------------------------------------
// Repositories

const repositoryConflict = (name: string) => new AppError("conflict", `A repository named "${name}" already exists`);

export async function createRepository(prisma: PrismaClient, options: { input: unknown; actor: Actor }) {
  const input = repositoryInput.parse(options.input);
  try {
    return await prisma.$transaction(async (tx) => {
      const now = clockNow();
      const repository = await tx.repository.create({ data: { ...input, createdAt: now, updatedAt: now } });
      await recordAuditEvent(tx, {
        actor: options.actor,
        action: "repository.created",
        target: { type: "Repository", id: repository.id, label: repository.name },
        after: input,
      });
      return repository;
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw repositoryConflict(input.name);
    throw err;
  }
}

export async function updateRepository(
  prisma: PrismaClient,
  options: { id: string; input: unknown; actor: Actor },
) {
  const input = updateRepositoryInput.parse(options.input);
  try {
    return await prisma.$transaction(async (tx) => {
      const current = await lockRow(tx, "Repository", options.id);
      const repository = current as Repository;
      const before = { name: repository.name, description: repository.description, owner: repository.owner };
      const after = { ...before, ...input };
      const diff = diffObjects(before, after);
      if (Object.keys(diff.after).length === 0 && Object.keys(diff.before).length === 0) return repository;
      const updated = await tx.repository.update({ where: { id: repository.id }, data: { ...input, updatedAt: clockNow() } });
      await recordAuditEvent(tx, {
        actor: options.actor,
        action: "repository.updated",
        target: { type: "Repository", id: updated.id, label: updated.name },
        before: diff.before,
        after: diff.after,
      });
      return updated;
    });
  } catch (err) {
    if (isUniqueViolation(err) && input.name) throw repositoryConflict(input.name);
    throw err;
  }
}

// ---------------------------------------------------------------------------------------------
// Contracts: the shared write path

/** A validated contract with its repository resolved to an id: what is stored. */
export interface ContractData {
  externalRef: string | null;
  repositoryId: string;
  title: string;
  counterparty: string | null;
  contractType: string;
  confidentiality: number;
  status: string;
  /** Instants the engine compares (endDate exclusive) … */
  effectiveDate: Date | null;
  endDate: Date | null;
  /** … and the days as written when date-only (DATE columns: 00:00 UTC of the day). */
  effectiveDay: Date | null;
  endDay: Date | null;
  owner: string | null;
  tags: string[];
}

export type UpsertOutcome = "created" | "updated" | "unchanged";

export interface UpsertResult {
  id: string;
  externalRef: string | null;
  outcome: UpsertOutcome;
  version: number;
}

/** A problem with one item of a batch: item index (0-based), field path and message. */
export interface ItemProblem {
  index: number;
  path: string;
  message: string;
}

/** A DATE column's value of a parsed date input (null when it was an instant). */
const dayColumn = (v: DatedValue | null | undefined): Date | null => (v?.day ? dayValue(v.day) : null);

type ParsedContract = z.output<typeof contractItem> | z.output<typeof contractBody> | z.output<typeof createContractInput>;

/** What the audit trail shows of a contract. */
function snapshot(d: ContractData): Record<string, unknown> {
  return {
    externalRef: d.externalRef,
    repositoryId: d.repositoryId,
    title: d.title,
    counterparty: d.counterparty,
    contractType: d.contractType,
    confidentiality: confidentialityFromRank(d.confidentiality),
    status: d.status,
    effectiveDate: datedText(d.effectiveDate, d.effectiveDay),
    endDate: datedText(d.endDate, d.endDay),
    owner: d.owner,
    tags: d.tags,
  };
}

function dataOf(c: Contract): ContractData {
  return {
    externalRef: c.externalRef,
    repositoryId: c.repositoryId,
    title: c.title,
    counterparty: c.counterparty,
    contractType: c.contractType,
    confidentiality: c.confidentiality,
    status: c.status,
    effectiveDate: c.effectiveDate,
    endDate: c.endDate,
    effectiveDay: c.effectiveDay,
    endDay: c.endDay,
    owner: c.owner,
    tags: Array.isArray(c.tags) ? (c.tags as string[]) : [],
  };
}

const ACCESS_RELEVANT = ["repositoryId", "contractType", "confidentiality", "endDate"] as const;

/**
 * What ethical walls match on (lib/access/sql.ts contractWallKeysAt): the counterparty, trimmed and
 * lower-cased, and the tags likewise — kept on the revision so a wall on a counterparty or a tag
 * answers for the past as the contract was then.
 */
export function wallAttributesOf(d: Pick<ContractData, "counterparty" | "tags">): { counterpartyKey: string | null; tags: string[] } {
  const counterpartyKey = d.counterparty?.trim().toLowerCase() || null;
  const tags = [...new Set(d.tags.map((t) => t.trim().toLowerCase()).filter((t) => t !== ""))].sort();
  return { counterpartyKey, tags };
}

function wallAttributesChanged(a: ContractData, b: ContractData): boolean {
  const [wa, wb] = [wallAttributesOf(a), wallAttributesOf(b)];
  return wa.counterpartyKey !== wb.counterpartyKey || wa.tags.join("\u0000") !== wb.tags.join("\u0000");
}

/**
 * Ethical walls with a counterparty or tag scope: `any` (ever, in any state) — only then do
 * past answers depend on these attributes, so a change of them opens a revision (else the
 * current revision takes them in place); `active` (in force now, scope valid) — only then can
 * such a change alter anyone's access now (and be tracked as an access change).
 */
async function wallAttributeScopes(tx: Tx): Promise<{ any: boolean; active: boolean }> {
  const [row] = await tx.$queryRawUnsafe<{ any: boolean; active: boolean }[]>(
    `SELECT EXISTS (SELECT 1 FROM "WallScope" s WHERE s.kind IN ('counterparty', 'tag')) AS any,
            EXISTS (SELECT 1 FROM "WallScope" s JOIN "Wall" w ON w.id = s."wallId"
                    WHERE s.kind IN ('counterparty', 'tag') AND s."validTo" IS NULL AND w.state = 'active') AS active`,
  );
  return row ?? { any: false, active: false };
}

function accessRelevantChanged(a: ContractData, b: ContractData): boolean {
  return ACCESS_RELEVANT.some((k) => {
    const x = a[k];
    const y = b[k];
    return x instanceof Date || y instanceof Date ? (x as Date | null)?.getTime() !== (y as Date | null)?.getTime() : x !== y;
  });
}

/**
 * Resolves the repository references of parsed items (by id or unique name) with two queries.
 * Unknown repositories become problems of their items.
 */
export async function resolveRepositories(
  tx: PrismaClient | Tx,
  items: { index: number; value: { repositoryId?: string; repository?: string } }[],
): Promise<{ ids: Map<number, string>; problems: ItemProblem[] }> {
  const names = [...new Set(items.map((i) => i.value.repository).filter((v): v is string => v !== undefined))];
  const ids = [...new Set(items.map((i) => i.value.repositoryId).filter((v): v is string => v !== undefined))];
  // A "name" that is a uuid may be an id (CSV files carry one column for both).
  const nameLikeIds = names.filter(isUuid);
  const [byName, byId] = await Promise.all([
    names.length ? tx.repository.findMany({ where: { name: { in: names } }, select: { id: true, name: true } }) : [],
    ids.length + nameLikeIds.length
      ? tx.repository.findMany({ where: { id: { in: [...ids, ...nameLikeIds] } }, select: { id: true } })
      : [],
  ]);
  const nameToId = new Map(byName.map((r) => [r.name, r.id]));
  const knownIds = new Set(byId.map((r) => r.id));
  const resolved = new Map<number, string>();
  const problems: ItemProblem[] = [];
  for (const { index, value } of items) {
    if (value.repositoryId !== undefined) {
      if (knownIds.has(value.repositoryId)) resolved.set(index, value.repositoryId);
      else problems.push({ index, path: "repositoryId", message: `no repository with id "${value.repositoryId}"` });
    } else if (value.repository !== undefined) {
      const id = nameToId.get(value.repository) ?? (knownIds.has(value.repository) ? value.repository : undefined);
      if (id) resolved.set(index, id);
      else problems.push({ index, path: "repository", message: `no repository named "${value.repository}"` });
    }
  }
  return { ids: resolved, problems };
}

export function toContractData(value: ParsedContract, repositoryId: string, externalRef: string | null): ContractData {
  return {
    externalRef,
    repositoryId,
    title: value.title,
    counterparty: value.counterparty ?? null,
    contractType: value.contractType,
    confidentiality: confidentialityRank(value.confidentiality),
    status: value.status,
    effectiveDate: value.effectiveDate?.at ?? null,
    endDate: value.endDate?.at ?? null,
    effectiveDay: dayColumn(value.effectiveDate),
    endDay: dayColumn(value.endDate),
    owner: value.owner ?? null,
    tags: [...new Set(value.tags)],
  };
}

/** zod issues of one item as problems ("path" is the dotted field path, "" for the item itself). */
export function itemProblems(index: number, error: z.ZodError): ItemProblem[] {
  return error.issues.map((issue) => ({
    index,
    path: issue.path.map(String).join("."),
    message: issue.code === "unrecognized_keys" ? `unknown field${issue.keys.length > 1 ? "s" : ""}: ${issue.keys.join(", ")}` : issue.message,
  }));
}

async function lockRow(tx: Tx, table: "Contract" | "Repository", id: string): Promise<Contract | Repository> {
  // Row lock first, so concurrent writers of one row serialise instead of losing updates.
  const locked = await tx.$queryRawUnsafe<{ id: string }[]>(`SELECT id FROM "${table}" WHERE id = $1 FOR UPDATE`, id);
  if (locked.length === 0) throw new AppError("not_found", `${table} ${id} not found`);
  return table === "Contract"
    ? tx.contract.findUniqueOrThrow({ where: { id } })
    : tx.repository.findUniqueOrThrow({ where: { id } });
}

async function openRevision(tx: Tx, contractId: string, d: ContractData, eventId: string, at: Date) {
  await tx.contractRevision.create({
    data: {
      contractId,
      repositoryId: d.repositoryId,
      contractType: d.contractType,
      confidentiality: d.confidentiality,
      endDate: d.endDate,
      endDay: d.endDay,
      ...wallAttributesOf(d),
      validFrom: at,
      eventId,
    },
  });
}

async function closeRevision(tx: Tx, contractId: string, at: Date) {
  await tx.contractRevision.updateMany({ where: { contractId, validTo: null }, data: { validTo: at } });
}

/** The audit events of the access-relevant updates of one tracked write (the cause of its access events). */
type AccessEvents = { id: string; eventId: string }[];

/** At most this many contracts are named in the cause of one batch's access events. */
const CAUSE_SUBJECTS_LIMIT = 20;

/**
 * Runs `change` (which applies these updates through applyUpdate) and records the access.granted /
 * access.revoked events they cause (DESIGN.md §1). A contract moved between repositories, or whose
 * type, confidentiality or end date changed, can only alter access in its old and new
 * repositories, for the users the rules there reach: those are compared, once for a whole batch
 * (bulk, CSV, PUT), and nothing is computed when no update is access-relevant.
 */
async function trackContractUpdates<T>(
  tx: Tx,
  updates: { current: Contract; next: ContractData }[],
  actor: Actor,
  change: (accessEvents: AccessEvents) => Promise<T>,
): Promise<T> {
  const accessEvents: AccessEvents = [];
  const walls = updates.some((u) => wallAttributesChanged(dataOf(u.current), u.next)) && (await wallAttributeScopes(tx)).active;
  const relevant = updates.filter((u) => accessRelevantChanged(dataOf(u.current), u.next) || (walls && wallAttributesChanged(dataOf(u.current), u.next)));
  if (relevant.length === 0) return change(accessEvents);
  const repositoryIds = [...new Set(relevant.flatMap((u) => [u.current.repositoryId, u.next.repositoryId]))];
  return trackAccessChanges(
    tx,
    {
      repositoryIds,
      userIds: () => usersReachedInRepositories(tx, { repositoryIds }),
      actor,
      cause: () => ({
        kind: "contract.updated",
        eventId: accessEvents.length === 1 ? accessEvents[0].eventId : undefined,
        description: accessEvents.length === 1 ? `contract ${accessEvents[0].id}` : `${accessEvents.length} contracts`,
        subjects: accessEvents.slice(0, CAUSE_SUBJECTS_LIMIT).map((e) => ({ kind: "Contract", id: e.id, eventId: e.eventId })),
      }),
    },
    () => change(accessEvents),
  );
}

/**
 * Applies a change to one existing (locked) contract; no-op when nothing differs. Runs inside
 * trackContractUpdates, whose list gets the audit event of an access-relevant change.
 */
async function applyUpdate(
  tx: Tx,
  current: Contract,
  next: ContractData,
  actor: Actor,
  now: Date,
  accessEvents: AccessEvents,
): Promise<UpsertResult> {
  const before = snapshot(dataOf(current));
  const after = snapshot(next);
  const diff = diffObjects(before, after);
  if (Object.keys(diff.before).length === 0 && Object.keys(diff.after).length === 0) {
    return { id: current.id, externalRef: current.externalRef, outcome: "unchanged", version: current.version };
  }
  const updated = await tx.contract.update({
    where: { id: current.id },
    data: { ...next, tags: next.tags, version: { increment: 1 }, updatedAt: now },
  });
  const eventId = await recordAuditEvent(tx, {
    actor,
    action: "contract.updated",
    target: { type: "Contract", id: current.id, label: updated.title },
    before: diff.before,
    after: diff.after,
  });
  const walled = wallAttributesChanged(dataOf(current), next);
  if (accessRelevantChanged(dataOf(current), next) || (walled && (await wallAttributeScopes(tx)).any)) {
    await closeRevision(tx, current.id, now);
    await openRevision(tx, current.id, next, eventId, now);
    accessEvents.push({ id: current.id, eventId });
  } else if (walled) {
    // No wall ever matched counterparties or tags: no answer depends on their history.
    await tx.contractRevision.updateMany({ where: { contractId: current.id, validTo: null }, data: wallAttributesOf(next) });
  }
  return { id: updated.id, externalRef: updated.externalRef, outcome: "updated", version: updated.version };
}

/**
 * Creates or updates contracts keyed by external reference inside the caller's transaction.
 * Existing rows are locked first (in a stable order, so concurrent batches cannot deadlock);
 * new contracts are inserted with createMany. Items must have distinct external references.
 */
export async function upsertContractsInTx(tx: Tx, items: ContractData[], actor: Actor, now: Date): Promise<UpsertResult[]> {
  const refs = [...new Set(items.map((i) => i.externalRef).filter((r): r is string => r !== null))].sort();
  if (refs.length > 0) {
    await tx.$queryRawUnsafe(`SELECT id FROM "Contract" WHERE "externalRef" = ANY($1::text[]) ORDER BY "externalRef" FOR UPDATE`, refs);
  }
  const existing = refs.length ? await tx.contract.findMany({ where: { externalRef: { in: refs } } }) : [];
  const byRef = new Map(existing.map((c) => [c.externalRef!, c]));
  const results: UpsertResult[] = [];
  const creates: Prisma.ContractCreateManyInput[] = [];
  const revisions: Prisma.ContractRevisionCreateManyInput[] = [];
  const currentOf = (item: ContractData) => (item.externalRef !== null ? byRef.get(item.externalRef) : undefined);
  const updates = items.flatMap((next) => {
    const current = currentOf(next);
    return current ? [{ current, next }] : [];
  });
  // The updates are access-tracked; new contracts are inserted after the tracked part.
  const apply = async (accessEvents: AccessEvents) => {
    for (const item of items) {
      const current = currentOf(item);
      if (current) {
        results.push(await applyUpdate(tx, current, item, actor, now, accessEvents));
        continue;
      }
      const id = randomUUID();
      const eventId = await recordAuditEvent(tx, {
        actor,
        action: "contract.created",
        target: { type: "Contract", id, label: item.title },
        after: snapshot(item),
      });
      creates.push({ id, ...item, tags: item.tags, version: 1, createdAt: now, updatedAt: now });
      revisions.push({
        contractId: id,
        repositoryId: item.repositoryId,
        contractType: item.contractType,
        confidentiality: item.confidentiality,
        endDate: item.endDate,
        endDay: item.endDay,
        ...wallAttributesOf(item),
        validFrom: now,
        eventId,
      });
      results.push({ id, externalRef: item.externalRef, outcome: "created", version: 1 });
    }
  };
  await trackContractUpdates(tx, updates, actor, apply);
  if (creates.length) {
    await tx.contract.createMany({ data: creates });
    await tx.contractRevision.createMany({ data: revisions });
  }
  return results;
}

/**
 * A contract write retries once on a unique violation on externalRef (two callers creating the
 * same new reference at once) or a serialization failure — the retry sees the winner's row and
 * becomes an update. A unique violation that survives the retry answers 409.
 */
const retryOnceOnRace: RetryOptions = { attempts: 2, retryOn: (err) => isUniqueViolation(err) || isRetryableConflict(err) };
const conflictOnUnique = (message: string) => (err: unknown): never => {
  throw isUniqueViolation(err) ? new AppError("conflict", message) : err;
};

/** Parses items and resolves repositories; throws one invalid_input listing every problem. */
async function prepareItems(db: PrismaClient | Tx, raw: unknown[]): Promise<ContractData[]> {
  const problems: ItemProblem[] = [];
  const parsed: { index: number; value: z.output<typeof contractItem> }[] = [];
  const seen = new Map<string, number>();
  raw.forEach((item, index) => {
    const result = contractItem.safeParse(item);
    if (!result.success) {
      problems.push(...itemProblems(index, result.error));
      return;
    }
    const first = seen.get(result.data.externalRef);
    if (first !== undefined) {
      problems.push({ index, path: "externalRef", message: `duplicate of item ${first} in this request` });
      return;
    }
    seen.set(result.data.externalRef, index);
    parsed.push({ index, value: result.data });
  });
  const repos = await resolveRepositories(db, parsed);
  problems.push(...repos.problems);
  if (problems.length > 0) {
    problems.sort((a, b) => a.index - b.index);
    const message =
      raw.length === 1
        ? problems.map((p) => `${p.path || "body"}: ${p.message}`).join("; ")
        : `${new Set(problems.map((p) => p.index)).size} of ${raw.length} items are invalid; nothing was written`;
    throw new AppError("invalid_input", message, { items: problems });
  }
  return parsed.map(({ index, value }) => toContractData(value, repos.ids.get(index)!, value.externalRef));
}

/** Transactions of many writes get more time than Prisma's 5 s default. */
export const bulkTransactionOptions = (count: number) => ({ maxWait: 10_000, timeout: Math.max(15_000, count * 50) });

// ---------------------------------------------------------------------------------------------
// Contracts: public operations

export interface SaveSummary {
  results: UpsertResult[];
  created: number;
  updated: number;
  unchanged: number;
}

/**
 * Writes validated contracts (distinct external references, repositories resolved) in one
 * transaction: all or none. Shared by the API (one or bulk) and the CSV import.
 */
export async function saveContracts(prisma: PrismaClient, options: { items: ContractData[]; actor: Actor }): Promise<SaveSummary> {
  const results = await retryOnConflict(
    () =>
      prisma.$transaction(
        (tx) => upsertContractsInTx(tx, options.items, options.actor, clockNow()),
        bulkTransactionOptions(options.items.length),
      ),
    retryOnceOnRace,
  ).catch(conflictOnUnique("A contract of this request was created concurrently; retry the request"));
  const count = (o: UpsertOutcome) => results.filter((r) => r.outcome === o).length;
  return { results, created: count("created"), updated: count("updated"), unchanged: count("unchanged") };
}

/** PUT /api/v1/contracts/{externalRef}: creates or replaces the contract with this reference. */
export async function upsertContractByExternalRef(
  prisma: PrismaClient,
  options: { externalRef: string; input: unknown; actor: Actor },
): Promise<{ contract: ContractView; outcome: UpsertOutcome }> {
  const ref = externalRefSchema.safeParse(options.externalRef);
  if (!ref.success) throw new AppError("invalid_input", `externalRef ${ref.error.issues[0].message}`);
  // Validated here first so a malformed body answers with its field errors; prepareItems then
  // resolves the repository and applies the same rules as a bulk item.
  contractBody.parse(options.input);
  const items = await prepareItems(prisma, [{ ...(options.input as Record<string, unknown>), externalRef: ref.data }]);
  const { results } = await saveContracts(prisma, { items, actor: options.actor });
  const contract = await prisma.contract.findUniqueOrThrow({ where: { id: results[0].id }, include: withRepository });
  return { contract: contractView(contract), outcome: results[0].outcome };
}

/**
 * POST /api/v1/contracts/bulk: all items or none. Invalid items are reported together (index,
 * field, problem) and nothing is written.
 */
export async function bulkUpsertContracts(
  prisma: PrismaClient,
  options: { input: unknown; actor: Actor },
): Promise<Omit<SaveSummary, "results"> & { results: (UpsertResult & { index: number })[] }> {
  const { items } = bulkContractsBody.parse(options.input);
  const summary = await saveContracts(prisma, { items: await prepareItems(prisma, items), actor: options.actor });
  return { ...summary, results: summary.results.map((r, index) => ({ index, ...r })) };
}

/** Admin UI: a new contract (external reference optional). */
export async function createContract(
  prisma: PrismaClient,
  options: { input: z.input<typeof createContractInput>; actor: Actor },
): Promise<ContractView> {
  const input = createContractInput.parse(options.input);
  const externalRef = input.externalRef ?? null;
  const id = await retryOnConflict(
    () =>
      prisma.$transaction(async (tx) => {
        if (externalRef && (await tx.contract.findUnique({ where: { externalRef }, select: { id: true } }))) {
          throw new AppError("conflict", `A contract with externalRef "${externalRef}" already exists`);
        }
        const repos = await resolveRepositories(tx, [{ index: 0, value: input }]);
        if (repos.problems.length) throw new AppError("invalid_input", repos.problems[0].message, { items: repos.problems });
        const [r] = await upsertContractsInTx(tx, [toContractData(input, repos.ids.get(0)!, externalRef)], options.actor, clockNow());
        return r.id;
      }),
    retryOnceOnRace,
  ).catch(conflictOnUnique(`A contract with externalRef "${externalRef}" already exists`));
  return contractView(await prisma.contract.findUniqueOrThrow({ where: { id }, include: withRepository }));
}

/** Admin UI: changes the given fields; `expectedVersion` guards against overwriting someone's edit. */
export async function updateContract(
  prisma: PrismaClient,
  options: { id: string; input: z.input<typeof updateContractInput>; actor: Actor; expectedVersion?: number },
): Promise<ContractView> {
  const input = updateContractInput.parse(options.input);
  if (input.repositoryId !== undefined && input.repository !== undefined) {
    throw new AppError("invalid_input", "give repository (name) or repositoryId, not both");
  }
  try {
    await prisma.$transaction(async (tx) => {
      const current = (await lockRow(tx, "Contract", options.id)) as Contract;
      if (options.expectedVersion !== undefined && current.version !== options.expectedVersion) {
        throw new AppError("conflict", `The contract was changed since version ${options.expectedVersion} (now ${current.version})`);
      }
      const base = dataOf(current);
      let repositoryId = base.repositoryId;
      if (input.repositoryId !== undefined || input.repository !== undefined) {
        const repos = await resolveRepositories(tx, [{ index: 0, value: input }]);
        if (repos.problems.length) throw new AppError("invalid_input", repos.problems[0].message, { items: repos.problems });
        repositoryId = repos.ids.get(0)!;
      }
      const next: ContractData = {
        externalRef: input.externalRef === undefined ? base.externalRef : input.externalRef,
        repositoryId,
        title: input.title ?? base.title,
        counterparty: input.counterparty === undefined ? base.counterparty : input.counterparty,
        contractType: input.contractType ?? base.contractType,
        confidentiality: input.confidentiality === undefined ? base.confidentiality : confidentialityRank(input.confidentiality),
        status: input.status ?? base.status,
        effectiveDate: input.effectiveDate === undefined ? base.effectiveDate : (input.effectiveDate?.at ?? null),
        endDate: input.endDate === undefined ? base.endDate : (input.endDate?.at ?? null),
        effectiveDay: input.effectiveDate === undefined ? base.effectiveDay : dayColumn(input.effectiveDate),
        endDay: input.endDate === undefined ? base.endDay : dayColumn(input.endDate),
        owner: input.owner === undefined ? base.owner : input.owner,
        tags: input.tags ? [...new Set(input.tags)] : base.tags,
      };
      if (next.effectiveDate && next.endDate && next.endDate < next.effectiveDate) {
        throw new AppError("invalid_input", "endDate must not be before effectiveDate", { items: [{ index: 0, path: "endDate", message: "must not be before effectiveDate" }] });
      }
      await trackContractUpdates(tx, [{ current, next }], options.actor, (accessEvents) =>
        applyUpdate(tx, current, next, options.actor, clockNow(), accessEvents),
      );
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError("conflict", `A contract with externalRef "${input.externalRef}" already exists`);
    throw err;
  }
  return contractView(await prisma.contract.findUniqueOrThrow({ where: { id: options.id }, include: withRepository }));
}
