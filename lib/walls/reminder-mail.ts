// The e-mail of a wall's acknowledgment reminder, ready for the e-mail outbox (lib/notifications/
// outbox.ts, from the review-notifications work: not on main when this was written). The hook:
// remindWallAcknowledgments (./service.ts) records wall.acknowledgment_reminded — delivered now as
// the webhook wall.acknowledgment_requested through the audit outbox — and, once the e-mail outbox
// is merged, also queues these messages in the same transaction:
//   await enqueueEmails(tx, { messages: wallReminderMessages({ wall, people, link: appLink("/walls") }), eventId, now });
// The message names the wall and the matter, never the other people on it.

export interface WallReminderMessage {
  kind: "wall.acknowledgment_reminder";
  recipientId: string;
  to: string;
  subject: string;
  /** Plain text. */
  body: string;
}

export function wallReminderMessages(options: {
  wall: { name: string; matterRef: string | null; gatesAccess: boolean };
  people: { userId: string; email: string | null }[];
  /** The absolute link to "My walls". */
  link: string;
}): WallReminderMessage[] {
  const { wall } = options;
  const matter = wall.matterRef ? ` (${wall.matterRef})` : "";
  return options.people.flatMap((p) =>
    p.email
      ? [
          {
            kind: "wall.acknowledgment_reminder" as const,
            recipientId: p.userId,
            to: p.email,
            // One line: names typed by people must not become header lines.
            subject: `Please acknowledge the ethical wall "${wall.name}"${matter}`.replace(/\s+/g, " ").trim().slice(0, 250),
            body:
              `You are on the ethical wall "${wall.name}"${matter}. Its memo asks for your acknowledgment.\n\n` +
              (wall.gatesAccess ? "Your access to the matter's contracts is withheld until you acknowledge it.\n\n" : "") +
              `Read and acknowledge it in My walls: ${options.link}\n\n—\nCustodian ethical walls. You receive this message because you are on this wall's roster.`,
          },
        ]
      : [],
  );
}
