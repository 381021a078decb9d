// A screened person is never offered as a reviewer for the scope (issues 19, 20) — at the start
// (lib/access/walls.test.ts) and just as much when items change hands later: an admin's
// reassignment and the scheduler's escalation keep access items back from a new reviewer an
// ethical wall in force denies the item's scope, by the start's own rule (a contract item: the
// wall denies them that contract; a repository item: it denies them any contract of the
// repository). What may move moves; when nothing may, the reassignment fails; the audit events
// count the items kept back because of a wall. An exclusionary wall (sam screened from one
// contract) and an inclusionary one (sam not an insider of a repository).
import { describe, expect, it } from "vitest";
import { runAt } from "@/lib/clock";
import { runReviewJobs } from "@/lib/jobs/maintenance";
import { admin, newWorld } from "@/lib/testing/access-world";
import { setupTestDatabase } from "@/lib/testing/database";
import { activateWall, createWall } from "@/lib/walls/service";
import { createDefinition, reassignItems, startCampaign } from "./service";

const { db } = setupTestDatabase();
const DAY = 86_400_000;
const HOUR = 3_600_000;

const jobsAt = (at: Date) => runAt(at, () => runReviewJobs(db().prisma, { now: at }));

/**
 * ann and ben (group `team`) view repository `deal` — d1 and d2 strictly confidential (an item
 * each: per contract from strictly confidential), d3 internal (deal's repository item) — and
 * repository `other` (o1, its repository item): four items each, all reviewed by lead. sam is the
 * fallback reviewer and is walled:
 *  - "exclusionary d1": an exclusionary wall screens sam from contract d1;
 *  - "inclusionary other": only ann, ben and lead are insiders of an inclusionary wall over `other`.
 */
async function world(options: { t0: Date; wall: "exclusionary d1" | "inclusionary other"; escalateAfterDays?: number }) {
  return runAt(options.t0, async () => {
    const w = await newWorld();
    const [ann, ben, lead, sam] = [await w.user("ann"), await w.user("ben"), await w.user("lead"), await w.user("sam")];
    const team = await w.group("team", [ann, ben]);
    const deal = await w.repository("deal");
    const other = await w.repository("other");
    const d1 = await w.contract(deal, { title: "d1", confidentiality: "strictly_confidential" });
    const d2 = await w.contract(deal, { title: "d2", confidentiality: "strictly_confidential" });
    await w.contract(deal, { title: "d3" });
    await w.contract(other, { title: "o1" });
    await w.rule({ groupId: team, level: "view", repositoryId: deal });
    await w.rule({ groupId: team, level: "view", repositoryId: other });
    const wall = await createWall(w.prisma, {
      input:
        options.wall === "exclusionary d1"
          ? { name: `Screen ${w.tag}`, kind: "exclusionary", members: [{ userId: sam }], scope: [{ kind: "contract", value: d1 }] }
          : { name: `Insiders ${w.tag}`, kind: "inclusionary", members: [{ userId: ann }, { userId: ben }, { userId: lead }], scope: [{ kind: "repository", value: other }] },
      actor: admin,
    });
    await activateWall(w.prisma, { id: wall.id, input: { reason: "Conflict on the matter" }, actor: admin });
    const definition = await createDefinition(w.prisma, {
      input: {
        name: `Screened reviewers ${w.tag}`,
        config: {
          scope: { repositoryIds: [deal, other] },
          perContractFrom: "strictly_confidential",
          stages: [{ reviewers: "named", namedReviewerIds: [lead] }],
          fallbackReviewerId: sam,
          durationDays: 14,
          ...(options.escalateAfterDays ? { escalateAfterDays: options.escalateAfterDays } : {}),
        },
      },
      actor: admin,
    });
    const names = new Map([
      [deal, "deal"],
      [other, "other"],
      [d1, "d1"],
      [d2, "d2"],
    ]);
    return { w, ann, ben, lead, sam, deal, other, d1, d2, definition, names };
  });
}

type World = Awaited<ReturnType<typeof world>>;

/** Each item as [person, its scope's name, its reviewer's name], sorted. */
async function reviewersOf(s: World, campaignId: string) {
  const people = new Map([
    [s.ann, "ann"],
    [s.ben, "ben"],
    [s.lead, "lead"],
    [s.sam, "sam"],
  ]);
  const items = await db().prisma.reviewItem.findMany({ where: { campaignId } });
  return items.map((i) => [people.get(i.userId), s.names.get(i.contractId ?? i.repositoryId), people.get(i.reviewerId ?? "")].join(" ")).sort();
}

