// Reads of ethical walls (issue 20): the list, one wall with its sides, scope and roster, the
// people on its roster (individually, also those recorded through a group), acknowledgments, the
// decision-API attempts it denied and their summary, and the walls a person must acknowledge.
// The engine applies walls (lib/access/sql.ts notWalledAt); these only show them.
import type { z } from "zod";
import type { Prisma, PrismaClient } from "@/lib/generated/prisma/client";
import type { Tx } from "@/lib/db/errors";
import { now as clockNow } from "@/lib/clock";
import { onProcessClient } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { pageWindow, type Page, type PageInput } from "@/lib/pagination";
import type { WallKind, WallState, attemptsQuery, wallListQuery } from "./schemas";

type Db = PrismaClient | Tx;
type WallRow = Prisma.WallGetPayload<object>;

export interface ActorRef {
  type: string | null;
  id: string | null;
  label: string | null;
}

export interface WallSideView {
  id: string;
  name: string;
  position: number;
}

export interface WallScopeView {
  id: string;
  sideId: string | null;
  kind: "contract" | "repository" | "counterparty" | "tag";
  value: string;
  /** The contract's title or the repository's name (null: not found); counterparty and tag: the value. */
  label: string | null;
  validFrom: Date;
  validTo: Date | null;
}

export interface WallRosterEntryView {
  id: string;
  sideId: string | null;
  kind: "user" | "group";
  userId: string | null;
  groupId: string | null;
  /** userName (displayName) or the group's name. */
  label: string | null;
  validFrom: Date;
  validTo: Date | null;
  addedBy: ActorRef;
  removalJustification: string | null;
}

export interface WallView {
  id: string;
  name: string;
  matterRef: string | null;
  description: string;
  kind: WallKind;
  state: WallState;
  requiresAcknowledgment: boolean;
  screenedAcknowledge: boolean;
  version: number;
  createdAt: Date;
  updatedAt: Date;
  createdBy: ActorRef;
  activated: { at: Date; by: ActorRef; reason: string | null; eventId: string | null } | null;
  lifted: { at: Date; by: ActorRef; reason: string | null; eventId: string | null } | null;
  sides: WallSideView[];
  /** Scope rows valid now (a lifted wall: those valid when it was lifted). */
  scope: WallScopeView[];
  /** Roster entries valid now (a lifted wall: those valid when it was lifted). */
  roster: WallRosterEntryView[];
  counts: {
    /** People on the roster (individually or through a group). */
    people: number;
    /** Of them, those who acknowledged the memo. */
    acknowledged: number;
    /** Decision-API attempts the wall denied. */
    attempts: number;
  };
}

/** The instant a wall's "current" parts are read at: now, or just before it was lifted. */
const viewInstant = (w: Pick<WallRow, "liftedAt">) => (w.liftedAt ? new Date(w.liftedAt.getTime() - 1) : clockNow());
const validAtJs = (r: { validFrom: Date; validTo: Date | null }, t: Date) => r.validFrom <= t && (r.validTo === null || r.validTo > t);

