// Review queues (admins define them): a filter over replies materialised into items when the queue is built,
// the score configs its reviews fill, who may review (named people or any auditor/admin), and how many reviews
// each item needs (1–3). Work is handed out one item at a time and reserved to the reviewer for a while, so
// two reviewers never hold the same open item; counts grow only by a conditional update (ADR 110).
import { createHash } from "node:crypto";
import { z } from "zod";
import { audit, type AuditActor } from "~/audit/audit.server";
import type { CurrentOperator } from "~/auth/guards.server";
import { db } from "~/db.server";
import { conflictedKeys } from "../integrity.server";
import { QueueFilterSchema, replyWhereWithReviews, type QueueFilters } from "../queue.server";
import { currentScoreConfigs } from "../scores/score-configs.server";
import { can } from "~/auth/permissions";
import { type QueueFormSchema } from "./forms";
import { isUniqueViolation } from "~/lib/db-errors.server";

export const MAX_QUEUE_ITEMS = 100_000;
const BUILD_BATCH = 1_000;

/** The filters a queue can be built from: the queue page's (minus the per-visit ones) plus a sample rate. */
export const QueueBuildFiltersSchema = QueueFilterSchema.omit({ sample: true, seed: true, show: true }).extend({
  rate: z.coerce.number().min(0.01).max(100).optional().catch(undefined), // percent of matching replies
  seed: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,32}$/)
    .optional()
    .catch(undefined),
});
export type QueueBuildFilters = z.output<typeof QueueBuildFiltersSchema>;

export type QueueInput = z.output<typeof QueueFormSchema>;

export class QueueInputError extends Error {
  constructor(readonly errors: Record<string, string[]>) {
    super(Object.values(errors).flat().join(" "));
  }
}

export type QueueDef = {
  id: string;
  name: string;
  description: string;
  filters: QueueBuildFilters;
  scoreKeys: string[];
  reviewerIds: string[];
  reviewsNeeded: number;
  reserveMinutes: number;
  createdAt: string;
};

type QueueRow = {
  id: string;
  name: string;
  description: string;
  filters: string;
  scoreKeys: string;
  reviewerIds: string;
  reviewsNeeded: number;
  reserveMinutes: number;
  createdAt: Date;
};

function toDef(row: QueueRow): QueueDef {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    filters: QueueBuildFiltersSchema.parse(JSON.parse(row.filters)),
    scoreKeys: JSON.parse(row.scoreKeys) as string[],
    reviewerIds: JSON.parse(row.reviewerIds) as string[],
    reviewsNeeded: row.reviewsNeeded,
    reserveMinutes: row.reserveMinutes,
    createdAt: row.createdAt.toISOString(),
  };
}

const INVERSE = 9_999_999_999_999;
const pad = (n: number) => String(n).padStart(13, "0");

/** Work order as a sortable string: flagged first (newest flag first), then newest reply; or the seeded hash. */
function rankOf(reply: { sessionId: string; seq: number; at: Date; flaggedAt: Date | null }, seed?: string): string {
  if (seed) return `${reply.flaggedAt ? "0" : "1"}${createHash("sha1").update(`${seed}\u0000${reply.sessionId}:${reply.seq}`).digest("hex")}`;
  return reply.flaggedAt ? `0${pad(INVERSE - reply.flaggedAt.getTime())}` : `1${pad(INVERSE - reply.at.getTime())}`;
}

/** Whether a reply is in a rate-% sample for the seed (a hash below the rate's share of the hash space). */
function sampled(reply: { sessionId: string; seq: number }, rate: number | undefined, seed: string | undefined): boolean {
  if (rate === undefined || rate >= 100) return true;
  const h = createHash("sha1")
    .update(`${seed ?? ""}\u0001${reply.sessionId}:${reply.seq}`)
    .digest()
    .readUInt32BE(0);
  return h < (rate / 100) * 0x1_0000_0000;
}

