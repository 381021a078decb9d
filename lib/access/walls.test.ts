// Ethical walls beat every grant in every answer of the engine — checks (the `wall` denial), batch
// checks, who can see, a person's contracts, readers by reason, review populations and reviewer
// choice, impact previews, access change events, evidence intervals, the draft preview — now and
// at past instants (before the wall, while in force, after lifting). Each kind against answers
// computed by hand from a small world.
import { describe, expect, it } from "vitest";
import { evaluate, evaluateMany } from "@/lib/authzen/decisions";
import { admin, instant, newWorld, type World } from "@/lib/testing/access-world";
import { setupTestDatabase } from "@/lib/testing/database";
import { createDefinition, previewCampaign, startCampaign } from "@/lib/reviews/service";
import {
  acknowledgeWall,
  activateWall,
  addWallMembers,
  addWallScope,
  createWall,
  liftWall,
  previewWallActivation,
  removeWallPerson,
} from "@/lib/walls/service";
import { listBreachAttempts, listWallPeople, summarizeBreachAttempts, wallsOfPerson } from "@/lib/walls/queries";
import { denialSentence, type DenialJson } from "./denial-text";
import { checkAccess, contractsOfUser, readerReasonGroups, readersOfContract, whoCanAccessContract } from "./effective-access";
import { checkAccessMany } from "./check-many";
import { accessIntervals } from "./intervals";
import { previewRuleChange } from "./impact";
import { reviewPopulation } from "./population";
import { snapshotAccess } from "./snapshot";

setupTestDatabase();

const readers = async (w: World, contractId: string, at?: Date) =>
  (await whoCanAccessContract(w.prisma, { contractId, at, offset: 0, limit: 100 })).items.map((i) => i.user.id).sort();

const contractsOf = async (w: World, userId: string, at?: Date) =>
  (await contractsOfUser(w.prisma, { userId, at, offset: 0, limit: 100 })).items.map((i) => i.contract.id).sort();

const allowed = async (w: World, userId: string, contractId: string, at?: Date) => (await checkAccess(w.prisma, { userId, contractId, at })).allowed;

const sorted = (...ids: string[]) => [...ids].sort();

/**
 * ann, ben, cy in `legal` (inside `outer`); outer edits repository `deal` (d1, d2); legal views
 * repository `other` (o1, counterparty Acme; o2 tagged "project-x").
 */
async function world() {
  const w = await newWorld();
  const [ann, ben, cy] = [await w.user("ann"), await w.user("ben"), await w.user("cy")];
  const legal = await w.group("legal", [ann, ben, cy]);
  const outer = await w.group("outer", [legal]);
  const deal = await w.repository("deal");
  const other = await w.repository("other");
  const d1 = await w.contract(deal, { title: "d1" });
  const d2 = await w.contract(deal, { title: "d2" });
  const o1 = await w.contract(other, { title: "o1", counterparty: "  ACME Corp " });
  const o2 = await w.contract(other, { title: "o2", tags: ["Project-X"] });
  await w.rule({ groupId: outer, level: "edit", repositoryId: deal });
  await w.rule({ groupId: legal, level: "view", repositoryId: other });
  return { w, ann, ben, cy, legal, outer, deal, other, d1, d2, o1, o2 };
}

const cause = (e: { after: unknown }) => (e.after as { cause: { kind: string } }).cause.kind;

