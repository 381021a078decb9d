import { describe, expect, it } from "vitest";
import { checkAccess, whoCanAccessContract } from "@/lib/access/effective-access";
import { instant, newWorld, type World } from "@/lib/testing/access-world";
import { openDatabase } from "@/lib/db/client";
import { listUsersForAdmin } from "@/lib/users/queries";
import { updateDirectorySettings } from "@/lib/directories/service";
import { runMaintenanceOnce } from "@/lib/jobs/maintenance";
import { setupTestDatabase } from "@/lib/testing/database";
import { patchBody, q } from "@/lib/testing/scim";
import { applyInactivityPolicies } from "./inactivity";

const { db } = setupTestDatabase();
const DAY = 86_400_000;
const admin = { type: "admin" as const, label: "inactivity test" };

async function setPolicy(w: World, inactivityDays: number | null, inactivityAction: "flag" | "suspend") {
  await updateDirectorySettings(w.prisma, { directoryId: w.directory.id, input: { inactivityDays, inactivityAction }, actor: admin });
}

/** Pretends the directory last touched the user `days` ago. */
async function lastSeen(w: World, userId: string, days: number) {
  await w.prisma.user.update({ where: { id: userId }, data: { lastSeenAt: new Date(Date.now() - days * DAY) } });
}

const userRow = (w: World, id: string) => w.prisma.user.findUniqueOrThrow({ where: { id } });
/** The user's events of these kinds, in order; access events from setting up the world (a rule's creation) left out. */
const actionsOf = async (w: World, id: string, actions: string[]) =>
  (await w.prisma.auditEvent.findMany({ where: { targetId: id, action: { in: actions } }, orderBy: { seq: "asc" } }))
    .filter((e) => (e.after as { cause?: { kind?: string } } | null)?.cause?.kind !== "rule.created")
    .map((e) => e.action);

/** A user who can view one contract through a group rule. */
async function reader(w: World, name: string) {
  const userId = await w.user(name);
  const group = await w.group(`${name}-team`, [userId]);
  const repo = await w.repository(`${name}-repo`);
  const contractId = await w.contract(repo);
  await w.rule({ groupId: group, level: "view", repositoryId: repo });
  return { userId, contractId };
}

