// The worklist holds still under the user's hand: counting what a release would change (issue 16).
import { describe, expect, it } from "vitest";
import { pendingChanges } from "~/inbox/components/use-stable-rows";

describe("pendingChanges", () => {
  it("is zero when nothing would move", () => {
    expect(pendingChanges(["a", "b", "c"], ["a", "b", "c"])).toBe(0);
  });
  it("counts sessions entering, leaving and moving", () => {
    expect(pendingChanges(["a", "b", "c"], ["d", "a", "b"])).toBe(2); // d enters, c leaves
    expect(pendingChanges(["a", "b", "c"], ["c", "a", "b"])).toBe(3); // c moved to the top: all three shift
    expect(pendingChanges(["a", "b"], [])).toBe(2);
  });
});
