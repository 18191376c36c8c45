// The bars of the quality page and the queue URL behind each one, so a bar opens exactly the replies it
// counts (shared by the chart component and its tests). Pure: no server imports.
import type { AgentQuality } from "./quality.server";

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
    operatorPerDay: q.perDay.map((d) => ({ name: d.day, count: d.operator, colour: C.operator, href: queueHref(agentId, { from: d.day, to: d.day, author: "operator" }) })),
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