describe("exclusionary walls", () => {
  it("screen people from explicit contracts and counterparties in every answer; lifting restores access from then on only", async () => {
    const { w, ann, ben, cy, deal, other, d1, d2, o1, o2 } = await world();
    const wall = await createWall(w.prisma, {
      input: {
        name: `Lateral hire ${w.tag}`,
        matterRef: "M-1",
        description: "Ann joined from the other side's firm.",
        kind: "exclusionary",
        members: [{ userId: ann }],
        scope: [
          { kind: "contract", value: d1 },
          { kind: "counterparty", value: "acme corp" },
        ],
      },
      actor: admin,
    });
    expect(wall).toMatchObject({ state: "draft", kind: "exclusionary", counts: { people: 1 } });
    // A draft denies nothing, and its preview says exactly what activation would cut: ann × {d1, o1}.
    expect(await allowed(w, ann, d1)).toBe(true);
    const byPerson = await previewWallActivation(w.prisma, { id: wall.id, query: { by: "person" } });
    expect(byPerson).toMatchObject({ pairs: 2, people: 1, contracts: 2, scopeContracts: 2, total: 1, items: [{ userId: ann, contracts: 2 }] });
    const byContract = await previewWallActivation(w.prisma, { id: wall.id, query: { by: "contract" } });
    expect(byContract.items.map((i) => ("contractId" in i ? [i.contractId, i.people] : null))).toEqual([
      [d1, 1],
      [o1, 1],
    ]);

    const before = await instant();
    const active = await activateWall(w.prisma, { id: wall.id, input: { reason: "Screen the lateral hire (Rule 1.10)" }, actor: admin });
    expect(active).toMatchObject({ state: "active", activated: { reason: "Screen the lateral hire (Rule 1.10)", by: { label: "access test" } } });
    const during = await instant();

    // check: denied, naming the wall, beating the group rules
    const check = await checkAccess(w.prisma, { userId: ann, contractId: d1 });
    expect(check).toMatchObject({ allowed: false, level: null, reasons: [] });
    expect(check.denial[0]).toEqual({
      code: "wall",
      wallId: wall.id,
      wallName: `Lateral hire ${w.tag}`,
      kind: "exclusionary",
      sideId: null,
      sideName: null,
      personSideId: null,
      personSideName: null,
      reason: "screened",
      since: active.activated!.at,
    });
    expect(denialSentence(JSON.parse(JSON.stringify(check.denial)) as DenialJson[])).toMatch(/^Not allowed: screened by the ethical wall “Lateral hire/);
    expect((await checkAccess(w.prisma, { userId: ann, contractId: o1 })).denial[0]).toMatchObject({ code: "wall", wallId: wall.id });
    // ann keeps d2 and o2; ben and cy keep everything
    expect([await allowed(w, ann, d2), await allowed(w, ann, o2), await allowed(w, ben, d1), await allowed(w, cy, o1)]).toEqual([true, true, true, true]);
    // batch checks
    const batch = await checkAccessMany(w.prisma, { pairs: [{ userId: ann, contractId: d1 }, { userId: ann, contractId: d2 }, { userId: ben, contractId: d1 }] });
    expect([batch.get(`${ann}|${d1}`)?.level, batch.get(`${ann}|${d2}`)?.level, batch.get(`${ben}|${d1}`)?.level]).toEqual([null, "edit", "edit"]);
    expect(batch.get(`${ann}|${d1}`)?.walls.map((x) => x.wallId)).toEqual([wall.id]);
    // who can see, a person's contracts, readers by reason
    expect(await readers(w, d1)).toEqual(sorted(ben, cy));
    expect(await readers(w, o1)).toEqual(sorted(ben, cy));
    expect(await contractsOf(w, ann)).toEqual(sorted(d2, o2));
    expect((await readerReasonGroups(w.prisma, { contractId: d1 })).map((g) => g.people)).toEqual([2]);
    expect((await readersOfContract(w.prisma, { contractId: d1, offset: 0, limit: 10 })).items.map((i) => i.user.id).sort()).toEqual(sorted(ben, cy));
    // review populations: ann's items leave d1 out (per contract from "internal" on)
    const population = await reviewPopulation(w.prisma, { at: new Date(), closeAt: new Date(Date.now() + 86_400_000), scope: { repositoryIds: [deal, other] }, contractFloor: 1 });
    expect(population.filter((r) => r.userId === ann).map((r) => r.contractId).sort()).toEqual(sorted(d2, o2));
    // impact preview: a new rule giving ann "manage" on deal would give her d2 only
    const impact = await previewRuleChange(w.prisma, { after: { principalType: "user", userId: ann, level: "manage", repositoryId: deal } });
    expect(impact.gained.map((g) => [g.user.id, g.contracts])).toEqual([[ann, 1]]);
    // snapshots and the events activation recorded: ann lost one contract in each repository
    const snap = await snapshotAccess(w.prisma, { userIds: [ann, ben], at: new Date() });
    expect([snap.get(ann)?.get(deal)?.contracts, snap.get(ann)?.get(other)?.contracts, snap.get(ben)?.get(deal)?.contracts]).toEqual([1, 1, 2]);
    const revoked = await w.prisma.auditEvent.findMany({ where: { action: "access.revoked", targetId: ann } });
    expect(revoked.filter((e) => cause(e) === "wall.activated").map((e) => (e.after as { repositoryId: string }).repositoryId).sort()).toEqual(sorted(deal, other));
    expect(await w.prisma.auditEvent.count({ where: { action: "access.revoked", targetId: ben } })).toBe(0);

    // a contract created later with the counterparty falls under the wall too
    const o3 = await w.contract(other, { counterparty: "Acme corp" });
    expect(await allowed(w, ann, o3)).toBe(false);
    expect(await allowed(w, ben, o3)).toBe(true);

    const lifted = await liftWall(w.prisma, { id: wall.id, input: { reason: "Matter closed, screen no longer needed" }, actor: admin });
    expect(lifted).toMatchObject({ state: "lifted", lifted: { reason: "Matter closed, screen no longer needed" } });
    const after = await instant();
    expect(await contractsOf(w, ann)).toEqual(sorted(d1, d2, o1, o2, o3));
    const granted = await w.prisma.auditEvent.findMany({ where: { action: "access.granted", targetId: ann } });
    expect(granted.filter((e) => cause(e) === "wall.lifted")).toHaveLength(2);

    // past instants: before the wall, during it, after lifting
    expect([await allowed(w, ann, d1, before), await allowed(w, ann, d1, during), await allowed(w, ann, d1, after)]).toEqual([true, false, true]);
    expect(await readers(w, d1, during)).toEqual(sorted(ben, cy));
    expect(await readers(w, d1, before)).toEqual(sorted(ann, ben, cy));
    expect(await contractsOf(w, ann, during)).toEqual(sorted(d2, o2));
    expect((await checkAccess(w.prisma, { userId: ann, contractId: d1, at: during })).denial[0]).toMatchObject({ code: "wall", wallId: wall.id });
    // evidence intervals leave the walled time out: ann's d1 access has a hole [activated, lifted)
    const intervals = (await accessIntervals(w.prisma, { scope: { contractIds: [d1] }, from: before, to: after })).filter((i) => i.userId === ann);
    expect(intervals.map((i) => [i.from.getTime(), i.to.getTime()])).toEqual([
      [before.getTime(), active.activated!.at.getTime()],
      [lifted.lifted!.at.getTime(), after.getTime()],
    ]);
  });
});

