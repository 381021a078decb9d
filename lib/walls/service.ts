// The only writer of ethical walls (issue 20): drafts, their preview, activation and lifting, scope
// and roster changes, acknowledgments and the decision-API attempts walls denied. Each write
// commits with its audit event in one transaction; those that change access (anything on an active
// wall, activation, lifting, an acknowledgment a wall requires) record the access.revoked /
// access.granted events they cause (trackAccessChanges) — webhooks through the outbox, like the
// wall.* events the catalog marks. Nothing is rewritten: scope and roster rows close their
// validity, the wall keeps its activation and lifting instants, so answers at past instants keep
// the wall as it stood (lib/access/sql.ts notWalledAt).
import { addressesOf, appLink, enqueueEmails } from "@/lib/notifications/outbox";
import { wallReminderMessages } from "./reminder-mail";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { trackAccessChanges, usersReachedInRepositories } from "@/lib/access/change-events";
import {
  otherRosterEntriesCovering,
  peopleInGroups,
  previewWall,
  recordWallPeopleThroughGroups,
  scopeItemsRepositories,
  wallRosterPeople,
  wallScopeRepositories,
  type PreviewContract,
  type PreviewPerson,
  type WallDenialDetail,
  type WallPreview,
} from "@/lib/access/walls";
import { recordAuditEvent, type Actor } from "@/lib/audit/record";
import { now as clockNow } from "@/lib/clock";
import { isUniqueViolation, type Tx } from "@/lib/db/errors";
import { AppError } from "@/lib/errors";
import { getWall, getWallRow, pendingAcknowledgments, type WallView } from "./queries";
import {
  acknowledgeOnBehalfInput,
  addRosterInput,
  addScopeInput,
  addSideInput,
  createWallInput,
  previewQuery,
  removeRosterInput,
  removeScopeInput,
  scopeKeyOf,
  transitionInput,
  updateWallInput,
  type RosterItem,
  type ScopeItem,
  type WallKind,
} from "./schemas";

const txOptions = { maxWait: 10_000, timeout: 120_000 };

type WallRow = Awaited<ReturnType<typeof getWallRow>>;

/** Locks the wall row (writers of one wall serialise) and reads it. */
async function lockWall(tx: Tx, id: string): Promise<WallRow> {
  const locked = await tx.$queryRawUnsafe<{ id: string }[]>(`SELECT id FROM "Wall" WHERE id = $1 FOR UPDATE`, id);
  if (locked.length === 0) throw new AppError("not_found", `Wall ${id} not found`);
  return getWallRow(tx, id);
}

/** The actor as a row's type / id / label columns. */
const who = (actor: Actor) => ({ type: actor.type as string, id: actor.id ?? null, label: actor.label ?? null });

/** Scope items exist (contracts and repositories by id); counterparties and tags are free text. */
async function checkScope(tx: Tx, items: ScopeItem[]): Promise<void> {
  const contractIds = items.filter((i) => i.kind === "contract").map((i) => i.value.trim());
  const repositoryIds = items.filter((i) => i.kind === "repository").map((i) => i.value.trim());
  const [contracts, repositories] = await Promise.all([
    contractIds.length ? tx.contract.findMany({ where: { id: { in: contractIds } }, select: { id: true } }) : [],
    repositoryIds.length ? tx.repository.findMany({ where: { id: { in: repositoryIds } }, select: { id: true } }) : [],
  ]);
  const missing = [
    ...contractIds.filter((id) => !contracts.some((c) => c.id === id)).map((id) => `no contract with id "${id}"`),
    ...repositoryIds.filter((id) => !repositories.some((r) => r.id === id)).map((id) => `no repository with id "${id}"`),
  ];
  if (missing.length) throw new AppError("invalid_input", missing.join("; "), missing.map((message) => ({ path: "scope", message })));
}

async function checkRoster(tx: Tx, items: RosterItem[]): Promise<void> {
  const userIds = items.flatMap((i) => (i.userId ? [i.userId] : []));
  const groupIds = items.flatMap((i) => (i.groupId ? [i.groupId] : []));
  const [users, groups] = await Promise.all([
    userIds.length ? tx.user.findMany({ where: { id: { in: userIds } }, select: { id: true } }) : [],
    groupIds.length ? tx.group.findMany({ where: { id: { in: groupIds } }, select: { id: true } }) : [],
  ]);
  const missing = [
    ...userIds.filter((id) => !users.some((u) => u.id === id)).map((id) => `no user with id "${id}"`),
    ...groupIds.filter((id) => !groups.some((g) => g.id === id)).map((id) => `no group with id "${id}"`),
  ];
  if (missing.length) throw new AppError("invalid_input", missing.join("; "), missing.map((message) => ({ path: "members", message })));
}

