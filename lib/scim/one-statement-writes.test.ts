// The common SCIM writes run as one statement (lib/groups/service.ts updateMembersInOneStatement,
// lib/users/service.ts updateUser) and fall back to the locking transaction when a rule reaches
// the group or user, a member is unknown or If-Match fails. Both paths must leave the same record:
// each case runs in a world without rules (one statement) and in one where a rule reaches the
// group (transaction), and compares.
import { describe, expect, it } from "vitest";
import { setupTestDatabase } from "@/lib/testing/database";
import { newWorld, sleep, type World } from "@/lib/testing/access-world";
import { patchBody } from "@/lib/testing/scim";

const database = setupTestDatabase();
const onPostgres = () => database.db().kind === "postgres";

async function lastEvent(w: World, targetId: string, action: string) {
  return w.prisma.auditEvent.findFirst({ where: { targetId, action }, orderBy: { seq: "desc" } });
}

/** A group with a member-less rule on its parent (so every change goes through the transaction), or a plain one. */
async function groupIn(w: World, withRule: boolean, name: string) {
  const g = await w.group(name);
  if (withRule) {
    await w.group(`${name}-parent`, [g]);
    const parent = (await w.prisma.group.findFirstOrThrow({ where: { displayName: `${name}-parent-${w.tag}` } })).id;
    const repo = await w.repository(`${name}-repo`);
    await w.contract(repo);
    await w.rule({ groupId: parent, level: "view", repositoryId: repo });
  }
  return g;
}

const accessEventsOf = (w: World, userId: string) => w.prisma.auditEvent.count({ where: { targetId: userId, action: { startsWith: "access." } } });

describe("one-statement membership PATCH", () => {
  for (const withRule of [false, true]) {
    it(`adds and removes users with the same history and audit ${withRule ? "through the transaction (a rule reaches the group)" : "in one statement"}`, async () => {
      const w = await newWorld();
      const u = await w.user("member");
      const g = await groupIn(w, withRule, "team");
      const version = async () => (await w.prisma.group.findUniqueOrThrow({ where: { id: g } })).version;
      const v0 = await version();

      const added = await w.scim.patch(`/Groups/${g}`, patchBody({ op: "add", path: "members", value: [{ value: u }] }));
      expect(added.status).toBe(204);
      expect(added.headers.get("etag")).toBe(`W/"${v0 + 1}"`);
      const addEvent = (await lastEvent(w, g, "group.members_changed"))!;
      expect(addEvent.after).toEqual({ membersAdded: 1, membersRemoved: 0, addedUsers: [u] });
      expect(addEvent.targetLabel).toBe(`team-${w.tag}`);
      const opened = await w.prisma.membershipInterval.findMany({ where: { groupId: g, memberUserId: u } });
      expect(opened).toHaveLength(1);
      expect(opened[0]).toMatchObject({ validTo: null, addedEventId: addEvent.id });
      expect(await accessEventsOf(w, u)).toBe(withRule ? 1 : 0);

      // Adding a member again changes nothing and records nothing.
      const again = await w.scim.patch(`/Groups/${g}`, patchBody({ op: "add", path: "members", value: [{ value: u }] }));
      expect(again.status).toBe(204);
      expect(await version()).toBe(v0 + 1);
      expect((await lastEvent(w, g, "group.members_changed"))!.id).toBe(addEvent.id);

      await w.removeMember(g, u);
      const removeEvent = (await lastEvent(w, g, "group.members_changed"))!;
      expect(removeEvent.after).toEqual({ membersAdded: 0, membersRemoved: 1, removedUsers: [u] });
      const closed = await w.prisma.membershipInterval.findUniqueOrThrow({ where: { id: opened[0].id } });
      expect(closed.validTo).not.toBeNull();
      expect(closed.removedEventId).toBe(removeEvent.id);
      expect(await version()).toBe(v0 + 2);
      expect(await w.prisma.groupMember.count({ where: { groupId: g } })).toBe(0);
      expect(await accessEventsOf(w, u)).toBe(withRule ? 2 : 0);
    });
  }

  it("removes a nested group in one statement and names it in the audit event", async () => {
    const w = await newWorld();
    const inner = await w.group("inner");
    const outer = await w.group("outer", [inner]);
    await w.removeMember(outer, inner);
    expect((await lastEvent(w, outer, "group.members_changed"))!.after).toEqual({ membersAdded: 0, membersRemoved: 1, removedGroups: [inner] });
    const interval = await w.prisma.membershipInterval.findFirstOrThrow({ where: { groupId: outer, memberGroupId: inner } });
    expect(interval.validTo).not.toBeNull();
  });

  it("caps the audit event's member list at 100 ids, like the transaction", async () => {
    const w = await newWorld();
    const users = await Promise.all(Array.from({ length: 105 }, (_, i) => w.user(`bulk${i}`)));
    const g = await w.group("bulk");
    await w.addMembers(g, users);
    const after = (await lastEvent(w, g, "group.members_changed"))!.after as { membersAdded: number; addedUsers: string[] };
    expect(after.membersAdded).toBe(105);
    expect(after.addedUsers).toHaveLength(101);
    expect(after.addedUsers[100]).toBe("…");
    expect(new Set(after.addedUsers.slice(0, 100)).size).toBe(100);
    expect(await w.prisma.membershipInterval.count({ where: { groupId: g, validTo: null } })).toBe(105);
  });

  it("changes nothing for an unknown member or a stale If-Match, and answers as the transaction does", async () => {
    const w = await newWorld();
    const u = await w.user("known");
    const g = await w.group("strict");
    const before = await w.prisma.auditEvent.count();
    const unknown = await w.scim.patch(`/Groups/${g}`, patchBody({ op: "add", path: "members", value: [{ value: u }, { value: "no-such-user" }] }));
    expect(unknown.status).toBe(400);
    expect(await w.prisma.groupMember.count({ where: { groupId: g } })).toBe(0);
    const stale = await w.scim.patch(`/Groups/${g}`, patchBody({ op: "add", path: "members", value: [{ value: u }] }), { "if-match": 'W/"99"' });
    expect(stale.status).toBe(412);
    expect(await w.prisma.groupMember.count({ where: { groupId: g } })).toBe(0);
    expect(await w.prisma.auditEvent.count()).toBe(before);
  });
});

