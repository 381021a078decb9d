import { describe, expect, it } from "vitest";
import { CsvSyntaxError, parseCsv } from "./csv-import";

describe("parseCsv (RFC 4180)", () => {
  it.each([
    ["plain fields, CRLF", "a,b,c\r\n1,2,3\r\n", [["a", "b", "c"], ["1", "2", "3"]]],
    ["LF and no final line break", "a,b\n1,2", [["a", "b"], ["1", "2"]]],
    ["empty fields", ",a,,\n", [["", "a", "", ""]]],
    ["quoted comma, quote and line breaks", 'x,"a, ""b""\r\nc"\n', [["x", 'a, "b"\r\nc']]],
    ["an empty quoted field", '"",a\n', [["", "a"]]],
    ["a leading BOM", "\uFEFFexternalRef,title\n", [["externalRef", "title"]]],
    ["a blank line is a record of one empty field", "a\n\nb\n", [["a"], [""], ["b"]]],
    ["bare CR line breaks", "a\rb\r", [["a"], ["b"]]],
    ["trailing comma on the last line", "a,", [["a", ""]]],
  ])("%s", (_name, input, expected) => {
    expect(parseCsv(input)).toEqual(expected);
  });

  it.each([
    ["an unclosed quote", 'a\n"open,b\n', 2],
    ["a quote inside an unquoted field", 'a\nab"c\n', 2],
    ["text after a closing quote", '"a"b\n', 1],
  ])("rejects %s, naming the record", (_name, input, row) => {
    let error: unknown;
    try {
      parseCsv(input);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(CsvSyntaxError);
    expect((error as CsvSyntaxError).row).toBe(row);
  });

  it("stops after maxRecords + 1 records", () => {
    expect(parseCsv("a\nb\nc\nd\ne\n", { maxRecords: 2 })).toHaveLength(3);
  });
});