async function insertScope(tx: Tx, options: { wallId: string; sideId: string | null; items: ScopeItem[]; at: Date; actor: Actor; eventId: string | null }): Promise<string[]> {
  const ids: string[] = [];
  for (const item of options.items) {
    const { value, key } = scopeKeyOf(item);
    // The same item twice on one side (or wall) is one scope row.
    const existing = await tx.wallScope.findFirst({ where: { wallId: options.wallId, sideId: options.sideId, key, validTo: null }, select: { id: true } });
    if (existing) continue;
    const row = await tx.wallScope.create({
      data: { wallId: options.wallId, sideId: options.sideId, kind: item.kind, value, key, validFrom: options.at, addedByLabel: options.actor.label ?? null, eventId: options.eventId },
    });
    ids.push(row.id);
  }
  return ids;
}

/** Roster entries and, for people named directly, their WallPerson rows; group entries record their people (lib/access/walls.ts). */
async function insertRoster(tx: Tx, options: { wallId: string; sideId: string | null; items: RosterItem[]; at: Date; actor: Actor; eventId: string | null }): Promise<string[]> {
  const entryIds: string[] = [];
  for (const item of options.items) {
    const existing = await tx.wallRosterEntry.findFirst({
      where: { wallId: options.wallId, sideId: options.sideId, userId: item.userId ?? null, groupId: item.groupId ?? null, validTo: null },
      select: { id: true },
    });
    if (existing) continue;
    const entry = await tx.wallRosterEntry.create({
      data: {
        wallId: options.wallId,
        sideId: options.sideId,
        userId: item.userId ?? null,
        groupId: item.groupId ?? null,
        validFrom: options.at,
        addedByType: who(options.actor).type,
        addedById: who(options.actor).id,
        addedByLabel: who(options.actor).label,
        eventId: options.eventId,
      },
    });
    entryIds.push(entry.id);
    if (item.userId) {
      const already = await tx.wallPerson.findFirst({
        where: { wallId: options.wallId, sideId: options.sideId, userId: item.userId, OR: [{ validTo: null }, { validTo: { gt: options.at } }] },
        select: { id: true },
      });
      if (!already) {
        await tx.wallPerson.create({
          data: { wallId: options.wallId, sideId: options.sideId, userId: item.userId, entryId: entry.id, validFrom: options.at, eventId: options.eventId },
        });
      }
    }
  }
  await recordWallPeopleThroughGroups(tx, { at: options.at, entryIds, eventId: options.eventId });
  return entryIds;
}

/** A side of this wall (sides), or none (the other kinds). */
async function sideOf(tx: Tx, wall: WallRow, sideId: string | null | undefined): Promise<string | null> {
  if (wall.kind !== "sides") {
    if (sideId) throw new AppError("invalid_input", "only a wall of sides has sides", [{ path: "sideId", message: "this wall has no sides" }]);
    return null;
  }
  if (!sideId) throw new AppError("invalid_input", "a wall of sides takes scope and members per side: give sideId", [{ path: "sideId", message: "required" }]);
  const side = await tx.wallSide.findFirst({ where: { id: sideId, wallId: wall.id }, select: { id: true } });
  if (!side) throw new AppError("invalid_input", `no side "${sideId}" on this wall`, [{ path: "sideId", message: "no such side" }]);
  return side.id;
}

/**
 * Runs `change` on an active wall and records the access events it causes; a draft's or lifted
 * wall's changes alter nobody's access. Compared: the scope's repositories now plus
 * `repositoryIds` (what new scope items reach), for `userIds` (the people a roster change or an
 * acknowledgment concerns) or else — inclusionary: everyone rules reach there; the other kinds:
 * the roster's people.
 */
async function trackWallChange<T extends { eventId: string }>(
  tx: Tx,
  options: { wall: WallRow; actor: Actor; kind: string; active: boolean; repositoryIds?: string[]; userIds?: string[] },
  change: () => Promise<T>,
): Promise<T> {
  if (!options.active) return change();
  const at = clockNow();
  const repositoryIds = [...new Set([...(await wallScopeRepositories(tx, { wallId: options.wall.id, at })), ...(options.repositoryIds ?? [])])];
  return trackAccessChanges(
    tx,
    {
      repositoryIds,
      userIds: async () =>
        options.userIds ??
        (options.wall.kind === "inclusionary" ? usersReachedInRepositories(tx, { repositoryIds }) : wallRosterPeople(tx, { wallId: options.wall.id, at })),
      actor: options.actor,
      cause: (result: T) => ({ kind: options.kind, eventId: result.eventId, description: `wall ${options.wall.id}` }),
    },
    change,
  );
}

// ---------------------------------------------------------------------------------------------
// Drafts