async function views(db: Db, walls: WallRow[]): Promise<WallView[]> {
  if (walls.length === 0) return [];
  const ids = walls.map((w) => w.id);
  const [sides, scopes, entries, counts] = await Promise.all([
    db.wallSide.findMany({ where: { wallId: { in: ids } }, orderBy: { position: "asc" } }),
    db.wallScope.findMany({ where: { wallId: { in: ids } }, orderBy: [{ validFrom: "asc" }, { id: "asc" }] }),
    db.wallRosterEntry.findMany({ where: { wallId: { in: ids } }, orderBy: [{ validFrom: "asc" }, { id: "asc" }] }),
    db.$queryRawUnsafe<{ wallId: string; people: number; acknowledged: number; attempts: number }[]>(
      `SELECT w.id AS "wallId",
              (SELECT count(DISTINCT p."userId") FROM "WallPerson" p WHERE p."wallId" = w.id
                 AND p."validFrom" <= COALESCE(w."liftedAt" - interval '1 millisecond', $2::timestamp(3))
                 AND (p."validTo" IS NULL OR p."validTo" > COALESCE(w."liftedAt" - interval '1 millisecond', $2::timestamp(3))))::int AS people,
              (SELECT count(DISTINCT p."userId") FROM "WallPerson" p WHERE p."wallId" = w.id
                 AND p."validFrom" <= COALESCE(w."liftedAt" - interval '1 millisecond', $2::timestamp(3))
                 AND (p."validTo" IS NULL OR p."validTo" > COALESCE(w."liftedAt" - interval '1 millisecond', $2::timestamp(3)))
                 AND EXISTS (SELECT 1 FROM "WallAcknowledgment" a WHERE a."wallId" = w.id AND a."userId" = p."userId"))::int AS acknowledged,
              (SELECT count(*) FROM "WallBreachAttempt" b WHERE b."wallId" = w.id)::int AS attempts
       FROM "Wall" w WHERE w.id = ANY($1::text[])`,
      ids,
      clockNow(),
    ),
  ]);
  const contractIds = scopes.filter((s) => s.kind === "contract").map((s) => s.value);
  const repositoryIds = scopes.filter((s) => s.kind === "repository").map((s) => s.value);
  const userIds = entries.flatMap((e) => (e.userId ? [e.userId] : []));
  const groupIds = entries.flatMap((e) => (e.groupId ? [e.groupId] : []));
  const [contracts, repositories, users, groups] = await Promise.all([
    db.contract.findMany({ where: { id: { in: contractIds } }, select: { id: true, title: true } }),
    db.repository.findMany({ where: { id: { in: repositoryIds } }, select: { id: true, name: true } }),
    db.user.findMany({ where: { id: { in: userIds } }, select: { id: true, userName: true, displayName: true } }),
    db.group.findMany({ where: { id: { in: groupIds } }, select: { id: true, displayName: true } }),
  ]);
  const title = new Map(contracts.map((c) => [c.id, c.title]));
  const repoName = new Map(repositories.map((r) => [r.id, r.name]));
  const userLabel = new Map(users.map((u) => [u.id, u.displayName ? `${u.userName} (${u.displayName})` : u.userName]));
  const groupName = new Map(groups.map((g) => [g.id, g.displayName]));
  const countOf = new Map(counts.map((c) => [c.wallId, c]));
  return walls.map((w) => {
    const t = viewInstant(w);
    const c = countOf.get(w.id);
    return {
      id: w.id,
      name: w.name,
      matterRef: w.matterRef,
      description: w.description,
      kind: w.kind as WallKind,
      state: w.state as WallState,
      requiresAcknowledgment: w.requiresAcknowledgment,
      screenedAcknowledge: w.screenedAcknowledge,
      version: w.version,
      createdAt: w.createdAt,
      updatedAt: w.updatedAt,
      createdBy: { type: w.createdByType, id: w.createdById, label: w.createdByLabel },
      activated: w.activatedAt
        ? { at: w.activatedAt, by: { type: w.activatedByType, id: w.activatedById, label: w.activatedByLabel }, reason: w.activationReason, eventId: w.activationEventId }
        : null,
      lifted: w.liftedAt ? { at: w.liftedAt, by: { type: w.liftedByType, id: w.liftedById, label: w.liftedByLabel }, reason: w.liftReason, eventId: w.liftEventId } : null,
      sides: sides.filter((s) => s.wallId === w.id).map((s) => ({ id: s.id, name: s.name, position: s.position })),
      scope: scopes
        .filter((s) => s.wallId === w.id && validAtJs(s, t))
        .map((s) => ({
          id: s.id,
          sideId: s.sideId,
          kind: s.kind as WallScopeView["kind"],
          value: s.value,
          label: s.kind === "contract" ? (title.get(s.value) ?? null) : s.kind === "repository" ? (repoName.get(s.value) ?? null) : s.value,
          validFrom: s.validFrom,
          validTo: s.validTo,
        })),
      roster: entries
        .filter((e) => e.wallId === w.id && validAtJs(e, t))
        .map((e) => ({
          id: e.id,
          sideId: e.sideId,
          kind: e.userId ? ("user" as const) : ("group" as const),
          userId: e.userId,
          groupId: e.groupId,
          label: e.userId ? (userLabel.get(e.userId) ?? null) : (groupName.get(e.groupId!) ?? null),
          validFrom: e.validFrom,
          validTo: e.validTo,
          addedBy: { type: e.addedByType, id: e.addedById, label: e.addedByLabel },
          removalJustification: e.removalJustification,
        })),
      counts: { people: c?.people ?? 0, acknowledged: c?.acknowledged ?? 0, attempts: c?.attempts ?? 0 },
    };
  });
}

