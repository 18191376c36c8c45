// The two CSV exports: reviews (auditors and admins) and the audit log (admins), each with the filters of
// the page it comes from, read in keyset-paged batches of 1,000 rows.
import { z } from "zod";
import type { Prisma } from "~/generated/prisma/client";
import { db } from "~/db.server";
import { adjudicatedValues, FINAL_COLUMNS, finalCells } from "./agreement/final-values.server";
import { csvStream, keysetBatches, type Cell } from "./csv.server";
import { labelNames, REVIEW_LABELS } from "./labels.server";
import { RatingSchema } from "~/lib/vocabulary";
import { dayRange, replyKeysWhere, replyLatency, scoreWhere, type QueueFilters } from "./queue.server";

export const BATCH_SIZE = 1_000;

// ---- reviews --------------------------------------------------------------------------------------

export const REVIEW_COLUMNS = [
  "review_id",
  "created_at",
  "updated_at",
  "session_id",
  "seq",
  "agent_id",
  "reviewer_email",
  "reviewer_name",
  "rating",
  "labels",
  "comment",
  "text_snapshot",
  "termination",
  "latency_ms",
  "console_latency_ms",
  "by_operator",
  "reply_at",
  "flagged_at",
  // key=value (vN) per score, N the config version the value was written against; where the text came from.
  "scores",
  "snapshot_source",
  // The reply's final values where an admin adjudicated a disagreement (the reviewer's own stay in rating/scores).
  ...FINAL_COLUMNS,
];

export const ReviewExportFilterSchema = z.object({
  rating: RatingSchema.optional().catch(undefined),
  label: z.string().trim().max(40).optional().catch(undefined),
  reviewer: z.string().trim().max(64).optional().catch(undefined),
});

/** Review-level filters run in SQL; reply-level ones (termination, latency, author, flagged) on the joined facts. */
export function reviewWhere(filters: QueueFilters & z.output<typeof ReviewExportFilterSchema>): Prisma.ReviewWhereInput {
  const where: Prisma.ReviewWhereInput = {};
  if (filters.agent) where.agentId = filters.agent;
  if (filters.rating) where.rating = filters.rating;
  if (filters.reviewer) where.reviewerId = filters.reviewer;
  if (filters.label) where.labels = { some: { label: filters.label } };
  const range = dayRange(filters.from, filters.to);
  if (range.gte || range.lt) where.createdAt = range;
  // The queue's score filter (from a score chart), so its export button writes the reviews it lists.
  return { ...where, ...scoreWhere(filters) };
}

function hasReplyFilters(filters: QueueFilters) {
  return Boolean(filters.termination || filters.minLatency !== undefined || filters.maxLatency !== undefined || filters.author || filters.flagged);
}

export async function countReviews(filters: QueueFilters & z.output<typeof ReviewExportFilterSchema>): Promise<number | null> {
  if (hasReplyFilters(filters)) return null; // exact only for SQL-side filters
  return (await db()).review.count({ where: reviewWhere(filters) });
}

export function reviewsCsv(filters: QueueFilters & z.output<typeof ReviewExportFilterSchema>): ReadableStream<Uint8Array> {
  const where = reviewWhere(filters);
  const pages = keysetBatches(
    async (after: string | undefined, size) =>
      (await db()).review.findMany({
        where: after ? { AND: [where, { id: { gt: after } }] } : where,
        orderBy: { id: "asc" },
        take: size,
        include: {
          reviewer: { select: { email: true, name: true } },
          scores: { select: { key: true, value: true, config: { select: { version: true } } }, orderBy: { key: "asc" } },
          ...REVIEW_LABELS,
        },
      }),
    (row) => row.id,
    BATCH_SIZE,
  );
  async function* rows(): AsyncGenerator<Cell[][]> {
    for await (const batch of pages) {
      const prisma = await db();
      const replies = [];
      // SQLite allows 999 bound parameters per statement: look the facts up in slices.
      for (let i = 0; i < batch.length; i += 400) {
        replies.push(...(await prisma.replyIndex.findMany({ where: replyKeysWhere(batch.slice(i, i + 400)) })));
      }
      const facts = new Map(replies.map((r) => [`${r.sessionId}:${r.seq}`, r]));
      const finals = await adjudicatedValues(batch);
      const out: Cell[][] = [];
      for (const review of batch) {
        const reply = facts.get(`${review.sessionId}:${review.seq}`);
        if (filters.termination && reply?.termination !== filters.termination) continue;
        const latency = reply ? replyLatency(reply) : null;
        if (filters.minLatency !== undefined && !(latency !== null && latency > filters.minLatency)) continue;
        if (filters.maxLatency !== undefined && !(latency !== null && latency < filters.maxLatency)) continue;
        if (filters.author && reply?.byOperator !== (filters.author === "operator")) continue;
        if (filters.flagged && !reply?.flaggedAt) continue;
        out.push([
          review.id,
          review.createdAt,
          review.updatedAt,
          review.sessionId,
          review.seq,
          review.agentId,
          review.reviewer.email,
          review.reviewer.name,
          review.rating,
          labelNames(review).join("; "),
          review.comment,
          review.textSnapshot,
          reply?.termination,
          reply?.latencyMs,
          reply?.consoleLatencyMs,
          reply ? reply.byOperator : null,
          reply?.at,
          reply?.flaggedAt,
          review.scores.map((s) => `${s.key}=${s.value} (v${s.config.version})`).join("; "),
          review.snapshotSource,
          ...finalCells(
            { rating: review.rating, scores: review.scores.map((s) => ({ key: s.key, value: s.value, version: s.config.version })) },
            finals.get(`${review.sessionId}:${review.seq}`),
          ),
        ]);
      }
      yield out;
    }
  }
  return csvStream(REVIEW_COLUMNS, rows());
}

// ---- audit log ------------------------------------------------------------------------------------

export const AUDIT_COLUMNS = ["id", "at", "actor_email", "actor_id", "action", "target_type", "target_id", "ip", "details"];

/** The export's snapshot: rows up to the current last id, so rows written while it streams stay out. */
export async function auditSnapshot(where: Prisma.AuditEventWhereInput): Promise<{ untilId: number; totalRows: number }> {
  const prisma = await db();
  const untilId = (await prisma.auditEvent.aggregate({ _max: { id: true } }))._max.id ?? 0;
  const totalRows = await prisma.auditEvent.count({ where: { AND: [where, { id: { lte: untilId } }] } });
  return { untilId, totalRows };
}

/** `where` comes from the audit page's own filters (app/audit/audit-log.server.ts), so the file is what the page shows. */
export function auditCsv(filter: Prisma.AuditEventWhereInput, untilId: number): ReadableStream<Uint8Array> {
  const where: Prisma.AuditEventWhereInput = { AND: [filter, { id: { lte: untilId } }] };
  const pages = keysetBatches(
    async (after: number | undefined, size) =>
      (await db()).auditEvent.findMany({ where: after ? { AND: [where, { id: { gt: after } }] } : where, orderBy: { id: "asc" }, take: size }),
    (row) => row.id,
    BATCH_SIZE,
  );
  async function* rows(): AsyncGenerator<Cell[][]> {
    for await (const batch of pages) {
      yield batch.map((e) => [e.id, e.at, e.actorEmail, e.actorId, e.action, e.targetType, e.targetId, e.ip, e.details]);
    }
  }
  return csvStream(AUDIT_COLUMNS, rows());
}
