// The application clock. Services stamp what they store as history — audit events, membership
// and status intervals, contract revisions, rule versions, timed effects — with now() rather than
// new Date(), so that a loader (scripts/demo.ts) can write back-dated history through the real
// code paths: inside runAt(date, fn), now() starts at `date` and advances with real time (the
// order of writes, and "just before / just after" comparisons, behave as in normal operation).
// Outside runAt, now() is the system clock: normal operation is unchanged.
import { AsyncLocalStorage } from "node:async_hooks";

const override = new AsyncLocalStorage<{ offsetMs: number }>();

/** The current instant of the application clock (the system clock unless inside runAt). */
export function now(): Date {
  const store = override.getStore();
  return new Date(Date.now() + (store ? store.offsetMs : 0));
}

/** Runs `fn` (and everything it awaits) with the clock set to `at`, advancing from there. */
export function runAt<T>(at: Date, fn: () => T): T {
  if (Number.isNaN(at.getTime())) throw new Error("runAt: invalid date");
  return override.run({ offsetMs: at.getTime() - Date.now() }, fn);
}