export async function getWall(db: Db, options: { id: string }): Promise<WallView> {
  const row = await db.wall.findUnique({ where: { id: options.id } });
  if (!row) throw new AppError("not_found", `Wall ${options.id} not found`);
  return (await views(db, [row]))[0];
}

/** Walls, newest first; filtered by state, kind, a name / matter search, or a person on the roster now. */
export async function listWalls(db: Db, options: { filter?: z.output<typeof wallListQuery>; page?: PageInput }): Promise<Page<WallView>> {
  const { page, pageSize, skip, take } = pageWindow(options.page);
  const f = options.filter ?? {};
  const now = clockNow();
  const where: Prisma.WallWhereInput = {
    ...(f.state ? { state: f.state } : {}),
    ...(f.kind ? { kind: f.kind } : {}),
    ...(f.q ? { OR: [{ name: { contains: f.q, mode: "insensitive" } }, { matterRef: { contains: f.q, mode: "insensitive" } }] } : {}),
  };
  if (f.userId) {
    const onRoster = await db.wallPerson.findMany({
      where: { userId: f.userId, validFrom: { lte: now }, OR: [{ validTo: null }, { validTo: { gt: now } }] },
      select: { wallId: true },
    });
    where.id = { in: [...new Set(onRoster.map((p) => p.wallId))] };
  }
  const [total, rows] = await Promise.all([
    db.wall.count({ where }),
    db.wall.findMany({ where, orderBy: [{ createdAt: "desc" }, { id: "asc" }], skip, take }),
  ]);
  return { items: await views(db, rows), page, pageSize, total };
}

export interface WallPersonView {
  id: string;
  userId: string;
  userName: string | null;
  displayName: string | null;
  sideId: string | null;
  /** Recorded through this group (null: named individually). */
  viaGroup: { id: string; name: string | null } | null;
  entryId: string | null;
  validFrom: Date;
  validTo: Date | null;
  removalJustification: string | null;
  acknowledgedAt: Date | null;
}

