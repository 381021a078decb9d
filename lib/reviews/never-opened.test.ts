// The "never opened" revoke recommendation (issue 19): a definition's neverOpenedDays recommends
// revoke for people who opened nothing in the campaign's scope (no permit of the decision API) for
// that long, having held access that long; the reason reaches My reviews, the report and its CSV.
import { describe, expect, it } from "vitest";
import { flushDecisionLog, recordPermits } from "@/lib/authzen/decision-log";
import { runAt } from "@/lib/clock";
import { getPrisma } from "@/lib/db/client";
import { admin, newWorld } from "@/lib/testing/access-world";
import { setupTestDatabase } from "@/lib/testing/database";
import { campaignReport, myQueue, reportCsv } from "./queries";
import { peopleNeverOpened, recommend } from "./recommendation";
import { createDefinition, previewCampaign, startCampaign } from "./service";

setupTestDatabase();

const DAY = 86_400_000;

describe("the never-opened recommendation", () => {
  it("recommends revoke for people who opened nothing in scope for neverOpenedDays, not for those who did or who hold access for less", async () => {
    const w = await newWorld();
    const [ann, ben, cy, dan, mgr, fallback] = [await w.user("ann"), await w.user("ben"), await w.user("cy"), await w.user("dan"), await w.user("mgr"), await w.user("fallback")];
    const team = await w.group("team", [ann, ben, cy]);
    const repo = await w.repository("never");
    const other = await w.repository("elsewhere");
    const c1 = await w.contract(repo);
    const o1 = await w.contract(other);
    await w.rule({ groupId: team, level: "view", repositoryId: repo });
    await w.rule({ groupId: team, level: "view", repositoryId: other });
    // The campaign starts 40 days from now: the team has held access 40 days by then; dan only 5.
    const T = new Date(Date.now() + 40 * DAY);
    await w.rule({ userId: dan, level: "view", repositoryId: repo, validFrom: new Date(T.getTime() - 5 * DAY), validUntil: new Date(T.getTime() + 200 * DAY) });
    // ann opened c1 two days before the start; ben 35 days before; cy opened only outside the scope.
    recordPermits({ db: getPrisma, pairs: [{ userId: ann, contractId: c1 }], at: new Date(T.getTime() - 2 * DAY) });
    recordPermits({ db: getPrisma, pairs: [{ userId: ben, contractId: c1 }], at: new Date(T.getTime() - 35 * DAY) });
    recordPermits({ db: getPrisma, pairs: [{ userId: cy, contractId: o1 }], at: new Date(T.getTime() - 1 * DAY) });
    await flushDecisionLog();

    const config = { scope: { repositoryIds: [repo] }, stages: [{ reviewers: "named", namedReviewerIds: [mgr] }], fallbackReviewerId: fallback };
    const withPeriod = await createDefinition(w.prisma, { input: { name: "Never opened", config: { ...config, neverOpenedDays: 30 } }, actor: admin });
    const without = await createDefinition(w.prisma, { input: { name: "No period", config }, actor: admin });

    await runAt(T, async () => expect(await previewCampaign(w.prisma, { definitionId: withPeriod.id })).toMatchObject({ items: 4, recommendedRevoke: 2 }));
    const campaign = await runAt(T, () => startCampaign(w.prisma, { definitionId: withPeriod.id, actor: admin }));
    const rows = await w.prisma.reviewItem.findMany({ where: { campaignId: campaign.id } });
    const of = (userId: string) => rows.find((r) => r.userId === userId)!;
    expect(of(ann)).toMatchObject({ recommendation: null, recommendationReason: null });
    expect(of(ben)).toMatchObject({ recommendation: "revoke", recommendationReason: "never_opened" });
    expect(of(cy)).toMatchObject({ recommendation: "revoke", recommendationReason: "never_opened", lastOpenedAt: null });
    expect(of(dan)).toMatchObject({ recommendation: null, recommendationReason: null });

    // Without a period, nobody is recommended revoke for not opening.
    const plain = await runAt(T, () => startCampaign(w.prisma, { definitionId: without.id, actor: admin }));
    expect(await w.prisma.reviewItem.count({ where: { campaignId: plain.id, recommendation: "revoke" } })).toBe(0);

    // My reviews and the report say why.
    const queue = await myQueue(w.prisma, { reviewerId: mgr, query: { campaignId: campaign.id, recommendation: "revoke" } });
    expect(queue.items.map((i) => [i.person.id, i.recommendationReason, i.recommendationText]).sort()).toEqual(
      [
        [ben, "never_opened", "opened nothing in the campaign's scope for 30 days"],
        [cy, "never_opened", "opened nothing in the campaign's scope for 30 days"],
      ].sort(),
    );
    const report = await campaignReport(w.prisma, { id: campaign.id });
    expect(report.items.find((i) => i.person.id === ben)).toMatchObject({ recommendation: "revoke", recommendationReason: "never_opened" });
    const csv = reportCsv(report);
    expect(csv.split("\r\n")[1]).toContain("recommendation,recommendation_reason,decision");
    expect(csv).toContain("opened nothing in the campaign's scope for 30 days");
  });

  it("orders reasons and needs the access to be as old as the period (pure)", () => {
    const at = new Date("2026-12-01T00:00:00Z");
    const since = (days: number) => new Date(at.getTime() - days * DAY).toISOString();
    const never = peopleNeverOpened({
      at,
      days: 30,
      items: [
        { userId: "a", lastOpenedAt: null, reasons: [{ since: since(31) }] },
        { userId: "b", lastOpenedAt: null, reasons: [{ since: since(29) }] },
        { userId: "c", lastOpenedAt: new Date(at.getTime() - 31 * DAY), reasons: [{ since: since(100) }] },
        // c opened another item of the scope recently: not "never opened"
        { userId: "c", lastOpenedAt: new Date(at.getTime() - 1 * DAY), reasons: [{ since: since(100) }] },
        { userId: "d", lastOpenedAt: new Date(at.getTime() - 31 * DAY), reasons: [{ since: since(100) }] },
      ],
    });
    expect([...never].sort()).toEqual(["a", "d"]);
    expect(peopleNeverOpened({ at, days: null, items: [{ userId: "a", lastOpenedAt: null, reasons: [{ since: since(400) }] }] }).size).toBe(0);
    const base = { flagged: false, inactiveDays: 0, inactivityRevokeDays: 90, neverOpened: false, keptBefore: true, openedRecently: true };
    expect(recommend(base)).toEqual({ recommendation: "keep", reason: "kept_and_opened" });
    expect(recommend({ ...base, neverOpened: true })).toEqual({ recommendation: "revoke", reason: "never_opened" });
    expect(recommend({ ...base, neverOpened: true, inactiveDays: 90 })).toEqual({ recommendation: "revoke", reason: "inactive" });
    expect(recommend({ ...base, neverOpened: true, flagged: true })).toEqual({ recommendation: "revoke", reason: "flagged_inactive" });
  });
});
