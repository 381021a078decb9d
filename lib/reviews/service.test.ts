// A campaign's life against the real engine: define, start (population frozen with its hash in
// the trail, reasons, reviewers from SCIM's manager and repository owners, self-review blocked,
// items ending before close left out), decide (keep, revoke, don't know, bulk rules, stages),
// close (default for undecided), apply (exclusion or the end of a direct grant) with the engine's
// answer after each revocation, now and at a past instant.
import { describe, expect, it } from "vitest";
import { checkAccess, contractsOfUser } from "@/lib/access/effective-access";
import { flushDecisionLog, recordPermits } from "@/lib/authzen/decision-log";
import { getPrisma } from "@/lib/db/client";
import { admin, instant, newWorld } from "@/lib/testing/access-world";
import { setupTestDatabase } from "@/lib/testing/database";
import { populationHash } from "./population-hash";
import { closeCampaign, createDefinition, decideItems, previewCampaign, setRepositoryOwners, startCampaign } from "./service";

setupTestDatabase();

const ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
const PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
const DAY = 86_400_000;

async function setting() {
  const w = await newWorld();
  const [ann, ben, cid, mgr, owner, fallback] = [
    await w.user("ann"),
    await w.user("ben"),
    await w.user("cid"),
    await w.user("mgr"),
    await w.user("owner"),
    await w.user("fallback"),
  ];
  // ann's manager, as the identity provider sends it (SCIM enterprise extension)
  const res = await w.scim.patch(`/Users/${ann}`, {
    schemas: [PATCH],
    Operations: [{ op: "add", path: `${ENTERPRISE}:manager`, value: { value: mgr } }],
  });
  expect(res.status).toBe(200);
  const team = await w.group("team", [ann, ben, owner]);
  const outer = await w.group("outer", [team]);
  const repo = await w.repository("rev");
  const secretRepo = await w.repository("rev-secret");
  const c1 = await w.contract(repo);
  const c2 = await w.contract(repo);
  const s1 = await w.contract(secretRepo, { confidentiality: "strictly_confidential" });
  await w.rule({ groupId: outer, level: "edit", repositoryId: repo });
  await w.rule({ groupId: team, level: "view", repositoryId: secretRepo });
  // cid: a direct grant on the repository (ends in Custodian when revoked)
  await w.rule({ userId: cid, level: "view", repositoryId: repo, validUntil: new Date(Date.now() + 60 * DAY) });
  // ends before the campaign closes: left out
  await w.rule({ userId: ben, level: "sign", contractId: c2, validUntil: new Date(Date.now() + 2 * DAY) });
  await setRepositoryOwners(w.prisma, { repositoryId: repo, userIds: [owner], actor: admin });
  await setRepositoryOwners(w.prisma, { repositoryId: secretRepo, userIds: [owner], actor: admin });
  return { w, ann, ben, cid, mgr, owner, fallback, team, repo, secretRepo, c1, c2, s1 };
}

