// The one exponential backoff of the SDK and the Console: attempt n waits base·2^(n−1), capped, with a choice of
// jitter. Browser-safe and dependency-free (importable as "@fleetlm/client/backoff" without the socket code).

export interface BackoffOptions {
  /** First delay. Default 200 ms. */
  baseMs?: number;
  /** Ceiling. Default 5 000 ms. */
  maxMs?: number;
}

/**
 * - `none`: exactly the step (timers that should be predictable);
 * - `equal`: half the step fixed, half random (reconnects: never immediate, still spread);
 * - `full`: anywhere from 0 to the step (retries of many clients against one server).
 */
export type Jitter = "none" | "equal" | "full";

/** The delay before attempt `attempt` (1 = the first retry). */
export function backoffDelay(attempt: number, options: BackoffOptions & { jitter?: Jitter } = {}, random: () => number = Math.random): number {
  const base = options.baseMs ?? 200;
  const max = options.maxMs ?? 5_000;
  // The exponent is bounded before it is raised: 2 ** 1000 is Infinity, and Infinity·0 (full jitter) is NaN.
  const step = Math.min(max, base * 2 ** Math.min(Math.max(0, attempt - 1), 30));
  const jitter = options.jitter ?? "none";
  if (jitter === "none") return step;
  if (jitter === "full") return random() * step;
  return Math.round(step / 2 + random() * (step / 2));
}
