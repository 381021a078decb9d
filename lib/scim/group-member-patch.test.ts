import { describe, expect, it } from "vitest";
import { ScimError } from "./errors";
import { foldMemberOps, netMemberChanges, partitionGroupMemberOps, type MemberOp } from "./group-member-patch";
import { applyPatch, applyPatchOperations } from "./patch";
import type { ScimDoc } from "./normalize-resource";
import { PATCH_OP } from "./schema";

type Op = Record<string, unknown>;
const patch = (...Operations: Op[]) => ({ schemas: [PATCH_OP], Operations });

/** The patched document alone. */
const patched = (...args: Parameters<typeof applyPatch>) => applyPatch(...args).doc;
const patchedWith = (...args: Parameters<typeof applyPatchOperations>) => applyPatchOperations(...args).doc;

describe("partitionGroupMemberOps", () => {
  const cases: Array<[string, unknown, MemberOp[], unknown[]]> = [
    [
      "Entra add members",
      patch({ op: "Add", path: "members", value: [{ $ref: null, value: "id1" }, { value: "id2" }] }),
      [{ kind: "add", ids: ["id1", "id2"], index: 0 }],
      [],
    ],
    [
      "Entra remove listed members",
      patch({ op: "Remove", path: "members", value: [{ $ref: null, value: "id1" }] }),
      [{ kind: "remove", ids: ["id1"], index: 0 }],
      [],
    ],
    [
      "remove members[value eq]",
      patch({ op: "remove", path: 'members[value eq "id1"]' }),
      [{ kind: "remove", ids: ["id1"], index: 0 }],
      [],
    ],
    [
      "remove members[value eq or value eq]",
      patch({ op: "remove", path: 'members[value eq "a" or Value eq "b"]' }),
      [{ kind: "remove", ids: ["a", "b"], index: 0 }],
      [],
    ],
    [
      "remove all members",
      patch({ op: "remove", path: "members" }),
      [{ kind: "removeAll", ids: [], index: 0 }],
      [],
    ],
    [
      "remove with an empty value list removes nothing",
      patch({ op: "remove", path: "members", value: [] }),
      [],
      [],
    ],
    [
      "replace members",
      patch({ op: "replace", path: "members", value: [{ value: "a" }, { value: "a" }, { value: "b" }] }),
      [{ kind: "replaceAll", ids: ["a", "b"], index: 0 }],
      [],
    ],
    [
      "replace members with [] removes all",
      patch({ op: "replace", path: "members", value: [] }),
      [{ kind: "removeAll", ids: [], index: 0 }],
      [],
    ],
    [
      "replace members with null removes all",
      patch({ op: "replace", path: "members", value: null }),
      [{ kind: "removeAll", ids: [], index: 0 }],
      [],
    ],
    ["add members null adds nothing", patch({ op: "add", path: "members", value: null }), [], []],
    [
      "URN-qualified members path, any case",
      patch({
        op: "ADD",
        path: "urn:ietf:params:scim:schemas:core:2.0:Group:Members",
        value: [{ value: "a" }],
      }),
      [{ kind: "add", ids: ["a"], index: 0 }],
      [],
    ],
    [
      "Okta remove-then-add keeps order",
      patch(
        { op: "remove", path: 'members[value eq "89bb1940"]' },
        { op: "add", path: "members", value: [{ value: "23a35c27", display: "test.user@okta.local" }] },
      ),
      [
        { kind: "remove", ids: ["89bb1940"], index: 0 },
        { kind: "add", ids: ["23a35c27"], index: 1 },
      ],
      [],
    ],
    [
      "Okta rename goes to otherOps unchanged",
      patch({ op: "replace", value: { id: "abf4dd94", displayName: "Test SCIMv2" } }),
      [],
      [{ index: 0, op: "replace", value: { id: "abf4dd94", displayName: "Test SCIMv2" } }],
    ],
    [
      "path-less replace with members and displayName is split",
      patch({ op: "replace", value: { displayName: "New", members: [{ value: "a" }] } }),
      [{ kind: "replaceAll", ids: ["a"], index: 0 }],
      [{ index: 0, op: "replace", value: { displayName: "New" } }],
    ],
    [
      "path-less add with only members",
      patch({ op: "add", value: { Members: [{ value: "a" }] } }),
      [{ kind: "add", ids: ["a"], index: 0 }],
      [],
    ],
    [
      "mixed operations keep their original indices",
      patch(
        { op: "Replace", path: "displayName", value: "x" },
        { op: "Add", path: "members", value: [{ value: "a" }] },
        { op: "Replace", path: "externalId", value: "e" },
        { op: "Remove", path: "members", value: [{ value: "b" }] },
      ),
      [
        { kind: "add", ids: ["a"], index: 1 },
        { kind: "remove", ids: ["b"], index: 3 },
      ],
      [
        { index: 0, op: "replace", path: "displayName", value: "x" },
        { index: 2, op: "replace", path: "externalId", value: "e" },
      ],
    ],
    [
      "path-less remove goes to otherOps (noTarget later)",
      patch({ op: "remove" }),
      [],
      [{ index: 0, op: "remove" }],
    ],
  ];
  it.each(cases)("%s", (_name, body, memberOps, otherOps) => {
    expect(partitionGroupMemberOps(body)).toEqual({ memberOps, otherOps });
  });

  const errors: Array<[string, unknown, string, RegExp]> = [
    [
      "unknown op",
      patch({ op: "add", path: "members", value: [{ value: "a" }] }, { op: "delete", path: "members" }),
      "invalidSyntax",
      /^Operations\[1\]/,
    ],
    [
      "unsupported member filter",
      patch({ op: "remove", path: 'members[type eq "User"]' }),
      "invalidFilter",
      /^Operations\[0\]: .*value eq/,
    ],
    [
      "modifying a member in place",
      patch({ op: "replace", path: 'members[value eq "a"]', value: { value: "b" } }),
      "mutability",
      /^Operations\[0\]/,
    ],
    [
      "modifying a member's value",
      patch({ op: "add", path: "members.value", value: "b" }),
      "mutability",
      /^Operations\[0\]/,
    ],
    [
      "unknown member sub-attribute",
      patch({ op: "remove", path: "members.color" }),
      "invalidPath",
      /^Operations\[0\]/,
    ],
    [
      "member without a value",
      patch({ op: "add", path: "members", value: [{ display: "x" }] }),
      "invalidValue",
      /^Operations\[0\]: members\[0\].value is required/,
    ],
    [
      "add members without a value",
      patch({ op: "add", path: "members" }),
      "invalidValue",
      /^Operations\[0\]/,
    ],
    ["malformed body", { schemas: [PATCH_OP] }, "invalidSyntax", /Operations/],
  ];
  it.each(errors)("error: %s", (_name, body, scimType, detail) => {
    const run = () => partitionGroupMemberOps(body);
    expect(run).toThrow(ScimError);
    expect(run).toThrow(expect.objectContaining({ scimType, message: expect.stringMatching(detail) }));
  });

  it("otherOps report their original index when applied", () => {
    const plan = partitionGroupMemberOps(
      patch(
        { op: "add", path: "members", value: [{ value: "a" }] },
        { op: "replace", path: "displayName", value: "" },
      ),
    );
    const run = () => patchedWith("Group", { id: "g", displayName: "G" }, plan.otherOps);
    expect(run).toThrow(ScimError);
    expect(run).toThrow(/^Operations\[1\]: displayName is required/);
  });

  it("otherOps apply to a group document without members", () => {
    const plan = partitionGroupMemberOps(
      patch({ op: "replace", value: { id: "g", displayName: "Renamed", members: [{ value: "a" }] } }),
    );
    expect(patchedWith("Group", { id: "g", displayName: "G" }, plan.otherOps)).toEqual({
      id: "g",
      displayName: "Renamed",
    });
  });
});

