// The maintained group closure against a from-scratch recomputation. Random histories (people added
// and removed, groups nested and un-nested, cycles refused, groups and people deleted, at random
// instants) are written through the real SCIM routes; then, at random instants, every person's
// groups and every group's people as the closure answers them are compared with the recursive walk
// over the membership history that the closure replaced (kept here as the reference), and the
// maintained table with its recomputation from history (verifyGroupClosure). Also: the nesting depth
// limit, and a ladder of nested groups (whose paths double with every layer) answered in bounded time.
import { randomUUID } from "node:crypto";
import fc from "fast-check";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { runAt } from "@/lib/clock";
import { resetConfigForTests } from "@/lib/config";
import { getPrisma } from "@/lib/db/client";
import { migrate, readMigrations } from "@/lib/db/migrate";
import { freshDatabase, setupTestDatabase, unique } from "@/lib/testing/database";
import { newDirectory, type ScimClient } from "@/lib/testing/scim";
import { groupsOfPersonAt, usersInGroup, verifyGroupClosure } from "./group-graph";
import { activeAt, ts, validAt } from "./sql";

setupTestDatabase();

const USER = "urn:ietf:params:scim:schemas:core:2.0:User";
const GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group";
const PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

let prisma: PrismaClient;
beforeAll(async () => {
  prisma = await getPrisma();
});

/** The walk the closure replaced: every membership path at t, the shortest per group (ties: text order). */
async function referenceGroupsAt(userId: string, at: Date, db: PrismaClient = prisma): Promise<{ id: string; path: string[] }[]> {
  const T = ts(2);
  const rows = await db.$queryRawUnsafe<{ id: string; path: string[] }[]>(
    `WITH RECURSIVE up(gid, gids) AS (
       SELECT mi."groupId", ARRAY[mi."groupId"]::text[] FROM "MembershipInterval" mi WHERE mi."memberUserId" = $1 AND ${validAt("mi", T)}
       UNION ALL
       SELECT p."groupId", (up.gids || p."groupId")::text[] FROM up JOIN "MembershipInterval" p ON p."memberGroupId" = up.gid
       WHERE ${validAt("p", T)} AND NOT (p."groupId" = ANY(up.gids))
     )
     SELECT DISTINCT ON (gid) gid AS id, gids AS path FROM up ORDER BY gid, cardinality(gids), gids`,
    userId,
    at,
  );
  return rows.sort((a, b) => a.id.localeCompare(b.id));
}

async function referencePeopleAt(groupId: string, at: Date, db: PrismaClient = prisma): Promise<string[]> {
  const T = ts(2);
  const rows = await db.$queryRawUnsafe<{ uid: string }[]>(
    `WITH RECURSIVE down(gid) AS (
       SELECT $1::text
       UNION
       SELECT mi."memberGroupId" FROM down JOIN "MembershipInterval" mi ON mi."groupId" = down.gid
       WHERE mi."memberGroupId" IS NOT NULL AND ${validAt("mi", T)}
     )
     SELECT DISTINCT mi."memberUserId" AS uid FROM down JOIN "MembershipInterval" mi ON mi."groupId" = down.gid
     WHERE mi."memberUserId" IS NOT NULL AND ${validAt("mi", T)} AND ${activeAt(`mi."memberUserId"`, T)}`,
    groupId,
    at,
  );
  return rows.map((r) => r.uid).sort();
}

const op = fc.record({
  kind: fc.constantFrom("addUser", "addUser", "removeUser", "nest", "nest", "nest", "unnest", "deleteGroup", "createGroup", "deleteUser"),
  a: fc.nat(50),
  b: fc.nat(50),
  gapMinutes: fc.integer({ min: 1, max: 600 }),
});

type Op = typeof op extends fc.Arbitrary<infer T> ? T : never;

