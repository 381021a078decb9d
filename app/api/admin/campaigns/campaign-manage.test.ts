// Extending and reassigning a campaign through the dashboard's routes: compliance (and admins) may,
// an auditor may not; the dashboard account is the audit event's actor; the new reviewer is told
// by e-mail (a real SMTP receiver on 127.0.0.1), and a reassignment never hands a person their own
// item.
import { describe, expect, it, vi } from "vitest";
import { runEmailDeliveriesOnce } from "@/lib/notifications/dispatcher";
import { createDefinition, startCampaign } from "@/lib/reviews/service";
import { setupRoleAccounts } from "@/lib/testing/admin-session";
import { admin, newWorld } from "@/lib/testing/access-world";
import { setupTestDatabase } from "@/lib/testing/database";
import { smtpReceiverForFile } from "@/lib/testing/smtp-receiver";
import * as campaignRoute from "./[id]/route";
import * as extendRoute from "./[id]/extend/route";
import * as reassignRoute from "./[id]/reassign/route";

vi.mock("next-auth", async (importOriginal) => (await import("@/lib/testing/next-auth-session")).mockNextAuth(importOriginal));

const { db } = setupTestDatabase();
const { accounts, signInAs } = setupRoleAccounts(db);
const USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User";
const smtp = smtpReceiverForFile("reviews@example.test");

type Handler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;

async function post(handler: unknown, id: string, body: unknown) {
  const res = await (handler as Handler)(
    new Request(`http://localhost/api/admin/campaigns/${id}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }),
    { params: Promise.resolve({ id }) },
  );
  return { status: res.status, body: (await res.json()) as Record<string, unknown> & { error?: { code: string; message: string } } };
}

describe("campaign extend and reassign (dashboard routes)", () => {
  it("extends with a reason and moves a reviewer's undecided items to another person, telling them", async () => {
    const w = await newWorld();
    const person = async (name: string) => {
      const email = `${name}-${w.tag}@example.test`;
      const res = await w.scim.post("/Users", { schemas: [USER_SCHEMA], userName: email, emails: [{ value: email, primary: true }] });
      expect(res.status).toBe(201);
      return { id: res.body.id as string, email };
    };
    const [ann, ben, lead, deputy] = [await person("ann"), await person("ben"), await person("lead"), await person("deputy")];
    const team = await w.group("team", [ann.id, ben.id, deputy.id]);
    const repo = await w.repository("manage");
    await w.contract(repo);
    await w.rule({ groupId: team, level: "view", repositoryId: repo });
    const definition = await createDefinition(w.prisma, {
      input: { name: `Manage ${w.tag}`, config: { scope: { repositoryIds: [repo] }, stages: [{ reviewers: "named", namedReviewerIds: [lead.id] }], fallbackReviewerId: lead.id } },
      actor: admin,
    });
    const campaign = await startCampaign(w.prisma, { definitionId: definition.id, actor: admin });
    const later = new Date(campaign.dueAt.getTime() + 5 * 86_400_000).toISOString();

    signInAs("auditor");
    expect((await post(extendRoute.POST, campaign.id, { dueAt: later, reason: "Audit season" })).status).toBe(403);
    expect((await post(reassignRoute.POST, campaign.id, { fromReviewerId: lead.id, toReviewerId: deputy.id, reason: "Leave" })).status).toBe(403);

    signInAs("compliance");
    const extended = await post(extendRoute.POST, campaign.id, { dueAt: later, reason: "Audit season" });
    expect(extended.status).toBe(200);
    expect(extended.body.dueAt).toBe(later);
    const event = await w.prisma.auditEvent.findFirstOrThrow({ where: { action: "review_campaign.extended", targetId: campaign.id } });
    expect(event).toMatchObject({ actorType: "admin", actorId: accounts.compliance.id, actorLabel: accounts.compliance.email, after: { dueAt: later, reason: "Audit season" } });
    expect((await post(extendRoute.POST, campaign.id, { dueAt: campaign.dueAt.toISOString(), reason: "Not later" })).status).toBe(400);

    // deputy takes ann's and ben's items; their own stays with lead
    const moved = await post(reassignRoute.POST, campaign.id, { fromReviewerId: lead.id, toReviewerId: deputy.id, reason: "Lead on leave" });
    expect(moved).toEqual({ status: 200, body: { reassigned: 2, keptBack: 1 } });
    const items = await w.prisma.reviewItem.findMany({ where: { campaignId: campaign.id } });
    expect(Object.fromEntries(items.map((i) => [i.userId, i.reviewerId]))).toEqual({ [ann.id]: deputy.id, [ben.id]: deputy.id, [deputy.id]: lead.id });
    const history = await w.prisma.reviewAssignment.findMany({ where: { campaignId: campaign.id } });
    expect(history.map((h) => [h.kind, h.fromReviewerId, h.toReviewerId, h.reason])).toEqual([
      ["reassigned", lead.id, deputy.id, "Lead on leave"],
      ["reassigned", lead.id, deputy.id, "Lead on leave"],
    ]);
    const refused = await post(reassignRoute.POST, campaign.id, { fromReviewerId: lead.id, toReviewerId: deputy.id, reason: "Again" });
    expect(refused.status).toBe(400);
    expect(refused.body.error?.message).toMatch(/own access/);

    await runEmailDeliveriesOnce(w.prisma);
    const told = smtp().to(deputy.email).filter((m) => m.subject.includes("reassigned"));
    expect(told).toHaveLength(1);
    expect(told[0].subject).toBe(`Access review "${campaign.name}": 2 items reassigned to you`);
    expect(told[0].text).toContain("Lead on leave");
    expect(told[0].text).toMatch(/\/reviews/);

    // the campaign page's reviewers now show the move
    const read = await (campaignRoute.GET as unknown as Handler)(new Request(`http://localhost/api/admin/campaigns/${campaign.id}`), { params: Promise.resolve({ id: campaign.id }) });
    const reviewers = ((await read.json()) as { reviewers: { reviewerId: string; total: number }[] }).reviewers;
    expect(reviewers.map((r) => [r.reviewerId, r.total]).sort()).toEqual([[deputy.id, 2], [lead.id, 1]].sort());
  });
});
