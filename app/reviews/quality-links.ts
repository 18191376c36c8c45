// The bars of the quality page and the queue URL behind each one, so a bar opens exactly the replies it
// counts (shared by the chart component and its tests). Pure: no server imports.
import type { AgentQuality } from "./quality.server";
import type { ScoreSeries, ScoresOverTime } from "./scores-over-time.server";

export type ChartBar = { name: string; count: number; colour: string; href: string | null };

const C = { good: "#16a34a", bad: "#dc2626", interrupted: "#d97706", ai: "#2563eb", operator: "#9333ea", latency: "#0891b2", label: "#6366f1" }; // labels are neutral: amber means interrupted

/** `/reviews?…` for the agent, with `show=all` so replies I already reviewed stay in the list. */
export function queueHref(agentId: string, params: Record<string, string | number>): string {
  const search = new URLSearchParams({ agent: agentId });
  for (const [k, v] of Object.entries(params)) search.set(k, String(v));
  search.set("show", "all");
  return `/reviews?${search}`;
}

export function qualityLinks(q: AgentQuality) {
  const { agentId, range } = q;
  const inRange = { from: range.from, to: range.to };
  const reviewed = { reviewedFrom: range.from, reviewedTo: range.to };
  return {
    aiPerDay: q.perDay.map((d) => ({ name: d.day, count: d.ai, colour: C.ai, href: queueHref(agentId, { from: d.day, to: d.day, author: "ai" }) })),
    operatorPerDay: q.perDay.map((d) => ({
      name: d.day,
      count: d.operator,
      colour: C.operator,
      href: queueHref(agentId, { from: d.day, to: d.day, author: "operator" }),
    })),
    latency: q.latency.buckets.map((b) => ({
      name: b.label,
      count: b.count,
      colour: C.latency,
      // minLatency is strictly above: a bucket [min, max) is "above min - 1 and below max".
      href: queueHref(agentId, { ...inRange, author: "ai", ...(b.min > 0 ? { minLatency: b.min - 1 } : {}), ...(b.max !== null ? { maxLatency: b.max } : {}) }),
    })),
    terminations: [
      { name: "finish", count: q.terminations.finish, colour: C.good, href: queueHref(agentId, { ...inRange, author: "ai", termination: "finish" }) },
      { name: "abort", count: q.terminations.abort, colour: C.bad, href: queueHref(agentId, { ...inRange, author: "ai", termination: "abort" }) },
      // Interrupted streams are not stored by FleetLM: nothing to open.
      ...(q.terminations.interrupted ? [{ name: "interrupted", count: q.terminations.interrupted.count, colour: C.interrupted, href: null }] : []),
    ] as ChartBar[],
    ratings: [
      { name: "good", count: q.ratings.good, colour: C.good, href: queueHref(agentId, { ...reviewed, rating: "good" }) },
      { name: "bad", count: q.ratings.bad, colour: C.bad, href: queueHref(agentId, { ...reviewed, rating: "bad" }) },
    ],
    labels: q.ratings.labels.map((l) => ({ name: l.label, count: l.count, colour: C.label, href: queueHref(agentId, { ...reviewed, label: l.label }) })),
  };
}

// Score options name no outcome (a "yes" can be the bad answer): a qualitative palette without the page's
// green, red and amber, which mean good, bad and interrupted.
export const OPTION_COLOURS = ["#2563eb", "#9333ea", "#0891b2", "#db2777", "#4f46e5", "#64748b", "#0d9488", "#c026d3", "#0369a1", "#7c3aed"];
const MEAN_COLOUR = "#2563eb";

/** The queue URL of a score chart's bar: the replies with a review written that day (or in the range) with such a value. */
function scoreHref(s: ScoreSeries, agentId: string, from: string, to: string, value?: string) {
  return queueHref(agentId, {
    reviewedFrom: from,
    reviewedTo: to,
    score: s.key,
    ...(value !== undefined ? { scoreValue: value } : {}),
    ...(s.allVersions ? {} : { scoreVersions: s.versions.join(",") }),
  });
}

export type ScoreDayBar = { day: string; count: number; replies: number; mean: number | null; p50: number | null; href: string };
export type ScoreOption = { value: string; name: string; colour: string; count: number; replies: number; href: string };

/** A yes/no score's options read as yes and no; other options as named. */
export const optionName = (s: Pick<ScoreSeries, "kind">, value: string) =>
  s.kind === "boolean" ? (value === "true" ? "yes" : value === "false" ? "no" : value) : value;

export function scoreLinks(t: Pick<ScoresOverTime, "agentId" | "range">, s: ScoreSeries) {
  const { agentId, range } = t;
  const all = { name: "all values", count: s.values, replies: s.replies, colour: MEAN_COLOUR, href: scoreHref(s, agentId, range.from, range.to) };
  if (s.kind === "numeric") {
    return {
      kind: s.kind,
      all,
      days: s.days.map((d): ScoreDayBar => ({ ...d, href: scoreHref(s, agentId, d.day, d.day) })),
      options: [] as ScoreOption[],
      perDay: [] as Record<string, string | number>[],
    };
  }
  const options = s.options.map((o, i): ScoreOption => ({
    value: o.value,
    name: optionName(s, o.value),
    colour: OPTION_COLOURS[i % OPTION_COLOURS.length]!,
    count: o.count,
    replies: o.replies,
    href: scoreHref(s, agentId, range.from, range.to, o.value),
  }));
  // One row per day for a stacked bar chart: the count of each option under its value, plus its link.
  const perDay = s.days.map((d) => {
    const row: Record<string, string | number> = { day: d.day, total: d.total };
    for (const o of s.options) {
      row[`n:${o.value}`] = d.counts[o.value] ?? 0;
      row[`r:${o.value}`] = d.replies[o.value] ?? 0;
      row[`href:${o.value}`] = scoreHref(s, agentId, d.day, d.day, o.value);
    }
    return row;
  });
  return { kind: s.kind, all, days: [] as ScoreDayBar[], options, perDay };
}
