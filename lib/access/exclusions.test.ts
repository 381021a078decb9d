// Exclusions beat every grant in every answer of the engine — checks, who can see, a person's
// contracts, readers by reason, impact previews, access change events, evidence intervals — now
// and at past instants (a lifted exclusion still denies inside its interval).
import { describe, expect, it } from "vitest";
import { accessIntervals } from "./intervals";
import { createExclusion, liftExclusion } from "@/lib/exclusions/service";
import { admin, instant, newWorld } from "@/lib/testing/access-world";
import { setupTestDatabase } from "@/lib/testing/database";
import { checkAccess, contractsOfUser, readerReasonGroups, readersOfContract, whoCanAccessContract } from "./effective-access";
import { checkAccessMany } from "./check-many";
import { subtractExclusions } from "./exclusions";
import { previewRuleChange } from "./impact";
import { snapshotAccess } from "./snapshot";

setupTestDatabase();

async function world() {
  const w = await newWorld();
  const [ann, ben] = [await w.user("ann"), await w.user("ben")];
  const legal = await w.group("legal", [ann, ben]);
  const outer = await w.group("outer", [legal]);
  const repo = await w.repository("excl");
  const other = await w.repository("excl-other");
  const c1 = await w.contract(repo);
  const c2 = await w.contract(repo);
  const c3 = await w.contract(other);
  await w.rule({ groupId: outer, level: "edit", repositoryId: repo });
  await w.rule({ groupId: legal, level: "view", repositoryId: other });
  // ann also holds a direct grant on c1: the exclusion must beat it too.
  await w.rule({ userId: ann, level: "sign", contractId: c1, validUntil: new Date(Date.now() + 30 * 86_400_000) });
  return { w, ann, ben, legal, repo, other, c1, c2, c3 };
}

const readers = async (w: Awaited<ReturnType<typeof newWorld>>, contractId: string, at?: Date) =>
  (await whoCanAccessContract(w.prisma, { contractId, at, offset: 0, limit: 100 })).items.map((i) => i.user.id).sort();

const contractsOf = async (w: Awaited<ReturnType<typeof newWorld>>, userId: string, at?: Date) =>
  (await contractsOfUser(w.prisma, { userId, at, offset: 0, limit: 100 })).items.map((i) => i.contract.id).sort();