describe("inclusionary walls", () => {
  it("let only acknowledged insiders in; acknowledgment gates access from its instant on", async () => {
    const { w, ann, ben, cy, deal, other, d1, d2 } = await world();
    const wall = await createWall(w.prisma, {
      input: {
        name: `M&A team ${w.tag}`,
        description: "Only the M&A team sees the target's agreements. Acknowledge before access.",
        kind: "inclusionary",
        requiresAcknowledgment: true,
        members: [{ userId: ben }],
        scope: [{ kind: "repository", value: deal }],
      },
      actor: admin,
    });
    // preview: everyone with access to deal loses it — ben too until he acknowledges
    expect(await previewWallActivation(w.prisma, { id: wall.id, query: { by: "person" } })).toMatchObject({ pairs: 6, people: 3, contracts: 2 });
    await activateWall(w.prisma, { id: wall.id, input: { reason: "Deal team formed for Project Falcon" }, actor: admin });
    const unacknowledged = await instant();
    expect((await checkAccess(w.prisma, { userId: ann, contractId: d1 })).denial[0]).toMatchObject({ code: "wall", reason: "not_insider" });
    expect((await checkAccess(w.prisma, { userId: ben, contractId: d1 })).denial[0]).toMatchObject({ code: "wall", reason: "not_acknowledged" });
    expect(await readers(w, d1)).toEqual([]);
    expect(await wallsOfPerson(w.prisma, { userId: ben })).toMatchObject([{ wallId: wall.id, role: "insider", gatesAccess: true, acknowledgedAt: null }]);
    // the summaries behind access events and previews: everyone lost deal — ben too, until he acknowledges
    const revokedBy = async (userId: string) =>
      (await w.prisma.auditEvent.findMany({ where: { action: "access.revoked", targetId: userId } })).filter((e) => cause(e) === "wall.activated").map((e) => (e.after as { repositoryId: string }).repositoryId);
    expect([await revokedBy(ann), await revokedBy(ben), await revokedBy(cy)]).toEqual([[deal], [deal], [deal]]);
    const walled = await snapshotAccess(w.prisma, { userIds: [ann, ben], at: new Date() });
    expect([walled.get(ann)?.get(deal), walled.get(ben)?.get(deal), walled.get(ann)?.get(other)?.contracts]).toEqual([undefined, undefined, 2]);
    const managing = { principalType: "user" as const, level: "manage" as const, repositoryId: deal };
    expect((await previewRuleChange(w.prisma, { after: { ...managing, userId: ben } })).totals.usersGaining).toBe(0);

    // ben acknowledges (the dashboard, single sign-on): from now on he is in
    const ack = await acknowledgeWall(w.prisma, { id: wall.id, userId: ben, actor: { type: "admin", id: ben, label: "ben" } });
    expect(ack.created).toBe(true);
    expect((await acknowledgeWall(w.prisma, { id: wall.id, userId: ben, actor: admin })).created).toBe(false);
    await expect(acknowledgeWall(w.prisma, { id: wall.id, userId: ann, actor: admin })).rejects.toMatchObject({ code: "forbidden" });
    const acknowledged = await instant();
    expect(await readers(w, d1)).toEqual([ben]);
    expect(await contractsOf(w, ben)).toContain(d2);
    // once in, the summaries let him through and only him: a rule would give him deal, not ann
    const inside = await snapshotAccess(w.prisma, { userIds: [ann, ben], at: new Date() });
    expect([inside.get(ann)?.get(deal), inside.get(ben)?.get(deal)?.contracts]).toEqual([undefined, 2]);
    expect((await previewRuleChange(w.prisma, { after: { ...managing, userId: ben } })).gained.map((g) => [g.user.id, g.contracts])).toEqual([[ben, 2]]);
    expect((await previewRuleChange(w.prisma, { after: { ...managing, userId: ann } })).totals.usersGaining).toBe(0);
    expect(await allowed(w, ben, d1, unacknowledged)).toBe(false);
    expect(await allowed(w, ben, d1, acknowledged)).toBe(true);
    const granted = await w.prisma.auditEvent.findMany({ where: { action: "access.granted", targetId: ben } });
    expect(granted.map(cause)).toContain("wall.acknowledged");

    // cy joins the team: an insider, acknowledged on her behalf by an admin
    await addWallMembers(w.prisma, { id: wall.id, input: { items: [{ userId: cy }] }, actor: admin });
    expect(await allowed(w, cy, d1)).toBe(false);
    await acknowledgeWall(w.prisma, { id: wall.id, userId: cy, actor: admin, onBehalf: { reason: "Cy acknowledged on paper, scanned copy filed" } });
    expect(await readers(w, d1)).toEqual(sorted(ben, cy));

    await liftWall(w.prisma, { id: wall.id, input: { reason: "Deal closed and announced" }, actor: admin });
    expect(await readers(w, d1)).toEqual(sorted(ann, ben, cy));
    expect(await readers(w, d1, acknowledged)).toEqual([ben]);
  });
});

