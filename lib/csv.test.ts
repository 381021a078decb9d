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

  it("defuses a formula behind leading whitespace or a full-width sign (issue 14 item 22)", () => {
    // Spreadsheets trim leading blanks and line breaks, and East Asian input methods turn
    // full-width ＝ ＋ － ＠ into their ASCII forms: each of these still runs as a formula.
    expect(csvField(" =1+1")).toBe("' =1+1");
    expect(csvField("   @SUM(A1)")).toBe("'   @SUM(A1)");
    expect(csvField("\n=HYPERLINK(\"http://x\")")).toBe('"\'\n=HYPERLINK(""http://x"")"');
    expect(csvField("\r\n+1")).toBe('"\'\r\n+1"');
    expect(csvField("\u00a0=1")).toBe("'\u00a0=1");
    expect(csvField("\u3000=1")).toBe("'\u3000=1");
    expect(csvField("\uff1dSUM(A1)")).toBe("'\uff1dSUM(A1)");
    expect(csvField("\uff0b1")).toBe("'\uff0b1");
    expect(csvField("\uff0d1")).toBe("'\uff0d1");
    expect(csvField("\uff20cmd")).toBe("'\uff20cmd");
    expect(csvField(" \uff1d1")).toBe("' \uff1d1");
    expect(csvField("\n\uff0b1")).toBe('"\'\n\uff0b1"');
    // Text that merely starts with a blank or a line break is left as it is.
    expect(csvField(" Alice")).toBe(" Alice");
    expect(csvField("\nnote")).toBe('"\nnote"');
    expect(csvField("a=b")).toBe("a=b");
  });
});