describe("exclusions in the engine", () => {
  it("a repository exclusion denies every contract of it in every answer, and lifting restores it from then on only", async () => {
    const { w, ann, ben, repo, c1, c2, c3 } = await world();
    const before = await instant();
    expect((await checkAccess(w.prisma, { userId: ann, contractId: c1 })).level).toBe("sign");

    const x = await createExclusion(w.prisma, {
      input: { userId: ann, repositoryId: repo, reason: "Left the deal team in the Q4 review" },
      actor: admin,
    });
    expect(x).toMatchObject({ active: true, source: "admin", scope: { kind: "repository", id: repo }, lifted: null });
    const during = await instant();

    // check: denied, naming the exclusion, beating the direct grant and the group rule
    const check = await checkAccess(w.prisma, { userId: ann, contractId: c1 });
    expect(check).toMatchObject({ allowed: false, level: null, reasons: [] });
    expect(check.denial).toEqual([
      {
        code: "excluded",
        exclusionId: x.id,
        source: "admin",
        campaignId: null,
        reason: "Left the deal team in the Q4 review",
        scope: "repository",
        since: x.validFrom,
        by: "access test",
      },
    ]);
    // batch checks (AuthZEN evaluations) read the same reason rows: denied too
    const batch = await checkAccessMany(w.prisma, { pairs: [{ userId: ann, contractId: c1 }, { userId: ben, contractId: c1 }] });
    expect([batch.get(`${ann}|${c1}`)?.level, batch.get(`${ben}|${c1}`)?.level]).toEqual([null, "edit"]);
    // one person's batch (one statement for the person, whose exclusion it must look at per
    // contract): the excluded repository denied, the other one granted
    const mine = await checkAccessMany(w.prisma, { pairs: [c1, c2, c3].map((contractId) => ({ userId: ann, contractId })) });
    expect([c1, c2, c3].map((c) => mine.get(`${ann}|${c}`)?.level)).toEqual([null, null, "view"]);
    expect(mine.get(`${ann}|${c1}`)?.excluded).toBe(true);
    // the other repository is untouched; ben is untouched
    expect((await checkAccess(w.prisma, { userId: ann, contractId: c3 })).allowed).toBe(true);
    expect((await checkAccess(w.prisma, { userId: ben, contractId: c1 })).level).toBe("edit");

    // who can see, a person's contracts, readers by reason
    expect(await readers(w, c1)).toEqual([ben]);
    expect(await readers(w, c2)).toEqual([ben]);
    expect(await contractsOf(w, ann)).toEqual([c3]);
    const groups = await readerReasonGroups(w.prisma, { contractId: c1 });
    expect(groups.map((g) => g.people)).toEqual([1]);
    expect((await readersOfContract(w.prisma, { contractId: c1, offset: 0, limit: 10 })).items.map((i) => i.user.id)).toEqual([ben]);
    expect((await readersOfContract(w.prisma, { contractId: c1, reason: groups[0].key, offset: 0, limit: 10 })).total).toBe(1);

    // the change was recorded as access.revoked for ann on the repository, caused by the exclusion
    const revoked = await w.prisma.auditEvent.findMany({ where: { action: "access.revoked", targetId: ann } });
    expect(revoked.map((e) => (e.after as { cause: { kind: string } }).cause.kind)).toContain("exclusion.created");
    const created = await w.prisma.auditEvent.findFirstOrThrow({ where: { action: "exclusion.created", targetId: x.id } });
    expect(created.after).toMatchObject({ userId: ann, repositoryId: repo, reason: "Left the deal team in the Q4 review" });

    // past instants: before it, ann could
    expect((await checkAccess(w.prisma, { userId: ann, contractId: c1, at: before })).level).toBe("sign");
    expect(await readers(w, c1, before)).toEqual([ann, ben].sort());

    const lifted = await liftExclusion(w.prisma, { id: x.id, input: { justification: "Back on the deal team" }, actor: admin });
    expect(lifted).toMatchObject({ active: false, lifted: { justification: "Back on the deal team" } });
    expect((await checkAccess(w.prisma, { userId: ann, contractId: c1 })).level).toBe("sign");
    expect(await contractsOf(w, ann)).toEqual([c1, c2, c3].sort());
    // … and the interval in which it held still denies at a past instant
    const atDuring = await checkAccess(w.prisma, { userId: ann, contractId: c1, at: during });
    expect(atDuring.allowed).toBe(false);
    expect(atDuring.denial[0]).toMatchObject({ code: "excluded", exclusionId: x.id });
    expect(await readers(w, c2, during)).toEqual([ben]);
    expect(await contractsOf(w, ann, during)).toEqual([c3]);
    const granted = await w.prisma.auditEvent.findMany({ where: { action: "access.granted", targetId: ann } });
    expect(granted.map((e) => (e.after as { cause: { kind: string } }).cause.kind)).toContain("exclusion.lifted");

    // lifting twice is a conflict, and changes nothing
    await expect(liftExclusion(w.prisma, { id: x.id, input: { justification: "Back on the deal team" }, actor: admin })).rejects.toMatchObject({
      code: "conflict",
    });
  });

  it("a contract exclusion denies that contract only; evidence intervals leave the excluded time out", async () => {
    const { w, ann, ben, c1, c2 } = await world();
    const start = await instant();
    const x = await createExclusion(w.prisma, { input: { userId: ann, contractId: c1, reason: "Conflict of interest on c1" }, actor: admin });
    const during = await instant();
    expect((await checkAccess(w.prisma, { userId: ann, contractId: c1 })).denial).toMatchObject([{ code: "excluded", scope: "contract" }]);
    expect((await checkAccess(w.prisma, { userId: ann, contractId: c2 })).level).toBe("edit");
    await liftExclusion(w.prisma, { id: x.id, input: { justification: "Conflict resolved by counsel" }, actor: admin });
    const end = await instant();

    const intervals = await accessIntervals(w.prisma, { scope: { contractIds: [c1] }, from: start, to: end });
    const anns = intervals.filter((i) => i.userId === ann);
    // two intervals: before the exclusion and after its lift, with the excluded time between
    expect(anns).toHaveLength(2);
    expect(anns[0].to.getTime()).toBeLessThanOrEqual(during.getTime());
    expect(anns[0].to.getTime()).toBe(x.validFrom.getTime());
    expect(anns[1].from.getTime()).toBeGreaterThan(during.getTime());
    expect(intervals.filter((i) => i.userId === ben)).toHaveLength(1);
    // a person's own pack agrees
    const own = await accessIntervals(w.prisma, { scope: { userId: ann }, from: start, to: end });
    expect(own.filter((i) => i.contractId === c1)).toHaveLength(2);
  });

  it("impact previews and access snapshots count an excluded person as having no access", async () => {
    const { w, ann, ben, legal, repo } = await world();
    await createExclusion(w.prisma, { input: { userId: ann, repositoryId: repo, reason: "Excluded for the preview test" }, actor: admin });
    const impact = await previewRuleChange(w.prisma, { after: { principalType: "group", groupId: legal, level: "manage", repositoryId: repo } });
    expect(impact.gained.map((u) => u.user.id)).toEqual([ben]);
    const snapshot = await snapshotAccess(w.prisma, { userIds: [ann, ben], at: new Date() });
    expect(snapshot.get(ann)?.has(repo) ?? false).toBe(false);
    expect(snapshot.get(ben)?.get(repo)?.contracts).toBe(2);
  });

  it("validates input: one scope, a justification, existing people; lift needs a justification", async () => {
    const { w, ann, repo, c1 } = await world();
    await expect(createExclusion(w.prisma, { input: { userId: ann, repositoryId: repo, contractId: c1, reason: "Both scopes given here" }, actor: admin })).rejects.toThrow();
    await expect(createExclusion(w.prisma, { input: { userId: ann, repositoryId: repo, reason: "short" }, actor: admin })).rejects.toThrow();
    await expect(
      createExclusion(w.prisma, { input: { userId: "00000000-0000-0000-0000-000000000000", repositoryId: repo, reason: "Nobody by that id" }, actor: admin }),
    ).rejects.toMatchObject({ code: "invalid_input" });
    expect(await w.prisma.exclusion.count({ where: { userId: ann } })).toBe(0);
  });

  it("subtractExclusions splits an interval around an exclusion and keeps the rest", () => {
    const t = (n: number) => new Date(n * 1000);
    const items = [{ userId: "u", contractId: "c", from: t(0), to: t(10), tag: 1 }];
    expect(subtractExclusions(items, [{ userId: "u", contractId: "c", from: t(3), to: t(5) }])).toEqual([
      { userId: "u", contractId: "c", from: t(0), to: t(3), tag: 1 },
      { userId: "u", contractId: "c", from: t(5), to: t(10), tag: 1 },
    ]);
    expect(subtractExclusions(items, [{ userId: "u", contractId: "other", from: t(0), to: t(10) }])).toEqual(items);
    expect(subtractExclusions(items, [{ userId: "u", contractId: "c", from: t(0), to: t(20) }])).toEqual([]);
  });
});

describe("an exclusion in words", () => {
  it("names the scope, the source, since when, who and why", async () => {
    const { denialPhrase } = await import("./denial-text");
    const phrase = denialPhrase(
      { code: "excluded", exclusionId: "x", source: "campaign", campaignId: "c", reason: "Left the team", scope: "repository", since: "2026-12-01T10:00:00.000Z", by: "compliance@example.com" },
      { timeZone: "UTC", locale: "en-GB" },
    );
    expect(phrase).toMatch(/^excluded from this repository by an access review campaign since .*2026.*\(compliance@example.com\): Left the team$/);
  });
});
