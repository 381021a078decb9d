// The one way the dashboard shows time. Instants read in the viewer's locale and time zone with
// the month as a word (no 07/11 vs 11/07 ambiguity), calendar dates (contract end dates, stored
// as UTC midnight) as the day they name, and the UTC instant for hovers. Pure: server and client
// components both call it; exports do not (they write ISO 8601, see lib/csv.ts).

export type TimeInput = string | Date | null | undefined;

export interface FormatOptions {
  /** BCP 47 locale; the runtime's (the browser's: the viewer's) when omitted. */
  locale?: string;
  /** IANA zone; the runtime's (the viewer's) when omitted. */
  timeZone?: string;
  /** Show seconds (point-in-time selectors are to the second). */
  seconds?: boolean;
}

/** The placeholder for a missing or invalid time. */
export const NO_TIME = "—";

function toDate(value: TimeInput): Date | undefined {
  if (!value) return undefined;
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** "8 Sept 2026, 11:00" (en-GB) / "Sep 8, 2026, 11:00 AM" (en-US): an instant, viewer's zone. */
export function formatDateTime(value: TimeInput, options: FormatOptions = {}): string {
  const date = toDate(value);
  if (!date) return NO_TIME;
  return new Intl.DateTimeFormat(options.locale, {
    day: "numeric",
    month: "short",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    ...(options.seconds ? { second: "2-digit" } : {}),
    ...(options.timeZone ? { timeZone: options.timeZone } : {}),
  }).format(date);
}

/** "8 Sept 2026": a calendar date (stored as UTC midnight), the same day in every zone. */
export function formatDate(value: TimeInput, options: Pick<FormatOptions, "locale"> = {}): string {
  const date = toDate(value);
  if (!date) return NO_TIME;
  return new Intl.DateTimeFormat(options.locale, { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" }).format(date);
}

/** "2026-09-08 11:00:00 UTC": the unambiguous instant, for hovers. */
export function formatUtc(value: TimeInput): string {
  const date = toDate(value);
  if (!date) return NO_TIME;
  return `${date.toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

/** "2026-09-08T11:00:00.000Z": ISO 8601 with its offset (Z), for machine-readable attributes and exports. */
export function toIso(value: TimeInput): string | undefined {
  return toDate(value)?.toISOString();
}

/** "7 Dec" / "Dec 7": a UTC calendar day (YYYY-MM-DD) on a chart axis. */
export function formatDayShort(day: string, options: Pick<FormatOptions, "locale"> = {}): string {
  const date = toDate(`${day}T00:00:00Z`);
  if (!date) return NO_TIME;
  return new Intl.DateTimeFormat(options.locale, { day: "numeric", month: "short", timeZone: "UTC" }).format(date);
}
