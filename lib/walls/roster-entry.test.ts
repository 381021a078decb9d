// Removing one roster entry of a wall (issue 20) never unscreens a person another valid entry of the
// same wall and side still covers — named directly, or a group entry they are in or were in while
// it was on the wall — whichever entry recorded them first: their screen goes on without a gap, now
// and in answers about every later instant. Removing the last entry covering someone, or a person
// removed with a justification, still ends it.
import { describe, expect, it } from "vitest";
import { checkAccess } from "@/lib/access/effective-access";
import { accessIntervals } from "@/lib/access/intervals";
import { admin, instant, newWorld } from "@/lib/testing/access-world";
import { setupTestDatabase } from "@/lib/testing/database";
import { createDefinition, startCampaign } from "@/lib/reviews/service";
import { listWallPeople } from "./queries";
import { activateWall, addWallMembers, createWall, removeWallMember, removeWallPerson } from "./service";

setupTestDatabase();

/** ada and ben in `conflicted`; legal (ada, ben, cy) edits repository `deal` (d1 in the wall's scope, d2 not). */
async function world() {
  const w = await newWorld();
  const [ada, ben, cy] = [await w.user("ada"), await w.user("ben"), await w.user("cy")];
  const legal = await w.group("legal", [ada, ben, cy]);
  const conflicted = await w.group("conflicted", [ada, ben]);
  const deal = await w.repository("deal");
  const d1 = await w.contract(deal, { title: "d1" });
  const d2 = await w.contract(deal, { title: "d2" });
  await w.rule({ groupId: legal, level: "edit", repositoryId: deal });
  return { w, ada, ben, cy, legal, conflicted, d1, d2 };
}

type World = Awaited<ReturnType<typeof world>>["w"];

const allowed = async (w: World, userId: string, contractId: string, at?: Date) => (await checkAccess(w.prisma, { userId, contractId, at })).allowed;
const onRoster = async (w: World, wallId: string) => (await listWallPeople(w.prisma, { wallId })).items.map((p) => p.userId).sort();
const entryOf = (roster: { id: string; userId: string | null; groupId: string | null }[], of: { userId?: string; groupId?: string }) =>
  roster.find((e) => (of.userId ? e.userId === of.userId : e.groupId === of.groupId))!.id;
const lastRemoval = async (w: World, wallId: string) =>
  (await w.prisma.auditEvent.findFirst({ where: { action: "wall.roster_removed", targetId: wallId }, orderBy: { seq: "desc" } }))!;

async function activeWall(w: World, name: string, members: ({ userId: string } | { groupId: string })[], d1: string) {
  const wall = await createWall(w.prisma, { input: { name: `${name} ${w.tag}`, kind: "exclusionary", members, scope: [{ kind: "contract", value: d1 }] }, actor: admin });
  return activateWall(w.prisma, { id: wall.id, input: { reason: "Screen the conflicted people from d1" }, actor: admin });
}

