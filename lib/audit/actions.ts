// The catalog of audit actions: every action the trail can hold, the shape of
// its before/after documents and whether it becomes a webhook event. recordAuditEvent accepts
// only these names; lib/webhooks/events.ts derives the webhook routing from `webhook`, and the
// outbox trigger's list of actions is checked against it (actions.test.ts).

/** A document recorded as before/after: a changed-fields diff, a SCIM resource, a summary. */
export type AuditDocument = object;

/** `after` of access.granted / access.revoked (lib/access/change-events.ts): the access now
 * and why it changed; the webhook fan-out reads `cause.kind`. */
export interface AccessChangeDocument {
  repositoryId: string;
  repositoryName: string | null;
  contracts: unknown;
  level: string | null;
  effectiveAt: string;
  cause: { kind: string };
}

/** `after` of group.updated: the webhook fan-out needs the member counts. */
export interface GroupUpdateDocument {
  membersAdded?: number;
  membersRemoved?: number;
  [detail: string]: unknown;
}

/** Actions whose documents have a fixed shape (the others: AuditDocument). */
interface AuditDocuments {
  "group.updated": { after: GroupUpdateDocument };
  "access.granted": { after: AccessChangeDocument };
  "access.revoked": { after: AccessChangeDocument };
  "audit.chain_broken": { after: { position?: string; eventId?: string | null; reason?: string; kind: "full" | "incremental" } };
}

interface ActionSpec {
  /** The webhook event type it is delivered as (refined per event in lib/webhooks/events.ts). */
  readonly webhook?: string;
}

export const AUDIT_ACTIONS = {
  // SCIM provisioning (directories)
  "user.created": { webhook: "user.provisioned" },
  "user.updated": { webhook: "user.updated" },
  // A reactivation is an update of `active` (there is no separate type to subscribe to).
  "user.activated": { webhook: "user.updated" },
  "user.deactivated": { webhook: "user.deactivated" },
  "user.deleted": { webhook: "user.deleted" },
  "group.created": {},
  // Recorded when attributes changed, possibly with members in the same request: a webhook only
  // when members changed too.
  "group.updated": { webhook: "group.membership_changed" },
  "group.members_changed": { webhook: "group.membership_changed" },
  "group.deleted": {},
  // Inactivity policy (lib/users/inactivity.ts)
  "user.inactive_flagged": {},
  "user.suspended": {},
  "user.reinstated": {},
  // Effective access (derived; lib/access/change-events.ts, lib/access/expiring.ts)
  "access.granted": { webhook: "access.granted" },
  "access.revoked": { webhook: "access.revoked" },
  "access.expiring": {},
  "access.exported": {},
  // The maintenance job found the group closure differing from its recomputation (lib/access/graph-check.ts).
  "access.graph_broken": {},
  // Contracts, repositories, rules, roles
  "contract.created": {},
  "contract.updated": {},
  "repository.created": {},
  "repository.updated": {},
  "rule.created": {},
  "rule.updated": {},
  "rule.deleted": {},
  // Exclusions (lib/exclusions): a deny beating every grant; the access.revoked / access.granted
  // events they cause are the webhooks (cause.kind exclusion.created / exclusion.lifted).
  "exclusion.created": {},
  "exclusion.lifted": {},
  // Ethical walls (lib/walls): lifecycle, scope, roster, acknowledgments and the decision-API
  // denials they caused. Activation and lifting also cause access.revoked / access.granted events
  // (cause.kind wall.activated / wall.lifted / wall.roster_added / wall.roster_removed …).
  "wall.created": {},
  "wall.updated": {},
  "wall.activated": { webhook: "wall.activated" },
  "wall.lifted": { webhook: "wall.lifted" },
  "wall.scope_added": {},
  "wall.scope_removed": {},
  "wall.roster_added": { webhook: "wall.roster_changed" },
  "wall.roster_removed": { webhook: "wall.roster_changed" },
  "wall.acknowledged": { webhook: "wall.acknowledged" },
  "wall.acknowledgment_reminded": { webhook: "wall.acknowledgment_requested" },
  "wall.breach_attempt": { webhook: "wall.breach_attempt" },
  // A screen certificate stored (lib/walls/certificate.ts): its SHA-256, the period, the trigger.
  "wall.certificate_issued": {},
  // Access review campaigns (lib/reviews)
  "repository.owners_changed": {},
  "review_definition.created": {},
  // Start, reminders, escalation and close tell reviewers (e-mail, lib/notifications) and subscribers.
  "review_campaign.started": { webhook: "review.campaign_started" },
  "review_campaign.reminded": { webhook: "review.reminder_sent" },
  "review_campaign.escalated": { webhook: "review.items_escalated" },
  "review_campaign.closed": { webhook: "review.campaign_closed" },
  "review_campaign.extended": {},
  "review_campaign.items_reassigned": {},
  "review_item.decided": {},
  "review_item.revoked": {},
  "review_campaign.carried_forward": {},
  // Wall reviews (lib/reviews/wall-reviews.ts): what closing did with an item (a removal from the
  // roster — itself wall.roster_removed —, a lift left to an admin), and the admin's answer to it.
  "review_wall_item.applied": {},
  "review_wall_item.lift_resolved": {},
  "mover_review.started": {},
  "group_role.assigned": {},
  "group_role.unassigned": {},
  // Directories and their credentials
  "directory.created": {},
  "directory.updated": {},
  "scim_token.created": {},
  "scim_token.revoked": {},
  "oauth_client.created": {},
  "oauth_client.revoked": {},
  // Dashboard accounts and API keys
  "account.created": {},
  "account.enabled": {},
  "account.disabled": {},
  "account.signed_in": {},
  "account.sign_in_failed": {},
  "account.locked": {},
  "account.password_changed": {},
  "account.password_reset": {},
  "api_key.created": {},
  "api_key.revoked": {},
  // Webhooks
  "webhook.endpoint_created": {},
  "webhook.endpoint_updated": {},
  "webhook.endpoint_enabled": {},
  "webhook.endpoint_disabled": {},
  "webhook.endpoint_auto_disabled": {},
  "webhook.endpoint_deleted": {},
  "webhook.secret_rotated": {},
  "webhook.delivery_replayed": {},
  // Evidence, the trail itself and privacy
  "evidence.exported": {},
  "audit.chain_broken": { webhook: "audit.chain_broken" },
  "audit.retention_applied": {},
  "privacy.erased": {},
  // The demo loader's marker (lib/demo/organisation.ts): the demo data is present.
  "demo.loaded": {},
} as const satisfies Record<string, ActionSpec>;

export type AuditAction = keyof typeof AUDIT_ACTIONS;
type DocumentOf<A, Side extends "before" | "after"> = A extends keyof AuditDocuments
  ? AuditDocuments[A] extends Record<Side, infer D> ? D : AuditDocument
  : AuditDocument;
export type BeforeOf<A extends AuditAction> = DocumentOf<A, "before">;
export type AfterOf<A extends AuditAction> = DocumentOf<A, "after">;

export function isAuditAction(value: string): value is AuditAction {
  return Object.hasOwn(AUDIT_ACTIONS, value);
}

/** The actions delivered as webhooks, in catalog order (the outbox trigger enqueues exactly these). */
export const WEBHOOK_SOURCE_ACTIONS = (Object.keys(AUDIT_ACTIONS) as AuditAction[]).filter(
  (a) => "webhook" in AUDIT_ACTIONS[a],
);
