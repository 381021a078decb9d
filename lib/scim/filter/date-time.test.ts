import { describe, expect, it } from "vitest";
import { isIsoDateTime, parseIsoDateTime } from "./date-time";

describe("parseIsoDateTime", () => {
  const valid: Array<[string, string]> = [
    ["2011-05-13T04:42:34Z", "2011-05-13T04:42:34.000Z"],
    ["2011-05-13T04:42:34.5Z", "2011-05-13T04:42:34.500Z"],
    ["2011-05-13T04:42:34.123456789Z", "2011-05-13T04:42:34.123Z"],
    ["2011-05-13T04:42Z", "2011-05-13T04:42:00.000Z"],
    ["2011-05-13T04:42:34+02:00", "2011-05-13T02:42:34.000Z"],
    ["2011-05-13T04:42:34-0530", "2011-05-13T10:12:34.000Z"],
    ["2011-05-13T04:42:34+01", "2011-05-13T03:42:34.000Z"],
    ["2011-05-13T04:42:34", "2011-05-13T04:42:34.000Z"],
    ["2024-02-29T00:00:00z", "2024-02-29T00:00:00.000Z"],
    ["0099-12-31T23:59:59Z", "0099-12-31T23:59:59.000Z"],
  ];

  it.each(valid)("reads %s", (text, iso) => {
    expect(new Date(parseIsoDateTime(text) as number).toISOString()).toBe(iso);
    expect(isIsoDateTime(text)).toBe(true);
  });

  it.each([
    "",
    "yesterday",
    "2011-05-13",
    "2011-05-13 04:42:34Z",
    "2011-5-13T04:42:34Z",
    "2011-13-01T00:00:00Z",
    "2023-02-29T00:00:00Z",
    "2024-04-31T00:00:00Z",
    "2024-01-01T24:00:00Z",
    "2024-01-01T23:60:00Z",
    "2024-01-01T23:59:60Z",
    "2024-01-01T00:00:00+16:00",
    "0000-01-01T00:00:00Z",
    "2024-01-01T00:00:00ZZ",
    " 2024-01-01T00:00:00Z",
  ])("rejects %j", (text) => {
    expect(parseIsoDateTime(text)).toBeUndefined();
    expect(isIsoDateTime(text)).toBe(false);
  });
});