export async function createWall(prisma: PrismaClient, options: { input: unknown; actor: Actor }): Promise<WallView> {
  const input = createWallInput.parse(options.input);
  let id = "";
  try {
    await prisma.$transaction(async (tx) => {
      await checkScope(tx, [...input.scope, ...input.sides.flatMap((s) => s.scope)]);
      await checkRoster(tx, [...input.members, ...input.sides.flatMap((s) => s.members)]);
      const at = clockNow();
      const stated = {
        name: input.name,
        matterRef: input.matterRef ?? null,
        description: input.description,
        kind: input.kind,
        requiresAcknowledgment: input.requiresAcknowledgment,
        screenedAcknowledge: input.screenedAcknowledge,
      };
      const wall = await tx.wall.create({
        data: {
          ...stated,
          nameKey: input.name.toLowerCase(),
          state: "draft",
          createdAt: at,
          updatedAt: at,
          createdByType: who(options.actor).type,
          createdById: who(options.actor).id,
          createdByLabel: who(options.actor).label,
        },
      });
      id = wall.id;
      const eventId = await recordAuditEvent(tx, {
        actor: options.actor,
        action: "wall.created",
        target: { type: "Wall", id: wall.id, label: wall.name },
        after: {
          ...stated,
          scope: input.scope,
          members: input.members,
          sides: input.sides.map((s) => ({ name: s.name, scope: s.scope, members: s.members })),
        },
      });
      await insertScope(tx, { wallId: wall.id, sideId: null, items: input.scope, at, actor: options.actor, eventId });
      await insertRoster(tx, { wallId: wall.id, sideId: null, items: input.members, at, actor: options.actor, eventId });
      for (const [position, s] of input.sides.entries()) {
        const side = await tx.wallSide.create({ data: { wallId: wall.id, name: s.name, position, createdAt: at } });
        await insertScope(tx, { wallId: wall.id, sideId: side.id, items: s.scope, at, actor: options.actor, eventId });
        await insertRoster(tx, { wallId: wall.id, sideId: side.id, items: s.members, at, actor: options.actor, eventId });
      }
    }, txOptions);
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError("conflict", `A wall named "${input.name}" exists already`);
    throw err;
  }
  return getWall(prisma, { id });
}

/** Edits a wall: a draft entirely; an active wall its name, matter and memo only; a lifted wall not at all. */
export async function updateWall(prisma: PrismaClient, options: { id: string; input: unknown; actor: Actor; expectedVersion?: number }): Promise<WallView> {
  const input = updateWallInput.parse(options.input);
  try {
    await prisma.$transaction(async (tx) => {
      const wall = await lockWall(tx, options.id);
      if (options.expectedVersion !== undefined && options.expectedVersion !== wall.version) {
        throw new AppError("precondition_failed", `Wall ${wall.id} is at version ${wall.version}, not ${options.expectedVersion}`);
      }
      if (wall.state === "lifted") throw new AppError("conflict", `Wall ${wall.id} has been lifted; it cannot change`);
      if (wall.state === "active" && (input.kind !== undefined || input.requiresAcknowledgment !== undefined || input.screenedAcknowledge !== undefined)) {
        const message = "an active wall keeps its kind and acknowledgment settings (lift it and create another)";
        throw new AppError("conflict", message, [{ path: "kind", message }]);
      }
      if (input.kind !== undefined && input.kind !== wall.kind) {
        const sides = await tx.wallSide.count({ where: { wallId: wall.id } });
        const sided = await tx.wallScope.count({ where: { wallId: wall.id, sideId: { not: null }, validTo: null } });
        if ((input.kind === "sides") !== (wall.kind === "sides") && (sides > 0 || sided > 0 || (await tx.wallRosterEntry.count({ where: { wallId: wall.id, validTo: null } })) > 0)) {
          throw new AppError("conflict", "a draft with scope, members or sides cannot change between sides and the other kinds");
        }
      }
      const next = {
        name: input.name ?? wall.name,
        matterRef: input.matterRef === undefined ? wall.matterRef : input.matterRef,
        description: input.description ?? wall.description,
        kind: (input.kind ?? wall.kind) as WallKind,
        requiresAcknowledgment: input.requiresAcknowledgment ?? wall.requiresAcknowledgment,
        screenedAcknowledge: input.screenedAcknowledge ?? wall.screenedAcknowledge,
      };
      const before: Record<string, unknown> = {};
      const after: Record<string, unknown> = {};
      for (const k of Object.keys(next) as (keyof typeof next)[]) {
        if (next[k] !== wall[k]) {
          before[k] = wall[k];
          after[k] = next[k];
        }
      }
      if (Object.keys(after).length === 0) return;
      await tx.wall.update({ where: { id: wall.id }, data: { ...next, nameKey: next.name.toLowerCase(), version: { increment: 1 }, updatedAt: clockNow() } });
      await recordAuditEvent(tx, { actor: options.actor, action: "wall.updated", target: { type: "Wall", id: wall.id, label: next.name }, before, after });
    }, txOptions);
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError("conflict", `A wall named "${input.name}" exists already`);
    throw err;
  }
  return getWall(prisma, { id: options.id });
}

