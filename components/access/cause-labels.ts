// What changed someone's access, in words, for the overview's "Recent revocations": one label per
// cause kind the engine records (lib/access/change-events.ts AccessChangeCause.kind).
const CAUSES: Record<string, string> = {
  "membership.removed": "Removed from a group",
  "membership.changed": "Group membership changed",
  "membership.added": "Group membership changed",
  "group.deleted": "A group was deleted",
  "user.deactivated": "Account deactivated",
  "user.deleted": "Account deleted",
  "user.activated": "Account reactivated",
  "rule.created": "A rule was created",
  "rule.updated": "A rule was changed",
  "rule.deleted": "A rule was deleted",
  "contract.updated": "A contract was changed",
  "contract.deleted": "A contract was deleted",
  "rule.expiry": "A rule expired",
  "rule.start": "A rule took effect",
  "timed": "Contract ends and rule expiries",
  "exclusion.created": "Excluded (a review campaign's revocation or an admin's exclusion)",
  "exclusion.lifted": "An exclusion was lifted",
  "exclusion.end": "An exclusion ended",
  "wall.activated": "An ethical wall was activated",
  "wall.lifted": "An ethical wall was lifted",
  "wall.scope_added": "An ethical wall's scope grew",
  "wall.scope_removed": "An ethical wall's scope shrank",
  "wall.roster_added": "Added to an ethical wall's roster",
  "wall.roster_removed": "Removed from an ethical wall's roster",
  "wall.acknowledged": "An ethical wall's memo was acknowledged",
};

/** The cause in words; an unknown kind shows as it is (better than nothing, and the test lists the known ones). */
export const causeLabel = (kind: string): string => CAUSES[kind] ?? kind;
