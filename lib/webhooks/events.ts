// Webhook event types and how audit events become them. The payload is built from the audit
// event alone (ids and the non-secret fields the audit trail already shows), so a delivery made
// an hour after the change says exactly what the change recorded. Which audit actions become
// webhooks, and as which type, is the audit action catalog's `webhook` (lib/audit/actions.ts).
import { AUDIT_ACTIONS, isAuditAction } from "@/lib/audit/actions";

export const WEBHOOK_EVENT_TYPES = [
  "user.provisioned",
  "user.updated",
  "user.deactivated",
  "user.deleted",
  "group.membership_changed",
  "access.granted",
  "access.revoked",
  "contract.access_ended",
  "audit.chain_broken",
  "wall.activated",
  "wall.lifted",
  "wall.roster_changed",
  "wall.acknowledged",
  "wall.acknowledgment_requested",
  "wall.breach_attempt",
  "review.campaign_started",
  "review.reminder_sent",
  "review.items_escalated",
  "review.campaign_closed",
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** A delivery of "send test event"; never produced by a change. */
export const TEST_EVENT_TYPE = "webhook.test";

export const EVENT_TYPE_LABELS: Record<WebhookEventType, string> = {
  "user.provisioned": "User provisioned",
  "user.updated": "User updated",
  "user.deactivated": "User deactivated",
  "user.deleted": "User deleted",
  "group.membership_changed": "Group membership changed",
  "access.granted": "Access granted",
  "access.revoked": "Access revoked",
  "contract.access_ended": "Contract access ended (contract end date passed)",
  "audit.chain_broken": "Audit chain broken",
  "wall.activated": "Ethical wall activated",
  "wall.lifted": "Ethical wall lifted",
  "wall.roster_changed": "Ethical wall roster changed",
  "wall.acknowledged": "Ethical wall memo acknowledged",
  "wall.acknowledgment_requested": "Ethical wall acknowledgment requested (reminder)",
  "wall.breach_attempt": "Ethical wall: denied access attempt",
  "review.campaign_started": "Access review started (reviewers assigned)",
  "review.reminder_sent": "Access review reminder sent",
  "review.items_escalated": "Access review items escalated to the fallback reviewer",
  "review.campaign_closed": "Access review closed",
};

/** The type the catalog delivers an action as (its return type checks the catalog's names). */
function webhookTypeOf(action: string): WebhookEventType | undefined {
  if (!isAuditAction(action)) return undefined;
  const spec = AUDIT_ACTIONS[action];
  return "webhook" in spec ? spec.webhook : undefined;
}

export interface SourceAuditEvent {
  id: string;
  createdAt: Date;
  action: string;
  directoryId: string | null;
  actorType: string;
  actorLabel: string | null;
  targetType: string | null;
  targetId: string | null;
  targetLabel: string | null;
  before: unknown;
  after: unknown;
}

/**
 * The event types an audit event stands for, most specific first. A revocation because a
 * contract's end date passed (the timed-effects job records it with cause.kind "contract.end")
 * is both "contract.access_ended" and "access.revoked".
 */
export function eventTypesOf(event: Pick<SourceAuditEvent, "action" | "after">): WebhookEventType[] {
  const type = webhookTypeOf(event.action);
  if (!type) return [];
  if (event.action === "group.updated" && !changedMembers(event.after)) return [];
  if (type === "access.revoked" && causeKind(event.after) === "contract.end") return ["contract.access_ended", "access.revoked"];
  return [type];
}

function changedMembers(after: unknown): boolean {
  if (!after || typeof after !== "object") return false;
  const a = after as { membersAdded?: unknown; membersRemoved?: unknown };
  return Number(a.membersAdded ?? 0) > 0 || Number(a.membersRemoved ?? 0) > 0;
}

function causeKind(after: unknown): string | undefined {
  if (!after || typeof after !== "object") return undefined;
  const cause = (after as { cause?: unknown }).cause;
  return cause && typeof cause === "object" ? String((cause as { kind?: unknown }).kind ?? "") : undefined;
}

/** The type one endpoint receives this event as: the most specific type it subscribed to. */
export function deliveredTypeFor(types: WebhookEventType[], subscribed: readonly string[]): WebhookEventType | undefined {
  return types.find((t) => subscribed.includes(t));
}

export interface WebhookPayload {
  /** The audit event's id: the same for every delivery and replay of it (the idempotency key). */
  id: string;
  type: string;
  occurredAt: string;
  directoryId: string | null;
  data: Record<string, unknown>;
}

export function payloadOf(event: SourceAuditEvent, type: WebhookEventType): WebhookPayload {
  return {
    id: event.id,
    type,
    occurredAt: event.createdAt.toISOString(),
    directoryId: event.directoryId,
    data: {
      action: event.action,
      target: event.targetType ? { type: event.targetType, id: event.targetId, label: event.targetLabel } : null,
      actor: { type: event.actorType, label: event.actorLabel },
      before: event.before ?? null,
      after: event.after ?? null,
    },
  };
}