/** A new side on a draft wall of sides. */
export async function addWallSide(prisma: PrismaClient, options: { id: string; input: unknown; actor: Actor }): Promise<WallView> {
  const input = addSideInput.parse(options.input);
  await prisma.$transaction(async (tx) => {
    const wall = await lockWall(tx, options.id);
    if (wall.kind !== "sides") throw new AppError("conflict", "only a wall of kind sides has sides");
    if (wall.state !== "draft") throw new AppError("conflict", "sides are added while the wall is a draft");
    const position = await tx.wallSide.count({ where: { wallId: wall.id } });
    const side = await tx.wallSide.create({ data: { wallId: wall.id, name: input.name, position, createdAt: clockNow() } });
    await tx.wall.update({ where: { id: wall.id }, data: { version: { increment: 1 }, updatedAt: clockNow() } });
    await recordAuditEvent(tx, { actor: options.actor, action: "wall.updated", target: { type: "Wall", id: wall.id, label: wall.name }, after: { sideAdded: { id: side.id, name: side.name } } });
  }, txOptions);
  return getWall(prisma, { id: options.id });
}

// ---------------------------------------------------------------------------------------------
// Scope and roster

export async function addWallScope(prisma: PrismaClient, options: { id: string; input: unknown; actor: Actor }): Promise<WallView> {
  const input = addScopeInput.parse(options.input);
  await prisma.$transaction(async (tx) => {
    const wall = await lockWall(tx, options.id);
    if (wall.state === "lifted") throw new AppError("conflict", `Wall ${wall.id} has been lifted; it cannot change`);
    const sideId = await sideOf(tx, wall, input.sideId);
    await checkScope(tx, input.items);
    // Growing an active wall's scope: the repositories the new items reach are compared too.
    const repositoryIds = wall.state === "active" ? await scopeItemsRepositories(tx, { items: input.items.map((i) => ({ kind: i.kind, value: scopeKeyOf(i).value })), at: clockNow() }) : [];
    await trackWallChange(tx, { wall, actor: options.actor, kind: "wall.scope_added", active: wall.state === "active", repositoryIds }, async () => {
      const at = clockNow();
      const eventId = await recordAuditEvent(tx, {
        actor: options.actor,
        action: "wall.scope_added",
        target: { type: "Wall", id: wall.id, label: wall.name },
        after: { sideId, items: input.items },
      });
      await insertScope(tx, { wallId: wall.id, sideId, items: input.items, at, actor: options.actor, eventId });
      await tx.wall.update({ where: { id: wall.id }, data: { version: { increment: 1 }, updatedAt: at } });
      return { eventId };
    });
  }, txOptions);
  return getWall(prisma, { id: options.id });
}

/** Ends one scope row now; on an active wall a justification is required (the barrier shrinks). */
export async function removeWallScope(prisma: PrismaClient, options: { id: string; scopeId: string; input: unknown; actor: Actor }): Promise<WallView> {
  const input = removeScopeInput.parse(options.input ?? {});
  await prisma.$transaction(async (tx) => {
    const wall = await lockWall(tx, options.id);
    if (wall.state === "lifted") throw new AppError("conflict", `Wall ${wall.id} has been lifted; it cannot change`);
    if (wall.state === "active" && !input.justification) {
      throw new AppError("invalid_input", "narrowing an active wall needs a justification", [{ path: "justification", message: "required on an active wall" }]);
    }
    const scope = await tx.wallScope.findFirst({ where: { id: options.scopeId, wallId: wall.id, validTo: null } });
    if (!scope) throw new AppError("not_found", `Scope ${options.scopeId} of wall ${wall.id} not found (or already removed)`);
    await trackWallChange(tx, { wall, actor: options.actor, kind: "wall.scope_removed", active: wall.state === "active" }, async () => {
      const at = clockNow();
      const eventId = await recordAuditEvent(tx, {
        actor: options.actor,
        action: "wall.scope_removed",
        target: { type: "Wall", id: wall.id, label: wall.name },
        before: { scopeId: scope.id, sideId: scope.sideId, kind: scope.kind, value: scope.value },
        after: { justification: input.justification ?? null },
      });
      await tx.wallScope.update({ where: { id: scope.id }, data: { validTo: at, removedEventId: eventId } });
      await tx.wall.update({ where: { id: wall.id }, data: { version: { increment: 1 }, updatedAt: at } });
      return { eventId };
    });
  }, txOptions);
  return getWall(prisma, { id: options.id });
}

