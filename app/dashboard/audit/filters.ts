// The audit trail's filters as they appear in the page URL (shareable links). `from`/`to` are
// datetime-local values in the viewer's time zone; they become ISO instants for the API.
import { fromLocalInputValue } from "@/components/ui/format";

export const AUDIT_FILTER_KEYS = [
  "from", "to", "actorType", "actor", "action", "targetType", "targetId", "target", "directoryId", "requestId", "q",
] as const;

export type AuditFilterKey = (typeof AUDIT_FILTER_KEYS)[number];
export type AuditFilters = Record<AuditFilterKey, string>;

export const EMPTY_FILTERS = Object.fromEntries(AUDIT_FILTER_KEYS.map((k) => [k, ""])) as AuditFilters;

/** The page URL's query string (empty values left out). */
export function urlQuery(filters: AuditFilters): string {
  const q = new URLSearchParams();
  for (const k of AUDIT_FILTER_KEYS) if (filters[k].trim()) q.set(k, filters[k].trim());
  return q.toString();
}

/** The API's query string: times as ISO instants. */
export function apiQuery(filters: AuditFilters): string {
  const q = new URLSearchParams();
  for (const k of AUDIT_FILTER_KEYS) {
    const raw = filters[k].trim();
    if (!raw) continue;
    const value = k === "from" || k === "to" ? (fromLocalInputValue(raw) ?? raw) : raw;
    q.set(k, value);
  }
  return q.toString();
}