describe("lastSeenAt", () => {
  it("is set by writes and by reads of that user (by id or filter), at most once a day, not by plain listings", async () => {
    const w = await newWorld();
    const id = await w.user("seen");
    const created = await userRow(w, id);
    expect(Date.now() - created.lastSeenAt.getTime()).toBeLessThan(60_000);

    // Seen within the day: a read writes nothing.
    await w.prisma.user.update({ where: { id }, data: { lastSeenAt: new Date(Date.now() - 3_600_000) } });
    const hourAgo = (await userRow(w, id)).lastSeenAt.getTime();
    expect((await w.scim.get(`/Users/${id}`)).status).toBe(200);
    expect((await userRow(w, id)).lastSeenAt.getTime()).toBe(hourAgo);

    const userName = (await userRow(w, id)).userName;
    for (const read of [
      () => w.scim.get(`/Users/${id}`),
      () => w.scim.get(`/Users${q(`userName eq "${userName}"`)}`),
      () => w.scim.post("/Users/.search", { schemas: ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"], filter: `id eq "${id}"` }),
      () => w.scim.patch(`/Users/${id}`, patchBody({ op: "replace", path: "displayName", value: `Seen ${Math.random()}` })),
      // An idempotent write still confirms the user.
      () => w.scim.patch(`/Users/${id}`, patchBody({ op: "replace", path: "active", value: true })),
    ]) {
      await lastSeen(w, id, 3);
      expect((await read()).status).toBe(200);
      expect(Date.now() - (await userRow(w, id)).lastSeenAt.getTime()).toBeLessThan(60_000);
    }

    await lastSeen(w, id, 3);
    expect((await w.scim.get("/Users?count=200")).status).toBe(200);
    expect(Date.now() - (await userRow(w, id)).lastSeenAt.getTime()).toBeGreaterThan(2 * DAY);
  });
});

describe("only a request about one person counts as seeing them (issue 14, item 2)", () => {
  it("a broad read (pr, sw, or, a listing by status, a root search) neither refreshes, unflags nor reinstates anyone", async () => {
    const w = await newWorld();
    const sleepers = [await reader(w, "broad1"), await reader(w, "broad2"), await reader(w, "broad3")];
    await setPolicy(w, 30, "suspend");
    for (const s of sleepers) await lastSeen(w, s.userId, 31);
    await runMaintenanceOnce(db().prisma);
    for (const s of sleepers) expect((await userRow(w, s.userId)).suspendedAt).not.toBeNull();
    const [first, second] = await Promise.all(sleepers.slice(0, 2).map((s) => userRow(w, s.userId)));

    for (const read of [
      () => w.scim.get(`/Users${q("userName pr", "&count=1000")}`),
      () => w.scim.get(`/Users${q(`userName sw "broad"`)}`),
      () => w.scim.get(`/Users${q("active eq true")}`),
      () => w.scim.get(`/Users${q(`userName eq "${first.userName}" or userName eq "${second.userName}"`)}`),
      () => w.scim.get(`/Users${q(`not (userName eq "${first.userName}")`)}`),
      () => w.scim.get(`/Users${q(`userName ne "${first.userName}"`)}`),
      () => w.scim.post("/Users/.search", { schemas: ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"], filter: "userName pr" }),
      () => w.scim.post("/.search", { schemas: ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"], filter: "userName pr", count: 1000 }),
    ]) {
      const res = await read();
      expect(res.status).toBe(200);
      expect(((res.body as { Resources: unknown[] }).Resources ?? []).length).toBeGreaterThan(0);
    }
    for (const s of sleepers) {
      const row = await userRow(w, s.userId);
      expect(row.suspendedAt).not.toBeNull();
      expect(row.inactiveFlaggedAt).not.toBeNull();
      expect(Date.now() - row.lastSeenAt.getTime()).toBeGreaterThan(30 * DAY);
      expect((await checkAccess(w.prisma, { userId: s.userId, contractId: s.contractId })).allowed).toBe(false);
      expect(await actionsOf(w, s.userId, ["user.reinstated", "access.granted"])).toEqual([]);
    }
  });

  it("a lookup by id, userName eq or externalId eq (alone or narrowed with and) sees exactly that person", async () => {
    const w = await newWorld();
    const people = [await reader(w, "one1"), await reader(w, "one2"), await reader(w, "one3"), await reader(w, "one4")];
    await w.scim.patch(`/Users/${people[2].userId}`, patchBody({ op: "replace", path: "externalId", value: `ext-${w.tag}` }));
    await setPolicy(w, 30, "suspend");
    for (const p of people) await lastSeen(w, p.userId, 31);
    await runMaintenanceOnce(db().prisma);
    const rows = await Promise.all(people.map((p) => userRow(w, p.userId)));
    for (const r of rows) expect(r.suspendedAt).not.toBeNull();

    const reads = [
      () => w.scim.get(`/Users${q(`USERNAME Eq "${rows[0].userName.toUpperCase()}"`)}`),
      () => w.scim.get(`/Users${q(`userName eq "${rows[1].userName}" and active eq true`)}`),
      () => w.scim.get(`/Users${q(`externalId eq "ext-${w.tag}"`)}`),
      () => w.scim.post("/.search", { schemas: ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"], filter: `urn:ietf:params:scim:schemas:core:2.0:User:id eq "${rows[3].id}"` }),
    ];
    for (const [i, read] of reads.entries()) {
      expect((await read()).status).toBe(200);
      for (const [j, p] of people.entries()) {
        expect((await userRow(w, p.userId)).suspendedAt === null, `read ${i}, user ${j}`).toBe(j <= i);
      }
      expect((await checkAccess(w.prisma, { userId: people[i].userId, contractId: people[i].contractId })).allowed).toBe(true);
    }
  });
});

describe("inactivity policy", () => {
  it("validates the directory settings", async () => {
    const w = await newWorld();
    for (const input of [
      { inactivityDays: 0, inactivityAction: "flag" },
      { inactivityDays: 1.5, inactivityAction: "flag" },
      { inactivityDays: 30, inactivityAction: "delete" },
      { inactivityDays: "30", inactivityAction: "flag" },
    ]) {
      await expect(updateDirectorySettings(w.prisma, { directoryId: w.directory.id, input, actor: admin })).rejects.toThrow();
    }
    expect(await w.prisma.directory.findUniqueOrThrow({ where: { id: w.directory.id } })).toMatchObject({ inactivityDays: null, inactivityAction: "flag" });
    await setPolicy(w, 30, "suspend");
    expect(await actionsOf(w, w.directory.id, ["directory.updated"])).toEqual(["directory.updated"]);
  });

  it("flags users not seen for N days once, leaves their access, and clears the flag when the directory touches them", async () => {
    const w = await newWorld();
    const stale = await reader(w, "stale");
    const fresh = await w.user("fresh");
    const deactivated = await w.user("gone", { active: false });
    await setPolicy(w, 10, "flag");
    await lastSeen(w, stale.userId, 11);
    await lastSeen(w, fresh, 9);
    await lastSeen(w, deactivated, 40);

    await runMaintenanceOnce(db().prisma);
    await runMaintenanceOnce(db().prisma);
    expect((await userRow(w, stale.userId)).inactiveFlaggedAt).not.toBeNull();
    expect((await userRow(w, fresh)).inactiveFlaggedAt).toBeNull();
    expect((await userRow(w, deactivated)).inactiveFlaggedAt).toBeNull(); // no access to lose anyway
    expect(await actionsOf(w, stale.userId, ["user.inactive_flagged", "user.suspended", "access.revoked"])).toEqual(["user.inactive_flagged"]);
    expect((await checkAccess(w.prisma, { userId: stale.userId, contractId: stale.contractId })).allowed).toBe(true);
    // The users table filters and badges them.
    const flagged = await listUsersForAdmin(w.prisma, { directoryId: w.directory.id, inactivity: "flagged" });
    expect(flagged.items.map((u) => [u.id, u.inactiveFlaggedAt !== null, u.suspendedAt])).toEqual([[stale.userId, true, null]]);

    expect((await w.scim.get(`/Users/${stale.userId}`)).status).toBe(200);
    expect((await userRow(w, stale.userId)).inactiveFlaggedAt).toBeNull();
    expect((await listUsersForAdmin(w.prisma, { directoryId: w.directory.id, inactivity: "flagged" })).total).toBe(0);
  });

  it("suspends access everywhere, at the right moments, and a SCIM read reinstates it in that request", async () => {
    const w = await newWorld();
    const { userId, contractId } = await reader(w, "sleeper");
    await setPolicy(w, 30, "suspend");
    await lastSeen(w, userId, 31);
    const beforeSuspension = await instant();

    const result = await runMaintenanceOnce(db().prisma);
    expect(result.inactivity).toMatchObject({ suspended: expect.any(Number) });
    const suspended = await userRow(w, userId);
    expect(suspended.suspendedAt).not.toBeNull();
    expect(suspended.active).toBe(true); // what the directory says is kept
    const during = await instant();
    expect((await checkAccess(w.prisma, { userId, contractId })).allowed).toBe(false);
    expect((await whoCanAccessContract(w.prisma, { contractId, offset: 0, limit: 10 })).total).toBe(0);
    expect((await checkAccess(w.prisma, { userId, contractId, at: beforeSuspension })).allowed).toBe(true);
    expect(await actionsOf(w, userId, ["user.inactive_flagged", "user.suspended", "access.revoked", "access.granted"])).toEqual([
      "user.inactive_flagged",
      "user.suspended",
      "access.revoked",
    ]);
    const revoked = await w.prisma.auditEvent.findFirstOrThrow({ where: { targetId: userId, action: "access.revoked" } });
    expect(revoked.after).toMatchObject({ cause: { kind: "user.suspended" } });

    // The next run finds nothing more to do.
    await runMaintenanceOnce(db().prisma);
    expect(await actionsOf(w, userId, ["user.suspended"])).toHaveLength(1);

    // The directory reads the user by filter: confirmed.
    const res = await w.scim.get(`/Users${q(`userName eq "${suspended.userName}"`)}`);
    expect(res.status).toBe(200);
    expect((await userRow(w, userId)).suspendedAt).toBeNull();
    expect((await checkAccess(w.prisma, { userId, contractId })).allowed).toBe(true);
    expect((await checkAccess(w.prisma, { userId, contractId, at: during })).allowed).toBe(false);
    expect(await actionsOf(w, userId, ["user.reinstated", "access.granted"])).toEqual(["user.reinstated", "access.granted"]);
    const granted = await w.prisma.auditEvent.findFirstOrThrow({ where: { targetId: userId, action: "access.granted" }, orderBy: { seq: "desc" } });
    expect(granted.after).toMatchObject({ cause: { kind: "user.reinstated" } });
  });

  it("a SCIM write reinstates in its own transaction; a write that deactivates grants nothing back", async () => {
    const w = await newWorld();
    const a = await reader(w, "writer");
    const b = await reader(w, "leaver");
    await setPolicy(w, 30, "suspend");
    await lastSeen(w, a.userId, 31);
    await lastSeen(w, b.userId, 31);
    await runMaintenanceOnce(db().prisma);
    expect((await userRow(w, a.userId)).suspendedAt).not.toBeNull();
    expect((await userRow(w, b.userId)).suspendedAt).not.toBeNull();

    expect((await w.scim.patch(`/Users/${a.userId}`, patchBody({ op: "replace", path: "title", value: "Counsel" }))).status).toBe(200);
    expect((await checkAccess(w.prisma, { userId: a.userId, contractId: a.contractId })).allowed).toBe(true);
    expect(await actionsOf(w, a.userId, ["user.updated", "user.reinstated", "access.granted"])).toEqual(["user.updated", "user.reinstated", "access.granted"]);

    await w.setActive(b.userId, false);
    const left = await userRow(w, b.userId);
    expect(left).toMatchObject({ active: false, suspendedAt: null });
    expect((await checkAccess(w.prisma, { userId: b.userId, contractId: b.contractId })).allowed).toBe(false);
    expect(await actionsOf(w, b.userId, ["access.granted"])).toEqual([]);
    const intervals = await w.prisma.userStatusInterval.findMany({ where: { userId: b.userId }, orderBy: { validFrom: "asc" } });
    expect(intervals.map((i) => [i.active, i.validTo === null])).toEqual([
      [true, false],
      [false, false], // suspended
      [false, true], // deactivated by the directory
    ]);
  });

  it("two job runners at once flag and suspend each user once", async () => {
    const w = await newWorld();
    const users = await Promise.all(["r1", "r2", "r3", "r4"].map((n) => reader(w, n)));
    await setPolicy(w, 5, "suspend");
    for (const u of users) await lastSeen(w, u.userId, 6);
    const now = new Date();
    const url = process.env.DATABASE_URL;
    // Two Prisma clients (two instances) on PostgreSQL; PGlite is one process, one connection.
    const second = url ? await openDatabase({ databaseUrl: url, poolMax: 2 }) : undefined;
    try {
      const clients = [db().prisma, second?.prisma ?? db().prisma];
      // Bypassing the advisory lock on purpose: the claims alone must keep the work single.
      await Promise.all(clients.map((c) => c.$transaction((tx) => applyInactivityPolicies(tx, { now }), { timeout: 60_000 })));
      await Promise.all(clients.map((c) => runMaintenanceOnce(c, { now })));
    } finally {
      await second?.close();
    }
    for (const u of users) {
      expect(await actionsOf(w, u.userId, ["user.inactive_flagged", "user.suspended", "access.revoked"])).toEqual([
        "user.inactive_flagged",
        "user.suspended",
        "access.revoked",
      ]);
      expect(await w.prisma.userStatusInterval.count({ where: { userId: u.userId, validTo: null } })).toBe(1);
    }
  });
});