export async function addWallMembers(prisma: PrismaClient, options: { id: string; input: unknown; actor: Actor }): Promise<WallView> {
  const input = addRosterInput.parse(options.input);
  await prisma.$transaction(async (tx) => {
    const wall = await lockWall(tx, options.id);
    if (wall.state === "lifted") throw new AppError("conflict", `Wall ${wall.id} has been lifted; it cannot change`);
    const sideId = await sideOf(tx, wall, input.sideId);
    await checkRoster(tx, input.items);
    const at = clockNow();
    // Affected: the people named and the groups' people now (before the change: the same set).
    const groupPeople = await peopleInGroups(tx, { groupIds: input.items.flatMap((i) => (i.groupId ? [i.groupId] : [])), at });
    const named = input.items.flatMap((i) => (i.userId ? [i.userId] : []));
    await trackWallChange(
      tx,
      { wall, actor: options.actor, kind: "wall.roster_added", active: wall.state === "active", userIds: [...new Set([...named, ...groupPeople])] },
      async () => {
        const eventId = await recordAuditEvent(tx, {
          actor: options.actor,
          action: "wall.roster_added",
          target: { type: "Wall", id: wall.id, label: wall.name },
          after: { sideId, items: input.items },
        });
        await insertRoster(tx, { wallId: wall.id, sideId, items: input.items, at: clockNow(), actor: options.actor, eventId });
        await tx.wall.update({ where: { id: wall.id }, data: { version: { increment: 1 }, updatedAt: clockNow() } });
        return { eventId };
      },
    );
  }, txOptions);
  return getWall(prisma, { id: options.id });
}

/**
 * Removes a roster entry (a person or a group) with a justification: the entry and the people it
 * recorded (the person, or the group's people recorded through it) leave the roster now — except
 * those another valid entry of the wall and side still covers (otherRosterEntriesCovering), whose
 * screen goes on through that entry.
 */
export async function removeWallMember(prisma: PrismaClient, options: { id: string; entryId: string; input: unknown; actor: Actor }): Promise<WallView> {
  const { justification } = removeRosterInput.parse(options.input);
  await prisma.$transaction(async (tx) => {
    const wall = await lockWall(tx, options.id);
    if (wall.state === "lifted") throw new AppError("conflict", `Wall ${wall.id} has been lifted; it cannot change`);
    const entry = await tx.wallRosterEntry.findFirst({ where: { id: options.entryId, wallId: wall.id, validTo: null } });
    if (!entry) throw new AppError("not_found", `Roster entry ${options.entryId} of wall ${wall.id} not found (or already removed)`);
    const persons = await tx.wallPerson.findMany({ where: { entryId: entry.id, validTo: null }, select: { id: true, userId: true } });
    await trackWallChange(
      tx,
      { wall, actor: options.actor, kind: "wall.roster_removed", active: wall.state === "active", userIds: persons.map((p) => p.userId) },
      async () => {
        const at = clockNow();
        // One row per wall, side and person: the row this entry recorded may be the only one of
        // someone another entry covers too (named directly and in a group on the wall). They stay
        // screened — removing an entry is not removing the person (removeWallPerson is).
        const staying = await otherRosterEntriesCovering(tx, { wallId: wall.id, sideId: entry.sideId, entryId: entry.id, userIds: persons.map((p) => p.userId), at });
        const eventId = await recordAuditEvent(tx, {
          actor: options.actor,
          action: "wall.roster_removed",
          target: { type: "Wall", id: wall.id, label: wall.name },
          before: { entryId: entry.id, sideId: entry.sideId, userId: entry.userId, groupId: entry.groupId, people: persons.map((p) => p.userId) },
          after: { justification, stillOnRosterThroughOtherEntries: staying },
        });
        await tx.wallRosterEntry.update({ where: { id: entry.id }, data: { validTo: at, removalJustification: justification, removedByLabel: options.actor.label ?? null, removedEventId: eventId } });
        await tx.wallPerson.updateMany({ where: { entryId: entry.id, validTo: null }, data: { validTo: at, removalJustification: justification, removedEventId: eventId } });
        // Their row goes on from the same instant through the entry that covers them, by this
        // event (which tells the explicit-removal guard this was no removal of them): no gap.
        if (staying.length) {
          await tx.wallPerson.createMany({
            data: staying.map((s) => ({ wallId: wall.id, sideId: entry.sideId, userId: s.userId, entryId: s.entryId, viaGroupId: s.viaGroupId, validFrom: at, eventId })),
          });
        }
        await tx.wall.update({ where: { id: wall.id }, data: { version: { increment: 1 }, updatedAt: at } });
        return { eventId };
      },
    );
  }, txOptions);
  return getWall(prisma, { id: options.id });
}