/** The people on the wall's roster — valid now (default), or every row ever (`history`) — by user name. */
export async function listWallPeople(db: Db, options: { wallId: string; history?: boolean; page?: PageInput }): Promise<Page<WallPersonView>> {
  const { page, pageSize, skip, take } = pageWindow(options.page);
  const wall = await db.wall.findUnique({ where: { id: options.wallId }, select: { id: true, liftedAt: true } });
  if (!wall) throw new AppError("not_found", `Wall ${options.wallId} not found`);
  const t = viewInstant(wall);
  const where: Prisma.WallPersonWhereInput = {
    wallId: wall.id,
    ...(options.history ? {} : { validFrom: { lte: t }, OR: [{ validTo: null }, { validTo: { gt: t } }] }),
  };
  const [total, rows] = await Promise.all([
    db.wallPerson.count({ where }),
    db.$queryRawUnsafe<(Omit<WallPersonView, "viaGroup"> & { viaGroupId: string | null; groupName: string | null })[]>(
      `SELECT p.id, p."userId", u."userName", u."displayName", p."sideId", p."viaGroupId", g."displayName" AS "groupName", p."entryId",
              p."validFrom", p."validTo", p."removalJustification",
              (SELECT min(a.at) FROM "WallAcknowledgment" a WHERE a."wallId" = p."wallId" AND a."userId" = p."userId") AS "acknowledgedAt"
       FROM "WallPerson" p LEFT JOIN "User" u ON u.id = p."userId" LEFT JOIN "Group" g ON g.id = p."viaGroupId"
       WHERE p."wallId" = $1 AND ($2::boolean OR (p."validFrom" <= $3::timestamp(3) AND (p."validTo" IS NULL OR p."validTo" > $3::timestamp(3))))
       ORDER BY u."userName" NULLS LAST, p."userId", p."validFrom" OFFSET $4 LIMIT $5`,
      wall.id,
      options.history ?? false,
      t,
      skip,
      take,
    ),
  ]);
  return {
    items: rows.map(({ viaGroupId, groupName, ...r }) => ({ ...r, viaGroup: viaGroupId ? { id: viaGroupId, name: groupName } : null })),
    page,
    pageSize,
    total,
  };
}

export interface WallAcknowledgmentView {
  id: string;
  wallId: string;
  userId: string;
  userName: string | null;
  displayName: string | null;
  at: Date;
  onBehalf: boolean;
  reason: string | null;
  by: ActorRef;
  eventId: string | null;
}

export async function listWallAcknowledgments(db: Db, options: { wallId: string; page?: PageInput }): Promise<Page<WallAcknowledgmentView>> {
  const { page, pageSize, skip, take } = pageWindow(options.page);
  await getWallRow(db, options.wallId);
  const [total, rows] = await Promise.all([
    db.wallAcknowledgment.count({ where: { wallId: options.wallId } }),
    db.wallAcknowledgment.findMany({ where: { wallId: options.wallId }, orderBy: [{ at: "desc" }, { id: "asc" }], skip, take }),
  ]);
  const users = await db.user.findMany({ where: { id: { in: rows.map((r) => r.userId) } }, select: { id: true, userName: true, displayName: true } });
  const byId = new Map(users.map((u) => [u.id, u]));
  return {
    items: rows.map((r) => ({
      id: r.id,
      wallId: r.wallId,
      userId: r.userId,
      userName: byId.get(r.userId)?.userName ?? null,
      displayName: byId.get(r.userId)?.displayName ?? null,
      at: r.at,
      onBehalf: r.onBehalf,
      reason: r.reason,
      by: { type: r.actorType, id: r.actorId, label: r.actorLabel },
      eventId: r.eventId,
    })),
    page,
    pageSize,
    total,
  };
}

export interface BreachAttemptView {
  id: string;
  wallId: string;
  wallName: string | null;
  sideId: string | null;
  sideName: string | null;
  userId: string;
  userName: string | null;
  contractId: string;
  contractTitle: string | null;
  at: Date;
  source: string;
  action: string | null;
  requestId: string | null;
  eventId: string | null;
}