async function playHistory(scim: ScimClient, tag: string, ops: Op[], start: Date) {
  const users: string[] = [];
  const groups: string[] = [];
  const instants: Date[] = [];
  let at = start;
  let serial = 0;
  const newGroup = async () => {
    const res = await scim.post("/Groups", { schemas: [GROUP], displayName: `g${serial++}-${tag}` });
    expect(res.status).toBe(201);
    groups.push(res.body.id as string);
  };
  await runAt(at, async () => {
    for (let i = 0; i < 4; i++) {
      const res = await scim.post("/Users", { schemas: [USER], userName: `u${i}-${tag}@example.com` });
      expect(res.status).toBe(201);
      users.push(res.body.id as string);
    }
    for (let i = 0; i < 5; i++) await newGroup();
  });
  const patch = (groupId: string, operation: unknown) => scim.patch(`/Groups/${groupId}`, { schemas: [PATCH], Operations: [operation] });
  for (const o of ops) {
    at = new Date(at.getTime() + o.gapMinutes * 60_000);
    instants.push(at);
    await runAt(at, async () => {
      const g = groups.length ? groups[o.a % groups.length] : undefined;
      const g2 = groups.length ? groups[o.b % groups.length] : undefined;
      const u = users.length ? users[o.b % users.length] : undefined;
      if (o.kind === "createGroup" || !g) return newGroup();
      if (o.kind === "addUser" && u) {
        expect((await patch(g, { op: "add", path: "members", value: [{ value: u }] })).status).toBeLessThan(300);
      } else if (o.kind === "removeUser" && u) {
        expect((await patch(g, { op: "remove", path: `members[value eq "${u}"]` })).status).toBeLessThan(300);
      } else if (o.kind === "nest" && g2) {
        // a cycle (or a group into itself) is refused, and nothing changes
        const res = await patch(g, { op: "add", path: "members", value: [{ value: g2 }] });
        expect([200, 204, 400]).toContain(res.status);
      } else if (o.kind === "unnest" && g2) {
        expect((await patch(g, { op: "remove", path: `members[value eq "${g2}"]` })).status).toBeLessThan(300);
      } else if (o.kind === "deleteGroup") {
        expect((await scim.delete(`/Groups/${g}`)).status).toBe(204);
        groups.splice(groups.indexOf(g), 1);
      } else if (o.kind === "deleteUser" && u) {
        expect((await scim.delete(`/Users/${u}`)).status).toBe(204);
        users.splice(users.indexOf(u), 1);
      }
    });
  }
  return { instants, end: new Date(at.getTime() + 60_000) };
}

describe("the maintained closure equals the recomputation", () => {
  it("over random histories, at random instants", async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 5, maxLength: 22 }), fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 3, maxLength: 6 }), async (ops, fractions) => {
        const { directory, scim } = await newDirectory();
        const tag = unique("pc");
        // each run in its own stretch of time, after every earlier one
        const start = new Date(Date.UTC(2031, 0, 1) + run++ * 400 * 86_400_000);
        const { instants, end } = await playHistory(scim, tag, ops, start);
        const span = end.getTime() - start.getTime();
        const checkAt = [...instants, ...instants.map((t) => new Date(t.getTime() + 1)), ...fractions.map((f) => new Date(start.getTime() + f * span)), end];
        const people = (await prisma.membershipInterval.findMany({ where: { directoryId: directory.id, memberUserId: { not: null } }, select: { memberUserId: true } }))
          .map((m) => m.memberUserId!);
        const groupIds = (await prisma.membershipInterval.findMany({ where: { directoryId: directory.id }, select: { groupId: true } })).map((m) => m.groupId);
        for (const t of checkAt) {
          for (const userId of new Set(people)) {
            const closure = (await groupsOfPersonAt(prisma, { userId, at: t })).map((r) => ({ id: r.id, path: r.path }));
            expect(closure.sort((a, b) => a.id.localeCompare(b.id)), `groups of ${userId} at ${t.toISOString()}`).toEqual(await referenceGroupsAt(userId, t));
          }
          for (const groupId of new Set(groupIds)) {
            expect((await usersInGroup(prisma, groupId, t)).sort(), `people of ${groupId} at ${t.toISOString()}`).toEqual(await referencePeopleAt(groupId, t));
          }
        }
        expect(await verifyGroupClosure(prisma, { groupIds: [...new Set(groupIds)] })).toEqual([]);
      }),
      { numRuns: Number(process.env.CLOSURE_RUNS ?? 8) },
    );
    expect(await verifyGroupClosure(prisma)).toEqual([]);
  }, 600_000);
});