/**
 * Removes one person from the roster (e.g. someone screened through a group they since left), with
 * a justification: every valid row of theirs on this wall (or on one side) ends now.
 */
export async function removeWallPerson(
  prisma: PrismaClient,
  options: { id: string; userId: string; sideId?: string | null; input: unknown; actor: Actor },
): Promise<WallView> {
  const { justification } = removeRosterInput.parse(options.input);
  await prisma.$transaction(async (tx) => {
    const wall = await lockWall(tx, options.id);
    if (wall.state === "lifted") throw new AppError("conflict", `Wall ${wall.id} has been lifted; it cannot change`);
    const where = { wallId: wall.id, userId: options.userId, validTo: null, ...(options.sideId ? { sideId: options.sideId } : {}) };
    const rows = await tx.wallPerson.findMany({ where, select: { id: true, sideId: true } });
    if (rows.length === 0) throw new AppError("not_found", `Person ${options.userId} is not on wall ${wall.id}'s roster`);
    await trackWallChange(tx, { wall, actor: options.actor, kind: "wall.roster_removed", active: wall.state === "active", userIds: [options.userId] }, async () => {
      const at = clockNow();
      const eventId = await recordAuditEvent(tx, {
        actor: options.actor,
        action: "wall.roster_removed",
        target: { type: "Wall", id: wall.id, label: wall.name },
        before: { userId: options.userId, sides: rows.map((r) => r.sideId) },
        after: { justification },
      });
      await tx.wallPerson.updateMany({ where, data: { validTo: at, removalJustification: justification, removedEventId: eventId } });
      // A person named directly leaves with their entry.
      await tx.wallRosterEntry.updateMany({
        where: { wallId: wall.id, userId: options.userId, validTo: null, ...(options.sideId ? { sideId: options.sideId } : {}) },
        data: { validTo: at, removalJustification: justification, removedByLabel: options.actor.label ?? null, removedEventId: eventId },
      });
      await tx.wall.update({ where: { id: wall.id }, data: { version: { increment: 1 }, updatedAt: at } });
      return { eventId };
    });
  }, txOptions);
  return getWall(prisma, { id: options.id });
}

// ---------------------------------------------------------------------------------------------
// Lifecycle

/** Who would lose access to what if the wall were activated now (paged by person or by contract). */
export async function previewWallActivation(
  prisma: PrismaClient,
  options: { id: string; query?: unknown },
): Promise<WallPreview<PreviewPerson> | WallPreview<PreviewContract>> {
  const q = previewQuery.parse(options.query ?? {});
  const wall = await getWallRow(prisma, options.id);
  if (wall.state === "lifted") throw new AppError("conflict", `Wall ${wall.id} has been lifted`);
  return previewWall(prisma, { wallId: wall.id, by: q.by, offset: q.offset, limit: q.limit });
}

/**
 * Activates a draft: from this transaction's commit on, every answer denies what the wall denies
 * (the next decision is denied). Records who and why, and the access.revoked events it causes.
 */
export async function activateWall(prisma: PrismaClient, options: { id: string; input: unknown; actor: Actor }): Promise<WallView> {
  const { reason } = transitionInput.parse(options.input);
  await prisma.$transaction(async (tx) => {
    const wall = await lockWall(tx, options.id);
    if (wall.state !== "draft") throw new AppError("conflict", `Wall ${wall.id} is ${wall.state}; only a draft can be activated`);
    const scopes = await tx.wallScope.findMany({ where: { wallId: wall.id, validTo: null }, select: { sideId: true } });
    if (scopes.length === 0) throw new AppError("invalid_input", "a wall without scope protects nothing: add contracts, repositories, counterparties or tags first", [{ path: "scope", message: "empty" }]);
    if (wall.kind === "sides") {
      const sides = await tx.wallSide.findMany({ where: { wallId: wall.id }, select: { id: true, name: true } });
      if (sides.length < 2) throw new AppError("invalid_input", "a wall of sides needs at least two sides", [{ path: "sides", message: "fewer than two" }]);
      const people = await tx.wallPerson.findMany({ where: { wallId: wall.id, validTo: null }, select: { sideId: true } });
      const empty = sides.filter((s) => !people.some((p) => p.sideId === s.id) || !scopes.some((x) => x.sideId === s.id));
      if (empty.length) throw new AppError("invalid_input", `every side needs people and scope: ${empty.map((s) => s.name).join(", ")}`, [{ path: "sides", message: "a side without people or scope" }]);
    } else if (wall.kind === "exclusionary" && (await tx.wallPerson.count({ where: { wallId: wall.id, validTo: null } })) === 0) {
      throw new AppError("invalid_input", "an exclusionary wall screens somebody: add people or groups first", [{ path: "members", message: "empty" }]);
    }
    await trackWallChange(tx, { wall, actor: options.actor, kind: "wall.activated", active: true }, async () => {
      const at = clockNow();
      const eventId = await recordAuditEvent(tx, {
        actor: options.actor,
        action: "wall.activated",
        target: { type: "Wall", id: wall.id, label: wall.name },
        before: { state: "draft" },
        after: { state: "active", kind: wall.kind, activatedAt: at.toISOString(), reason },
      });
      await tx.wall.update({
        where: { id: wall.id },
        data: {
          state: "active",
          activatedAt: at,
          activatedByType: who(options.actor).type,
          activatedById: who(options.actor).id,
          activatedByLabel: who(options.actor).label,
          activationReason: reason,
          activationEventId: eventId,
          version: { increment: 1 },
          updatedAt: at,
        },
      });
      return { eventId };
    });
  }, txOptions);
  return getWall(prisma, { id: options.id });
}

