// The e-mails of a campaign's life — assignment at start, reminders, escalation to the fallback,
// reassignment, close — built here and queued by the change's own transaction through the
// e-mail outbox (lib/notifications/outbox.ts; nothing when SMTP_URL is unset). They name the
// campaign, counts, the due date and a link, never the people whose access is reviewed.
import { getConfig } from "@/lib/config";
import type { Tx } from "@/lib/db/errors";
import { addressesOf, appLink, type EmailMessage } from "@/lib/notifications/outbox";
import { formatDateTime } from "@/lib/time-format";

export interface CampaignRef {
  id: string;
  name: string;
  dueAt: Date;
  /** "walls": a wall review, whose items are walls and places on their rosters; else access. */
  kind?: string | null;
}

const items = (n: number) => `${n} item${n === 1 ? "" : "s"}`;

/** How a campaign's messages name it and its items: a wall reviewer decides on walls and roster places, not on access. */
function wordsFor(campaign: CampaignRef) {
  return campaign.kind === "walls"
    ? {
        review: "wall review",
        Review: "Wall review",
        items: (n: number) => `${n} ${n === 1 ? "wall or roster place" : "walls and roster places"}`,
        decide: "keep each wall and each person's place on it, remove a person from a wall or lift a wall",
      }
    : { review: "access review", Review: "Access review", items, decide: "keep or revoke each person's access" };
}

function dueText(dueAt: Date): string {
  const zone = getConfig().ACCESS_TIME_ZONE;
  return `${formatDateTime(dueAt, { locale: "en-GB", timeZone: zone })} (${zone})`;
}

const myReviews = () => appLink("/reviews");
const footer = (campaign: CampaignRef) => `\n\n—\nCustodian ${wordsFor(campaign).review}s. You receive this message because items of this campaign are assigned to you.`;

/** One message per reviewer with items, each with its own count. */
function perReviewer(
  counts: Map<string, number>,
  addresses: Map<string, string>,
  build: (n: number) => Pick<EmailMessage, "kind" | "subject" | "body">,
  campaignId: string,
): EmailMessage[] {
  return [...counts.entries()].flatMap(([reviewerId, n]) => {
    const to = addresses.get(reviewerId);
    return to && n > 0 ? [{ ...build(n), recipientId: reviewerId, to, campaignId }] : [];
  });
}

export async function assignmentMessages(tx: Tx, campaign: CampaignRef, counts: Map<string, number>): Promise<EmailMessage[]> {
  const w = wordsFor(campaign);
  return perReviewer(counts, await addressesOf(tx, [...counts.keys()]), (n) => ({
    kind: "review.assignment",
    subject: `${w.Review} "${campaign.name}": ${w.items(n)} to review`,
    body:
      `You are a reviewer in the ${w.review} campaign "${campaign.name}".\n\n` +
      `${w.items(n)} await your decision — ${w.decide} — by ${dueText(campaign.dueAt)}.\n\n` +
      `Open My reviews: ${myReviews()}${footer(campaign)}`,
  }), campaign.id);
}

export async function reminderMessages(tx: Tx, campaign: CampaignRef, open: Map<string, number>, now: Date): Promise<EmailMessage[]> {
  const overdue = campaign.dueAt <= now;
  const w = wordsFor(campaign);
  return perReviewer(open, await addressesOf(tx, [...open.keys()]), (n) => ({
    kind: "review.reminder",
    subject: `Reminder: ${w.items(n)} still to review in "${campaign.name}"${overdue ? " (overdue)" : ""}`,
    body:
      `${w.items(n)} of the ${w.review} campaign "${campaign.name}" still wait for your decision.\n\n` +
      `${overdue ? "The campaign was due" : "The campaign is due"} ${dueText(campaign.dueAt)}.\n\n` +
      `Open My reviews: ${myReviews()}${footer(campaign)}`,
  }), campaign.id);
}

export async function escalationMessages(tx: Tx, campaign: CampaignRef, fallbackId: string, n: number, afterDays: number): Promise<EmailMessage[]> {
  const w = wordsFor(campaign);
  return perReviewer(new Map([[fallbackId, n]]), await addressesOf(tx, [fallbackId]), (count) => ({
    kind: "review.escalation",
    subject: `${w.Review} "${campaign.name}": ${w.items(count)} escalated to you`,
    body:
      `${w.items(count)} of the ${w.review} campaign "${campaign.name}" stayed undecided for ${afterDays} days with their reviewers ` +
      `and now wait for your decision as the campaign's fallback reviewer, by ${dueText(campaign.dueAt)}.\n\n` +
      `Open My reviews: ${myReviews()}${footer(campaign)}`,
  }), campaign.id);
}

export async function reassignmentMessages(tx: Tx, campaign: CampaignRef, toId: string, n: number, reason: string): Promise<EmailMessage[]> {
  const w = wordsFor(campaign);
  return perReviewer(new Map([[toId, n]]), await addressesOf(tx, [toId]), (count) => ({
    kind: "review.reassignment",
    subject: `${w.Review} "${campaign.name}": ${w.items(count)} reassigned to you`,
    body:
      `${w.items(count)} of the ${w.review} campaign "${campaign.name}" were reassigned to you (reason: ${reason}). ` +
      `Please decide by ${dueText(campaign.dueAt)}.\n\n` +
      `Open My reviews: ${myReviews()}${footer(campaign)}`,
  }), campaign.id);
}

export async function closingMessages(
  tx: Tx,
  campaign: CampaignRef & { ownerEmail: string | null },
  reviewerIds: string[],
  outcome: { kept: number; revoked: number; defaulted: number },
): Promise<EmailMessage[]> {
  const w = wordsFor(campaign);
  // A wall review removes people from rosters (at once) and never lifts a wall by itself; nothing undecided changes.
  const summary =
    campaign.kind === "walls"
      ? `The wall review campaign "${campaign.name}" is closed: ${w.items(outcome.kept)} kept, ${outcome.revoked} ${outcome.revoked === 1 ? "person" : "people"} removed from a wall` +
        `${outcome.defaulted ? ` (${w.items(outcome.defaulted)} nobody decided stay as they are)` : ""}. Removals take effect at once; a wall to lift waits for an admin's confirmation.`
      : `The access review campaign "${campaign.name}" is closed: ${items(outcome.kept)} kept, ${items(outcome.revoked)} revoked` +
        `${outcome.defaulted ? ` (${items(outcome.defaulted)} nobody decided got the campaign's default)` : ""}. Revocations take effect at once.`;
  const addresses = await addressesOf(tx, reviewerIds);
  const messages: EmailMessage[] = [...addresses.entries()].map(([reviewerId, to]) => ({
    kind: "review.closed",
    recipientId: reviewerId,
    to,
    campaignId: campaign.id,
    subject: `${w.Review} "${campaign.name}" is closed`,
    body: `${summary}\n\nThank you for reviewing.${footer(campaign)}`,
  }));
  if (campaign.ownerEmail) {
    messages.push({
      kind: "review.closed",
      recipientId: null,
      to: campaign.ownerEmail,
      campaignId: campaign.id,
      subject: `${w.Review} "${campaign.name}" is closed`,
      body: `${summary}\n\nReport: ${appLink(`/dashboard/campaigns/${campaign.id}/report`)}\n\n—\nCustodian ${w.review}s. You receive this message as the campaign's owner.`,
    });
  }
  return messages;
}
