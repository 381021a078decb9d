import { describe, expect, it } from "vitest";
import { csvField } from "./csv";

describe("csvField", () => {
  it("quotes separators and quotes, writes objects as JSON and nothing for null", () => {
    expect(csvField("a,b")).toBe('"a,b"');
    expect(csvField('a "quoted", value')).toBe('"a ""quoted"", value"');
    expect(csvField(null)).toBe("");
    expect(csvField(undefined)).toBe("");
    expect(csvField({ a: 1 })).toBe('"{""a"":1}"');
    expect(csvField(3)).toBe("3");
    expect(csvField(true)).toBe("true");
  });

  it("defuses cells a spreadsheet would run as a formula", () => {
    expect(csvField("+1")).toBe("'+1");
    expect(csvField("=SUM(A1)")).toBe("'=SUM(A1)");
    expect(csvField("@cmd")).toBe("'@cmd");
  });
});
