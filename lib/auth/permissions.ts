// The one permission table of the dashboard and admin APIs. Every page, server action and route
// checks an action here through requirePermission(); menus only mirror it.
export const ROLES = ["admin", "compliance", "auditor"] as const;
export type Role = (typeof ROLES)[number];

export const ACTIONS = [
  "overview:read",
  "users:read",
  "groups:read",
  "contracts:read",
  "contracts:write",
  "rules:read",
  "rules:write",
  // Deny a person a repository or contract, and lift such a deny (lib/exclusions): admins only.
  "exclusions:write",
  // Ethical walls (lib/walls): create, edit, activate, lift, rosters, acknowledgments on behalf
  // (admins and compliance); read them, their attempts and previews (auditors too).
  "walls:write",
  "walls:read",
  // Access review campaigns: define, start, close (admins and compliance); read and report (auditors too).
  // Reviewing one's own queue needs no action: route({ auth: { reviewer: true } }).
  "campaigns:manage",
  "campaigns:read",
  "access:review",
  "access:export",
  "audit:read",
  "audit:export",
  "evidence:export",
  "directories:read",
  "directories:write",
  "accounts:manage",
  "api-keys:manage",
  // GDPR erasure of a user's personal data (deletes a user still provisioned): admins only.
  "users:erase",
  "webhooks:manage",
  // A local account changes its own password (every role; SSO people have none here).
  "own-password:change",
] as const;
export type Action = (typeof ACTIONS)[number];

const READ_EVERYTHING: Action[] = ["overview:read", "users:read", "groups:read", "contracts:read", "rules:read", "directories:read"];

export const PERMISSIONS: Record<Role, ReadonlySet<Action>> = {
  admin: new Set(ACTIONS),
  // Reads everything, reviews and exports access; changes no configuration.
  compliance: new Set<Action>([...READ_EVERYTHING, "walls:read", "walls:write", "campaigns:manage", "campaigns:read", "access:review", "access:export", "audit:read", "audit:export", "evidence:export", "own-password:change"]),
  // The audit trail and reports, read-only.
  auditor: new Set<Action>(["overview:read", "walls:read", "campaigns:read", "audit:read", "audit:export", "access:review", "access:export", "evidence:export", "own-password:change"]),
};

export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}

export function can(roles: readonly Role[], action: Action): boolean {
  return roles.some((r) => PERMISSIONS[r].has(action));
}

/** The most powerful of several roles (an SSO user may hold several through groups). */
export function highestRole(roles: readonly Role[]): Role | undefined {
  return ROLES.find((r) => roles.includes(r));
}