describe("walls of sides", () => {
  it("deny each side the other sides' scopes, including contracts tagged later; people on no side are untouched", async () => {
    const { w, ann, ben, cy, d1, d2, o2, other } = await world();
    const wall = await createWall(w.prisma, {
      input: {
        name: `Falcon sides ${w.tag}`,
        kind: "sides",
        sides: [
          { name: "Buyer", members: [{ userId: ann }], scope: [{ kind: "tag", value: "project-x" }, { kind: "contract", value: d1 }] },
          { name: "Seller", members: [{ userId: ben }], scope: [{ kind: "contract", value: d2 }] },
        ],
      },
      actor: admin,
    });
    const [buyer, seller] = wall.sides;
    const before = await instant();
    await activateWall(w.prisma, { id: wall.id, input: { reason: "Both sides of Falcon are our clients" }, actor: admin });
    const during = await instant();
    // ann (buyer) loses the seller's d2; ben (seller) loses the buyer's d1 and o2; cy keeps all
    expect([await allowed(w, ann, d1), await allowed(w, ann, d2), await allowed(w, ann, o2)]).toEqual([true, false, true]);
    expect([await allowed(w, ben, d1), await allowed(w, ben, d2), await allowed(w, ben, o2)]).toEqual([false, true, false]);
    expect([await allowed(w, cy, d1), await allowed(w, cy, d2), await allowed(w, cy, o2)]).toEqual([true, true, true]);
    expect((await checkAccess(w.prisma, { userId: ben, contractId: d1 })).denial[0]).toMatchObject({
      code: "wall",
      reason: "other_side",
      sideId: buyer.id,
      sideName: "Buyer",
      personSideId: seller.id,
      personSideName: "Seller",
    });
    // a contract tagged project-x later belongs to the buyer's side
    const o4 = await w.contract(other, { tags: ["PROJECT-X", "urgent"] });
    expect([await allowed(w, ann, o4), await allowed(w, ben, o4)]).toEqual([true, false]);
    expect(await readers(w, o4)).toEqual(sorted(ann, cy));
    await liftWall(w.prisma, { id: wall.id, input: { reason: "Falcon completed" }, actor: admin });
    expect(await allowed(w, ben, d1)).toBe(true);
    expect([await allowed(w, ben, d1, before), await allowed(w, ben, d1, during)]).toEqual([true, false]);
  });
});

