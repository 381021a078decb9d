// When a recurring definition's campaigns start: calendar months from the first start, in UTC.
// Pure (the scheduler and the campaign pages both ask it).
import { RECURRENCE_MONTHS, type Recurrence } from "./schemas";

/** `d` plus whole calendar months in UTC; a day the month lacks becomes its last day (31 Jan + 1 → 28/29 Feb). */
export function addMonthsUtc(d: Date, months: number): Date {
  const first = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1, d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds()));
  const lastDay = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate();
  first.setUTCDate(Math.min(d.getUTCDate(), lastDay));
  return first;
}

/** The latest occurrence at or before `now` (null before the first). */
export function latestOccurrence(recurrence: { every: Recurrence; startAt: string }, now: Date): Date | null {
  const start = new Date(recurrence.startAt);
  if (now < start) return null;
  const m = RECURRENCE_MONTHS[recurrence.every];
  let k = Math.floor(((now.getUTCFullYear() - start.getUTCFullYear()) * 12 + now.getUTCMonth() - start.getUTCMonth()) / m);
  while (k > 0 && addMonthsUtc(start, k * m) > now) k--;
  while (addMonthsUtc(start, (k + 1) * m) <= now) k++;
  return addMonthsUtc(start, k * m);
}

/** The next occurrence after `now` (for pages). */
export function nextOccurrence(recurrence: { every: Recurrence; startAt: string }, now: Date): Date {
  const latest = latestOccurrence(recurrence, now);
  if (!latest) return new Date(recurrence.startAt);
  const start = new Date(recurrence.startAt);
  const m = RECURRENCE_MONTHS[recurrence.every];
  let k = 1;
  while (addMonthsUtc(start, k * m) <= now) k++;
  return addMonthsUtc(start, k * m);
}