/** Adds the matching replies that are not in the queue yet (at build time, and on "add new replies"). */
export async function fillQueue(queueId: string, filters: QueueBuildFilters): Promise<{ added: number; total: number; capped: boolean }> {
  const prisma = await db();
  const where = await replyWhereWithReviews(filters as QueueFilters);
  let total = await prisma.queueItem.count({ where: { queueId } });
  let added = 0;
  let cursor: { sessionId: string; seq: number } | undefined;
  for (;;) {
    const batch = await prisma.replyIndex.findMany({
      where,
      select: { sessionId: true, seq: true, at: true, flaggedAt: true },
      orderBy: [{ sessionId: "asc" }, { seq: "asc" }],
      take: BUILD_BATCH,
      ...(cursor ? { cursor: { sessionId_seq: cursor }, skip: 1 } : {}),
    });
    if (batch.length === 0) break;
    cursor = { sessionId: batch[batch.length - 1]!.sessionId, seq: batch[batch.length - 1]!.seq };
    const chosen = batch.filter((r) => sampled(r, filters.rate, filters.seed));
    if (chosen.length) {
      const present = await prisma.queueItem.findMany({
        where: { queueId, OR: [...groupBySession(chosen)].map(([sessionId, seqs]) => ({ sessionId, seq: { in: seqs } })) },
        select: { sessionId: true, seq: true },
      });
      const have = new Set(present.map((p) => `${p.sessionId}:${p.seq}`));
      const fresh = chosen.filter((r) => !have.has(`${r.sessionId}:${r.seq}`)).slice(0, MAX_QUEUE_ITEMS - total);
      if (fresh.length) {
        await prisma.queueItem.createMany({
          data: fresh.map((r) => ({ queueId, sessionId: r.sessionId, seq: r.seq, rank: rankOf(r, filters.rate !== undefined ? filters.seed : undefined) })),
        });
        added += fresh.length;
        total += fresh.length;
      }
      if (total >= MAX_QUEUE_ITEMS) return { added, total, capped: true };
    }
    if (batch.length < BUILD_BATCH) break;
  }
  return { added, total, capped: false };
}

function groupBySession(rows: { sessionId: string; seq: number }[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const r of rows) out.set(r.sessionId, [...(out.get(r.sessionId) ?? []), r.seq]);
  return out;
}

