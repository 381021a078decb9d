// The e-mail of a wall's acknowledgment reminder, queued in the e-mail outbox by
// remindWallAcknowledgments (./service.ts) in the transaction of its wall.acknowledgment_reminded
// event (which also goes out as the webhook wall.acknowledgment_requested). The message names the
// wall and the matter, never the other people on it.
import type { EmailMessage } from "@/lib/notifications/outbox";

export function wallReminderMessages(options: {
  wall: { name: string; matterRef: string | null; gatesAccess: boolean };
  people: { userId: string; email: string | null }[];
  /** The absolute link to "My walls". */
  link: string;
}): EmailMessage[] {
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