describe("removing one roster entry of a wall", () => {
  it("(a) named directly, then through a group: removing the direct entry keeps the person screened through the group", async () => {
    const { w, ada, ben, cy, conflicted, d1, d2 } = await world();
    const wall = await activeWall(w, "Direct first", [{ userId: ada }], d1);
    // the group comes later: ada has her row already (through the direct entry), ben gets one through the group
    const added = await addWallMembers(w.prisma, { id: wall.id, input: { items: [{ groupId: conflicted }] }, actor: admin });
    expect(await onRoster(w, wall.id)).toEqual([ada, ben].sort());
    const before = await instant();

    await removeWallMember(w.prisma, { id: wall.id, entryId: entryOf(added.roster, { userId: ada }), input: { justification: "Named through the group now" }, actor: admin });
    const removed = await instant();
    expect(await allowed(w, ada, d1)).toBe(false);
    expect(await allowed(w, ada, d2)).toBe(true);
    expect(await allowed(w, cy, d1)).toBe(true);
    expect(await onRoster(w, wall.id)).toEqual([ada, ben].sort());
    const people = (await listWallPeople(w.prisma, { wallId: wall.id })).items;
    expect(people.find((p) => p.userId === ada)).toMatchObject({ viaGroup: { id: conflicted }, entryId: entryOf(added.roster, { groupId: conflicted }) });
    // the screen is continuous: no instant without a row (the new row starts where the old one ended)
    const rows = await w.prisma.wallPerson.findMany({ where: { wallId: wall.id, userId: ada }, orderBy: { validFrom: "asc" } });
    expect(rows).toHaveLength(2);
    expect(rows[1]!.validFrom).toEqual(rows[0]!.validTo);
    // her access did not change: no access.revoked / granted event for her caused by the removal
    const changes = await w.prisma.auditEvent.findMany({ where: { action: { in: ["access.revoked", "access.granted"] }, targetId: ada } });
    expect(changes.filter((e) => (e.after as { cause?: { kind?: string } }).cause?.kind === "wall.roster_removed")).toEqual([]);
    // the audit event says who stayed, and through which entry
    const event = await lastRemoval(w, wall.id);
    expect(event.after).toMatchObject({
      justification: "Named through the group now",
      stillOnRosterThroughOtherEntries: [{ userId: ada, entryId: entryOf(added.roster, { groupId: conflicted }), viaGroupId: conflicted }],
    });

    // leaving the group later does not end the screen either
    await w.removeMember(conflicted, ada);
    const left = await instant();
    expect(await allowed(w, ada, d1)).toBe(false);
    // point in time: screened before the removal, after it, and after she left the group
    expect(await allowed(w, ada, d1, before)).toBe(false);
    expect(await allowed(w, ada, d1, removed)).toBe(false);
    expect(await allowed(w, ada, d1, left)).toBe(false);
    // evidence over the whole period: no interval of access to d1 for her (ben: none either; cy: all of it)
    const intervals = await accessIntervals(w.prisma, { scope: { contractIds: [d1] }, from: before, to: await instant() });
    expect(intervals.filter((i) => i.userId === ada || i.userId === ben)).toEqual([]);
    expect(intervals.filter((i) => i.userId === cy)).toHaveLength(1);
  });

  it("(b) through a group, then named directly: removing the group entry keeps the person screened as named; the others it recorded leave", async () => {
    const { w, ada, ben, conflicted, d1 } = await world();
    const wall = await activeWall(w, "Group first", [{ groupId: conflicted }], d1);
    const added = await addWallMembers(w.prisma, { id: wall.id, input: { items: [{ userId: ada }] }, actor: admin });
    const before = await instant();

    await removeWallMember(w.prisma, { id: wall.id, entryId: entryOf(added.roster, { groupId: conflicted }), input: { justification: "The group is no longer conflicted" }, actor: admin });
    const removed = await instant();
    expect(await allowed(w, ada, d1)).toBe(false);
    expect(await allowed(w, ben, d1)).toBe(true);
    expect(await onRoster(w, wall.id)).toEqual([ada]);
    const ada1 = (await listWallPeople(w.prisma, { wallId: wall.id })).items[0]!;
    expect(ada1).toMatchObject({ viaGroup: null, entryId: entryOf(added.roster, { userId: ada }) });
    expect((await lastRemoval(w, wall.id)).after).toMatchObject({
      stillOnRosterThroughOtherEntries: [{ userId: ada, entryId: entryOf(added.roster, { userId: ada }), viaGroupId: null }],
    });
    // point in time
    expect(await allowed(w, ada, d1, before)).toBe(false);
    expect(await allowed(w, ada, d1, removed)).toBe(false);
    expect(await allowed(w, ben, d1, before)).toBe(false);
    expect(await allowed(w, ben, d1, removed)).toBe(true);
  });

  it("a group the person was in while it was on the wall still covers them after they left it", async () => {
    const { w, ada, conflicted, d1 } = await world();
    const wall = await activeWall(w, "Left the group", [{ userId: ada }, { groupId: conflicted }], d1);
    await w.removeMember(conflicted, ada);
    await removeWallMember(w.prisma, { id: wall.id, entryId: entryOf(wall.roster, { userId: ada }), input: { justification: "Covered by the group entry" }, actor: admin });
    const removed = await instant();
    expect(await allowed(w, ada, d1)).toBe(false);
    expect(await allowed(w, ada, d1, removed)).toBe(false);
  });

  it("a group holding the person through nesting covers them; entry after entry removed, the screen goes on until the last", async () => {
    const { w, ada, conflicted, d1 } = await world();
    const outer = await w.group("outer", [conflicted]);
    const counsel = await w.group("counsel", [ada]);
    const wall = await activeWall(w, "Chain", [{ userId: ada }], d1);
    // added one after the other: the earlier group entry is the one that takes over
    await addWallMembers(w.prisma, { id: wall.id, input: { items: [{ groupId: outer }] }, actor: admin });
    await instant();
    const added = await addWallMembers(w.prisma, { id: wall.id, input: { items: [{ groupId: counsel }] }, actor: admin });
    // the direct entry goes: ada stays through `outer` (she is in it through `conflicted`)
    await removeWallMember(w.prisma, { id: wall.id, entryId: entryOf(added.roster, { userId: ada }), input: { justification: "Covered by the groups" }, actor: admin });
    expect((await listWallPeople(w.prisma, { wallId: wall.id })).items.find((p) => p.userId === ada)).toMatchObject({ viaGroup: { id: outer } });
    // then `outer` goes: that earlier removal of an entry was no removal of her, so `counsel` still covers her
    await removeWallMember(w.prisma, { id: wall.id, entryId: entryOf(added.roster, { groupId: outer }), input: { justification: "Outer group cleared" }, actor: admin });
    const second = await instant();
    expect(await allowed(w, ada, d1)).toBe(false);
    expect((await listWallPeople(w.prisma, { wallId: wall.id })).items.find((p) => p.userId === ada)).toMatchObject({ viaGroup: { id: counsel } });
    // the last one goes: she is off
    await removeWallMember(w.prisma, { id: wall.id, entryId: entryOf(added.roster, { groupId: counsel }), input: { justification: "Counsel cleared" }, actor: admin });
    const last = await instant();
    expect(await allowed(w, ada, d1)).toBe(true);
    expect(await allowed(w, ada, d1, second)).toBe(false);
    expect(await allowed(w, ada, d1, last)).toBe(true);
    expect(await onRoster(w, wall.id)).toEqual([]);
  });

  it("an entry removed while another kept the person on is no removal of them: a group on the wall still records them when they join it", async () => {
    const { w, ada, conflicted, d1 } = await world();
    const later = await w.group("later", []);
    const wall = await activeWall(w, "Rejoin", [{ userId: ada }, { groupId: conflicted }, { groupId: later }], d1);
    await removeWallMember(w.prisma, { id: wall.id, entryId: entryOf(wall.roster, { userId: ada }), input: { justification: "Covered by the group" }, actor: admin });
    await removeWallMember(w.prisma, { id: wall.id, entryId: entryOf(wall.roster, { groupId: conflicted }), input: { justification: "Group cleared" }, actor: admin });
    expect(await allowed(w, ada, d1)).toBe(true);
    await w.addMembers(later, [ada]);
    expect(await allowed(w, ada, d1)).toBe(false);
  });

  it("only an entry of the same side keeps a person on a side", async () => {
    const { w, ada, ben, cy, conflicted, d1, d2 } = await world();
    const wall = await createWall(w.prisma, {
      input: {
        name: `Sides ${w.tag}`,
        kind: "sides",
        sides: [
          { name: "Buyer", members: [{ userId: ada }, { groupId: conflicted }], scope: [{ kind: "contract", value: d1 }] },
          { name: "Seller", members: [{ userId: cy }], scope: [{ kind: "contract", value: d2 }] },
        ],
      },
      actor: admin,
    });
    await activateWall(w.prisma, { id: wall.id, input: { reason: "Both sides are our clients" }, actor: admin });
    const [buyer, seller] = wall.sides;
    // ada stays on the buyer's side through the group: still denied the seller's d2
    await removeWallMember(w.prisma, { id: wall.id, entryId: entryOf(wall.roster, { userId: ada }), input: { justification: "Covered by the group" }, actor: admin });
    expect([await allowed(w, ada, d1), await allowed(w, ada, d2)]).toEqual([true, false]);
    // named on the seller's side too, then removed there: the buyer's group entry does not keep her on the seller's side
    const named = await addWallMembers(w.prisma, { id: wall.id, input: { sideId: seller!.id, items: [{ userId: ada }] }, actor: admin });
    const onSeller = named.roster.find((e) => e.userId === ada && e.sideId === seller!.id)!.id;
    await removeWallMember(w.prisma, { id: wall.id, entryId: onSeller, input: { justification: "Named on the wrong side" }, actor: admin });
    const rows = (await listWallPeople(w.prisma, { wallId: wall.id })).items.filter((p) => p.userId === ada);
    expect(rows.map((p) => p.sideId)).toEqual([buyer!.id]);
    expect([await allowed(w, ben, d1), await allowed(w, ben, d2)]).toEqual([true, false]);
  });

  it("a wall review counts a screen carried on through another entry as one stay on the roster: since its start", async () => {
    const { w, ada, cy, conflicted, d1 } = await world();
    const wall = await activeWall(w, "Review", [{ userId: ada }, { groupId: conflicted }], d1);
    const since = (await w.prisma.wallPerson.findFirstOrThrow({ where: { wallId: wall.id, userId: ada } })).validFrom;
    await instant();
    await removeWallMember(w.prisma, { id: wall.id, entryId: entryOf(wall.roster, { userId: ada }), input: { justification: "Covered by the group" }, actor: admin });
    const definition = await createDefinition(w.prisma, {
      input: { name: `Wall review ${w.tag}`, config: { walls: { wallIds: [wall.id] }, stages: [{ reviewers: "named", namedReviewerIds: [cy] }], fallbackReviewerId: cy } },
      actor: admin,
    });
    const campaign = await startCampaign(w.prisma, { definitionId: definition.id, actor: admin });
    const item = await w.prisma.wallReviewItem.findFirstOrThrow({ where: { campaignId: campaign.id, userId: ada } });
    expect(item).toMatchObject({ role: "screened", viaGroupId: conflicted, onRosterSince: since });
  });

  it("removing the last entry covering a person unscreens them", async () => {
    const { w, ada, ben, cy, conflicted, d1 } = await world();
    // cy is named directly; the group on the wall does not hold her
    const wall = await activeWall(w, "Last entry", [{ userId: cy }, { groupId: conflicted }], d1);
    const before = await instant();
    await removeWallMember(w.prisma, { id: wall.id, entryId: entryOf(wall.roster, { userId: cy }), input: { justification: "Conflict cleared" }, actor: admin });
    const removed = await instant();
    expect(await allowed(w, cy, d1)).toBe(true);
    expect(await allowed(w, cy, d1, before)).toBe(false);
    expect(await allowed(w, cy, d1, removed)).toBe(true);
    expect(await onRoster(w, wall.id)).toEqual([ada, ben].sort());
    expect((await lastRemoval(w, wall.id)).after).toMatchObject({ justification: "Conflict cleared", stillOnRosterThroughOtherEntries: [] });
  });

  it("an explicit removal still sticks against the group entries on the wall then: named again and that entry removed, the person is off", async () => {
    const { w, ada, ben, conflicted, d1 } = await world();
    const wall = await activeWall(w, "Sticky", [{ groupId: conflicted }], d1);
    await removeWallPerson(w.prisma, { id: wall.id, userId: ada, input: { justification: "Conflict cleared by the general counsel" }, actor: admin });
    const named = await addWallMembers(w.prisma, { id: wall.id, input: { items: [{ userId: ada }] }, actor: admin });
    expect(await allowed(w, ada, d1)).toBe(false);
    await removeWallMember(w.prisma, { id: wall.id, entryId: entryOf(named.roster, { userId: ada }), input: { justification: "Named by mistake" }, actor: admin });
    expect(await allowed(w, ada, d1)).toBe(true);
    expect(await onRoster(w, wall.id)).toEqual([ben]);
  });

  it("removing a person entirely still ends every entry's screen of them", async () => {
    const { w, ada, ben, conflicted, d1 } = await world();
    const wall = await activeWall(w, "Whole person", [{ userId: ada }, { groupId: conflicted }], d1);
    await removeWallPerson(w.prisma, { id: wall.id, userId: ada, input: { justification: "Conflict cleared" }, actor: admin });
    expect(await allowed(w, ada, d1)).toBe(true);
    expect(await onRoster(w, wall.id)).toEqual([ben]);
  });
});
