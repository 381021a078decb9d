// The time window of an evidence pack: [from, to), validated once at the boundary.
import { z } from "zod";
import { now as clockNow } from "@/lib/clock";
import { instantOf } from "@/lib/access/instant";

export const MAX_WINDOW_DAYS = 3 * 366;
const DAY = 86_400_000;

// A date is the start of that day in ACCESS_TIME_ZONE (so `to` as a date is exclusive).
const instantInput = z
  .union([z.iso.datetime({ offset: true }), z.iso.date()], { error: "must be an ISO 8601 date-time (or YYYY-MM-DD)" })
  .transform(instantOf);

export const windowInput = z
  .object({ from: instantInput, to: instantInput })
  .refine((w) => w.from.getTime() < w.to.getTime(), { message: "must be after from", path: ["to"] })
  .refine((w) => w.to.getTime() - w.from.getTime() <= MAX_WINDOW_DAYS * DAY, {
    message: `the window may span at most ${MAX_WINDOW_DAYS} days`,
    path: ["to"],
  });

export interface Window {
  from: Date;
  to: Date;
}

/**
 * Evidence is about what happened: a window reaching into the future ends now (the engine would
 * otherwise report today's state as if it were certain to last).
 */
export function clipWindow(window: Window, now: Date = clockNow()): Window {
  const to = window.to.getTime() > now.getTime() ? now : window.to;
  if (to.getTime() <= window.from.getTime()) return { from: window.from, to: window.from };
  return { from: window.from, to };
}