describe("netMemberChanges", () => {
  const step = (kind: MemberOp["kind"], ...ids: string[]): MemberOp => ({ kind, ids, index: 0 });
  const cases: Array<[string, MemberOp[], { reset: boolean; add: string[]; remove: string[] }]> = [
    ["nothing", [], { reset: false, add: [], remove: [] }],
    ["add", [step("add", "a", "b")], { reset: false, add: ["a", "b"], remove: [] }],
    [
      "remove then add the same id keeps it",
      [step("remove", "a"), step("add", "a")],
      { reset: false, add: ["a"], remove: [] },
    ],
    [
      "add then remove the same id removes it",
      [step("add", "a"), step("remove", "a")],
      { reset: false, add: [], remove: ["a"] },
    ],
    [
      "replaceAll",
      [step("add", "x"), step("replaceAll", "a", "b"), step("remove", "b")],
      { reset: true, add: ["a"], remove: [] },
    ],
    [
      "removeAll then add",
      [step("remove", "z"), step("removeAll"), step("add", "c")],
      { reset: true, add: ["c"], remove: [] },
    ],
  ];
  it.each(cases)("%s", (_name, steps, expected) => expect(netMemberChanges(steps)).toEqual(expected));

  it("agrees with applyPatch on random membership sequences", () => {
    let seed = 42;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const ids = ["a", "b", "c", "d", "e"];
    const pick = () => Array.from({ length: 1 + random(3) }, () => ids[random(ids.length)] as string);
    for (let round = 0; round < 200; round++) {
      const initial = [...new Set(pick())];
      const operations: Op[] = Array.from({ length: 1 + random(5) }, () => {
        switch (random(5)) {
          case 0:
            return { op: "add", path: "members", value: pick().map((value) => ({ value })) };
          case 1:
            return { op: "remove", path: "members", value: pick().map((value) => ({ value })) };
          case 2:
            return { op: "remove", path: `members[value eq "${ids[random(ids.length)]}"]` };
          case 3:
            return { op: "replace", path: "members", value: pick().map((value) => ({ value })) };
          default:
            return random(2) === 0
              ? { op: "remove", path: "members" }
              : { op: "replace", value: { members: pick().map((value) => ({ value })) } };
        }
      });
      const body = patch(...operations);
      const doc: ScimDoc = { id: "g", displayName: "G", members: initial.map((value) => ({ value })) };
      const viaDoc = new Set(
        ((patched("Group", doc, body).members ?? []) as Array<{ value: string }>).map((m) => m.value),
      );
      const net = netMemberChanges(partitionGroupMemberOps(body).memberOps);
      const viaSets = new Set(net.reset ? [] : initial.filter((id) => !net.remove.includes(id)));
      net.add.forEach((id) => viaSets.add(id));
      expect([...viaSets].sort(), JSON.stringify(operations)).toEqual([...viaDoc].sort());
    }
  });
});

describe("foldMemberOps (issue 14, item 8)", () => {
  const step = (kind: MemberOp["kind"], ids: string[] = [], index = 0): MemberOp => ({ kind, ids, index });
  it.each<[string, MemberOp[], unknown[]]>([
    ["nothing", [], []],
    ["1,000 alternating ops on one member, ending on add", Array.from({ length: 1000 }, (_, i) => step(i % 2 ? "add" : "remove", ["a"], i)), [{ kind: "add", ids: ["a"] }]],
    ["ending on remove", [step("add", ["a"]), step("remove", ["a"])], [{ kind: "remove", ids: ["a"] }]],
    ["remove some, add others", [step("remove", ["a", "b"]), step("add", ["c"]), step("add", ["b"])], [{ kind: "remove", ids: ["a"] }, { kind: "add", ids: ["c", "b"] }]],
    ["a replace resets", [step("add", ["x"]), step("replaceAll", ["a", "b"]), step("remove", ["b"])], [{ kind: "replaceAll", ids: ["a"] }]],
    ["remove all, then nothing back", [step("add", ["x"]), step("removeAll")], [{ kind: "removeAll" }]],
  ])("%s", (_name, ops, expected) => expect(foldMemberOps(ops)).toEqual(expected));
});