describe("review campaigns", () => {
  it("runs a campaign end to end: start, decide, close, apply, with proof from the engine", async () => {
    const s = await setting();
    const { w } = s;
    const definition = await createDefinition(w.prisma, {
      input: {
        name: "Quarterly review",
        config: {
          scope: { repositoryIds: [s.repo, s.secretRepo] },
          perContractFrom: "strictly_confidential",
          stages: [{ reviewers: "repository_owners" }],
          fallbackReviewerId: s.fallback,
          durationDays: 14,
          undecided: "revoke",
          justification: { keep: false, revoke: true },
        },
      },
      actor: admin,
    });
    const preview = await previewCampaign(w.prisma, { definitionId: definition.id });
    // ann, ben, owner, cid on repo (4); ann, ben, owner on s1 (3, per contract)
    expect(preview).toMatchObject({ items: 7, people: 4, reviewers: 2, unassigned: 0 });

    // ben opened c1 through the decision API: his item's "last opened"
    const opened = new Date(Date.now() - 3_600_000);
    recordPermits({ db: getPrisma, pairs: [{ userId: s.ben, contractId: s.c1 }], at: opened });
    await flushDecisionLog();
    const campaign = await startCampaign(w.prisma, { definitionId: definition.id, actor: admin });
    expect(campaign).toMatchObject({ status: "active", populationSize: 7 });
    const started = await w.prisma.auditEvent.findUniqueOrThrow({ where: { id: campaign.startEventId! } });
    expect(started.action).toBe("review_campaign.started");
    expect(started.after).toMatchObject({ populationHash: campaign.populationHash, populationSize: 7 });
    expect(campaign.populationHash).toMatch(/^[0-9a-f]{64}$/);

    const items = await w.prisma.reviewItem.findMany({ where: { campaignId: campaign.id } });
    const item = (userId: string, contractId: string | null = null) => items.find((i) => i.userId === userId && i.contractId === contractId)!;
    // reasons: the rule and the group path, since when
    const annRepo = item(s.ann);
    expect(annRepo).toMatchObject({ repositoryId: s.repo, contracts: 2, level: 3, reviewerId: s.owner, personStatus: "active" });
    const [reason] = annRepo.reasons as { gids: string[]; since: string; ruleId: string }[];
    expect(reason.gids).toEqual([s.team, expect.any(String)]);
    expect(Date.parse(reason.since)).not.toBeNaN();
    // ben's sign grant on c2 ends before close: not reviewed (his item is the group access only)
    expect(item(s.ben).level).toBe(3);
    expect(item(s.ben).lastOpenedAt?.getTime()).toBe(opened.getTime());
    expect(item(s.ann).lastOpenedAt).toBeNull();
    // the owner never reviews their own access: the fallback does
    expect(item(s.owner).reviewerId).toBe(s.fallback);
    expect(item(s.owner, s.s1).reviewerId).toBe(s.fallback);
    expect(item(s.ann, s.s1)).toMatchObject({ repositoryId: s.secretRepo, confidentiality: 3 });

    const owner = { type: "admin" as const, id: s.owner, label: "owner" };
    // reviewers see only their own items: another's item is "not found"
    await expect(decideItems(w.prisma, { campaignId: campaign.id, reviewerId: s.owner, input: { itemIds: [item(s.owner).id], decision: "keep" }, actor: owner })).rejects.toMatchObject({ code: "not_found" });
    // revoke needs a justification here
    await expect(decideItems(w.prisma, { campaignId: campaign.id, reviewerId: s.owner, input: { itemIds: [annRepo.id], decision: "revoke" }, actor: owner })).rejects.toMatchObject({ code: "invalid_input" });
    // never in bulk for strictly confidential items
    await expect(
      decideItems(w.prisma, { campaignId: campaign.id, reviewerId: s.owner, input: { itemIds: [item(s.ann, s.s1).id, item(s.ben, s.s1).id], decision: "keep" }, actor: owner }),
    ).rejects.toMatchObject({ code: "invalid_input" });

    await decideItems(w.prisma, { campaignId: campaign.id, reviewerId: s.owner, input: { itemIds: [annRepo.id], decision: "revoke", justification: "Moved to another team", secondsSpent: 12 }, actor: owner });
    await decideItems(w.prisma, { campaignId: campaign.id, reviewerId: s.owner, input: { itemIds: [item(s.ben).id, item(s.cid).id], decision: "keep", secondsSpent: 4 }, actor: owner });
    await decideItems(w.prisma, { campaignId: campaign.id, reviewerId: s.owner, input: { itemIds: [item(s.ann, s.s1).id], decision: "dont_know" }, actor: owner });
    // don't know at the last stage: passed to the fallback reviewer
    expect((await w.prisma.reviewItem.findUniqueOrThrow({ where: { id: item(s.ann, s.s1).id } })).reviewerId).toBe(s.fallback);
    const bulk = await w.prisma.reviewDecision.findMany({ where: { itemId: { in: [item(s.ben).id, item(s.cid).id] } } });
    expect(bulk.map((d) => [d.bulk, d.secondsSpent])).toEqual([
      [true, 2],
      [true, 2],
    ]);
    // a decided item cannot be decided again
    await expect(decideItems(w.prisma, { campaignId: campaign.id, reviewerId: s.owner, input: { itemIds: [annRepo.id], decision: "keep" }, actor: owner })).rejects.toMatchObject({ code: "conflict" });

    const beforeClose = await instant();
    expect((await checkAccess(w.prisma, { userId: s.ann, contractId: s.c1 })).allowed).toBe(true);
    const closed = await closeCampaign(w.prisma, { campaignId: campaign.id, actor: admin });
    expect(closed.status).toBe("closed");

    const after = await w.prisma.reviewItem.findMany({ where: { campaignId: campaign.id } });
    const outcome = Object.fromEntries(after.map((i) => [`${i.userId}|${i.contractId ?? ""}`, i.outcome]));
    expect(outcome).toMatchObject({
      [`${s.ann}|`]: "revoke",
      [`${s.ben}|`]: "keep",
      [`${s.cid}|`]: "keep",
      // undecided → the campaign's default: revoke
      [`${s.ann}|${s.s1}`]: "revoke",
      [`${s.ben}|${s.s1}`]: "revoke",
      [`${s.owner}|`]: "revoke",
      [`${s.owner}|${s.s1}`]: "revoke",
    });
    // ann's revocation: an exclusion naming the campaign; the engine denies her now, not before
    const annAfter = after.find((i) => i.id === annRepo.id)!;
    expect(annAfter.exclusionId).not.toBeNull();
    expect(annAfter.proof).toMatchObject({ query: "contracts_of_user", allowed: false, contractsLeft: 0 });
    const check = await checkAccess(w.prisma, { userId: s.ann, contractId: s.c1 });
    expect(check.allowed).toBe(false);
    expect(check.denial[0]).toMatchObject({ code: "excluded", source: "campaign", campaignId: campaign.id });
    expect((await checkAccess(w.prisma, { userId: s.ann, contractId: s.c1, at: beforeClose })).allowed).toBe(true);
    expect((await contractsOfUser(w.prisma, { userId: s.ann, offset: 0, limit: 10 })).items.map((i) => i.contract.id)).toEqual([]);
    // ben was kept
    expect((await checkAccess(w.prisma, { userId: s.ben, contractId: s.c1 })).allowed).toBe(true);
    const s1Ben = after.find((i) => i.userId === s.ben && i.contractId === s.s1)!;
    expect(s1Ben.proof).toMatchObject({ query: "check", allowed: false, denial: ["excluded"] });
    // every revocation is in the trail with its proof, and the webhook-bound access.revoked event exists
    expect(await w.prisma.auditEvent.count({ where: { action: "review_item.revoked", after: { path: ["campaignId"], equals: campaign.id } } })).toBe(5);
    // closing again: nothing left to apply, so a conflict
    await expect(closeCampaign(w.prisma, { campaignId: campaign.id, actor: admin })).rejects.toMatchObject({ code: "conflict" });
    const revokedForAnn = await w.prisma.auditEvent.findMany({ where: { action: "access.revoked", targetId: s.ann } });
    expect(revokedForAnn.some((e) => (e.after as { cause: { kind: string } }).cause.kind === "exclusion.created")).toBe(true);
  });

  it("revoking a direct grant whose scope is the item's ends the grant instead of excluding", async () => {
    const s = await setting();
    const { w } = s;
    const definition = await createDefinition(w.prisma, {
      input: { name: "Direct grants", config: { scope: { directOnly: true, repositoryIds: [s.repo] }, stages: [{ reviewers: "named", namedReviewerIds: [s.mgr] }], fallbackReviewerId: s.fallback } },
      actor: admin,
    });
    const campaign = await startCampaign(w.prisma, { definitionId: definition.id, actor: admin });
    const items = await w.prisma.reviewItem.findMany({ where: { campaignId: campaign.id } });
    expect(items.map((i) => i.userId)).toEqual([s.cid]);
    await decideItems(w.prisma, {
      campaignId: campaign.id,
      reviewerId: s.mgr,
      input: { itemIds: [items[0].id], decision: "revoke", justification: "No longer on the matter" },
      actor: { type: "admin", id: s.mgr },
    });
    await closeCampaign(w.prisma, { campaignId: campaign.id, actor: admin });
    const applied = await w.prisma.reviewItem.findUniqueOrThrow({ where: { id: items[0].id } });
    expect(applied.exclusionId).toBeNull();
    expect(applied.endedRuleId).not.toBeNull();
    expect(applied.proof).toMatchObject({ allowed: false, contractsLeft: 0 });
    const rule = await w.prisma.accessRule.findUniqueOrThrow({ where: { id: applied.endedRuleId! } });
    expect(rule.deletedAt).not.toBeNull();
    expect((await checkAccess(w.prisma, { userId: s.cid, contractId: s.c1 })).denial.map((d) => d.code)).toContain("no_rule");
  });

  it("a repository-level revoke spares the contracts reviewed separately in the same campaign (issue 19 item 3)", async () => {
    const s = await setting();
    const { w } = s;
    const hi = await w.contract(s.repo, { confidentiality: "strictly_confidential" });
    const definition = await createDefinition(w.prisma, {
      input: {
        name: "Mixed granularity",
        config: {
          scope: { repositoryIds: [s.repo] },
          perContractFrom: "strictly_confidential",
          stages: [{ reviewers: "named", namedReviewerIds: [s.mgr] }],
          fallbackReviewerId: s.fallback,
          undecided: "keep",
          justification: { keep: false, revoke: false },
        },
      },
      actor: admin,
    });
    const campaign = await startCampaign(w.prisma, { definitionId: definition.id, actor: admin });
    const items = await w.prisma.reviewItem.findMany({ where: { campaignId: campaign.id } });
    const item = (userId: string, contractId: string | null = null) => items.find((i) => i.userId === userId && i.contractId === contractId)!;
    const decide = (id: string, decision: "keep" | "revoke") =>
      decideItems(w.prisma, { campaignId: campaign.id, reviewerId: s.mgr, input: { itemIds: [id], decision }, actor: { type: "admin", id: s.mgr } });
    // ann through the group rule, cid through his direct grant on the repository: repository revoked, the strictly confidential contract kept
    expect(item(s.ann)).toMatchObject({ contracts: 2 });
    for (const who of [s.ann, s.cid]) {
      await decide(item(who).id, "revoke");
      await decide(item(who, hi).id, "keep");
    }
    await closeCampaign(w.prisma, { campaignId: campaign.id, actor: admin });
    for (const who of [s.ann, s.cid]) {
      expect((await checkAccess(w.prisma, { userId: who, contractId: hi })).allowed).toBe(true);
      for (const c of [s.c1, s.c2]) expect((await checkAccess(w.prisma, { userId: who, contractId: c })).allowed).toBe(false);
      const applied = await w.prisma.reviewItem.findUniqueOrThrow({ where: { id: item(who).id } });
      expect(applied.proof).toMatchObject({ allowed: false, contractsLeft: 0, contracts: 2 });
      expect(applied.exclusionId).not.toBeNull();
    }
    // cid's direct grant stays: it still gives him the contract kept separately
    expect(await w.prisma.reviewItem.count({ where: { campaignId: campaign.id, endedRuleId: { not: null } } })).toBe(0);
  });

  it("two stages: the manager first, then the owners; keep passes on, the hash covers the whole population", async () => {
    const s = await setting();
    const { w } = s;
    const definition = await createDefinition(w.prisma, {
      input: {
        name: "Two stages",
        config: { scope: { repositoryIds: [s.repo] }, stages: [{ reviewers: "manager" }, { reviewers: "repository_owners" }], fallbackReviewerId: s.fallback },
      },
      actor: admin,
    });
    const campaign = await startCampaign(w.prisma, { definitionId: definition.id, actor: admin });
    const ann = await w.prisma.reviewItem.findFirstOrThrow({ where: { campaignId: campaign.id, userId: s.ann } });
    expect(ann.reviewerId).toBe(s.mgr);
    // ben has no manager: the fallback reviews stage 1
    expect((await w.prisma.reviewItem.findFirstOrThrow({ where: { campaignId: campaign.id, userId: s.ben } })).reviewerId).toBe(s.fallback);
    await decideItems(w.prisma, { campaignId: campaign.id, reviewerId: s.mgr, input: { itemIds: [ann.id], decision: "keep" }, actor: admin });
    expect(await w.prisma.reviewItem.findUniqueOrThrow({ where: { id: ann.id } })).toMatchObject({ stage: 2, reviewerId: s.owner, decision: null });
    await decideItems(w.prisma, { campaignId: campaign.id, reviewerId: s.owner, input: { itemIds: [ann.id], decision: "keep" }, actor: admin });
    expect(await w.prisma.reviewItem.findUniqueOrThrow({ where: { id: ann.id } })).toMatchObject({ stage: 2, decision: "keep" });
    expect(await w.prisma.reviewDecision.count({ where: { itemId: ann.id } })).toBe(2);

    // the hash changes with any item
    const rows = (await w.prisma.reviewItem.findMany({ where: { campaignId: campaign.id } })).map((i) => ({
      userId: i.userId,
      repositoryId: i.repositoryId,
      contractId: i.contractId,
      level: i.level,
      contracts: i.contracts,
      confidentiality: i.confidentiality,
      reasons: i.reasons as never,
    }));
    expect(populationHash(rows)).toBe(campaign.populationHash);
    expect(populationHash([...rows].reverse())).toBe(campaign.populationHash);
    expect(populationHash(rows.slice(1))).not.toBe(campaign.populationHash);
  });
});