describe("rosters through groups", () => {
  it("a person screened through a group stays screened after leaving it, until removed with a justification; later members are screened too", async () => {
    const { w, ann, ben, cy, d1 } = await world();
    const insiders = await w.group("conflicted", [ann]);
    const wall = await createWall(w.prisma, {
      input: { name: `Conflicted ${w.tag}`, kind: "exclusionary", members: [{ groupId: insiders }], scope: [{ kind: "contract", value: d1 }] },
      actor: admin,
    });
    await activateWall(w.prisma, { id: wall.id, input: { reason: "The conflicted group must not see d1" }, actor: admin });
    expect(await readers(w, d1)).toEqual(sorted(ben, cy));
    // ann leaves the group: still screened
    await w.removeMember(insiders, ann);
    expect(await allowed(w, ann, d1)).toBe(false);
    // ben joins it after activation: screened too, recorded one by one
    await w.addMembers(insiders, [ben]);
    expect(await allowed(w, ben, d1)).toBe(false);
    const people = await listWallPeople(w.prisma, { wallId: wall.id });
    expect(people.items.map((p) => [p.userId, p.viaGroup?.id]).sort()).toEqual([
      [ann, insiders],
      [ben, insiders],
    ].sort());
    const revoked = await w.prisma.auditEvent.findMany({ where: { action: "access.revoked", targetId: ben } });
    expect(revoked.map(cause)).toContain("wall.roster_added");
    // removing ann needs a justification, and ends her screen from then on
    await expect(removeWallPerson(w.prisma, { id: wall.id, userId: ann, input: { justification: "" }, actor: admin })).rejects.toThrow();
    await removeWallPerson(w.prisma, { id: wall.id, userId: ann, input: { justification: "Conflict cleared by the general counsel" }, actor: admin });
    expect(await allowed(w, ann, d1)).toBe(true);
    expect(await allowed(w, ben, d1)).toBe(false);
  });

  it("an explicit removal sticks: later changes of the group do not put the person back; only an explicit roster act does", async () => {
    const { w, ann, ben, cy, d1 } = await world();
    const conflicted = await w.group("conflicted", [ann, ben]);
    const wall = await createWall(w.prisma, {
      input: { name: `Sticky ${w.tag}`, kind: "exclusionary", members: [{ groupId: conflicted }], scope: [{ kind: "contract", value: d1 }] },
      actor: admin,
    });
    await activateWall(w.prisma, { id: wall.id, input: { reason: "The conflicted group must not see d1" }, actor: admin });
    const screened = await instant();
    expect(await readers(w, d1)).toEqual([cy]);
    await removeWallPerson(w.prisma, { id: wall.id, userId: ann, input: { justification: "Conflict cleared by the general counsel" }, actor: admin });
    const removed = await instant();
    // the group changes: cy joins (screened), ann stays off the roster
    await w.addMembers(conflicted, [cy]);
    const changed = await instant();
    // ann leaves and rejoins the group: still off (the removal was a decision about her on this wall)
    await w.removeMember(conflicted, ann);
    await w.addMembers(conflicted, [ann]);
    const rejoined = await instant();
    const onRoster = (await listWallPeople(w.prisma, { wallId: wall.id })).items.map((p) => p.userId).sort();
    expect(onRoster).toEqual(sorted(ben, cy));
    expect(await allowed(w, ann, d1)).toBe(true);
    expect(await allowed(w, cy, d1)).toBe(false);
    expect(await readers(w, d1)).toEqual([ann]);
    expect(await contractsOf(w, ann)).toContain(d1);
    const many = await checkAccessMany(w.prisma, { pairs: [{ userId: ann, contractId: d1 }, { userId: ben, contractId: d1 }, { userId: cy, contractId: d1 }] });
    expect([ann, ben, cy].map((u) => many.get(`${u}|${d1}`)!.walls.length)).toEqual([0, 1, 1]);
    // point in time: screened before the removal, not after it, not after the group changed
    expect(await allowed(w, ann, d1, screened)).toBe(false);
    expect(await readers(w, d1, screened)).toEqual([cy]);
    expect(await allowed(w, ann, d1, removed)).toBe(true);
    expect(await allowed(w, ann, d1, changed)).toBe(true);
    expect(await readers(w, d1, changed)).toEqual([ann]);
    expect(await allowed(w, ann, d1, rejoined)).toBe(true);
    expect(await allowed(w, cy, d1, removed)).toBe(true);
    expect(await allowed(w, cy, d1, changed)).toBe(false);
    // an explicit act puts her back: adding a group she is in after the removal
    const counsel = await w.group("counsel", [ann]);
    await addWallMembers(w.prisma, { id: wall.id, input: { items: [{ groupId: counsel }] }, actor: admin });
    expect(await allowed(w, ann, d1)).toBe(false);
    expect(await allowed(w, ann, d1, changed)).toBe(true);
    // removed again, she stays off through both groups; naming her puts her back
    await removeWallPerson(w.prisma, { id: wall.id, userId: ann, input: { justification: "Cleared again" }, actor: admin });
    await w.addMembers(counsel, [ben]);
    await w.addMembers(conflicted, [await w.user("dee")]);
    expect(await allowed(w, ann, d1)).toBe(true);
    await addWallMembers(w.prisma, { id: wall.id, input: { items: [{ userId: ann }] }, actor: admin });
    expect(await allowed(w, ann, d1)).toBe(false);
  });
});

