// The e-mail outbox: a change that tells people something (a campaign started, a reminder, an
// escalation, a close) writes its messages here in its own transaction, so a change that rolls
// back sends nothing and a crash after the commit loses nothing; ./dispatcher.ts delivers them.
// E-mail is off unless SMTP_URL is set: then nothing is written at all (the webhook events of the
// same changes still go out through the audit trail's outbox).
import { getConfig } from "@/lib/config";
import type { Tx } from "@/lib/db/errors";

export const EMAIL_KINDS = ["review.assignment", "review.reminder", "review.escalation", "review.reassignment", "review.closed", "wall.acknowledgment_reminder"] as const;
export type EmailKind = (typeof EMAIL_KINDS)[number];

export interface EmailMessage {
  kind: EmailKind;
  /** The directory person it is for, when it is one (GDPR erasure removes their pending and sent rows). */
  recipientId?: string | null;
  to: string;
  subject: string;
  /** Plain text. */
  body: string;
  campaignId?: string | null;
}

/** Whether notification e-mails are configured (SMTP_URL). */
export function emailEnabled(): boolean {
  return !!getConfig().SMTP_URL;
}

/** An absolute link into the app (a path below it): NEXTAUTH_URL, the public URL, else this server on localhost. */
export function appLink(path: string): string {
  const config = getConfig();
  const base = config.NEXTAUTH_URL ?? `http://localhost:${config.PORT}`;
  return new URL(path.replace(/^\/+/, ""), base.endsWith("/") ? base : `${base}/`).toString();
}

/** The people's addresses: active people of a directory with a primary e-mail. */
export async function addressesOf(tx: Tx, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const people = await tx.user.findMany({ where: { id: { in: [...new Set(ids)] }, active: true, primaryEmail: { not: null } }, select: { id: true, primaryEmail: true } });
  return new Map(people.map((p) => [p.id, p.primaryEmail!]));
}

/** Writes the messages in the caller's transaction; nothing when e-mail is off. Returns how many were queued. */
export async function enqueueEmails(tx: Tx, options: { messages: EmailMessage[]; eventId?: string | null; now: Date }): Promise<number> {
  if (!emailEnabled()) return 0;
  const rows = options.messages
    .filter((m) => m.to)
    .map((m) => ({
      kind: m.kind,
      recipientId: m.recipientId ?? null,
      toAddress: m.to,
      // One line: names typed by people must not become header lines.
      subject: m.subject.replace(/\s+/g, " ").trim().slice(0, 250),
      body: m.body,
      campaignId: m.campaignId ?? null,
      eventId: options.eventId ?? null,
      nextAttemptAt: options.now,
      createdAt: options.now,
    }));
  const BATCH = 1000;
  for (let i = 0; i < rows.length; i += BATCH) await tx.emailOutbox.createMany({ data: rows.slice(i, i + BATCH) });
  return rows.length;
}
