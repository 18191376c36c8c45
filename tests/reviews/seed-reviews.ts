// Bulk review rows for export tests and the export bench: one INSERT … SELECT over a recursive counter on
// SQLite (Prisma's createMany takes minutes for 100k rows through the driver adapter), createMany on PostgreSQL.
import type { Prisma, PrismaClient } from "~/generated/prisma/client";

/** Reviews with their labels (ReviewLabel rows): createMany cannot write relations, so one create each. */
export async function createReviews(prisma: PrismaClient, rows: Array<Omit<Prisma.ReviewUncheckedCreateInput, "labels"> & { labels?: string[] }>) {
  for (const { labels = [], ...row } of rows) {
    await prisma.review.create({ data: { ...row, labels: { create: labels.map((label) => ({ label })) } } });
  }
}

export type BulkReviews = { prefix: string; count: number; sessionId: string; agentId: string; reviewerId: string };

/** Review i: rating bad when i % 3 == 0, labels tone and policy on every 5th, a hostile multi-line comment on every 1000th. */
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
            comment: i % 1000 === 0 ? '-multi\nline, "quoted"' : "",
            textSnapshot: `reply ${i}: Thanks for reaching out! Here is what I found about your order and the next steps.`,
            createdAt: now,
            updatedAt: now,
          };
        }),
      });
      const labelled = Array.from({ length: Math.min(5_000, options.count - start) }, (_, k) => start + k).filter((i) => i % 5 === 0);
      await prisma.reviewLabel.createMany({
        data: labelled.flatMap((i) => ["tone", "policy"].map((label) => ({ reviewId: `${options.prefix}-${String(i).padStart(6, "0")}`, label }))),
      });
    }
    return;
  }
  const at = now.toISOString().replace("Z", "+00:00");
  await prisma.$executeRawUnsafe(
    `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ?)
     INSERT INTO "Review" ("id", "sessionId", "seq", "agentId", "reviewerId", "rating", "comment", "textSnapshot", "createdAt", "updatedAt")
     SELECT ? || '-' || printf('%06d', i), ?, i + 1, ?, ?,
            CASE WHEN i % 3 = 0 THEN 'bad' ELSE 'good' END,
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
  await prisma.$executeRawUnsafe(
    `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 5 FROM n WHERE i + 5 < ?)
     INSERT INTO "ReviewLabel" ("reviewId", "label")
     SELECT ? || '-' || printf('%06d', i), l.label FROM n, (SELECT 'tone' AS label UNION ALL SELECT 'policy') AS l`,
    options.count,
    options.prefix,
  );
}
