"use client";

// Every time the dashboard shows goes through here: <time> with the machine-readable instant, the
// UTC instant on hover and the text of the one formatter (lib/time-format.ts) in the viewer's
// locale and zone. The server cannot know the viewer's zone, so it renders UTC (labelled) and the
// browser swaps in local time after hydration — the first client render matches the server's.
import { useSyncExternalStore } from "react";
import { formatDate, formatDateTime, formatUtc, NO_TIME, toIso } from "@/lib/time-format";
import { formatRelative } from "./relative-time";

const subscribe = () => () => {};

export function Time({ value, date = false, seconds = false, className }: {
  value: string | Date | null | undefined;
  /** A calendar date (contract dates), not an instant. */
  date?: boolean;
  seconds?: boolean;
  className?: string;
}) {
  const isClient = useSyncExternalStore(subscribe, () => true, () => false);
  const iso = toIso(value);
  if (!iso) return <>{NO_TIME}</>;
  const text = date
    ? formatDate(iso, isClient ? {} : { locale: "en-GB" })
    : isClient ? formatDateTime(iso, { seconds }) : `${formatDateTime(iso, { seconds, locale: "en-GB", timeZone: "UTC" })} UTC`;
  return (
    <time data-time="" dateTime={date ? iso.slice(0, 10) : iso} title={date ? iso.slice(0, 10) : formatUtc(iso)} className={className}>
      {text}
    </time>
  );
}

/** Whether a date field holds a calendar day ("2026-03-31") rather than an instant: contract dates
 * given date-only come back as days, those given as instants (or migrated past ones) as instants. */
export const isDay = (value: string | null | undefined) => typeof value === "string" && /^\d{4}-\d{2}-\d{2}$/.test(value);

/** "3 min ago" for recency columns (last used, last request); the exact time on hover. */
export function RelativeTime({ value, never = "never" }: { value: string | null | undefined; never?: string }) {
  const iso = toIso(value);
  if (!iso) return <>{never}</>;
  return (
    <time data-time="" dateTime={iso} title={`${formatDateTime(iso)} (${formatUtc(iso)})`}>
      {formatRelative(iso)}
    </time>
  );
}