/** Attempts the decision API denied because of a wall (of one wall, or of every wall), newest first. */
export async function listBreachAttempts(
  db: Db,
  options: { wallId?: string; filter?: z.output<typeof attemptsQuery>; page?: PageInput },
): Promise<Page<BreachAttemptView>> {
  const { page, pageSize, skip, take } = pageWindow(options.page);
  const f = options.filter ?? {};
  const where: Prisma.WallBreachAttemptWhereInput = {
    ...(options.wallId ? { wallId: options.wallId } : {}),
    ...(f.userId ? { userId: f.userId } : {}),
    ...(f.from || f.to ? { at: { ...(f.from ? { gte: f.from } : {}), ...(f.to ? { lt: f.to } : {}) } } : {}),
  };
  const [total, rows] = await Promise.all([
    db.wallBreachAttempt.count({ where }),
    db.wallBreachAttempt.findMany({ where, orderBy: [{ at: "desc" }, { id: "asc" }], skip, take }),
  ]);
  const [walls, sides, users, contracts] = await Promise.all([
    db.wall.findMany({ where: { id: { in: rows.map((r) => r.wallId) } }, select: { id: true, name: true } }),
    db.wallSide.findMany({ where: { id: { in: rows.flatMap((r) => (r.sideId ? [r.sideId] : [])) } }, select: { id: true, name: true } }),
    db.user.findMany({ where: { id: { in: rows.map((r) => r.userId) } }, select: { id: true, userName: true } }),
    db.contract.findMany({ where: { id: { in: rows.map((r) => r.contractId) } }, select: { id: true, title: true } }),
  ]);
  const name = <T extends { id: string }>(list: T[], pick: (x: T) => string | null) => new Map(list.map((x) => [x.id, pick(x)]));
  const [wallName, sideName, userName, contractTitle] = [name(walls, (w) => w.name), name(sides, (s) => s.name), name(users, (u) => u.userName), name(contracts, (c) => c.title)];
  return {
    items: rows.map((r) => ({
      id: r.id,
      wallId: r.wallId,
      wallName: wallName.get(r.wallId) ?? null,
      sideId: r.sideId,
      sideName: r.sideId ? (sideName.get(r.sideId) ?? null) : null,
      userId: r.userId,
      userName: userName.get(r.userId) ?? null,
      contractId: r.contractId,
      contractTitle: contractTitle.get(r.contractId) ?? null,
      at: r.at,
      source: r.source,
      action: r.action,
      requestId: r.requestId,
      eventId: r.eventId,
    })),
    page,
    pageSize,
    total,
  };
}

export interface BreachAttemptSummary {
  wallId: string;
  wallName: string | null;
  userId: string;
  userName: string | null;
  attempts: number;
  contracts: number;
  first: Date;
  last: Date;
}

/**
 * Repeated attempts summarised: per wall and person, how many attempts on how many contracts, first
 * and last — since `since` (default: ever), most recent first. The dashboard's alert reads this.
 */
export async function summarizeBreachAttempts(db: Db, options: { wallId?: string; since?: Date; limit?: number }): Promise<BreachAttemptSummary[]> {
  const rows = await db.$queryRawUnsafe<BreachAttemptSummary[]>(
    `SELECT b."wallId", w.name AS "wallName", b."userId", u."userName", count(*)::int AS attempts,
            count(DISTINCT b."contractId")::int AS contracts, min(b.at) AS first, max(b.at) AS last
     FROM "WallBreachAttempt" b LEFT JOIN "Wall" w ON w.id = b."wallId" LEFT JOIN "User" u ON u.id = b."userId"
     WHERE ($1::text IS NULL OR b."wallId" = $1) AND ($2::timestamp(3) IS NULL OR b.at >= $2::timestamp(3))
     GROUP BY b."wallId", w.name, b."userId", u."userName"
     ORDER BY max(b.at) DESC, b."wallId", b."userId" LIMIT $3`,
    options.wallId ?? null,
    options.since ?? null,
    Math.min(Math.max(options.limit ?? 50, 1), 500),
  );
  return rows.map((r) => ({ ...r, attempts: Number(r.attempts), contracts: Number(r.contracts) }));
}

export interface PersonWallView {
  wallId: string;
  name: string;
  matterRef: string | null;
  description: string;
  kind: WallKind;
  state: WallState;
  /** The person's part: insider (inclusionary), screened (exclusionary), or the side's name. */
  role: "insider" | "screened" | "side";
  sideName: string | null;
  /** The wall asks this person to acknowledge its memo: insiders and side members always, screened people when the wall says so. */
  acknowledgmentRequested: boolean;
  /** Access to the scope is withheld until acknowledged (insiders and side members of a wall requiring it). */
  gatesAccess: boolean;
  acknowledgedAt: Date | null;
}

