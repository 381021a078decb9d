import { describe, expect, it } from "vitest";
import { diffSnapshots, type AccessSnapshot, type RepositoryAccess } from "./snapshot";

const access = (contracts: number, level: number, levelSum = contracts * level, fingerprint = levelSum * 7): RepositoryAccess => ({
  contracts,
  level,
  levelSum,
  fingerprint,
});
const snap = (entries: [string, string, RepositoryAccess][]): AccessSnapshot => {
  const s: AccessSnapshot = new Map();
  for (const [user, repo, a] of entries) s.set(user, (s.get(user) ?? new Map()).set(repo, a));
  return s;
};
const summary = (before: AccessSnapshot, after: AccessSnapshot) =>
  diffSnapshots(before, after).map((c) => [c.userId, c.repositoryId, c.granted, c.revoked]);

describe("diffSnapshots", () => {
  it.each([
    ["new access", [], [["u", "r", access(3, 1)]], [["u", "r", true, false]]],
    ["access gone", [["u", "r", access(3, 1)]], [], [["u", "r", false, true]]],
    ["more contracts", [["u", "r", access(3, 1)]], [["u", "r", access(4, 1)]], [["u", "r", true, false]]],
    ["higher level, fewer contracts", [["u", "r", access(3, 1)]], [["u", "r", access(1, 3)]], [["u", "r", true, true]]],
    ["same count, some levels up", [["u", "r", access(3, 3, 5)]], [["u", "r", access(3, 3, 7)]], [["u", "r", true, false]]],
    ["one contract swapped for another", [["u", "r", access(3, 1, 3, 100)]], [["u", "r", access(3, 1, 3, 200)]], [["u", "r", true, true]]],
    ["nothing changed", [["u", "r", access(3, 1)]], [["u", "r", access(3, 1)]], []],
  ] as const)("%s", (_name, before, after, expected) => {
    expect(summary(snap(before as never), snap(after as never))).toEqual(expected);
  });

  it("compares per repository", () => {
    const before = snap([["u", "a", access(1, 1)], ["u", "b", access(2, 2)]]);
    const after = snap([["u", "a", access(1, 1)], ["u", "c", access(1, 5)]]);
    expect(summary(before, after)).toEqual([
      ["u", "b", false, true],
      ["u", "c", true, false],
    ]);
  });
});