describe("nesting depth", () => {
  afterEach(() => {
    delete process.env.GROUP_NESTING_MAX_DEPTH;
    resetConfigForTests();
  });

  it("refuses a change beyond GROUP_NESTING_MAX_DEPTH with 400 invalidValue naming the limit, and changes nothing", async () => {
    process.env.GROUP_NESTING_MAX_DEPTH = "3";
    resetConfigForTests();
    const { scim } = await newDirectory();
    const tag = unique("depth");
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await scim.post("/Groups", { schemas: [GROUP], displayName: `d${i}-${tag}` });
      ids.push(res.body.id as string);
    }
    const nest = (parent: string, child: string) =>
      scim.patch(`/Groups/${parent}`, { schemas: [PATCH], Operations: [{ op: "add", path: "members", value: [{ value: child }] }] });
    // d0 ⊂ d1 ⊂ d2 ⊂ d3: three levels, the limit
    for (let i = 0; i < 3; i++) expect((await nest(ids[i + 1], ids[i])).status).toBeLessThan(300);
    const before = await prisma.groupClosure.count({ where: { descendantId: { in: ids } } });
    const version = (await prisma.group.findUniqueOrThrow({ where: { id: ids[4] } })).version;
    const res = await nest(ids[4], ids[3]);
    expect(res.status).toBe(400);
    expect(res.body.scimType).toBe("invalidValue");
    expect(String(res.body.detail)).toMatch(/nesting depth limit of 3 levels \(GROUP_NESTING_MAX_DEPTH\)/);
    expect(await prisma.groupMember.count({ where: { groupId: ids[4] } })).toBe(0);
    expect(await prisma.groupClosure.count({ where: { descendantId: { in: ids } } })).toBe(before);
    expect((await prisma.group.findUniqueOrThrow({ where: { id: ids[4] } })).version).toBe(version);
    // the other end of the chain too: d4 above... d0 below a new group
    expect((await nest(ids[0], ids[4])).status).toBe(400);
    // within the limit still works
    expect((await nest(ids[4], ids[1])).status).toBeLessThan(300);
  });
});

describe("a ladder of nested groups", () => {
  it("answers a person's groups at the bottom of 25 layers (2^24 paths) in bounded time", async () => {
    const { scim } = await newDirectory();
    const tag = unique("ladder");
    const person = (await scim.post("/Users", { schemas: [USER], userName: `l-${tag}@example.com` })).body.id as string;
    let below: string[] = [];
    const all: string[] = [];
    for (let layer = 0; layer < 25; layer++) {
      const pair: string[] = [];
      for (const side of ["a", "b"]) {
        const members = layer === 0 ? [person] : below;
        const res = await scim.post("/Groups", { schemas: [GROUP], displayName: `l${layer}${side}-${tag}`, members: members.map((value) => ({ value })) });
        expect(res.status).toBe(201);
        pair.push(res.body.id as string);
      }
      all.push(...pair);
      below = pair;
    }
    const started = Date.now();
    const groups = await groupsOfPersonAt(prisma, { userId: person, at: new Date() });
    expect(groups).toHaveLength(50);
    expect(Math.max(...groups.map((g) => g.depth))).toBe(25);
    expect(await usersInGroup(prisma, below[0])).toEqual([person]);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await verifyGroupClosure(prisma, { groupIds: all })).toEqual([]);
  }, 120_000);
});