/** The walls (active, or draft) whose roster holds the person now, with their acknowledgment state: the acknowledgment page. */
export async function wallsOfPerson(db: Db, options: { userId: string }): Promise<PersonWallView[]> {
  const rows = await db.$queryRawUnsafe<
    { wallId: string; name: string; matterRef: string | null; description: string; kind: WallKind; state: WallState; requiresAcknowledgment: boolean; screenedAcknowledge: boolean; sideName: string | null; acknowledgedAt: Date | null }[]
  >(
    `SELECT DISTINCT ON (w.id) w.id AS "wallId", w.name, w."matterRef", w.description, w.kind, w.state, w."requiresAcknowledgment", w."screenedAcknowledge",
            sd.name AS "sideName",
            (SELECT min(a.at) FROM "WallAcknowledgment" a WHERE a."wallId" = w.id AND a."userId" = $1) AS "acknowledgedAt"
     FROM "WallPerson" p JOIN "Wall" w ON w.id = p."wallId" LEFT JOIN "WallSide" sd ON sd.id = p."sideId"
     WHERE p."userId" = $1 AND p."validFrom" <= $2::timestamp(3) AND (p."validTo" IS NULL OR p."validTo" > $2::timestamp(3)) AND w.state <> 'lifted'
     ORDER BY w.id, sd.position NULLS FIRST`,
    options.userId,
    clockNow(),
  );
  return rows
    .map((r) => {
      const role = r.kind === "inclusionary" ? ("insider" as const) : r.kind === "exclusionary" ? ("screened" as const) : ("side" as const);
      const gatesAccess = r.requiresAcknowledgment && role !== "screened";
      return {
        wallId: r.wallId,
        name: r.name,
        matterRef: r.matterRef,
        description: r.description,
        kind: r.kind,
        state: r.state,
        role,
        sideName: r.sideName,
        acknowledgmentRequested: role !== "screened" || r.screenedAcknowledge,
        gatesAccess,
        acknowledgedAt: r.acknowledgedAt,
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** People on the roster now whose acknowledgment the wall asks for and who have not given it. */
export async function pendingAcknowledgments(db: Db, options: { wallId: string }): Promise<{ userId: string; userName: string | null }[]> {
  const wall = await getWallRow(db, options.wallId);
  if (wall.kind === "exclusionary" && !wall.screenedAcknowledge) return [];
  return db.$queryRawUnsafe<{ userId: string; userName: string | null }[]>(
    `SELECT DISTINCT p."userId", u."userName" FROM "WallPerson" p LEFT JOIN "User" u ON u.id = p."userId"
     WHERE p."wallId" = $1 AND p."validFrom" <= $2::timestamp(3) AND (p."validTo" IS NULL OR p."validTo" > $2::timestamp(3))
       AND NOT EXISTS (SELECT 1 FROM "WallAcknowledgment" a WHERE a."wallId" = p."wallId" AND a."userId" = p."userId")
     ORDER BY u."userName" NULLS LAST, p."userId"`,
    wall.id,
    clockNow(),
  );
}

export async function getWallRow(db: Db, id: string): Promise<WallRow> {
  const row = await db.wall.findUnique({ where: { id } });
  if (!row) throw new AppError("not_found", `Wall ${id} not found`);
  return row;
}

/** The read functions the walls pages call (the process's client). */
export const wallsForPages = {
  list: onProcessClient(listWalls),
  get: onProcessClient(getWall),
  people: onProcessClient(listWallPeople),
  acknowledgments: onProcessClient(listWallAcknowledgments),
  attempts: onProcessClient(listBreachAttempts),
  attemptSummary: onProcessClient(summarizeBreachAttempts),
  ofPerson: onProcessClient(wallsOfPerson),
};