/** Lifts an active wall: from now on it denies nothing; answers before now keep it. Records who and why. */
export async function liftWall(prisma: PrismaClient, options: { id: string; input: unknown; actor: Actor }): Promise<WallView> {
  const { reason } = transitionInput.parse(options.input);
  await prisma.$transaction(async (tx) => {
    const wall = await lockWall(tx, options.id);
    if (wall.state !== "active") throw new AppError("conflict", `Wall ${wall.id} is ${wall.state}; only an active wall can be lifted`);
    await trackWallChange(tx, { wall, actor: options.actor, kind: "wall.lifted", active: true }, async () => {
      const at = clockNow();
      const eventId = await recordAuditEvent(tx, {
        actor: options.actor,
        action: "wall.lifted",
        target: { type: "Wall", id: wall.id, label: wall.name },
        before: { state: "active" },
        after: { state: "lifted", liftedAt: at.toISOString(), reason },
      });
      await tx.wall.update({
        where: { id: wall.id },
        data: {
          state: "lifted",
          liftedAt: at,
          liftedByType: who(options.actor).type,
          liftedById: who(options.actor).id,
          liftedByLabel: who(options.actor).label,
          liftReason: reason,
          liftEventId: eventId,
          version: { increment: 1 },
          updatedAt: at,
        },
      });
      return { eventId };
    });
  }, txOptions);
  return getWall(prisma, { id: options.id });
}

// ---------------------------------------------------------------------------------------------
// Acknowledgments

/**
 * The person acknowledges the wall's memo now — themselves (single sign-on, the dashboard), or an
 * admin on their behalf (`onBehalf.reason`). Only people on the roster acknowledge; a second
 * acknowledgment changes nothing and returns the first. Where the wall withholds access until
 * acknowledged, the access it releases is recorded (access.granted).
 */
export async function acknowledgeWall(
  prisma: PrismaClient,
  options: { id: string; userId: string; actor: Actor; onBehalf?: { reason: string } },
): Promise<{ id: string; at: Date; created: boolean }> {
  return prisma.$transaction(async (tx) => {
    const wall = await lockWall(tx, options.id);
    if (wall.state === "lifted") throw new AppError("conflict", `Wall ${wall.id} has been lifted; there is nothing to acknowledge`);
    // A draft is not in force: its memo, roster and scope may still change and it may never be
    // activated, so nobody acknowledges it yet (the notice is given when the screen is imposed).
    if (wall.state === "draft") throw new AppError("conflict", `Wall ${wall.id} is a draft; its memo can be acknowledged once the wall is active`);
    const now = clockNow();
    const onRoster = await tx.wallPerson.findFirst({ where: { wallId: wall.id, userId: options.userId, validFrom: { lte: now }, OR: [{ validTo: null }, { validTo: { gt: now } }] } });
    if (!onRoster) throw new AppError("forbidden", `Person ${options.userId} is not on wall ${wall.id}'s roster`);
    const existing = await tx.wallAcknowledgment.findFirst({ where: { wallId: wall.id, userId: options.userId }, orderBy: { at: "asc" } });
    if (existing) return { id: existing.id, at: existing.at, created: false };
    const gates = wall.requiresAcknowledgment && wall.kind !== "exclusionary";
    let created = { id: "", at: now };
    await trackWallChange(tx, { wall, actor: options.actor, kind: "wall.acknowledged", active: wall.state === "active" && gates, userIds: [options.userId] }, async () => {
      const at = clockNow();
      const eventId = await recordAuditEvent(tx, {
        actor: options.actor,
        action: "wall.acknowledged",
        target: { type: "Wall", id: wall.id, label: wall.name },
        after: { userId: options.userId, at: at.toISOString(), onBehalf: Boolean(options.onBehalf), reason: options.onBehalf?.reason ?? null },
      });
      const row = await tx.wallAcknowledgment.create({
        data: {
          wallId: wall.id,
          userId: options.userId,
          at,
          onBehalf: Boolean(options.onBehalf),
          reason: options.onBehalf?.reason ?? null,
          actorType: options.actor.type,
          actorId: options.actor.id ?? null,
          actorLabel: options.actor.label ?? null,
          eventId,
        },
      });
      created = { id: row.id, at };
      return { eventId };
    });
    return { ...created, created: true };
  }, txOptions);
}

