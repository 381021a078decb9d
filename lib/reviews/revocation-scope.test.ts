// A revocation withdraws exactly what its campaign reviewed (issue 19): a person × repository item
// of a scope filtered by contract type, confidentiality floor or counterparty denies those
// contracts only — never the repository's others — in every answer of the engine (check, lists,
// many checks, per-repository snapshots, a past instant) and in the revocation's proof.
import { describe, expect, it } from "vitest";
import { checkAccessMany } from "@/lib/access/check-many";
import { exclusionIntervals } from "@/lib/access/exclusions";
import { checkAccess, contractsOfUser, whoCanAccessContract } from "@/lib/access/effective-access";
import { previewRuleChange } from "@/lib/access/impact";
import { snapshotAccess } from "@/lib/access/snapshot";
import { getExclusion } from "@/lib/exclusions/queries";
import { admin, instant, newWorld } from "@/lib/testing/access-world";
import { setupTestDatabase } from "@/lib/testing/database";
import { closeCampaign, createDefinition, decideItems, previewCampaign, startCampaign } from "./service";

setupTestDatabase();

async function setting() {
  const w = await newWorld();
  const [ann, ben, cid, mgr, fallback] = [await w.user("ann"), await w.user("ben"), await w.user("cid"), await w.user("mgr"), await w.user("fallback")];
  const team = await w.group("team", [ann, ben, cid]);
  const repo = await w.repository("scoped");
  const nda = await w.contract(repo, { type: "NDA", confidentiality: "internal" });
  const msa = await w.contract(repo, { type: "MSA", confidentiality: "internal" });
  const secret = await w.contract(repo, { type: "MSA", confidentiality: "strictly_confidential" });
  const acme = await w.contract(repo, { type: "NDA", confidentiality: "internal", counterparty: "ACME Corp" });
  const rule = await w.rule({ groupId: team, level: "edit", repositoryId: repo });
  return { w, ann, ben, cid, mgr, fallback, repo, rule, nda, msa, secret, acme, all: [nda, msa, secret, acme] };
}

type Setting = Awaited<ReturnType<typeof setting>>;

/** A campaign over the scope in which the reviewer revokes `who` and nobody else (undecided: keep). */
async function revokeIn(s: Setting, who: string, scope: Record<string, unknown>) {
  const definition = await createDefinition(s.w.prisma, {
    input: {
      name: "Scoped review",
      config: { scope: { repositoryIds: [s.repo], ...scope }, stages: [{ reviewers: "named", namedReviewerIds: [s.mgr] }], fallbackReviewerId: s.fallback, undecided: "keep" },
    },
    actor: admin,
  });
  const preview = await previewCampaign(s.w.prisma, { definitionId: definition.id });
  const campaign = await startCampaign(s.w.prisma, { definitionId: definition.id, actor: admin });
  const item = await s.w.prisma.reviewItem.findFirstOrThrow({ where: { campaignId: campaign.id, userId: who } });
  await decideItems(s.w.prisma, {
    campaignId: campaign.id,
    reviewerId: s.mgr,
    input: { itemIds: [item.id], decision: "revoke", justification: "No longer on these matters" },
    actor: { type: "admin", id: s.mgr },
  });
  const before = await instant();
  await closeCampaign(s.w.prisma, { campaignId: campaign.id, actor: admin });
  return { preview, item, applied: await s.w.prisma.reviewItem.findUniqueOrThrow({ where: { id: item.id } }), before };
}

async function allowedOf(s: Setting, userId: string, at?: Date) {
  const result: Record<string, boolean> = {};
  for (const c of s.all) result[c] = (await checkAccess(s.w.prisma, { userId, contractId: c, at })).allowed;
  return result;
}

