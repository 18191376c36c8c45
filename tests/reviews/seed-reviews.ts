// Bulk review rows for export tests and the export bench: one INSERT … SELECT over a recursive counter on
// SQLite (Prisma's createMany takes minutes for 100k rows through the driver adapter), createMany on PostgreSQL.
import type { PrismaClient } from "~/generated/prisma/client";

export type BulkReviews = { prefix: string; count: number; sessionId: string; agentId: string; reviewerId: string };

/** Review i: rating bad when i % 3 == 0, labels on every 5th, a hostile multi-line comment on every 1000th. */
export async function seedReviewsBulk(prisma: PrismaClient, options: BulkReviews, isPostgres: boolean) {
  const now = new Date();
  if (isPostgres) {
    for (let start = 0; start < options.count; start += 5_000) {
      await prisma.review.createMany({
        data: Array.from({ length: Math.min(5_000, options.count - start) }, (_, k) => {
          const i = start + k;
          return {
            id: `${options.prefix}-${String(i).padStart(6, "0")}`,
            sessionId: options.sessionId,
            seq: i + 1,
            agentId: options.agentId,
            reviewerId: options.reviewerId,
            rating: i % 3 === 0 ? "bad" : "good",
            labels: i % 5 === 0 ? "tone,policy" : "",
            comment: i % 1000 === 0 ? '-multi\nline, "quoted"' : "",
            textSnapshot: `reply ${i}: Thanks for reaching out! Here is what I found about your order and the next steps.`,
            createdAt: now,
            updatedAt: now,
          };
        }),
      });
    }
    return;
  }
  const at = now.toISOString().replace("Z", "+00:00");
  await prisma.$executeRawUnsafe(
    `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ?)
     INSERT INTO "Review" ("id", "sessionId", "seq", "agentId", "reviewerId", "rating", "labels", "comment", "textSnapshot", "createdAt", "updatedAt")
     SELECT ? || '-' || printf('%06d', i), ?, i + 1, ?, ?,
            CASE WHEN i % 3 = 0 THEN 'bad' ELSE 'good' END,
            CASE WHEN i % 5 = 0 THEN 'tone,policy' ELSE '' END,
            CASE WHEN i % 1000 = 0 THEN '-multi' || char(10) || 'line, "quoted"' ELSE '' END,
            'reply ' || i || ': Thanks for reaching out! Here is what I found about your order and the next steps.',
            ?, ?
     FROM n`,
    options.count,
    options.prefix,
    options.sessionId,
    options.agentId,
    options.reviewerId,
    at,
    at,
  );
}