describe("one-statement user PATCH", () => {
  for (const withRule of [false, true]) {
    it(`deactivates and reactivates with the same status history ${withRule ? "through the transaction (a rule reaches the user)" : "in one statement"}`, async () => {
      const w = await newWorld();
      const u = await w.user("status");
      const g = await groupIn(w, withRule, "staff");
      await w.addMembers(g, [u]);
      await w.setActive(u, false);
      const off = (await lastEvent(w, u, "user.deactivated"))!;
      expect(off).toMatchObject({ before: { active: true }, after: { active: false } });
      await w.setActive(u, true);
      const on = (await lastEvent(w, u, "user.activated"))!;
      const history = await w.prisma.userStatusInterval.findMany({ where: { userId: u }, orderBy: { validFrom: "asc" } });
      expect(history.map((h) => [h.active, h.validTo === null, h.eventId])).toEqual([
        [true, false, expect.any(String)],
        [false, false, off.id],
        [true, true, on.id],
      ]);
      expect(history[0].validTo).toEqual(history[1].validFrom);
      expect(history[1].validTo).toEqual(history[2].validFrom);
      // access.granted on joining (with a rule), then revoked and granted again.
      expect(await accessEventsOf(w, u)).toBe(withRule ? 3 : 0);
      const user = await w.scim.get(`/Users/${u}`);
      expect(user.body.groups).toEqual([expect.objectContaining({ value: g })]);
      expect(user.headers.get("etag")).toBe(`W/"3"`);
    });
  }

  it("answers with the user's groups read by the same statement", async () => {
    const w = await newWorld();
    const u = await w.user("grouped");
    const g = await w.group("a", [u]);
    const res = await w.scim.patch(`/Users/${u}`, patchBody({ op: "replace", value: { displayName: "Grouped" } }));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ displayName: "Grouped", groups: [expect.objectContaining({ value: g, display: `a-${w.tag}` })] });
    expect(res.headers.get("etag")).toBe(`W/"2"`);
  });
});

describe("one-statement writes under concurrency", () => {
  it("a membership removal that waited on the group's lock sees the member committed meanwhile", async ({ skip }) => {
    // PGlite is one connection: there is no second writer to wait for.
    if (!onPostgres()) skip();
    const w = await newWorld();
    const u = await w.user("late");
    const g = await w.group("locked");
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let signalLocked!: () => void;
    const locked = new Promise<void>((resolve) => (signalLocked = resolve));
    // Another writer holds the group, adds the member and bumps the version, as the transaction path does.
    const holder = database.db().withSession((session) =>
      session.transaction(async (tx) => {
        await tx.query(`SELECT id FROM "Group" WHERE id = $1 FOR NO KEY UPDATE`, [g]);
        await tx.query(`INSERT INTO "GroupMember" (id, "groupId", "memberUserId", "createdAt") VALUES (gen_random_uuid()::text, $1, $2, now())`, [g, u]);
        await tx.query(`UPDATE "Group" SET version = version + 1 WHERE id = $1`, [g]);
        signalLocked();
        await held;
      }),
    );
    await locked;
    const removal = w.scim.patch(`/Groups/${g}`, patchBody({ op: "remove", path: `members[value eq "${u}"]` }));
    await sleep(300);
    release();
    await holder;
    expect((await removal).status).toBe(204);
    expect(await w.prisma.groupMember.count({ where: { groupId: g } })).toBe(0);
    expect((await lastEvent(w, g, "group.members_changed"))!.after).toEqual({ membersAdded: 0, membersRemoved: 1, removedUsers: [u] });
  });

  it("concurrent activations and deactivations of one user leave one contiguous status history", async () => {
    const w = await newWorld();
    const u = await w.user("toggle");
    const results = await Promise.all(
      Array.from({ length: 16 }, (_, i) => w.scim.patch(`/Users/${u}`, patchBody({ op: "replace", path: "active", value: i % 2 === 0 ? false : true }))),
    );
    expect(results.map((r) => r.status)).toEqual(results.map(() => 200));
    const history = await w.prisma.userStatusInterval.findMany({ where: { userId: u }, orderBy: { validFrom: "asc" } });
    expect(history.filter((h) => h.validTo === null)).toHaveLength(1);
    for (let i = 1; i < history.length; i++) {
      expect(history[i - 1].validTo).toEqual(history[i].validFrom);
      expect(history[i - 1].active).not.toBe(history[i].active);
    }
    const switches = await w.prisma.auditEvent.count({ where: { targetId: u, action: { in: ["user.activated", "user.deactivated"] } } });
    expect(switches).toBe(history.length - 1);
    const user = await w.prisma.user.findUniqueOrThrow({ where: { id: u } });
    expect(history.at(-1)!.active).toBe(user.active);
  });
});
