import { describe, expect, it } from "vitest";
import {
  confidentialityFromRank,
  confidentialityRank,
  levelFromRank,
  levelRank,
  parseConfidentiality,
  parseLevel,
} from "./levels";

describe("levels and confidentiality", () => {
  it.each([
    ["view", 1],
    ["comment", 2],
    ["edit", 3],
    ["sign", 4],
    ["manage", 5],
  ] as const)("%s has rank %i, and back", (level, rank) => {
    expect(levelRank(level)).toBe(rank);
    expect(levelFromRank(rank)).toBe(level);
  });

  it("treats rank 0 / null as no access and rejects unknown ranks", () => {
    expect(levelFromRank(0)).toBeNull();
    expect(levelFromRank(null)).toBeNull();
    expect(() => levelFromRank(6)).toThrow(RangeError);
  });

  it.each([
    ["Edit", "edit"],
    [" view ", "view"],
    ["MANAGE", "manage"],
    ["4", "sign"],
  ])("parses level %j as %s", (input, expected) => {
    expect(parseLevel(input)).toBe(expected);
  });

  it.each(["", "read", "0", "6", "owner"])("rejects level %j", (input) => {
    expect(() => parseLevel(input)).toThrow(/Unknown access level/);
  });

  it.each([
    ["public", "public", 0],
    ["Internal", "internal", 1],
    ["confidential", "confidential", 2],
    ["Strictly confidential", "strictly_confidential", 3],
    ["strictly-confidential", "strictly_confidential", 3],
    ["3", "strictly_confidential", 3],
  ] as const)("parses confidentiality %j", (input, expected, rank) => {
    expect(parseConfidentiality(input)).toBe(expected);
    expect(confidentialityRank(expected)).toBe(rank);
    expect(confidentialityFromRank(rank)).toBe(expected);
  });

  it.each(["secret", "4", ""])("rejects confidentiality %j", (input) => {
    expect(() => parseConfidentiality(input)).toThrow(/Unknown confidentiality/);
  });
});
