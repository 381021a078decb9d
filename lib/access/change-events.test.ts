import { describe, expect, it } from "vitest";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { bulkUpsertContracts } from "@/lib/contracts/service";
import { setupTestDatabase, unique } from "@/lib/testing/database";
import {
  groupGrantsAccess,
  repositoriesGrantedThroughGroup,
  ruleScopeRepositories,
  usersReachedInRepositories,
} from "./change-events";
import { usersInGroup } from "./group-graph";
import { admin, newWorld } from "@/lib/testing/access-world";

setupTestDatabase();

interface AccessEvent {
  action: string;
  user: string;
  repositoryId: string;
  contracts: number;
  level: string | null;
  before: { contracts: number; level: string | null };
  cause: { kind: string; eventId?: string };
}

async function accessEvents(prisma: PrismaClient, userIds: string[]): Promise<AccessEvent[]> {
  const rows = await prisma.auditEvent.findMany({
    where: { action: { in: ["access.granted", "access.revoked"] }, targetId: { in: userIds } },
    orderBy: { seq: "asc" },
  });
  return rows.map((r) => {
    const after = r.after as { repositoryId: string; contracts: number; level: string | null; cause: AccessEvent["cause"] };
    return {
      action: r.action,
      user: r.targetId!,
      repositoryId: after.repositoryId,
      contracts: after.contracts,
      level: after.level,
      before: r.before as AccessEvent["before"],
      cause: after.cause,
    };
  });
}

/** Events recorded by `step`, for these users. */
async function eventsOf(prisma: PrismaClient, userIds: string[], step: () => Promise<unknown>) {
  const before = (await accessEvents(prisma, userIds)).length;
  await step();
  return (await accessEvents(prisma, userIds)).slice(before);
}

const lastEventId = async (prisma: PrismaClient, action: string, targetId: string) =>
  (await prisma.auditEvent.findFirstOrThrow({ where: { action, targetId }, orderBy: { seq: "desc" } })).id;

