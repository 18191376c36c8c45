// nextItem reads one rank-ordered list per reviews-done count and merges them (ADR 116): on a seeded queue (rows
// written directly) the item handed out is still the first by rank across counts, past my reviews, others' live
// holds, complete items, and a page and more of replies I may not review.
import { makeOperator } from "../support/auth";
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { getQueue, nextItem } from "~/reviews/queues/queues.server";

async function seedQueue(
  reviewsNeeded: number,
  items: { sessionId: string; seq: number; rank: string; reviewsDone: number; reviewers?: string[]; heldBy?: string }[],
) {
  const prisma = await db();
  const row = await prisma.reviewQueue.create({ data: { name: `ni-${randomUUID().slice(0, 8)}`, reviewsNeeded, reserveMinutes: 10 } });
  for (const i of items) {
    await prisma.queueItem.create({
      data: {
        queueId: row.id,
        sessionId: i.sessionId,
        seq: i.seq,
        rank: i.rank,
        reviewsDone: i.reviewsDone,
        reservedById: i.heldBy ?? null,
        reservedUntil: i.heldBy ? new Date(Date.now() + 5 * 60_000) : null,
      },
    });
    for (const reviewerId of i.reviewers ?? [])
      await prisma.queueReview.create({ data: { queueId: row.id, sessionId: i.sessionId, seq: i.seq, reviewerId, reviewId: randomUUID() } });
  }
  return (await getQueue(row.id))!;
}

async function counted(queueId: string, reviewerId: string, { sessionId, seq }: { sessionId: string; seq: number }) {
  const prisma = await db();
  await prisma.queueReview.create({ data: { queueId, sessionId, seq, reviewerId, reviewId: randomUUID() } });
  await prisma.queueItem.update({
    where: { queueId_sessionId_seq: { queueId, sessionId, seq } },
    data: { reviewsDone: { increment: 1 }, reservedById: null, reservedUntil: null },
  });
}

describe("next item", () => {
  it("is the first by rank across reviews-done counts", async () => {
    const [me, other, third] = await Promise.all([makeOperator("auditor"), makeOperator("auditor"), makeOperator("auditor")]);
    const s = `ni-${randomUUID()}`;
    const queue = await seedQueue(3, [
      { sessionId: s, seq: 1, rank: "1a", reviewsDone: 2, reviewers: [me.id, third.id] }, // reviewed by me
      { sessionId: s, seq: 2, rank: "1b", reviewsDone: 1, reviewers: [third.id], heldBy: other.id }, // someone else's live hold
      { sessionId: s, seq: 3, rank: "1c", reviewsDone: 2, reviewers: [other.id, third.id] },
      { sessionId: s, seq: 4, rank: "1d", reviewsDone: 0 },
      { sessionId: s, seq: 5, rank: "1e", reviewsDone: 1, reviewers: [third.id] },
      { sessionId: s, seq: 6, rank: "0f", reviewsDone: 3, reviewers: [other.id, third.id, randomUUID()] }, // flagged but complete
    ]);
    const seqs: number[] = [];
    for (;;) {
      const item = await nextItem(queue, me);
      if (!item) break;
      expect(await nextItem(queue, me)).toMatchObject({ seq: item.seq }); // asking again keeps my hold
      seqs.push(item.seq);
      await counted(queue.id, me.id, item);
    }
    expect(seqs).toEqual([3, 4, 5]);
    // When the other reviewer's hold lapses, its item is mine; skipping past it (after) finds nothing further.
    const later = new Date(Date.now() + 11 * 60_000);
    const lapsed = await nextItem(queue, me, { now: later });
    expect(lapsed).toMatchObject({ seq: 2, reviewsDone: 1 });
    expect(await nextItem(queue, me, { after: lapsed!.rank, now: later })).toMatchObject({ seq: 2 }); // wraps round to it again
  });

  it("pages past more than a page of replies I may not review", async () => {
    const [me, other] = await Promise.all([makeOperator("operator"), makeOperator("auditor")]);
    const held = `ni-held-${randomUUID()}`;
    const s = `ni-${randomUUID()}`;
    // 30 open items at the top are in a session I took over: not mine to review (ADR 113).
    const top = Array.from({ length: 30 }, (_, i) => ({ sessionId: held, seq: i + 1, rank: `1${String(i).padStart(3, "0")}`, reviewsDone: i % 2 }));
    const queue = await seedQueue(2, [
      ...top,
      { sessionId: s, seq: 1, rank: "1900", reviewsDone: 1, reviewers: [other.id] },
      { sessionId: s, seq: 2, rank: "1950", reviewsDone: 0 },
    ]);
    await (await db()).takeover.create({ data: { sessionId: held, operatorId: me.id, releasedAt: new Date() } });
    expect(await nextItem(queue, me)).toMatchObject({ sessionId: s, seq: 1, rank: "1900" });
    expect(await nextItem(queue, other)).toMatchObject({ sessionId: held, seq: 1 }); // the other reviewer may
  });
});
