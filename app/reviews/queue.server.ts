// The review queue: replies I have not reviewed yet, filtered from the URL, flagged ones first; or a stable
// seeded sample ("20 random replies from agent X this week") that does not change while I work through it.
import { createHash, randomBytes } from "node:crypto";
import { z } from "zod";
import type { Prisma } from "~/generated/prisma/client";
import { db } from "~/db.server";
import { isCalendarDay } from "~/lib/calendar-day";
import { RatingSchema } from "~/lib/vocabulary";
import { conflictedKeys } from "./integrity.server";
import type { QueueItem } from "./review-types";

export type { QueueItem };

// A real calendar day: "2025-13-01" has the shape but would reach the database as an Invalid Date (a 500).
const DAY = z.string().refine(isCalendarDay);
/** A score config's key, as `ScoreConfigFormSchema` allows it. */
export const SCORE_KEY = z.string().regex(/^[a-z][a-z0-9_]{0,39}$/);
const optionalText = z
  .string()
  .trim()
  .max(200)
  .optional()
  .transform((v) => (v ? v : undefined));

/** Filters shared by the queue, the reviews export and (agent + range) the quality page. Bad values are dropped. */
export const QueueFilterSchema = z.object({
  agent: optionalText.catch(undefined),
  termination: z.enum(["finish", "abort"]).optional().catch(undefined),
  minLatency: z.coerce.number().int().min(0).max(86_400_000).optional().catch(undefined),
  /** Strictly below, so a latency bucket [a, b) is `minLatency=a-1&maxLatency=b`. */
  maxLatency: z.coerce.number().int().min(1).max(86_400_000).optional().catch(undefined),
  flagged: z.enum(["1"]).optional().catch(undefined),
  from: DAY.optional().catch(undefined),
  to: DAY.optional().catch(undefined),
  author: z.enum(["ai", "operator"]).optional().catch(undefined),
  sample: z.coerce.number().int().min(1).max(500).optional().catch(undefined),
  seed: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,32}$/)
    .optional()
    .catch(undefined),
  // The replies behind a ratings or labels bar: those with a review of that rating / label written in
  // [reviewedFrom, reviewedTo] (the quality page counts reviews by when they were written).
  rating: RatingSchema.optional().catch(undefined),
  label: z.string().trim().min(1).max(40).optional().catch(undefined),
  reviewedFrom: DAY.optional().catch(undefined),
  reviewedTo: DAY.optional().catch(undefined),
  // The replies behind a score chart's bar: a review (written in [reviewedFrom, reviewedTo]) with a value for
  // `score`, equal to `scoreValue` when given, written against one of `scoreVersions` when given (the chart
  // leaves out versions on another scale, and so must the list).
  score: SCORE_KEY.optional().catch(undefined),
  scoreValue: z.string().trim().min(1).max(100).optional().catch(undefined),
  // "1,2" in a URL; an array once parsed (a queue's stored filters are parsed again when it is read).
  scoreVersions: z
    .preprocess(
      (v) => (typeof v === "string" ? (/^\d{1,6}(,\d{1,6}){0,49}$/.test(v) ? v.split(",").map(Number) : undefined) : v),
      z.array(z.number().int().min(1)).min(1).max(50).optional(),
    )
    .catch(undefined),
  /** `all`: include the replies I reviewed (marked), so a chart bar opens exactly the replies it counts. */
  show: z.enum(["all"]).optional().catch(undefined),
});
export type QueueFilters = z.output<typeof QueueFilterSchema>;

export function parseQueueFilters(params: URLSearchParams): QueueFilters {
  const raw: Record<string, string> = {};
  for (const key of Object.keys(QueueFilterSchema.shape)) {
    const value = params.get(key);
    if (value !== null && value !== "") raw[key] = value;
  }
  return QueueFilterSchema.parse(raw);
}

/** What is wrong with a score filter in the URL (a bad one is dropped like any filter, and the page says so). */
export function scoreFilterProblems(params: URLSearchParams, filters: QueueFilters): string[] {
  const problems: string[] = [];
  const given = (name: string) => (params.get(name) ?? "") !== "";
  if (given("score") && !filters.score) problems.push(`"score" must be a score key (got ${JSON.stringify(params.get("score")!.slice(0, 40))}).`);
  if (given("scoreValue") && filters.scoreValue === undefined) problems.push(`"scoreValue" is at most 100 characters.`);
  if (given("scoreVersions") && !filters.scoreVersions) problems.push(`"scoreVersions" must be version numbers separated by commas.`);
  if (!given("score") && (given("scoreValue") || given("scoreVersions"))) problems.push(`"scoreValue" and "scoreVersions" need "score".`);
  return problems;
}