/** A brand-new database (PGlite, or one on TEST_DATABASE_URL's server). */
describe("the migration", () => {
  it("builds the closure from the stored history: past questions answer the same before and after", async () => {
    const { db, dispose } = await freshDatabase("custodian_closure");
    try {
      const all = readMigrations();
      const at = all.findIndex((m) => m.name === "20261207060000_group_closure");
      expect(at).toBeGreaterThan(0);
      await db.withSession((s) => migrate(s, all.slice(0, at)));
      const q = db.prisma;
      // A history written on the old schema: nesting that comes and goes (a diamond, a chain, a
      // cycle no longer refused in old data), people joining and leaving, at pseudo-random instants.
      let seed = 7;
      const rand = (n: number) => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31), seed % n);
      const day = (d: number) => new Date(Date.UTC(2020, 0, 1) + d * 86_400_000);
      // In SQL: the client knows today's Directory columns, the old schema does not (mover reviews came later).
      const dir = randomUUID();
      await q.$executeRawUnsafe(`INSERT INTO "Directory" (id, name, "updatedAt") VALUES ($1, $2, now())`, dir, unique("mig"));
      const groups: string[] = [];
      for (let i = 0; i < 7; i++) {
        groups.push((await q.group.create({ data: { directoryId: dir, displayName: `m${i}`, displayNameKey: `m${i}` } })).id);
      }
      const users: string[] = [];
      for (let i = 0; i < 4; i++) {
        const id = (await q.user.create({ data: { directoryId: dir, userName: `mu${i}`, userNameKey: `mu${i}` } })).id;
        users.push(id);
        await q.userStatusInterval.create({ data: { directoryId: dir, userId: id, active: true, validFrom: day(0) } });
      }
      const instants = new Set<number>();
      for (let i = 0; i < 40; i++) {
        const from = rand(1000);
        const to = rand(3) === 0 ? null : from + 1 + rand(400);
        const groupId = groups[rand(groups.length)];
        const nested = rand(2) === 0;
        const memberGroupId = nested ? groups[rand(groups.length)] : null;
        if (memberGroupId === groupId) continue;
        await q.membershipInterval.create({
          data: { directoryId: dir, groupId, memberGroupId, memberUserId: nested ? null : users[rand(users.length)], validFrom: day(from), validTo: to === null ? null : day(to) },
        });
        instants.add(from).add(to ?? from + 1);
      }
      const checkAt = [...instants, ...[...instants].map((d) => d + 0.5), 1500].map(day);
      const ask = async (client: PrismaClient, closure: boolean) => {
        const out: unknown[] = [];
        for (const t of checkAt) {
          for (const u of users) {
            out.push(closure ? (await groupsOfPersonAt(client, { userId: u, at: t })).map((r) => ({ id: r.id, path: r.path })).sort((a, b) => a.id.localeCompare(b.id)) : await referenceGroupsAt(u, t, client));
          }
          for (const g of groups) out.push(closure ? (await usersInGroup(client, g, t)).sort() : await referencePeopleAt(g, t, client));
        }
        return out;
      };
      const before = await ask(q, false);
      expect(before.some((a) => Array.isArray(a) && a.length > 1)).toBe(true);
      await db.withSession((s) => migrate(s, all));
      expect(await q.groupClosure.count()).toBeGreaterThan(0);
      expect(await ask(q, true)).toEqual(before);
      expect(await verifyGroupClosure(q)).toEqual([]);
    } finally {
      await dispose();
    }
  }, 600_000);
});