describe("access change events", () => {
  it("records membership add and remove, with the membership event as cause, nested groups included", async () => {
    const w = await newWorld();
    const [uma, pia, quinn] = [await w.user("uma"), await w.user("pia"), await w.user("quinn")];
    const crew = await w.group("crew", [pia, quinn]);
    const g = await w.group("g");
    const repo = await w.repository("main");
    const side = await w.repository("side");
    for (let i = 0; i < 3; i++) await w.contract(repo);
    const special = await w.contract(side);
    await w.rule({ groupId: g, level: "view", repositoryId: repo });
    await w.rule({ groupId: g, level: "edit", contractId: special });

    const added = await eventsOf(w.prisma, [uma], () => w.addMembers(g, [uma]));
    const membershipEvent = await lastEventId(w.prisma, "group.members_changed", g);
    expect(added).toHaveLength(2);
    expect(added).toEqual(
      expect.arrayContaining([
        {
          action: "access.granted",
          user: uma,
          repositoryId: repo,
          contracts: 3,
          level: "view",
          before: { contracts: 0, level: null },
          cause: expect.objectContaining({ kind: "membership.added", eventId: membershipEvent }),
        },
        expect.objectContaining({ action: "access.granted", repositoryId: side, contracts: 1, level: "edit" }),
      ]),
    );

    const nested = await eventsOf(w.prisma, [pia, quinn], () => w.addMembers(g, [crew]));
    expect(nested.filter((e) => e.action === "access.granted").map((e) => e.user).sort()).toEqual([pia, pia, quinn, quinn].sort());

    const removed = await eventsOf(w.prisma, [uma, pia, quinn], () => w.removeMember(g, uma));
    expect(removed.map((e) => [e.action, e.user, e.contracts])).toEqual(
      expect.arrayContaining([
        ["access.revoked", uma, 0],
        ["access.revoked", uma, 0],
      ]),
    );
    expect(removed).toHaveLength(2);
    expect(removed[0].cause.kind).toBe("membership.removed");
    expect(removed[0].before).toEqual(expect.objectContaining({ contracts: expect.any(Number) }));

    const ungrouped = await eventsOf(w.prisma, [pia, quinn], () => w.removeMember(g, crew));
    expect(ungrouped.filter((e) => e.action === "access.revoked")).toHaveLength(4);

    // Re-adding a member that is already there changes nothing and records nothing.
    await w.addMembers(g, [uma]);
    expect(await eventsOf(w.prisma, [uma], () => w.addMembers(g, [uma]))).toEqual([]);
  });

  it("records nothing, and expands nothing, for groups no rule grants through", async () => {
    const w = await newWorld();
    const vic = await w.user("vic");
    const plain = await w.group("plain");
    const parent = await w.group("parent", [plain]);
    expect(await groupGrantsAccess(w.prisma, plain)).toBe(false);
    expect(await eventsOf(w.prisma, [vic], () => w.addMembers(plain, [vic]))).toEqual([]);
    const repo = await w.repository("late");
    await w.contract(repo);
    // A rule on an ancestor makes the group relevant.
    await w.rule({ groupId: parent, level: "view", repositoryId: repo });
    expect(await groupGrantsAccess(w.prisma, plain)).toBe(true);
    expect(await usersInGroup(w.prisma, parent)).toEqual([vic]);
  });

  it("records deactivation, reactivation and deletion of a user", async () => {
    const w = await newWorld();
    const walt = await w.user("walt");
    const g = await w.group("g", [walt]);
    const repo = await w.repository("status");
    await w.contract(repo);
    await w.contract(repo);
    await w.rule({ groupId: g, level: "comment", repositoryId: repo });

    const off = await eventsOf(w.prisma, [walt], () => w.setActive(walt, false));
    expect(off).toEqual([
      {
        action: "access.revoked",
        user: walt,
        repositoryId: repo,
        contracts: 0,
        level: null,
        before: { contracts: 2, level: "comment" },
        cause: expect.objectContaining({ kind: "user.deactivated", eventId: await lastEventId(w.prisma, "user.deactivated", walt) }),
      },
    ]);
    const on = await eventsOf(w.prisma, [walt], () => w.setActive(walt, true));
    expect(on.map((e) => [e.action, e.contracts, e.level, e.cause.kind])).toEqual([["access.granted", 2, "comment", "user.activated"]]);
    // A profile update that leaves the status alone records nothing.
    const renamed = await eventsOf(w.prisma, [walt], async () => {
      const res = await w.scim.patch(`/Users/${walt}`, {
        schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        Operations: [{ op: "replace", path: "displayName", value: "Walt W." }],
      });
      expect(res.status).toBe(200);
    });
    expect(renamed).toEqual([]);

    const gone = await eventsOf(w.prisma, [walt], () => w.removeUser(walt));
    expect(gone.map((e) => [e.action, e.contracts, e.cause.kind])).toEqual([["access.revoked", 0, "user.deleted"]]);
    const event = await w.prisma.auditEvent.findFirstOrThrow({ where: { action: "access.revoked", targetId: walt }, orderBy: { seq: "desc" } });
    expect(event.directoryId).toBe(w.directory.id);
    expect(event.targetLabel).toBeNull();
  });

  it("records rule creation, change and deletion, and group deletion", async () => {
    const w = await newWorld();
    const [xia, yan] = [await w.user("xia"), await w.user("yan")];
    const g = await w.group("g", [xia, yan]);
    const repo = await w.repository("rules");
    await w.contract(repo, { confidentiality: "public" });
    await w.contract(repo, { confidentiality: "confidential" });

    let ruleId = "";
    const created = await eventsOf(w.prisma, [xia, yan], async () => {
      ruleId = await w.rule({ groupId: g, level: "view", repositoryId: repo });
    });
    const ruleEvent = await lastEventId(w.prisma, "rule.created", ruleId);
    expect(created.map((e) => [e.action, e.contracts, e.level])).toEqual([
      ["access.granted", 2, "view"],
      ["access.granted", 2, "view"],
    ]);
    expect(created[0].cause).toMatchObject({ kind: "rule.created", eventId: ruleEvent });

    const raised = await eventsOf(w.prisma, [xia], () => w.editRule(ruleId, { level: "edit", confidentialityCeiling: "internal" }));
    // One contract fewer, at a higher level: both a grant and a revocation for the repository.
    expect(raised.map((e) => e.action).sort()).toEqual(["access.granted", "access.revoked"]);
    expect(raised[0]).toMatchObject({ contracts: 1, level: "edit", before: { contracts: 2, level: "view" } });
    expect(raised[0].cause.kind).toBe("rule.updated");

    const deleted = await eventsOf(w.prisma, [xia, yan], () => w.dropRule(ruleId));
    expect(deleted.map((e) => [e.action, e.contracts, e.cause.kind])).toEqual([
      ["access.revoked", 0, "rule.deleted"],
      ["access.revoked", 0, "rule.deleted"],
    ]);

    await w.rule({ groupId: g, level: "view", repositoryId: repo });
    const groupGone = await eventsOf(w.prisma, [xia, yan], () => w.removeGroup(g));
    expect(groupGone.map((e) => [e.action, e.cause.kind])).toEqual([
      ["access.revoked", "group.deleted"],
      ["access.revoked", "group.deleted"],
    ]);
  });

  it("writes many events with one statement, in the same shape", async () => {
    const w = await newWorld();
    const people: string[] = [];
    for (let i = 0; i < 52; i++) people.push(await w.user(`p${i}`));
    const crowd = await w.group("crowd", people);
    const g = await w.group("g");
    const [a, b] = [await w.repository("bulk-a"), await w.repository("bulk-b")];
    await w.contract(a);
    await w.contract(b);
    await w.rule({ groupId: g, level: "view", repositoryId: a });
    await w.rule({ groupId: g, level: "edit", repositoryId: b });
    const events = await eventsOf(w.prisma, people, () => w.addMembers(g, [crowd]));
    expect(events).toHaveLength(104);
    expect(new Set(events.map((e) => `${e.user}|${e.repositoryId}`)).size).toBe(104);
    const membershipEvent = await lastEventId(w.prisma, "group.members_changed", g);
    expect(events.every((e) => e.action === "access.granted" && e.cause.kind === "membership.added" && e.cause.eventId === membershipEvent)).toBe(true);
    const row = await w.prisma.auditEvent.findFirstOrThrow({ where: { action: "access.granted", targetId: people[0], after: { path: ["repositoryId"], equals: b } } });
    expect(row).toMatchObject({ actorType: "directory", directoryId: w.directory.id, targetType: "User", targetLabel: expect.stringMatching(/^p0-/) });
    expect(row.after).toMatchObject({ repositoryId: b, contracts: 1, level: "edit", repositoryName: expect.stringMatching(/^bulk-b-/) });
  });

  it("limits the comparison to the repositories a change can touch", async () => {
    const w = await newWorld();
    const sam = await w.user("sam");
    const g = await w.group("g");
    const other = await w.group("other", [sam]);
    const [mine, theirs] = [await w.repository("mine"), await w.repository("theirs")];
    const contract = await w.contract(mine);
    await w.contract(theirs);
    await w.rule({ groupId: g, level: "view", repositoryId: mine });
    await w.rule({ groupId: other, level: "view", repositoryId: theirs });
    expect(await repositoriesGrantedThroughGroup(w.prisma, g)).toEqual([mine]);
    expect((await ruleScopeRepositories(w.prisma, [{ repositoryId: theirs }, { contractId: contract }, null])).sort()).toEqual([mine, theirs].sort());
    const events = await eventsOf(w.prisma, [sam], () => w.addMembers(g, [sam]));
    expect(events.map((e) => e.repositoryId)).toEqual([mine]);
    const tom = await w.user("tom");
    await w.rule({ userId: tom, level: "view", contractId: contract, validUntil: new Date(Date.now() + 86_400_000) });
    expect((await usersReachedInRepositories(w.prisma, { repositoryIds: [mine] })).sort()).toEqual([sam, tom].sort());
    expect(await usersReachedInRepositories(w.prisma, { repositoryIds: [theirs] })).toEqual([sam]);
  });
  it("records contract moves and end dates, from the admin edit and from bulk upserts", async () => {
    const w = await newWorld();
    const [ann, ben, cal] = [await w.user("ann"), await w.user("ben"), await w.user("cal")];
    const staff = await w.group("staff", [ann, ben]);
    const board = await w.group("board", [cal]);
    const [open, closed] = [await w.repository("open"), await w.repository("closed")];
    const moved = await w.contract(open);
    const ending = await w.contract(open);
    await w.rule({ groupId: staff, level: "edit", repositoryId: open });
    await w.rule({ groupId: board, level: "view", repositoryId: closed });

    // Moved to a repository staff cannot see: staff lose it there, the board gains it.
    const move = await eventsOf(w.prisma, [ann, ben, cal], () => w.changeContract(moved, { repositoryId: closed }));
    const moveEvent = await lastEventId(w.prisma, "contract.updated", moved);
    const cause = expect.objectContaining({ kind: "contract.updated", eventId: moveEvent });
    expect(move).toHaveLength(3);
    expect(move).toEqual(
      expect.arrayContaining([
        { action: "access.revoked", user: ann, repositoryId: open, contracts: 1, level: "edit", before: { contracts: 2, level: "edit" }, cause },
        { action: "access.revoked", user: ben, repositoryId: open, contracts: 1, level: "edit", before: { contracts: 2, level: "edit" }, cause },
        { action: "access.granted", user: cal, repositoryId: closed, contracts: 1, level: "view", before: { contracts: 0, level: null }, cause },
      ]),
    );

    // An end date in the past ends access now (the rule has no grace days).
    const ended = await eventsOf(w.prisma, [ann, ben, cal], () =>
      w.changeContract(ending, { endDate: new Date(Date.now() - 86_400_000).toISOString() }),
    );
    expect(ended.map((e) => [e.action, e.user, e.repositoryId, e.contracts, e.level, e.before.contracts]).sort()).toEqual(
      [
        ["access.revoked", ann, open, 0, null, 1],
        ["access.revoked", ben, open, 0, null, 1],
      ].sort(),
    );
    expect(ended[0].cause).toMatchObject({ kind: "contract.updated", eventId: await lastEventId(w.prisma, "contract.updated", ending) });

    // A title change is not access-relevant: nothing recorded.
    expect(await eventsOf(w.prisma, [ann, ben, cal], () => w.changeContract(ending, { title: unique("renamed") }))).toEqual([]);

    // Bulk upsert (also what CSV imports and PUT use): one comparison for the batch.
    const [r1, r2] = [unique("EXT"), unique("EXT")];
    const item = (externalRef: string, repositoryId: string, confidentiality = "internal") => ({
      externalRef,
      title: externalRef,
      contractType: "NDA",
      confidentiality,
      repositoryId,
    });
    const created = await eventsOf(w.prisma, [ann, ben, cal], () =>
      bulkUpsertContracts(w.prisma, { input: { items: [item(r1, closed), item(r2, closed)] }, actor: admin }),
    );
    expect(created).toEqual([]); // new contracts are not tracked here: only changes of existing ones
    const batch = await eventsOf(w.prisma, [ann, ben, cal], () =>
      bulkUpsertContracts(w.prisma, { input: { items: [item(r1, open), item(r2, open, "confidential")] }, actor: admin }),
    );
    expect(batch.map((e) => [e.action, e.user, e.repositoryId, e.contracts, e.before.contracts]).sort()).toEqual(
      [
        ["access.granted", ann, open, 2, 0],
        ["access.granted", ben, open, 2, 0],
        ["access.revoked", cal, closed, 1, 3],
      ].sort(),
    );
    expect(batch[0].cause).toMatchObject({ kind: "contract.updated", description: "2 contracts" });
    expect((batch[0].cause as { subjects?: unknown[] }).subjects).toHaveLength(2);
  });
});
