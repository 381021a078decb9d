import { describe, expect, it } from "vitest";
import { formatDate, formatDateTime, formatDayShort, formatUtc, NO_TIME, toIso } from "./time-format";

const instant = "2026-07-11T00:40:52Z";

describe("the one time formatter", () => {
  it("names the month, so 11 July never reads as 7 November, in any locale", () => {
    expect(formatDateTime(instant, { locale: "en-GB", timeZone: "UTC" })).toBe("11 Jul 2026, 00:40");
    expect(formatDateTime(instant, { locale: "en-US", timeZone: "UTC" })).toBe("Jul 11, 2026, 12:40 AM");
    expect(formatDateTime(instant, { locale: "en-US", timeZone: "UTC", seconds: true })).toBe("Jul 11, 2026, 12:40:52 AM");
  });

  it("shows the viewer's time zone for instants and the named day for calendar dates", () => {
    expect(formatDateTime(instant, { locale: "en-GB", timeZone: "America/New_York" })).toBe("10 Jul 2026, 20:40");
    // A contract ending 11 July ends on 11 July in New York too.
    expect(formatDate("2026-07-11T00:00:00Z", { locale: "en-GB" })).toBe("11 Jul 2026");
  });

  it("gives UTC for hovers, ISO 8601 for machines and a dash for nothing", () => {
    expect(formatUtc(instant)).toBe("2026-07-11 00:40:52 UTC");
    expect(toIso(new Date(instant))).toBe("2026-07-11T00:40:52.000Z");
    expect(formatDateTime(null)).toBe(NO_TIME);
    expect(formatDate("not a date")).toBe(NO_TIME);
    expect(formatDayShort("2026-12-07", { locale: "en-GB" })).toBe("7 Dec");
  });
});
