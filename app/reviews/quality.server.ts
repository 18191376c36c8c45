// Per-agent quality figures over a date range: replies over time, latency distribution and percentiles,
// terminations, ratings and labels, takeover rate. Read from the Console's own tables (no FleetLM call),
// scanning the reply index in keyset-paged batches so a busy agent never loads all rows at once.
import { z } from "zod";
import { db } from "~/db.server";
import { isCalendarDay } from "~/lib/calendar-day";
import { interruptedCount } from "./interrupted.server";
import { dayRange, replyLatency } from "./queue.server";
import { singleton } from "~/lib/singleton.server";

export type QualityRange = { from: string; to: string }; // inclusive UTC days, YYYY-MM-DD

export const LATENCY_BUCKETS = [
  { label: "<250 ms", max: 250 },
  { label: "250–500 ms", max: 500 },
  { label: "0.5–1 s", max: 1_000 },
  { label: "1–2 s", max: 2_000 },
  { label: "2–4 s", max: 4_000 },
  { label: "4–8 s", max: 8_000 },
  { label: "≥8 s", max: Infinity },
];

export type AgentQuality = {
  agentId: string;
  range: QualityRange;
  replies: { total: number; ai: number; operator: number };
  perDay: { day: string; ai: number; operator: number }[];
  /**
   * The Console's own figure (answered user message → reply, from FleetLM's inserted_at), so it covers every
   * AI reply whose question it could read (`measured` of `replies.ai`); agents rarely send latency_ms
   * (`agentReported`). ttft: where the Console watched the stream live (`ttftMeasured`).
   */
  latency: {
    measured: number;
    p50: number | null;
    p95: number | null;
    /** [min, max) in ms; `max` null for the open last bucket. */
    buckets: { label: string; count: number; min: number; max: number | null }[];
    agentReported: number;
    ttftMeasured: number;
    ttftP50: number | null;
  };
  /** Seqs of this agent's sessions that FleetLM lost, found in the range (protocol §13.2). */
  lostMessages: number;
  terminations: { finish: number; abort: number; interrupted: { count: number; measuredSince: string } | null };
  ratings: { reviews: number; good: number; bad: number; badShare: number | null; labels: { label: string; count: number; share: number }[] };
  takeovers: { sessions: number; takenOver: number; rate: number | null };
};

export function defaultRange(now = new Date()): QualityRange {
  const to = now.toISOString().slice(0, 10);
  const from = new Date(now.getTime() - 6 * 86_400_000).toISOString().slice(0, 10);
  return { from, to };
}

// A real calendar day (see lib/calendar-day): anything else falls back to the default range.
const DAY = z.string().refine(isCalendarDay);

