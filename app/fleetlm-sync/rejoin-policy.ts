// How often the gateway re-joins a user's inbox, by how recently that user's sessions moved (ADR 089, replacing
// ADR 022's one interval for all). FleetLM's inbox stops pushing after a quiet second (quirk 4), so a re-join is
// what re-arms it; but a user quiet for an hour is unlikely to write in the next second, and for gated agents
// the gate already pushes every message (ADR 066). So the steady cost follows activity, not the number of users.

export type RejoinPolicy = {
  /** Re-join interval of a user active within `hotForMs`. */
  hotMs: number;
  hotForMs: number;
  /** … of a user active within `warmForMs`. */
  warmMs: number;
  warmForMs: number;
  /** … of anyone quieter. */
  coldMs: number;
};

export const DEFAULT_WINDOWS = { hotForMs: 2 * 60_000, warmForMs: 60 * 60_000 } as const;

export type ActivityClass = "hot" | "warm" | "cold";

export function activityClass(policy: RejoinPolicy, activeAt: number, now: number): ActivityClass {
  const quiet = now - activeAt;
  return quiet < policy.hotForMs ? "hot" : quiet < policy.warmForMs ? "warm" : "cold";
}

/** Warm and cold intervals are spread by ±25 %, so users discovered together do not fall due together (ADR 208). */
export const REJOIN_SPREAD = 0.25;

/** When an inbox re-joined at `now` is due again. `random` in [0, 1) picks the point in the spread. */
export function nextRejoinAt(policy: RejoinPolicy, activeAt: number, now: number, random: () => number = Math.random): number {
  const cls = activityClass(policy, activeAt, now);
  if (cls === "hot") return now + policy.hotMs;
  return now + spread(cls === "warm" ? policy.warmMs : policy.coldMs, random);
}

/** `ms` ± REJOIN_SPREAD. */
export function spread(ms: number, random: () => number = Math.random): number {
  return Math.round(ms * (1 - REJOIN_SPREAD + 2 * REJOIN_SPREAD * random()));
}
