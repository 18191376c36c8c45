// FleetLM parses integer params by their string form with a leading-integer parse ("12abc" -> 12, 5.9 -> 5).

/** The leading integer of the value's string form, or null when there is none. */
export function leadingInt(value: unknown): number | null {
  if (value === undefined || value === null) return null;
  if (typeof value === "object") return null;
  const text = typeof value === "number" ? numberString(value) : String(value);
  const match = /^[+-]?\d+/.exec(text);
  if (!match) return null;
  const n = Number(match[0]);
  return Number.isSafeInteger(n) ? n : n > 0 ? Number.MAX_SAFE_INTEGER : null;
}

function numberString(n: number): string {
  // Elixir prints floats like 5.9 or 1.0e20; JS would print 1e+21. Only the leading digits matter.
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return n.toFixed(0);
  return String(n);
}

/** REST rule (§2): use the parsed value only when > 0, otherwise the default. */
export function positiveIntOr(value: unknown, fallback: number): number {
  const n = leadingInt(value);
  return n !== null && n > 0 ? n : fallback;
}
