import { describe, expect, it } from "vitest";
import { dayOf, endOfDay, isTimeZone, startOfDay } from "./calendar-date";
import { parseConfig } from "./config";

describe("calendar dates in a time zone", () => {
  it("ends a day at the next day's first instant in the zone, across DST changes", () => {
    expect(endOfDay("2026-03-31", "UTC").toISOString()).toBe("2026-04-01T00:00:00.000Z");
    // Berlin: CET (+1) until 29 March 2026, CEST (+2) after.
    expect(endOfDay("2026-03-31", "Europe/Berlin").toISOString()).toBe("2026-03-31T22:00:00.000Z");
    expect(endOfDay("2026-03-28", "Europe/Berlin").toISOString()).toBe("2026-03-28T23:00:00.000Z");
    expect(endOfDay("2026-03-28", "Europe/Berlin").toISOString()).toBe(startOfDay("2026-03-29", "Europe/Berlin").toISOString());
    // The day of the change itself is 23 hours long.
    expect(endOfDay("2026-03-29", "Europe/Berlin").getTime() - startOfDay("2026-03-29", "Europe/Berlin").getTime()).toBe(23 * 3600_000);
    expect(endOfDay("2026-12-31", "America/New_York").toISOString()).toBe("2027-01-01T05:00:00.000Z");
    expect(endOfDay("2026-06-30", "Asia/Kolkata").toISOString()).toBe("2026-06-30T18:30:00.000Z");
    expect(dayOf(new Date("2026-03-31T21:59:59Z"), "Europe/Berlin")).toBe("2026-03-31");
    expect(dayOf(new Date("2026-03-31T22:00:00Z"), "Europe/Berlin")).toBe("2026-04-01");
  });

  it("ACCESS_TIME_ZONE: UTC by default, IANA names only", () => {
    expect(parseConfig({}).ACCESS_TIME_ZONE).toBe("UTC");
    expect(parseConfig({ ACCESS_TIME_ZONE: "Europe/Berlin" }).ACCESS_TIME_ZONE).toBe("Europe/Berlin");
    expect(isTimeZone("Mars/Olympus")).toBe(false);
    expect(isTimeZone("+01:00")).toBe(false);
    expect(() => parseConfig({ ACCESS_TIME_ZONE: "Mars/Olympus" })).toThrow(/ACCESS_TIME_ZONE: must be an IANA time zone name/);
  });
});