describe("the decision API and review campaigns", () => {
  it("tells AuthZEN only 'denied', records the attempt (with its webhook event) and summarises repeats", async () => {
    const { w, ann, d1, d2 } = await world();
    const wall = await createWall(w.prisma, {
      input: { name: `AuthZEN ${w.tag}`, kind: "exclusionary", members: [{ userId: ann }], scope: [{ kind: "contract", value: d1 }] },
      actor: admin,
    });
    await activateWall(w.prisma, { id: wall.id, input: { reason: "Screen ann from d1 for the test" }, actor: admin });
    const body = { subject: { type: "user", id: ann }, action: { name: "view" }, resource: { type: "contract", id: d1 } };
    expect(await evaluate(w.prisma, { body })).toEqual({ decision: false, context: { reason: "denied" } });
    const many = await evaluateMany(w.prisma, {
      body: { subject: { type: "user", id: ann }, action: { name: "view" }, evaluations: [{ resource: { type: "contract", id: d1 } }, { resource: { type: "contract", id: d2 } }] },
    });
    expect(many).toMatchObject({ evaluations: [{ decision: false, context: { reason: "denied" } }, { decision: true }] });
    const attempts = await listBreachAttempts(w.prisma, { wallId: wall.id });
    expect(attempts.total).toBe(2);
    expect(attempts.items.every((a) => a.userId === ann && a.contractId === d1 && a.source === "authzen")).toBe(true);
    // two attempts within the repeat window: one audit event (one webhook), both counted
    expect(await w.prisma.auditEvent.count({ where: { action: "wall.breach_attempt", targetId: wall.id } })).toBe(1);
    expect(await summarizeBreachAttempts(w.prisma, { wallId: wall.id })).toMatchObject([{ userId: ann, attempts: 2, contracts: 1 }]);
    // a question about a past instant is not an attempt
    await evaluate(w.prisma, { body: { ...body, context: { time: new Date().toISOString() } } });
    expect((await listBreachAttempts(w.prisma, { wallId: wall.id })).total).toBe(2);
  });

  it("never offers a screened person as a reviewer of the scope", async () => {
    const { w, ann, ben, cy, deal, d1 } = await world();
    const fallback = await w.user("fallback");
    const definition = await createDefinition(w.prisma, {
      input: {
        name: "Deal review",
        config: { scope: { repositoryIds: [deal] }, stages: [{ reviewers: "named", namedReviewerIds: [ann] }], fallbackReviewerId: fallback },
      },
      actor: admin,
    });
    const reviewerIds = async () =>
      (await w.prisma.reviewItem.findMany({ where: { campaignId: (await startCampaign(w.prisma, { definitionId: definition.id, actor: admin })).id } })).map((i) => [i.userId, i.reviewerId]);
    // no wall: ann reviews everyone but herself (the fallback reviews her)
    expect((await reviewerIds()).sort()).toEqual(
      [
        [ann, fallback],
        [ben, ann],
        [cy, ann],
      ].sort(),
    );
    const wall = await createWall(w.prisma, {
      input: { name: `Reviewer screen ${w.tag}`, kind: "exclusionary", members: [{ userId: ann }], scope: [{ kind: "contract", value: d1 }] },
      actor: admin,
    });
    await activateWall(w.prisma, { id: wall.id, input: { reason: "Ann must not see d1, nor review it" }, actor: admin });
    // ann is screened from a contract of deal: never offered for deal's items
    const items = await reviewerIds();
    expect(items.every(([, reviewer]) => reviewer === fallback)).toBe(true);
    expect((await previewCampaign(w.prisma, { definitionId: definition.id })).reviewers).toBe(1);
  });
});