/** An admin acknowledges for someone, with a reason (body: { userId, reason }). */
export async function acknowledgeWallOnBehalf(prisma: PrismaClient, options: { id: string; input: unknown; actor: Actor }) {
  const input = acknowledgeOnBehalfInput.parse(options.input);
  return acknowledgeWall(prisma, { id: options.id, userId: input.userId, actor: options.actor, onBehalf: { reason: input.reason } });
}

/**
 * Reminds the people who still owe an acknowledgment: one audit event naming them, delivered as the
 * webhook wall.acknowledgment_requested (the identity provider's or mail system's workflow sends
 * the reminder). Returns how many were reminded.
 */
export async function remindWallAcknowledgments(prisma: PrismaClient, options: { id: string; actor: Actor }): Promise<{ reminded: number }> {
  return prisma.$transaction(async (tx) => {
    const wall = await lockWall(tx, options.id);
    if (wall.state !== "active") throw new AppError("conflict", `Wall ${wall.id} is ${wall.state}; only an active wall's memo is acknowledged`);
    const pending = await pendingAcknowledgments(tx, { wallId: wall.id });
    if (pending.length === 0) return { reminded: 0 };
    const eventId = await recordAuditEvent(tx, {
      actor: options.actor,
      action: "wall.acknowledgment_reminded",
      target: { type: "Wall", id: wall.id, label: wall.name },
      after: { wallId: wall.id, userIds: pending.map((p) => p.userId), count: pending.length },
    });
    // And by e-mail when SMTP is configured (the webhook wall.acknowledgment_requested goes out either way).
    const addresses = await addressesOf(tx, pending.map((p) => p.userId));
    await enqueueEmails(tx, {
      messages: wallReminderMessages({
        wall: { name: wall.name, matterRef: wall.matterRef, gatesAccess: wall.requiresAcknowledgment },
        people: pending.map((p) => ({ userId: p.userId, email: addresses.get(p.userId) ?? null })),
        link: appLink("/walls"),
      }),
      eventId,
      now: clockNow(),
    });
    return { reminded: pending.length };
  }, txOptions);
}

// ---------------------------------------------------------------------------------------------
// Breach attempts

/** Within this window a repeated attempt (same person, wall and contract) is recorded without a new event. */
export const REPEAT_WINDOW_MS = 60_000;

export interface BreachAttemptInput {
  userId: string;
  contractId: string;
  /** The walls that denied (a check's `wall` denials). */
  walls: Pick<WallDenialDetail, "wallId" | "sideId">[];
  action?: string | null;
}

/**
 * Records decision-API denials walls caused (AuthZEN, /api/v1 checks): one row per (attempt, wall)
 * and an audit event each (webhook wall.breach_attempt) — except that a repeat of the same person,
 * wall and contract within REPEAT_WINDOW_MS only adds its row (a retrying gateway does not flood
 * the trail; listBreachAttempts and summarizeBreachAttempts still count every attempt).
 */
export async function recordBreachAttempts(
  prisma: PrismaClient,
  options: { attempts: BreachAttemptInput[]; source: "authzen" | "api"; actor: Actor },
): Promise<number> {
  const rows = options.attempts.flatMap((a) => a.walls.map((w) => ({ ...a, wallId: w.wallId, sideId: w.sideId })));
  if (rows.length === 0) return 0;
  await prisma.$transaction(async (tx) => {
    const at = clockNow();
    for (const r of rows) {
      const recent = await tx.wallBreachAttempt.findFirst({
        where: { wallId: r.wallId, userId: r.userId, contractId: r.contractId, at: { gt: new Date(at.getTime() - REPEAT_WINDOW_MS) }, eventId: { not: null } },
        orderBy: { at: "desc" },
        select: { eventId: true },
      });
      const eventId =
        recent?.eventId ??
        (await recordAuditEvent(tx, {
          actor: options.actor,
          action: "wall.breach_attempt",
          target: { type: "Wall", id: r.wallId },
          after: { wallId: r.wallId, sideId: r.sideId, userId: r.userId, contractId: r.contractId, action: r.action ?? null, source: options.source, at: at.toISOString() },
        }));
      await tx.wallBreachAttempt.create({
        data: { wallId: r.wallId, sideId: r.sideId, userId: r.userId, contractId: r.contractId, at, source: options.source, action: r.action ?? null, requestId: options.actor.requestId ?? null, eventId },
      });
    }
  }, txOptions);
  return rows.length;
}