/** [from, to) in UTC for day strings; `to` is inclusive of its whole day. */
export function dayRange(from?: string, to?: string): { gte?: Date; lt?: Date } {
  const range: { gte?: Date; lt?: Date } = {};
  if (from) range.gte = new Date(`${from}T00:00:00Z`);
  if (to) range.lt = new Date(new Date(`${to}T00:00:00Z`).getTime() + 86_400_000);
  return range;
}

/** A reply's latency as the Console reports it: its own measure, or the agent's latency_ms where it has none. */
export function replyLatency(reply: { consoleLatencyMs: number | null; latencyMs: number | null }): number | null {
  return reply.consoleLatencyMs ?? reply.latencyMs;
}

export function replyWhere(filters: QueueFilters): Prisma.ReplyIndexWhereInput {
  const where: Prisma.ReplyIndexWhereInput = {};
  if (filters.agent) where.agentId = filters.agent;
  if (filters.termination) where.termination = filters.termination;
  // A reply's latency is the Console's figure, or the agent's own latency_ms where the Console has none (older rows):
  // the same figure the quality charts count, so a bar opens exactly the replies behind it.
  if (filters.minLatency !== undefined || filters.maxLatency !== undefined) {
    const range = {
      ...(filters.minLatency !== undefined ? { gt: filters.minLatency } : {}),
      ...(filters.maxLatency !== undefined ? { lt: filters.maxLatency } : {}),
    };
    where.OR = [{ consoleLatencyMs: range }, { consoleLatencyMs: null, latencyMs: range }];
  }
  if (filters.flagged) where.flaggedAt = { not: null };
  if (filters.author) where.byOperator = filters.author === "operator";
  const at = dayRange(filters.from, filters.to);
  if (at.gte || at.lt) where.at = at;
  return where;
}

const REVIEWED_KEYS_LIMIT = 5_000;

/** The review-side condition of a score filter (also the reviews export's): a value for the key, maybe a given one. */
export function scoreWhere(filters: Pick<QueueFilters, "score" | "scoreValue" | "scoreVersions">): Prisma.ReviewWhereInput {
  if (!filters.score) return {};
  return {
    scores: {
      some: {
        key: filters.score,
        ...(filters.scoreValue !== undefined ? { value: filters.scoreValue } : {}),
        ...(filters.scoreVersions ? { config: { version: { in: filters.scoreVersions } } } : {}),
      },
    },
  };
}

/** `replyWhere` plus the review-based filters (rating, label, score), resolved to the reviewed replies' keys. */
export async function replyWhereWithReviews(filters: QueueFilters): Promise<Prisma.ReplyIndexWhereInput> {
  const where = replyWhere(filters);
  if (!filters.rating && !filters.label && !filters.score) return where;
  const prisma = await db();
  const createdAt = dayRange(filters.reviewedFrom, filters.reviewedTo);
  const reviews = await prisma.review.findMany({
    where: {
      ...(filters.agent ? { agentId: filters.agent } : {}),
      ...(filters.rating ? { rating: filters.rating } : {}),
      ...(filters.label ? { labels: { some: { label: filters.label } } } : {}),
      ...(createdAt.gte || createdAt.lt ? { createdAt } : {}),
      ...scoreWhere(filters),
    },
    select: { sessionId: true, seq: true },
    distinct: ["sessionId", "seq"],
    take: REVIEWED_KEYS_LIMIT,
  });
  return { AND: [where, replyKeysWhere(reviews)] };
}

type Row = {
  sessionId: string;
  seq: number;
  agentId: string;
  termination: string;
  latencyMs: number | null;
  byOperator: boolean;
  length: number;
  at: Date;
  flaggedAt: Date | null;
};

const key = (r: { sessionId: string; seq: number }) => `${r.sessionId}:${r.seq}`;

/**
 * A where clause for a set of (sessionId, seq) keys, grouped by session to keep the parameter count low. Its
 * shape fits every table keyed by reply (ReplyIndex, Adjudication, QueueItem…).
 */
export function replyKeysWhere(
  keys: { sessionId: string; seq: number }[],
): { OR: { sessionId: string; seq: { in: number[] } }[] } | { sessionId: { in: string[] } } {
  const bySession = new Map<string, Set<number>>();
  for (const k of keys) {
    const seqs = bySession.get(k.sessionId) ?? new Set<number>();
    seqs.add(k.seq);
    bySession.set(k.sessionId, seqs);
  }
  if (bySession.size === 0) return { sessionId: { in: [] } };
  return { OR: [...bySession].map(([sessionId, seqs]) => ({ sessionId, seq: { in: [...seqs] } })) };
}

