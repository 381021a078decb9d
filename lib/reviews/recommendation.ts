// Recommendations on access review items (issue 19) and why each was made: revoke when the person is
// flagged inactive, untouched by the directory for the definition's inactivity period, or never
// opened anything in the campaign's scope for its "never opened" period; keep when kept unchanged
// in the previous campaign of the definition and opened recently. Pure: the campaign planner
// (./service.ts) gives the facts. (Deactivated people have no access, so are in no population.)

const DAY_MS = 86_400_000;

export const RECOMMENDATION_REASONS = ["flagged_inactive", "inactive", "never_opened", "kept_and_opened"] as const;
export type RecommendationReason = (typeof RECOMMENDATION_REASONS)[number];

export interface Recommendation {
  recommendation: "keep" | "revoke" | null;
  reason: RecommendationReason | null;
}

/** A sentence for a reason, as My reviews and the report show it. */
export function recommendationText(reason: string | null, facts: { inactiveDays?: number | null; neverOpenedDays?: number | null } = {}): string | null {
  switch (reason) {
    case "flagged_inactive":
      return "the person is flagged inactive";
    case "inactive":
      return `the directory has not touched the person for ${facts.inactiveDays ?? "many"} days`;
    case "never_opened":
      return facts.neverOpenedDays ? `opened nothing in the campaign's scope for ${facts.neverOpenedDays} days` : "opened nothing in the campaign's scope";
    case "kept_and_opened":
      return "kept unchanged in the previous campaign and opened recently";
    default:
      return null;
  }
}

/**
 * The people who opened nothing in scope for `days`: the decision log's last permit on any of
 * their items (null: never) is older than `days` before `at`, and they have held access in scope
 * for at least that long (someone granted access last week has had no chance to open anything).
 */
export function peopleNeverOpened(options: {
  at: Date;
  days: number | null | undefined;
  items: { userId: string; lastOpenedAt: Date | null; reasons: { since: string | Date }[] }[];
}): Set<string> {
  const out = new Set<string>();
  if (!options.days) return out;
  const cutoff = options.at.getTime() - options.days * DAY_MS;
  const latest = new Map<string, number>();
  const earliest = new Map<string, number>();
  for (const item of options.items) {
    const opened = item.lastOpenedAt?.getTime() ?? -Infinity;
    latest.set(item.userId, Math.max(latest.get(item.userId) ?? -Infinity, opened));
    for (const r of item.reasons) {
      const since = new Date(r.since).getTime();
      if (!Number.isNaN(since)) earliest.set(item.userId, Math.min(earliest.get(item.userId) ?? Infinity, since));
    }
  }
  for (const [userId, opened] of latest) {
    if (opened < cutoff && (earliest.get(userId) ?? Infinity) <= cutoff) out.add(userId);
  }
  return out;
}

/** The recommendation for one item, first reason first (flagged, inactive, never opened; then keep). */
export function recommend(facts: {
  flagged: boolean;
  inactiveDays: number;
  inactivityRevokeDays: number;
  neverOpened: boolean;
  keptBefore: boolean;
  openedRecently: boolean;
}): Recommendation {
  if (facts.flagged) return { recommendation: "revoke", reason: "flagged_inactive" };
  if (facts.inactiveDays >= facts.inactivityRevokeDays) return { recommendation: "revoke", reason: "inactive" };
  if (facts.neverOpened) return { recommendation: "revoke", reason: "never_opened" };
  if (facts.keptBefore && facts.openedRecently) return { recommendation: "keep", reason: "kept_and_opened" };
  return { recommendation: null, reason: null };
}