describe("the maintenance job's incremental check", () => {
  it("records a difference between the closure and its recomputation in the audit trail", async () => {
    const { scim } = await newDirectory();
    const tag = unique("chk");
    const child = (await scim.post("/Groups", { schemas: [GROUP], displayName: `c-${tag}` })).body.id as string;
    const parent = (await scim.post("/Groups", { schemas: [GROUP], displayName: `p-${tag}`, members: [{ value: child }] })).body.id as string;
    const { runGroupClosureCheck, GRAPH_BROKEN_ACTION } = await import("./graph-check");
    const clean = await prisma.$transaction((tx) => runGroupClosureCheck(tx, { now: new Date() }));
    expect(clean.mismatches).toEqual([]);
    expect(clean.checkedGroups).toBeGreaterThan(0);
    // the closure loses a row behind the service's back
    await prisma.groupClosure.deleteMany({ where: { descendantId: child, ancestorId: parent } });
    const broken = await prisma.$transaction((tx) => runGroupClosureCheck(tx, { now: new Date() }));
    expect(broken.mismatches.map((m) => [m.kind, m.descendantId, m.ancestorId])).toEqual([["missing", child, parent]]);
    const event = await prisma.auditEvent.findFirst({ where: { action: GRAPH_BROKEN_ACTION }, orderBy: { seq: "desc" } });
    expect(event?.after).toMatchObject({ differences: 1 });
    const { rebuildGroupClosure } = await import("./group-graph");
    await rebuildGroupClosure(prisma);
    expect(await verifyGroupClosure(prisma)).toEqual([]);
  }, 120_000);
});

describe("the statement timeout of access reads", () => {
  afterEach(() => {
    delete process.env.ACCESS_STATEMENT_TIMEOUT_MS;
    resetConfigForTests();
  });

  it("runs an access read under ACCESS_STATEMENT_TIMEOUT_MS and answers a cancelled one as 503 timeout", async () => {
    process.env.ACCESS_STATEMENT_TIMEOUT_MS = "150";
    resetConfigForTests();
    const { withStatementTimeout } = await import("./sql");
    const { AppError, httpStatusOf } = await import("@/lib/errors");
    const shown = await withStatementTimeout(prisma, async (q) => (await q.$queryRawUnsafe<{ statement_timeout: string }[]>("SHOW statement_timeout"))[0]);
    expect(shown.statement_timeout).toBe("150ms");
    // outside the read, the session's setting is untouched
    const [outside] = await prisma.$queryRawUnsafe<{ statement_timeout: string }[]>("SHOW statement_timeout");
    expect(outside.statement_timeout).not.toBe("150ms");
    if (process.env.TEST_DATABASE_URL) {
      // PostgreSQL cancels the statement (the embedded database cannot interrupt a running one)
      const err = await withStatementTimeout(prisma, (q) => q.$queryRawUnsafe("SELECT pg_sleep(2)")).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AppError);
      expect((err as InstanceType<typeof AppError>).code).toBe("timeout");
      expect(httpStatusOf.timeout).toBe(503);
    }
  });

  it("bounds reads on a database the caller opened itself (a benchmark's, a script's), not only the process's", async () => {
    process.env.ACCESS_STATEMENT_TIMEOUT_MS = "150";
    resetConfigForTests();
    const { withStatementTimeout } = await import("./sql");
    const other = await freshDatabase("custodian_timeout");
    try {
      // (it used to compare with the process client, so another database's reads ran unbounded)
      const shown = await withStatementTimeout(other.db.prisma, async (q) => (await q.$queryRawUnsafe<{ statement_timeout: string }[]>("SHOW statement_timeout"))[0]);
      expect(shown.statement_timeout).toBe("150ms");
      // a transaction client is the writer's: it runs as it is
      const inTx = await other.db.prisma.$transaction((tx) =>
        withStatementTimeout(tx, async (q) => (await q.$queryRawUnsafe<{ statement_timeout: string }[]>("SHOW statement_timeout"))[0]),
      );
      expect(inTx.statement_timeout).not.toBe("150ms");
    } finally {
      await other.dispose();
    }
  });
});