describe("activation", () => {
  it("takes effect in its own transaction: the next decision is denied", async () => {
    const { w, ann, d1 } = await world();
    const wall = await createWall(w.prisma, {
      input: { name: `Immediate ${w.tag}`, kind: "exclusionary", members: [{ userId: ann }], scope: [{ kind: "contract", value: d1 }] },
      actor: admin,
    });
    expect(await allowed(w, ann, d1)).toBe(true);
    await activateWall(w.prisma, { id: wall.id, input: { reason: "Effective immediately" }, actor: admin });
    expect((await evaluate(w.prisma, { body: { subject: { type: "user", id: ann }, action: { name: "view" }, resource: { type: "contract", id: d1 } } })).decision).toBe(false);
    // growing an active wall's scope also takes effect at once
    const d3 = await w.contract((await w.prisma.contract.findUniqueOrThrow({ where: { id: d1 } })).repositoryId);
    expect(await allowed(w, ann, d3)).toBe(true);
    await addWallScope(w.prisma, { id: wall.id, input: { items: [{ kind: "contract", value: d3 }] }, actor: admin });
    expect(await allowed(w, ann, d3)).toBe(false);
    // a draft cannot be lifted, an active wall not activated again
    await expect(activateWall(w.prisma, { id: wall.id, input: { reason: "Once more with feeling" }, actor: admin })).rejects.toMatchObject({ code: "conflict" });
  });
});