describe("reviewers screened by an ethical wall", () => {
  it("reassignment keeps back the items whose repository or contract a wall screens the new reviewer from; with nothing left to move it fails", async () => {
    const prisma = db().prisma;
    const s = await world({ t0: new Date(Date.now() - 2 * DAY), wall: "exclusionary d1" });
    const campaign = await startCampaign(prisma, { definitionId: s.definition.id, actor: admin });
    expect(await reviewersOf(s, campaign.id)).toEqual(
      ["ann d1 lead", "ann d2 lead", "ann deal lead", "ann other lead", "ben d1 lead", "ben d2 lead", "ben deal lead", "ben other lead"].sort(),
    );

    // d1 (screened) and deal (a contract of deal screened: the start's repository rule) stay with
    // lead; d2 (a contract the wall does not cover) and other move to sam.
    const moved = await reassignItems(prisma, { campaignId: campaign.id, input: { fromReviewerId: s.lead, toReviewerId: s.sam, reason: "Lead on leave" }, actor: admin });
    expect(moved).toEqual({ reassigned: 4, keptBack: 4 });
    expect(await reviewersOf(s, campaign.id)).toEqual(
      ["ann d1 lead", "ann d2 sam", "ann deal lead", "ann other sam", "ben d1 lead", "ben d2 sam", "ben deal lead", "ben other sam"].sort(),
    );
    const history = await prisma.reviewAssignment.findMany({ where: { campaignId: campaign.id } });
    expect(history).toHaveLength(4);
    const event = await prisma.auditEvent.findUniqueOrThrow({ where: { id: history[0].eventId! } });
    expect(event).toMatchObject({ action: "review_campaign.items_reassigned", targetId: campaign.id });
    expect(event.after).toMatchObject({ reviewerId: s.sam, items: 4, keptBack: 4, keptBackByWall: 4 });

    // Everything lead still holds is screened from sam: nothing moves, the request fails, nothing is recorded.
    await expect(
      reassignItems(prisma, { campaignId: campaign.id, input: { fromReviewerId: s.lead, toReviewerId: s.sam, reason: "Again" }, actor: admin }),
    ).rejects.toMatchObject({ code: "invalid_input", message: expect.stringMatching(/ethical wall/) });
    expect(await prisma.reviewAssignment.count({ where: { campaignId: campaign.id } })).toBe(4);
    expect(await prisma.auditEvent.count({ where: { action: "review_campaign.items_reassigned", targetId: campaign.id } })).toBe(1);
  });

  it("escalation never hands the fallback an item of a scope a wall screens them from: it stays, once, quietly", async () => {
    const prisma = db().prisma;
    const t0 = new Date(Date.now() - 30 * DAY);
    const at = (days: number, hours = 0) => new Date(t0.getTime() + days * DAY + hours * HOUR);
    const s = await world({ t0, wall: "exclusionary d1", escalateAfterDays: 7 });
    const campaign = await runAt(at(0, 1), () => startCampaign(prisma, { definitionId: s.definition.id, actor: admin }));

    expect((await jobsAt(at(7, 2))).reviewEscalation).toEqual({ campaigns: 1, items: 4 });
    expect(await reviewersOf(s, campaign.id)).toEqual(
      ["ann d1 lead", "ann d2 sam", "ann deal lead", "ann other sam", "ben d1 lead", "ben d2 sam", "ben deal lead", "ben other sam"].sort(),
    );
    const events = await prisma.auditEvent.findMany({ where: { action: "review_campaign.escalated", targetId: campaign.id } });
    expect(events).toHaveLength(1);
    expect(events[0].after).toMatchObject({ fallbackReviewerId: s.sam, items: 4, keptBack: 4, keptBackByWall: 4 });
    // The screened items stay with lead like the fallback's own access would: later runs move and record nothing.
    expect((await jobsAt(at(7, 3))).reviewEscalation).toEqual({ campaigns: 0, items: 0 });
    expect((await jobsAt(at(12, 3))).reviewEscalation).toEqual({ campaigns: 0, items: 0 });
    expect(await prisma.auditEvent.count({ where: { action: "review_campaign.escalated", targetId: campaign.id } })).toBe(1);
    expect(await prisma.reviewAssignment.count({ where: { campaignId: campaign.id } })).toBe(4);
  });

  it("an inclusionary wall: a fallback who is not an insider never receives its scope's items, by escalation or reassignment", async () => {
    const prisma = db().prisma;
    const t0 = new Date(Date.now() - 30 * DAY);
    const at = (days: number, hours = 0) => new Date(t0.getTime() + days * DAY + hours * HOUR);
    const s = await world({ t0, wall: "inclusionary other", escalateAfterDays: 7 });
    const campaign = await runAt(at(0, 1), () => startCampaign(prisma, { definitionId: s.definition.id, actor: admin }));
    // lead is an insider: the start gave them everything.
    expect(await reviewersOf(s, campaign.id)).toEqual(
      ["ann d1 lead", "ann d2 lead", "ann deal lead", "ann other lead", "ben d1 lead", "ben d2 lead", "ben deal lead", "ben other lead"].sort(),
    );

    expect((await jobsAt(at(7, 2))).reviewEscalation).toEqual({ campaigns: 1, items: 6 });
    expect(await reviewersOf(s, campaign.id)).toEqual(
      ["ann d1 sam", "ann d2 sam", "ann deal sam", "ann other lead", "ben d1 sam", "ben d2 sam", "ben deal sam", "ben other lead"].sort(),
    );
    const escalated = await prisma.auditEvent.findFirstOrThrow({ where: { action: "review_campaign.escalated", targetId: campaign.id } });
    expect(escalated.after).toMatchObject({ items: 6, keptBack: 2, keptBackByWall: 2 });
    expect((await jobsAt(at(8, 2))).reviewEscalation).toEqual({ campaigns: 0, items: 0 });

    await runAt(at(8, 3), async () => {
      await expect(
        reassignItems(prisma, { campaignId: campaign.id, input: { fromReviewerId: s.lead, toReviewerId: s.sam, reason: "Lead on leave" }, actor: admin }),
      ).rejects.toMatchObject({ code: "invalid_input", message: expect.stringMatching(/ethical wall/) });
    });
    expect(await reviewersOf(s, campaign.id)).toContain("ann other lead");
  });
});
