// Webhook event types and how audit events become them. The payload is built from the audit
// event alone (ids and the non-secret fields the audit trail already shows), so a delivery made
// an hour after the change says exactly what the change recorded.

/** Audit actions that can become webhook events (the outbox trigger's list, migration 20261128100000). */
export const WEBHOOK_SOURCE_ACTIONS = [
  "user.created",
  "user.updated",
  "user.activated",
  "user.deactivated",
  "user.deleted",
  "group.members_changed",
  "group.updated",
  "access.granted",
  "access.revoked",
  "audit.chain_broken",
] as const;

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
};

const BY_ACTION: Record<(typeof WEBHOOK_SOURCE_ACTIONS)[number], WebhookEventType> = {
  "user.created": "user.provisioned",
  "user.updated": "user.updated",
  // A reactivation is an update of `active` (there is no separate type to subscribe to).
  "user.activated": "user.updated",
  "user.deactivated": "user.deactivated",
  "user.deleted": "user.deleted",
  "group.members_changed": "group.membership_changed",
  // group.updated is recorded when attributes changed, possibly with members in the same request.
  "group.updated": "group.membership_changed",
  "access.granted": "access.granted",
  "access.revoked": "access.revoked",
  "audit.chain_broken": "audit.chain_broken",
};

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
  const type = BY_ACTION[event.action as keyof typeof BY_ACTION];
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
