// The shared backoff: doubling from the base, capped, and each jitter within its band.
import { describe, expect, it } from "vitest";
import { backoffDelay } from "../src/backoff.js";
import { jitteredBackoff } from "../src/socket.js";

describe("backoffDelay", () => {
  it("doubles from the base and stops at the ceiling", () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelay(n, { baseMs: 1_000, maxMs: 10_000 }))).toEqual([1_000, 2_000, 4_000, 8_000, 10_000, 10_000]);
    expect(backoffDelay(0, { baseMs: 500 })).toBe(500);
    expect(backoffDelay(10_000, { baseMs: 500, maxMs: 7_000, jitter: "full" }, () => 1)).toBe(7_000);
  });

  it("equal jitter stays in the upper half of the step, full jitter anywhere below it", () => {
    expect(backoffDelay(3, { baseMs: 100, jitter: "equal" }, () => 0)).toBe(200);
    expect(backoffDelay(3, { baseMs: 100, jitter: "equal" }, () => 0.999)).toBe(400);
    expect(backoffDelay(3, { baseMs: 100, jitter: "full" }, () => 0)).toBe(0);
    expect(backoffDelay(3, { baseMs: 100, jitter: "full" }, () => 0.5)).toBe(200);
    for (let i = 0; i < 100; i++) {
      const delay = jitteredBackoff(4, { baseMs: 100, maxMs: 5_000 });
      expect(delay).toBeGreaterThanOrEqual(400);
      expect(delay).toBeLessThanOrEqual(800);
    }
  });
});
