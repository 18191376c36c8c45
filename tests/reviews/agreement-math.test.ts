// Agreement statistics against published worked examples.
import { describe, expect, it } from "vitest";
import { cohensKappa, krippendorffAlpha } from "~/reviews/agreement/agreement";

const repeat = (pair: [string, string], n: number) => Array.from({ length: n }, () => pair);

describe("Cohen's kappa", () => {
  it("matches Wikipedia's worked example (50 proposals: 20 yes/yes, 5 yes/no, 10 no/yes, 15 no/no → κ = 0.4)", () => {
    // https://en.wikipedia.org/wiki/Cohen%27s_kappa#Simple_example : po = 0.7, pe = 0.5, κ = 0.4.
    const pairs = [...repeat(["yes", "yes"], 20), ...repeat(["yes", "no"], 5), ...repeat(["no", "yes"], 10), ...repeat(["no", "no"], 15)];
    expect(cohensKappa(pairs)).toBeCloseTo(0.4, 10);
  });

  it("matches Wikipedia's second example (κ = 0.1304 with 45/15/25/15 of 100)", () => {
    // Same article, "Same percentages but different numbers": a = 45, b = 15, c = 25, d = 15 → κ ≈ 0.1304.
    const pairs = [...repeat(["yes", "yes"], 45), ...repeat(["yes", "no"], 15), ...repeat(["no", "yes"], 25), ...repeat(["no", "no"], 15)];
    expect(cohensKappa(pairs)).toBeCloseTo(0.1304, 4);
  });

  it("is 1 for perfect agreement, null without items", () => {
    expect(
      cohensKappa([
        ["a", "a"],
        ["b", "b"],
      ]),
    ).toBe(1);
    expect(
      cohensKappa([
        ["a", "a"],
        ["a", "a"],
      ]),
    ).toBe(1);
    expect(cohensKappa([])).toBeNull();
  });
});

describe("Krippendorff's alpha", () => {
  // Krippendorff, K. (2011). Computing Krippendorff's Alpha-Reliability. Annenberg School for Communication,
  // University of Pennsylvania, https://repository.upenn.edu/asc_papers/43 — the example of 4 observers, 12
  // units with missing values: nominal α = 0.743, interval α = 0.849 (also in Wikipedia's article).
  const A = [1, 2, 3, 3, 2, 1, 4, 1, 2, null, null, null];
  const B = [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, null, 3];
  const C = [null, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, null];
  const D = [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, null];
  const units = A.map((_, u) => [A[u], B[u], C[u], D[u]].filter((v): v is number => v !== null));

  it("gives the paper's nominal α = 0.743", () => {
    const { alpha, units: pairableUnits, pairable } = krippendorffAlpha(units, "nominal");
    expect(alpha).toBeCloseTo(0.743, 3);
    expect(pairableUnits).toBe(11); // unit 12 has one value
    expect(pairable).toBe(40); // n.. in the paper
  });

  it("gives the paper's interval α = 0.849", () => {
    expect(krippendorffAlpha(units, "interval").alpha).toBeCloseTo(0.849, 3);
  });

  it("equals Cohen-style agreement edge cases: perfect = 1, nothing pairable = null", () => {
    expect(
      krippendorffAlpha([
        ["a", "a"],
        ["b", "b", "b"],
      ]).alpha,
    ).toBe(1);
    expect(krippendorffAlpha([["a"], ["b"]]).alpha).toBeNull();
  });
});