/** Creates a queue and builds its items. Unknown scores or reviewers are refused with the field named. */
export async function createQueue(
  actor: NonNullable<AuditActor>,
  input: QueueInput,
  filters: QueueBuildFilters,
  ip?: string,
): Promise<QueueDef & { items: number; capped: boolean }> {
  const prisma = await db();
  const scoreKeys = [...new Set(input.scoreKeys)];
  const reviewerIds = [...new Set(input.reviewerIds)];
  const errors: Record<string, string[]> = {};
  const configs = await currentScoreConfigs(scoreKeys);
  const missing = scoreKeys.filter((k) => !configs.some((c) => c.key === k));
  if (missing.length) errors.scoreKeys = [`Unknown score${missing.length > 1 ? "s" : ""}: ${missing.join(", ")}.`];
  const people = await prisma.operator.findMany({ where: { id: { in: reviewerIds }, active: true }, select: { id: true } });
  if (people.length !== reviewerIds.length) errors.reviewerIds = ["Some reviewers are not active operators."];
  if (await prisma.reviewQueue.findUnique({ where: { name: input.name }, select: { id: true } })) errors.name = ["A queue with that name exists."];
  if (Object.keys(errors).length) throw new QueueInputError(errors);
  const seeded =
    filters.rate !== undefined && !filters.seed
      ? { ...filters, seed: createHash("sha1").update(`${Date.now()}${Math.random()}`).digest("base64url").slice(0, 10) }
      : filters;
  let row: QueueRow;
  try {
    row = await prisma.$transaction(async (tx) => {
      const created = await tx.reviewQueue.create({
        data: {
          name: input.name,
          description: input.description,
          filters: JSON.stringify(seeded),
          scoreKeys: JSON.stringify(scoreKeys),
          reviewerIds: JSON.stringify(reviewerIds),
          reviewsNeeded: input.reviewsNeeded,
          reserveMinutes: input.reserveMinutes,
          createdById: actor.id,
        },
      });
      await audit(
        {
          actor,
          action: "review_queue.create",
          targetType: "review_queue",
          targetId: created.id,
          details: { name: created.name, filters: seeded, scoreKeys, reviewerIds, reviewsNeeded: input.reviewsNeeded },
          ip,
        },
        tx,
      );
      return created;
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new QueueInputError({ name: ["A queue with that name exists."] });
    throw error;
  }
  const filled = await fillQueue(row.id, seeded);
  return { ...toDef(row), items: filled.total, capped: filled.capped };
}

export async function getQueue(queueId: string): Promise<QueueDef | null> {
  const row = await (await db()).reviewQueue.findFirst({ where: { id: queueId, archivedAt: null } });
  return row ? toDef(row) : null;
}

export async function listQueues(): Promise<QueueDef[]> {
  const rows = await (await db()).reviewQueue.findMany({ where: { archivedAt: null }, orderBy: { createdAt: "desc" } });
  return rows.map(toDef);
}

/** Whether the operator reviews in this queue: listed by name, or anyone holding reviews:open-queues when nobody is listed. */
export function mayWorkOn(queue: QueueDef, me: Pick<CurrentOperator, "id" | "role">): boolean {
  if (queue.reviewerIds.length > 0) return queue.reviewerIds.includes(me.id);
  return can(me, "reviews:open-queues");
}

export async function requireQueueFor(queueId: string, me: Pick<CurrentOperator, "id" | "role">): Promise<QueueDef> {
  const queue = await getQueue(queueId);
  if (!queue) throw new Response("No such queue.", { status: 404 });
  if (!mayWorkOn(queue, me)) throw new Response("You are not a reviewer of this queue.", { status: 403 });
  return queue;
}

export type OpenItem = { sessionId: string; seq: number; reviewsDone: number; reservedUntil: string };

const CANDIDATES = 25;

/**
 * My open item: the one I hold if its reservation is live, else the first item (by rank, after `after` when I
 * skip) that still needs reviews, that I have not reviewed, may review, and nobody else holds — claimed by a
 * conditional update so a racing reviewer cannot claim it too. Looking for a new one releases my other holds in
 * the queue first.
 */
export async function nextItem(
  queue: QueueDef,
  me: { id: string },
  options: { after?: string; now?: Date } = {},
): Promise<(OpenItem & { rank: string }) | null> {
  const prisma = await db();
  const now = options.now ?? new Date();
  const until = new Date(now.getTime() + queue.reserveMinutes * 60_000);
  let holding = true;
  if (!options.after) {
    // My holds through the (queueId, reservedById) index (a claim releases my others: one at most), checked here:
    // with the other conditions in the query, the planner walks every open item instead (ADR 116).
    const mine = await prisma.queueItem.findMany({ where: { queueId: queue.id, reservedById: me.id } });
    holding = mine.length > 0;
    const live = mine.filter((i) => i.reservedUntil && i.reservedUntil > now && i.reviewsDone < queue.reviewsNeeded).sort((a, b) => (a.rank < b.rank ? -1 : 1));
    for (const held of live) {
      const reviewed = await prisma.queueReview.findUnique({
        where: { queueId_sessionId_seq_reviewerId: { queueId: queue.id, sessionId: held.sessionId, seq: held.seq, reviewerId: me.id } },
        select: { reviewId: true },
      });
      if (!reviewed)
        return { sessionId: held.sessionId, seq: held.seq, rank: held.rank, reviewsDone: held.reviewsDone, reservedUntil: held.reservedUntil!.toISOString() };
    }
  }
  // Let go of what I still hold here (lapsed, reviewed, or the item I skip) before claiming: a claim is then one
  // conditional update. Two racing calls of mine can leave me two holds — never an item shown to me unreserved.
  if (holding) await prisma.queueItem.updateMany({ where: { queueId: queue.id, reservedById: me.id }, data: { reservedById: null, reservedUntil: null } });
  const free = { OR: [{ reservedById: null }, { reservedUntil: { lte: now } }, { reservedById: me.id }] };
  let after = options.after;
  let wrapped = !options.after;
  // One query per reviews-done count below the need (at most three), each walking the (queueId, reviewsDone, rank)
  // index in rank order and stopping after CANDIDATES rows; merged, their first CANDIDATES are the queue's. A
  // range on reviewsDone instead makes the database sort every open item first (ADR 116).
  const candidatesAfter = async (rank: string | undefined) => {
    const lists = await Promise.all(
      Array.from({ length: queue.reviewsNeeded }, (_, done) =>
        prisma.queueItem.findMany({
          where: { queueId: queue.id, reviewsDone: done, reviews: { none: { reviewerId: me.id } }, ...free, ...(rank ? { rank: { gt: rank } } : {}) },
          orderBy: { rank: "asc" },
          take: CANDIDATES,
          select: { sessionId: true, seq: true, rank: true, reviewsDone: true },
        }),
      ),
    );
    return lists
      .flat()
      .sort((a, b) => (a.rank < b.rank ? -1 : a.rank > b.rank ? 1 : 0))
      .slice(0, CANDIDATES);
  };
  for (let pass = 0; pass < 200; pass++) {
    const candidates = await candidatesAfter(after);
    const conflicted = await conflictedKeys(me.id, candidates);
    for (const c of candidates) {
      if (conflicted.has(`${c.sessionId}:${c.seq}`)) continue;
      // Still free and still at the count it was read with (a save in between: it comes round again later), so
      // what is returned is what the row holds, without reading it back.
      const { count } = await prisma.queueItem.updateMany({
        where: { queueId: queue.id, sessionId: c.sessionId, seq: c.seq, reviewsDone: c.reviewsDone, ...free },
        data: { reservedById: me.id, reservedUntil: until },
      });
      if (count === 1) return { sessionId: c.sessionId, seq: c.seq, rank: c.rank, reviewsDone: c.reviewsDone, reservedUntil: until.toISOString() };
    }
    if (candidates.length < CANDIDATES) {
      if (wrapped) return null;
      // Skipped to the end: start again from the top (items I skipped come round again).
      wrapped = true;
      after = undefined;
      continue;
    }
    after = candidates[candidates.length - 1]!.rank;
  }
  return null;
}

/** Lets go of my hold in a queue (leaving the page, or "release"). */
export async function releaseMine(queueId: string, me: { id: string }) {
  await (await db()).queueItem.updateMany({ where: { queueId, reservedById: me.id }, data: { reservedById: null, reservedUntil: null } });
}

export type QueueProgress = {
  items: number;
  reviewsNeeded: number;
  reviewsDone: number;
  /** Reviews still to write across the queue (items × needed − done). */
  remaining: number;
  itemsComplete: number;
  /** Items I could still review (need reviews, not reviewed by me, not my own reply or held session). */
  remainingForMe: number;
  perReviewer: { reviewerId: string; name: string; done: number }[];
};

export async function queueProgress(queue: QueueDef, me: { id: string }): Promise<QueueProgress> {
  const prisma = await db();
  const open = { queueId: queue.id, reviewsDone: { lt: queue.reviewsNeeded } };
  const [items, complete, openForMe, byReviewer] = await Promise.all([
    prisma.queueItem.count({ where: { queueId: queue.id } }),
    prisma.queueItem.count({ where: { queueId: queue.id, reviewsDone: { gte: queue.reviewsNeeded } } }),
    prisma.queueItem.count({ where: { ...open, reviews: { none: { reviewerId: me.id } } } }),
    prisma.queueReview.groupBy({ by: ["reviewerId"], where: { queueId: queue.id }, _count: { _all: true } }),
  ]);
  // Items I may not review (my replies, sessions I held) are few: count them among the open ones exactly.
  const [sent, held] = await Promise.all([
    prisma.sentMessage.findMany({ where: { operatorId: me.id, seq: { not: null } }, select: { sessionId: true, seq: true } }),
    prisma.takeover.findMany({ where: { operatorId: me.id }, select: { sessionId: true }, distinct: ["sessionId"] }),
  ]);
  let excluded = 0;
  if (sent.length || held.length) {
    excluded = await prisma.queueItem.count({
      where: {
        ...open,
        reviews: { none: { reviewerId: me.id } },
        OR: [
          ...(held.length ? [{ sessionId: { in: held.map((h) => h.sessionId) } }] : []),
          ...sent.map((s) => ({ sessionId: s.sessionId, seq: s.seq! })),
        ].slice(0, 900),
      },
    });
  }
  const names = await prisma.operator.findMany({ where: { id: { in: byReviewer.map((r) => r.reviewerId) } }, select: { id: true, name: true } });
  // Every count on an item is one QueueReview row written with it (queue-review.server.ts): their sum is the total.
  const done = byReviewer.reduce((sum, r) => sum + r._count._all, 0);
  return {
    items,
    reviewsNeeded: queue.reviewsNeeded,
    reviewsDone: done,
    remaining: items * queue.reviewsNeeded - done,
    itemsComplete: complete,
    remainingForMe: openForMe - excluded,
    perReviewer: byReviewer
      .map((r) => ({ reviewerId: r.reviewerId, name: names.find((n) => n.id === r.reviewerId)?.name ?? r.reviewerId, done: r._count._all }))
      .sort((a, b) => b.done - a.done),
  };
}
