// Calendar dates (YYYY-MM-DD) as people write end dates: inclusive days in the access time zone
// (ACCESS_TIME_ZONE, default UTC). The engine compares instants, so a date-only end date is stored
// as the first instant after that day in the zone (exclusive), beside the date itself so that
// answers give the date back as it was written (README "Dates and time zones").

const DAY_MS = 86_400_000;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Whether `zone` is an IANA time-zone name this runtime knows ("UTC", "Europe/Berlin"). */
export function isTimeZone(zone: string): boolean {
  // Offsets ("+01:00") are accepted by newer ICU versions but are not IANA zones (no DST rules).
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(zone)) return false;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Offset of `zone` from UTC at `instant`, in milliseconds (positive east of Greenwich). */
function offsetAt(instant: number, zone: string): number {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: zone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit",
    });
    formatters.set(zone, f);
  }
  const p = Object.fromEntries(f.formatToParts(new Date(instant)).map((x) => [x.type, x.value]));
  const wall = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second));
  return wall - Math.floor(instant / 1000) * 1000;
}

/** The day as a Date at 00:00 UTC (how a DATE column carries it). */
export function dayValue(day: string): Date {
  const m = DATE.exec(day);
  if (!m) throw new Error(`not a calendar date: ${day}`);
  return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
}

/** "2026-03-31" of a DATE column's value. */
export function dayText(value: Date): string {
  return value.toISOString().slice(0, 10);
}

/** The first instant of `day` in `zone` (where midnight does not exist, the first instant after the gap). */
export function startOfDay(day: string | Date, zone: string): Date {
  const wall = (typeof day === "string" ? dayValue(day) : day).getTime();
  // Two passes: the offset at the guess, then at the corrected instant (DST changes near midnight).
  let t = wall - offsetAt(wall, zone);
  t = wall - offsetAt(t, zone);
  return new Date(t);
}

/** The instant access through `day` ends (exclusive): the start of the next day in `zone`. */
export function endOfDay(day: string | Date, zone: string): Date {
  const next = (typeof day === "string" ? dayValue(day) : day).getTime() + DAY_MS;
  return startOfDay(new Date(next), zone);
}

/** The calendar day `instant` falls on in `zone`, as YYYY-MM-DD. */
export function dayOf(instant: Date, zone: string): string {
  return new Date(instant.getTime() + offsetAt(instant.getTime(), zone)).toISOString().slice(0, 10);
}

/** How a date input is answered: the day as written ("2026-03-31"), else the instant (ISO 8601). */
export function datedText(instant: Date | null, day: Date | null): string | null {
  if (day) return dayText(day);
  return instant ? instant.toISOString() : null;
}