async function reviewedByMe(reviewerId: string, rows: { sessionId: string; seq: number }[]): Promise<Set<string>> {
  if (rows.length === 0) return new Set();
  const prisma = await db();
  const reviews = await prisma.review.findMany({
    where: { reviewerId, sessionId: { in: [...new Set(rows.map((r) => r.sessionId))] } },
    select: { sessionId: true, seq: true },
  });
  return new Set(reviews.map(key));
}

function toItem(row: Row, reviewed: boolean): QueueItem {
  return { ...row, at: row.at.toISOString(), flaggedAt: row.flaggedAt?.toISOString() ?? null, reviewedByMe: reviewed };
}

const SCAN_BATCH = 200;
const MAX_SCANS = 25;
const SAMPLE_POOL_LIMIT = 100_000;

/** Up to `limit` replies I have not reviewed (with `show=all`, mine too, marked), flagged first (newest flag first), then newest. */
export async function unreviewedQueue(reviewerId: string, filters: QueueFilters, limit = 50): Promise<{ items: QueueItem[]; more: boolean }> {
  const prisma = await db();
  const where = await replyWhereWithReviews(filters);
  const items: QueueItem[] = [];
  // Skip-scan in batches: the rows I reviewed are filtered out in memory (there is no relation to join on).
  for (let scan = 0; scan < MAX_SCANS; scan++) {
    const batch = await prisma.replyIndex.findMany({
      where,
      orderBy: [{ flaggedAt: { sort: "desc", nulls: "last" } }, { at: "desc" }, { sessionId: "asc" }, { seq: "desc" }],
      skip: scan * SCAN_BATCH,
      take: SCAN_BATCH,
    });
    const [reviewed, conflicted] = await Promise.all([reviewedByMe(reviewerId, batch), conflictedKeys(reviewerId, batch)]);
    for (const row of batch) {
      const mine = reviewed.has(key(row));
      if (conflicted.has(key(row))) continue; // my own reply, or a session I held: not mine to review
      if (mine && filters.show !== "all") continue;
      items.push(toItem(row, mine));
      if (items.length > limit) return { items: items.slice(0, limit), more: true };
    }
    if (batch.length < SCAN_BATCH) break;
  }
  return { items, more: false };
}

/** The seeded sample: a hash of (seed, reply) orders the matching replies; the first `size` form the sample. */
export async function sampledQueue(
  reviewerId: string,
  filters: QueueFilters & { sample: number; seed: string },
): Promise<{ items: QueueItem[]; poolSize: number; truncated: boolean }> {
  const prisma = await db();
  const pool = await prisma.replyIndex.findMany({
    where: await replyWhereWithReviews(filters),
    select: { sessionId: true, seq: true },
    take: SAMPLE_POOL_LIMIT + 1,
  });
  const truncated = pool.length > SAMPLE_POOL_LIMIT;
  const rank = (r: { sessionId: string; seq: number }) =>
    createHash("sha1")
      .update(`${filters.seed}\u0000${key(r)}`)
      .digest("hex");
  const chosen = pool
    .slice(0, SAMPLE_POOL_LIMIT)
    .map((r) => ({ ...r, rank: rank(r) }))
    .sort((a, b) => (a.rank < b.rank ? -1 : a.rank > b.rank ? 1 : 0))
    .slice(0, filters.sample);
  const rows = await prisma.replyIndex.findMany({ where: replyKeysWhere(chosen) });
  const byKey = new Map(rows.map((r) => [key(r), r]));
  const reviewed = await reviewedByMe(reviewerId, rows);
  // Flagged first, then the seeded order.
  const conflicted = await conflictedKeys(reviewerId, rows);
  const ordered = chosen.map((c) => byKey.get(key(c))).filter((r): r is NonNullable<typeof r> => r !== undefined && !conflicted.has(key(r)));
  ordered.sort((a, b) => Number(Boolean(b.flaggedAt)) - Number(Boolean(a.flaggedAt)));
  return { items: ordered.map((r) => toItem(r, reviewed.has(key(r)))), poolSize: Math.min(pool.length, SAMPLE_POOL_LIMIT), truncated };
}

export async function reviewedAgents(): Promise<string[]> {
  const prisma = await db();
  const groups = await prisma.replyIndex.groupBy({ by: ["agentId"], orderBy: { agentId: "asc" } });
  return groups.map((g) => g.agentId);
}

export function newSampleSeed(): string {
  return randomBytes(6).toString("base64url");
}
