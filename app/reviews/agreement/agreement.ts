// Inter-rater agreement: Cohen's kappa for two raters, Krippendorff's alpha for any number (missing values
// allowed), nominal or interval. Pure functions over plain values; the queue gathers the ratings.

export type Level = "nominal" | "interval";

/** Cohen's kappa of two raters over the same items: (po − pe) / (1 − pe). null with no items; 1 when pe = 1 and all agree. */
export function cohensKappa(pairs: [string, string][]): number | null {
  const n = pairs.length;
  if (n === 0) return null;
  const a = new Map<string, number>();
  const b = new Map<string, number>();
  let agree = 0;
  for (const [x, y] of pairs) {
    if (x === y) agree++;
    a.set(x, (a.get(x) ?? 0) + 1);
    b.set(y, (b.get(y) ?? 0) + 1);
  }
  const po = agree / n;
  let pe = 0;
  for (const [category, count] of a) pe += (count / n) * ((b.get(category) ?? 0) / n);
  if (pe === 1) return po === 1 ? 1 : null;
  return (po - pe) / (1 - pe);
}

/**
 * Krippendorff's alpha: `units` holds each unit's values (one per rater who rated it; missing ones left out).
 * Units with fewer than two values are not pairable and are ignored. α = 1 − D_o / D_e, from the coincidence
 * matrix (Krippendorff 2011, "Computing Krippendorff's Alpha-Reliability").
 */
export function krippendorffAlpha(units: (string | number)[][], level: Level = "nominal"): { alpha: number | null; pairable: number; units: number } {
  const delta = (c: string | number, k: string | number) => (level === "nominal" ? (c === k ? 0 : 1) : (Number(c) - Number(k)) ** 2);
  const coincidence = new Map<string | number, Map<string | number, number>>();
  let pairableUnits = 0;
  for (const values of units) {
    const m = values.length;
    if (m < 2) continue;
    pairableUnits++;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < m; j++) {
        if (i === j) continue;
        const row = coincidence.get(values[i]!) ?? new Map();
        row.set(values[j]!, (row.get(values[j]!) ?? 0) + 1 / (m - 1));
        coincidence.set(values[i]!, row);
      }
    }
  }
  const totals = new Map<string | number, number>();
  let n = 0;
  for (const [c, row] of coincidence) {
    const sum = [...row.values()].reduce((s, v) => s + v, 0);
    totals.set(c, sum);
    n += sum;
  }
  if (n <= 1) return { alpha: null, pairable: 0, units: pairableUnits };
  let observed = 0;
  for (const [c, row] of coincidence) for (const [k, o] of row) observed += o * delta(c, k);
  let expected = 0;
  for (const [c, nc] of totals) for (const [k, nk] of totals) expected += nc * nk * delta(c, k);
  const pairable = Math.round(n);
  if (expected === 0) return { alpha: observed === 0 ? 1 : null, pairable, units: pairableUnits };
  return { alpha: 1 - ((n - 1) * observed) / expected, pairable, units: pairableUnits };
}