/** The agent and date range of a quality request (`/reviews/agents/:agentId?from=&to=`); 404 for a bad agent id. */
export function parseAgentRange(request: Request, agentIdParam: string | undefined): { agentId: string; range: QualityRange } {
  const agentId = z.string().min(1).max(200).safeParse(agentIdParam);
  if (!agentId.success) throw new Response("No such agent.", { status: 404 });
  const url = new URL(request.url);
  const fallback = defaultRange();
  const from = DAY.catch(fallback.from).parse(url.searchParams.get("from") ?? fallback.from);
  const to = DAY.catch(fallback.to).parse(url.searchParams.get("to") ?? fallback.to);
  return { agentId: agentId.data, range: from <= to ? { from, to } : { from: to, to: from } };
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

/** Every UTC day of the range, oldest first (at most 400). */
export function rangeDays(range: QualityRange): string[] {
  const out: string[] = [];
  const end = new Date(`${range.to}T00:00:00Z`).getTime();
  for (let t = new Date(`${range.from}T00:00:00Z`).getTime(); t <= end && out.length < 400; t += 86_400_000) out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}

const BATCH = 5_000;

export async function agentQuality(agentId: string, range: QualityRange): Promise<AgentQuality> {
  const prisma = await db();
  const at = dayRange(range.from, range.to);
  const perDay = new Map(rangeDays(range).map((d) => [d, { day: d, ai: 0, operator: 0 }]));
  const latencies: number[] = [];
  const ttfts: number[] = [];
  let agentReported = 0;
  const sessions = new Set<string>();
  const replies = { total: 0, ai: 0, operator: 0 };
  const terminations = { finish: 0, abort: 0 };

  let cursor: { sessionId: string; seq: number } | undefined;
  for (;;) {
    const batch = await prisma.replyIndex.findMany({
      where: { agentId, at },
      select: { sessionId: true, seq: true, at: true, latencyMs: true, consoleLatencyMs: true, ttftMs: true, termination: true, byOperator: true },
      orderBy: [{ sessionId: "asc" }, { seq: "asc" }],
      take: BATCH,
      ...(cursor ? { cursor: { sessionId_seq: cursor }, skip: 1 } : {}),
    });
    for (const row of batch) {
      replies.total++;
      sessions.add(row.sessionId);
      const day = perDay.get(row.at.toISOString().slice(0, 10));
      if (row.byOperator) {
        replies.operator++;
        if (day) day.operator++;
        continue; // operators' replies are not the agent's latency or terminations
      }
      replies.ai++;
      if (day) day.ai++;
      if (row.termination === "abort") terminations.abort++;
      else terminations.finish++;
      const latency = replyLatency(row);
      if (latency !== null) latencies.push(latency);
      if (row.latencyMs !== null) agentReported++;
      if (row.ttftMs !== null) ttfts.push(row.ttftMs);
    }
    if (batch.length < BATCH) break;
    const last = batch[batch.length - 1]!;
    cursor = { sessionId: last.sessionId, seq: last.seq };
  }
  latencies.sort((a, b) => a - b);
  ttfts.sort((a, b) => a - b);
  const buckets = LATENCY_BUCKETS.map((b, i) => ({
    label: b.label,
    count: 0,
    min: i === 0 ? 0 : LATENCY_BUCKETS[i - 1]!.max,
    max: Number.isFinite(b.max) ? b.max : null,
  }));
  for (const ms of latencies) buckets[LATENCY_BUCKETS.findIndex((b) => ms < b.max)]!.count++;

  // Ratings: reviews written in the range about this agent's replies.
  const ratingGroups = await prisma.review.groupBy({ by: ["rating"], where: { agentId, createdAt: at }, _count: { _all: true } });
  const good = ratingGroups.find((g) => g.rating === "good")?._count._all ?? 0;
  const bad = ratingGroups.find((g) => g.rating === "bad")?._count._all ?? 0;
  // One grouped count over the labels table (its label index), not a scan of every review's labels.
  const labelGroups = await prisma.reviewLabel.groupBy({ by: ["label"], where: { review: { agentId, createdAt: at } }, _count: { _all: true } });
  const labelCounts = labelGroups.map((g) => [g.label, g._count._all] as const).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const reviews = good + bad;

  // Takeover rate: the agent's sessions active in the range that an operator took over in the range.
  const activeIndexed = await prisma.sessionIndex.findMany({
    where: { agentId, lastActivityAt: { gte: at.gte }, createdAt: { lt: at.lt } },
    select: { id: true },
  });
  for (const s of activeIndexed) sessions.add(s.id);
  const takeovers = await prisma.takeover.findMany({ where: { startedAt: at }, select: { sessionId: true } });
  const takenOverIds = new Set(takeovers.map((t) => t.sessionId));
  const unknown = [...takenOverIds].filter((id) => !sessions.has(id));
  if (unknown.length > 0) {
    const ofAgent = await prisma.sessionIndex.findMany({ where: { id: { in: unknown.slice(0, 900) }, agentId }, select: { id: true } });
    for (const s of ofAgent) sessions.add(s.id);
  }
  const takenOver = [...takenOverIds].filter((id) => sessions.has(id)).length;

  return {
    agentId,
    range,
    replies,
    perDay: [...perDay.values()],
    latency: {
      measured: latencies.length,
      p50: percentile(latencies, 50),
      p95: percentile(latencies, 95),
      buckets,
      agentReported,
      ttftMeasured: ttfts.length,
      ttftP50: percentile(ttfts, 50),
    },
    lostMessages: await prisma.lostSeq.count({ where: { agentId, detectedAt: at } }),
    terminations: { ...terminations, interrupted: interruptedCount(agentId, at.gte!, at.lt!) },
    ratings: {
      reviews,
      good,
      bad,
      badShare: reviews ? bad / reviews : null,
      labels: labelCounts.map(([label, count]) => ({ label, count, share: reviews ? count / reviews : 0 })),
    },
    takeovers: { sessions: sessions.size, takenOver, rate: sessions.size ? takenOver / sessions.size : null },
  };
}

export type AgentQualitySummary = {
  agentId: string;
  range: QualityRange;
  replies: number;
  p50: number | null;
  p95: number | null;
  abortShare: number | null;
  badShare: number | null;
  reviews: number;
  takeoverRate: number | null;
};

const summaries = () => singleton("qualitySummary", () => new Map<string, { at: number; value: AgentQualitySummary }>());
const SUMMARY_TTL_MS = 30_000;

/** The headline figures for the inbox's agent filter and the session header (cached for 30 s per agent and range). */
export async function agentQualitySummary(agentId: string, range: QualityRange = defaultRange()): Promise<AgentQualitySummary> {
  const cache = summaries();
  const key = `${agentId}\u0000${range.from}\u0000${range.to}`;
  const hit = cache.get(key);
  if (hit && Date.now() - hit.at < SUMMARY_TTL_MS) return hit.value;
  const q = await agentQuality(agentId, range);
  const ai = q.terminations.finish + q.terminations.abort;
  const value: AgentQualitySummary = {
    agentId,
    range,
    replies: q.replies.total,
    p50: q.latency.p50,
    p95: q.latency.p95,
    abortShare: ai ? q.terminations.abort / ai : null,
    badShare: q.ratings.badShare,
    reviews: q.ratings.reviews,
    takeoverRate: q.takeovers.rate,
  };
  if (cache.size > 500) cache.clear();
  cache.set(key, { at: Date.now(), value });
  return value;
}
