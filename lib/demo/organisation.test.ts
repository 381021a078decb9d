// The demo loader at a small scale: real code paths, back-dated history, idempotent.
import { describe, expect, it } from "vitest";
import { contractsOfUser } from "../access/effective-access";
import { bypassingAuditTriggers } from "@/lib/testing/audit-chain";
import { setupTestDatabase } from "../testing/database";
import { DEMO_CONTRACT_TYPES, DEMO_ENTRA_DIRECTORY, DEMO_MARKER_ACTION, DEMO_OKTA_DIRECTORY, loadDemo } from "./organisation";

const { db } = setupTestDatabase({ empty: true });
const DAY_MS = 86_400_000;
const SMALL = { employees: 40, partners: 8, repositories: 6, contracts: 150, days: 90, seed: 7 };

describe("demo organisation", () => {
  it("loads through SCIM and the services with 90 days of history, once", async () => {
    const prisma = db().prisma;
    const summary = await loadDemo(prisma, { scale: SMALL });
    expect(summary.loaded).toBe(true);
    expect(summary.admin.email).toBe("admin@demo.custodian.example");

    // Counts: two directories; people through SCIM (minus the few deleted); 41 groups; contracts, repositories, rules.
    const directories = await prisma.directory.findMany({ orderBy: { name: "asc" } });
    expect(directories.map((d) => [d.name, d.kind])).toEqual([[DEMO_ENTRA_DIRECTORY, "entra"], [DEMO_OKTA_DIRECTORY, "okta"]]);
    const deleted = await prisma.auditEvent.count({ where: { action: "user.deleted" } });
    expect(await prisma.user.count()).toBe(SMALL.employees + SMALL.partners - deleted);
    expect(await prisma.auditEvent.count({ where: { action: "user.created", actorType: "directory" } })).toBe(SMALL.employees + SMALL.partners);
    expect(await prisma.user.count({ where: { active: false } })).toBeGreaterThan(0);
    expect(await prisma.group.count()).toBe(41);
    expect(await prisma.groupMember.count({ where: { memberGroupId: { not: null } } })).toBeGreaterThan(10); // nesting
    expect(await prisma.repository.count()).toBe(SMALL.repositories);
    expect(await prisma.contract.count()).toBe(SMALL.contracts);
    expect(await prisma.accessRule.count()).toBeGreaterThan(20);
    // One rule the demo deletes by hand; the others a campaign ended (a revoked direct grant ends).
    const deletedRules = await prisma.accessRuleVersion.findMany({ where: { change: "deleted" }, select: { justification: true } });
    const byCampaign = deletedRules.filter((d) => d.justification?.startsWith("Revoked in access review campaign"));
    expect(deletedRules.length - byCampaign.length).toBe(1);
    expect(await prisma.accessRule.count({ where: { deletedAt: { not: null } } })).toBe(deletedRules.length);
    expect(await prisma.accessRuleVersion.count({ where: { principalType: "user" } })).toBeGreaterThan(0);
    expect(await prisma.groupRoleAssignment.count()).toBe(3);
    expect(await prisma.contractRevision.count()).toBeGreaterThan(SMALL.contracts); // renewals, reclassifications
    // Access review campaigns: the previous quarter's (closed), one completed with carried-forward
    // items and revocations applied (and a late reviewer's items defaulted), the next in progress.
    const campaigns = await prisma.reviewCampaign.findMany({ orderBy: { startedAt: "asc" } });
    expect(campaigns.map((c) => c.status)).toEqual(["closed", "closed", "active"]);
    const [, completed, current] = campaigns;
    expect(await prisma.reviewItem.count({ where: { campaignId: completed.id, outcome: "revoke", appliedAt: { not: null } } })).toBeGreaterThan(0);
    expect(await prisma.reviewItem.count({ where: { campaignId: completed.id, decision: null, outcome: "revoke" } })).toBeGreaterThan(0);
    expect(await prisma.reviewItem.count({ where: { campaignId: completed.id, carriedForward: true, outcome: "keep" } })).toBeGreaterThan(0);
    expect(await prisma.reviewDecision.count({ where: { campaignId: completed.id, via: "carry_forward", reviewerId: null } })).toBeGreaterThan(0);
    // The late reviewer: every item still assigned to them was left undecided and took the default.
    const late = await prisma.reviewItem.groupBy({ by: ["reviewerId"], where: { campaignId: completed.id, carriedForward: false }, _count: { decision: true, _all: true } });
    expect(late.some((r) => r.reviewerId !== null && r._count._all > 0 && r._count.decision === 0)).toBe(true);
    expect(await prisma.reviewItem.count({ where: { campaignId: current.id, decision: null } })).toBeGreaterThan(0);

    // Ethical walls: an active M&A wall with two sides, an active screen for a lateral hire, a
    // lifted wall with its stored lift certificate; a few decision-API attempts the walls denied.
    const walls = await prisma.wall.findMany({ orderBy: { name: "asc" } });
    expect(walls.map((w) => [w.kind, w.state]).sort()).toEqual([["exclusionary", "active"], ["inclusionary", "lifted"], ["sides", "active"]]);
    const sided = walls.find((w) => w.kind === "sides")!;
    expect(await prisma.wallSide.count({ where: { wallId: sided.id } })).toBe(2);
    const lifted = walls.find((w) => w.state === "lifted")!;
    expect(await prisma.wallCertificate.count({ where: { liftOf: lifted.id, trigger: "lift" } })).toBe(1);
    const screen = walls.find((w) => w.kind === "exclusionary")!;
    expect(await prisma.wallBreachAttempt.count({ where: { wallId: screen.id } })).toBeGreaterThanOrEqual(3);
    expect(await prisma.wallAcknowledgment.count({ where: { wallId: screen.id } })).toBe(1);

    // Back-dated history: the first events 90 days ago, changes spread over the period.
    const now = Date.now();
    const first = await prisma.auditEvent.findFirstOrThrow({ orderBy: { createdAt: "asc" } });
    expect(now - first.createdAt.getTime()).toBeGreaterThan(89 * DAY_MS);
    expect(now - first.createdAt.getTime()).toBeLessThan(92 * DAY_MS);
    const [spread] = await prisma.$queryRawUnsafe<{ days: number; span: number }[]>(
      `SELECT count(DISTINCT date_trunc('day', "createdAt"))::int AS days,
              extract(day FROM max("createdAt") - min("createdAt"))::int AS span
         FROM "AuditEvent" WHERE "actorType" = 'directory'`,
    );
    expect(spread.days).toBeGreaterThan(10);
    expect(spread.span).toBeGreaterThan(60);
    const firstUser = await prisma.user.findFirstOrThrow({ orderBy: { createdAt: "asc" } });
    expect(now - firstUser.createdAt.getTime()).toBeGreaterThan(89 * DAY_MS);
    // Contract ends during the period were recorded by the timed-effects job at their own instants.
    expect(await prisma.timedEffect.count()).toBeGreaterThan(0);
    expect(await prisma.auditEvent.count({ where: { action: "access.revoked", actorLabel: "timed-effects", createdAt: { lt: new Date(now - 5 * DAY_MS) } } })).toBeGreaterThan(0);

    // Point in time: a leaver (deactivated less than 60 days ago) had access 60 days ago, none now.
    const sixtyDaysAgo = new Date(now - 60 * DAY_MS);
    const leaverIntervals = await prisma.userStatusInterval.findMany({
      where: { active: false, validFrom: { gt: sixtyDaysAgo } },
      orderBy: { validFrom: "asc" },
    });
    const existing = new Set((await prisma.user.findMany({ where: { id: { in: leaverIntervals.map((l) => l.userId) } }, select: { id: true } })).map((u) => u.id));
    const leaver = leaverIntervals.find((l) => existing.has(l.userId));
    expect(leaver).toBeDefined();
    const then = await contractsOfUser(prisma, { userId: leaver!.userId, at: sixtyDaysAgo, offset: 0, limit: 1 });
    const today = await contractsOfUser(prisma, { userId: leaver!.userId, offset: 0, limit: 1 });
    expect(then.total).toBeGreaterThan(0);
    expect(today.total).toBe(0);

    // The demo admin's account is as old as the story it authored, not dated the day of the load.
    const account = await prisma.adminAccount.findUniqueOrThrow({ where: { email: summary.admin.email } });
    expect(account.createdAt.getTime()).toBeLessThanOrEqual(first.createdAt.getTime() + DAY_MS);
    const created = await prisma.auditEvent.findFirstOrThrow({ where: { action: "account.created", targetId: account.id } });
    expect(Math.abs(account.createdAt.getTime() - created.createdAt.getTime())).toBeLessThan(DAY_MS);
    // One spelling per contract type: no "Licence" next to "License".
    const types = (await prisma.contractRevision.findMany({ distinct: ["contractType"], select: { contractType: true } })).map((t) => t.contractType);
    const spellings = new Set(types.map((t) => t.toLowerCase().replace(/licen[cs]e/, "licence")));
    expect(spellings.size).toBe(types.length);
    const ruleTypes = (await prisma.accessRuleVersion.findMany({ select: { contractTypes: true } })).flatMap((v) => (v.contractTypes as string[] | null) ?? []);
    expect(ruleTypes.filter((t) => !types.includes(t))).toEqual([]);

    // A second run finds the marker and changes nothing.
    const events = await prisma.auditEvent.count();
    const again = await loadDemo(prisma, { scale: SMALL });
    expect(again).toMatchObject({ loaded: false, reason: "already loaded" });
    expect(await prisma.auditEvent.count()).toBe(events);
    expect(await prisma.auditEvent.count({ where: { action: DEMO_MARKER_ACTION } })).toBe(1);
  }, 300_000);

  it("spells each contract type one way across all repositories (no Licence next to License)", () => {
    const normalised = DEMO_CONTRACT_TYPES.map((t) => t.toLowerCase().replace(/licen[cs]e/, "licence").replace(/s$/, ""));
    expect(new Set(normalised).size).toBe(DEMO_CONTRACT_TYPES.length);
  });

  it("refuses a database that holds other data", async () => {
    // (runs after the load above: same database) — a fresh non-demo database is checked by name.
    const prisma = db().prisma;
    // The trail is append-only: remove the marker the way only a database superuser could.
    await bypassingAuditTriggers(prisma, (tx) => tx.auditEvent.deleteMany({ where: { action: DEMO_MARKER_ACTION } }));
    await expect(loadDemo(prisma, { scale: SMALL })).rejects.toThrow(/did not finish/);
  });
});
