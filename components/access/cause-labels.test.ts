// Every cause kind the engine records reads as words on the overview (exclusions showed as
// "exclusion.created" once review campaigns wrote them).
import { describe, expect, it } from "vitest";
import { causeLabel } from "./cause-labels";

const RECORDED_KINDS = [
  "membership.added",
  "membership.removed",
  "membership.changed",
  "group.deleted",
  "user.activated",
  "user.deactivated",
  "user.deleted",
  "rule.created",
  "rule.updated",
  "rule.deleted",
  "rule.expiry",
  "rule.start",
  "contract.updated",
  "contract.deleted",
  "contract.end",
  "timed",
  "exclusion.created",
  "exclusion.lifted",
  "exclusion.end",
  "wall.activated",
  "wall.lifted",
  "wall.scope_added",
  "wall.scope_removed",
  "wall.roster_added",
  "wall.roster_removed",
  "wall.acknowledged",
];

describe("access change causes in words", () => {
  it("labels every kind the engine records", () => {
    const raw = RECORDED_KINDS.filter((k) => k !== "contract.end" && causeLabel(k) === k);
    expect(raw).toEqual([]);
  });
});