describe("a revocation withdraws exactly what was reviewed", () => {
  it("scope filtered by contract type: only those contracts are denied, by a narrowed repository exclusion", async () => {
    const s = await setting();
    const { preview, item, applied, before } = await revokeIn(s, s.ann, { contractTypes: ["MSA"] });
    expect(preview).toMatchObject({ items: 3, people: 3 });
    expect(item).toMatchObject({ contracts: 2, contractId: null });
    // Before the fix the exclusion named the whole repository: the NDAs were denied too.
    expect(await allowedOf(s, s.ann)).toEqual({ [s.nda]: true, [s.msa]: false, [s.secret]: false, [s.acme]: true });
    expect(await allowedOf(s, s.ann, before)).toEqual({ [s.nda]: true, [s.msa]: true, [s.secret]: true, [s.acme]: true });
    // ben was kept: untouched
    expect(Object.values(await allowedOf(s, s.ben)).every(Boolean)).toBe(true);

    const exclusion = await getExclusion(s.w.prisma, { id: applied.exclusionId! });
    expect(exclusion.scope).toMatchObject({ kind: "repository", id: s.repo, contractTypes: ["MSA"], confidentialityFloor: null });
    expect(applied.proof).toMatchObject({ query: "check_many", allowed: false, contracts: 2, contractsLeft: 0 });
    const denial = (await checkAccess(s.w.prisma, { userId: s.ann, contractId: s.msa })).denial;
    expect(denial[0]).toMatchObject({ code: "excluded", exclusionId: exclusion.id });
    expect((await checkAccess(s.w.prisma, { userId: s.ann, contractId: s.nda })).denial).toEqual([]);

    // Every other answer of the engine agrees: lists, many checks, per-repository snapshots.
    const mine = await contractsOfUser(s.w.prisma, { userId: s.ann, offset: 0, limit: 10 });
    expect(mine.items.map((i) => i.contract.id).sort()).toEqual([s.nda, s.acme].sort());
    const many = await checkAccessMany(s.w.prisma, { pairs: s.all.map((contractId) => ({ userId: s.ann, contractId })), at: new Date() });
    expect(s.all.map((c) => many.get(`${s.ann}|${c}`)?.level ?? null)).toEqual(["edit", null, null, "edit"]);
    expect(many.get(`${s.ann}|${s.msa}`)?.excluded).toBe(true);
    const snapshot = await snapshotAccess(s.w.prisma, { userIds: [s.ann, s.ben], at: new Date() });
    expect(snapshot.get(s.ann)?.get(s.repo)?.contracts).toBe(2);
    expect(snapshot.get(s.ben)?.get(s.repo)?.contracts).toBe(4);
    // The change event the exclusion caused names what was withdrawn: 4 → 2 contracts.
    const revoked = await s.w.prisma.auditEvent.findMany({ where: { action: "access.revoked", targetId: s.ann } });
    expect(revoked.map((e) => (e.after as { contracts: unknown }).contracts)).toContainEqual(2);
    // Who can see a contract, and what deleting the rule would take: ann still reads the NDAs only.
    const readers = async (contractId: string) => (await whoCanAccessContract(s.w.prisma, { contractId, offset: 0, limit: 50 })).items.map((r) => r.user.id);
    expect(await readers(s.nda)).toContain(s.ann);
    expect(await readers(s.msa)).not.toContain(s.ann);
    const impact = await previewRuleChange(s.w.prisma, { ruleId: s.rule });
    expect(impact.lost.find((u) => u.user.id === s.ann)?.contracts).toBe(2);
    expect(impact.lost.find((u) => u.user.id === s.ben)?.contracts).toBe(4);
    // Evidence intervals (the answers over a window) deny the same two contracts.
    const intervals = await exclusionIntervals(s.w.prisma, { userIds: [s.ann], contractIds: s.all, from: before, to: new Date(Date.now() + 60_000) });
    expect(intervals.map((i) => i.contractId).sort()).toEqual([s.msa, s.secret].sort());
  });

  it("scope filtered by a confidentiality floor: only contracts at or above it are denied", async () => {
    const s = await setting();
    const { item, applied } = await revokeIn(s, s.ben, { confidentialityFloor: "strictly_confidential" });
    expect(item).toMatchObject({ contracts: 1 });
    expect(await allowedOf(s, s.ben)).toEqual({ [s.nda]: true, [s.msa]: true, [s.secret]: false, [s.acme]: true });
    const exclusion = await getExclusion(s.w.prisma, { id: applied.exclusionId! });
    expect(exclusion.scope).toMatchObject({ kind: "repository", contractTypes: [], confidentialityFloor: "strictly_confidential" });
    expect(applied.proof).toMatchObject({ allowed: false, contracts: 1, contractsLeft: 0 });
  });

  it("scope filtered by counterparty (compared without case): the contracts with that counterparty, one by one", async () => {
    const s = await setting();
    const { preview, item, applied } = await revokeIn(s, s.cid, { counterparties: ["acme corp"] });
    expect(preview).toMatchObject({ items: 3 });
    expect(item).toMatchObject({ contracts: 1 });
    expect(await allowedOf(s, s.cid)).toEqual({ [s.nda]: true, [s.msa]: true, [s.secret]: true, [s.acme]: false });
    const exclusion = await getExclusion(s.w.prisma, { id: applied.exclusionId! });
    expect(exclusion.scope).toMatchObject({ kind: "contract", id: s.acme });
    expect(applied.proof).toMatchObject({ query: "check_many", allowed: false, contracts: 1, contractsLeft: 0 });
  });

  it("a scope without contract filters still excludes the whole repository", async () => {
    const s = await setting();
    const { applied } = await revokeIn(s, s.ann, {});
    expect(Object.values(await allowedOf(s, s.ann)).some(Boolean)).toBe(false);
    expect((await getExclusion(s.w.prisma, { id: applied.exclusionId! })).scope).toMatchObject({ kind: "repository", contractTypes: [], confidentialityFloor: null });
    expect(applied.proof).toMatchObject({ query: "contracts_of_user", allowed: false, contractsLeft: 0 });
  });
});
