// The `at` of every access read (API v1, the dashboard's access review and its export): one parser,
// so all of them refuse the same future. An answer "as of" a future instant would silently be
// today's answer (the history has nothing after now), which an auditor could take for a forecast.
import { z } from "zod";
import { now as clockNow } from "@/lib/clock";
import { startOfDay } from "@/lib/calendar-date";
import { getConfig } from "@/lib/config";
import { AppError } from "@/lib/errors";

/** Tolerated lead of `at` over the server clock: callers' clocks drift a little. */
export const AT_CLOCK_SKEW_MS = 5 * 60_000;

/** `at` as a Date; AppError invalid_input (400) naming `at` when it is further ahead than the skew. */
export function pastInstant(at: Date): Date {
  const limit = clockNow().getTime() + AT_CLOCK_SKEW_MS;
  if (at.getTime() > limit) {
    const message = `at (${at.toISOString()}) is in the future: access is answered for now or a past instant only (up to ${AT_CLOCK_SKEW_MS / 60_000} minutes of clock skew tolerated)`;
    throw new AppError("invalid_input", message, [{ path: "at", message }]);
  }
  return at;
}

/** A date-only instant input: the start of that day in ACCESS_TIME_ZONE (default UTC). */
export const instantOf = (v: string): Date => (v.length === 10 ? startOfDay(v, getConfig().ACCESS_TIME_ZONE) : new Date(v));

/** An instant: an RFC 3339 date-time with offset, or a calendar date (its start in ACCESS_TIME_ZONE); never the future. */
export const atInput = z
  .union([z.iso.datetime({ offset: true }), z.iso.date()], { error: "must be an ISO 8601 date-time or date (YYYY-MM-DD)" })
  .transform((v) => pastInstant(instantOf(v)));
