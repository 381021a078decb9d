// Wording of the review pages: counts agree with their nouns, and "My reviews" says there is
// nothing to review only when neither access items nor wall items are waiting.
import { describe, expect, it } from "vitest";
import { accessQueueEmptyText, wallsInScopeText } from "./wording";

describe("review wording", () => {
  it("names the walls in scope with the right number", () => {
    expect(wallsInScopeText(["w1"])).toBe("1 chosen wall");
    expect(wallsInScopeText(["w1", "w2"])).toBe("2 chosen walls");
    expect(wallsInScopeText([])).toBe("every wall active at the start");
    expect(wallsInScopeText(undefined)).toBe("every wall active at the start");
  });

  it("says 'Nothing to review.' only when there are no wall items either", () => {
    expect(accessQueueEmptyText({ wallItems: 0 })).toBe("Nothing to review.");
    expect(accessQueueEmptyText({ wallItems: 2 })).toBeNull();
    // still loading the wall items: say nothing yet rather than something wrong
    expect(accessQueueEmptyText({ wallItems: undefined })).toBeNull();
  });
});