// PGlite is one connection: its transactions never overlap, so the race exists on PostgreSQL only.
describe.skipIf(!process.env.DATABASE_URL)("decisions racing a close (PostgreSQL)", () => {
  it("a decision that read the campaign before a close committed is refused, not left unapplied beside outcome keep (issue 19 item 2)", async () => {
    const s = await setting();
    const { w } = s;
    const definition = await createDefinition(w.prisma, {
      input: { name: "Race", config: { scope: { repositoryIds: [s.repo] }, stages: [{ reviewers: "named", namedReviewerIds: [s.mgr] }], fallbackReviewerId: s.fallback, undecided: "keep" } },
      actor: admin,
    });
    const campaign = await startCampaign(w.prisma, { definitionId: definition.id, actor: admin });
    const item = await w.prisma.reviewItem.findFirstOrThrow({ where: { campaignId: campaign.id, userId: s.ann } });
    // A close in progress, as closeCampaign takes it: the campaign row FOR UPDATE, then the items' outcomes.
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let holding!: () => void;
    const held = new Promise<void>((resolve) => (holding = resolve));
    const closing = w.prisma.$transaction(async (tx) => {
      await tx.$queryRawUnsafe(`SELECT id FROM "ReviewCampaign" WHERE id = $1 FOR UPDATE`, campaign.id);
      holding();
      await gate;
      await tx.$executeRawUnsafe(`UPDATE "ReviewItem" SET outcome = COALESCE(decision, 'keep') WHERE "campaignId" = $1`, campaign.id);
      await tx.reviewCampaign.update({ where: { id: campaign.id }, data: { status: "closed", closedAt: new Date() } });
    });
    await held;
    const deciding = decideItems(w.prisma, {
      campaignId: campaign.id,
      reviewerId: s.mgr,
      input: { itemIds: [item.id], decision: "revoke", justification: "Left the matter" },
      actor: { type: "admin", id: s.mgr },
    }).then(
      () => "decided",
      (e: { code?: string }) => e.code,
    );
    // Long enough for the decision to pass its status check had it not waited for the lock.
    await new Promise((r) => setTimeout(r, 500));
    release();
    await closing;
    expect(await deciding).toBe("conflict");
    expect(await w.prisma.reviewItem.findUniqueOrThrow({ where: { id: item.id } })).toMatchObject({ decision: null, outcome: "keep" });
  });
});
