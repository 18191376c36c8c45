// Writing a review inside a queue: the scores are checked against the configs' current versions, then the
// review, its scores and the item's count are written in one transaction. The count only grows while it is
// below the queue's reviews-needed (a conditional update), so racing reviewers end at exactly that number.
import { audit } from "~/audit/audit.server";
import type { Actor as FullActor } from "~/auth/actor";
import { db } from "~/db.server";
import { submitReview, type ReviewInput } from "../reviews.server";
import { currentScoreConfigs } from "../scores/score-configs.server";
import { checkScores, type ScoreConfigView } from "../scores/score-types";
import type { QueueDef } from "./queues.server";

export class ScoreInputError extends Error {
  constructor(readonly errors: Record<string, string[]>) {
    super(Object.values(errors).flat().join(" "));
  }
}

/** 409s: the item is held by someone else, or already has all the reviews it needs. */
export class QueueItemRefusedError extends Error {
  constructor(
    readonly reason: "held" | "full",
    message: string,
  ) {
    super(message);
  }
}

type Actor = Pick<FullActor, "id" | "email">;

/** Score values from a form: fields named `score.<key>`. */
export function scoreFields(form: FormData): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of form) if (name.startsWith("score.") && typeof value === "string") out[name.slice(6)] = value;
  return out;
}

export async function queueScoreConfigs(queue: QueueDef): Promise<ScoreConfigView[]> {
  return currentScoreConfigs(queue.scoreKeys);
}

export async function submitQueueReview(
  actor: Actor,
  queue: QueueDef,
  sessionId: string,
  seq: number,
  input: ReviewInput,
  rawScores: Record<string, string>,
  ip?: string,
) {
  const prisma = await db();
  const item = await prisma.queueItem.findUnique({ where: { queueId_sessionId_seq: { queueId: queue.id, sessionId, seq } } });
  if (!item) throw new Response("That reply is not in this queue.", { status: 404 });
  const checked = checkScores(await queueScoreConfigs(queue), rawScores);
  if (!checked.ok) throw new ScoreInputError(checked.errors);
  const values = checked.values;
  return submitReview(actor, sessionId, seq, input, ip, async (tx, review) => {
    const pk = { queueId: queue.id, sessionId, seq };
    const counted = await tx.queueReview.findUnique({ where: { queueId_sessionId_seq_reviewerId: { ...pk, reviewerId: actor.id } } });
    if (!counted) {
      const now = new Date();
      const current = await tx.queueItem.findUniqueOrThrow({ where: { queueId_sessionId_seq: pk } });
      if (current.reservedById && current.reservedById !== actor.id && current.reservedUntil && current.reservedUntil > now) {
        const holder = await tx.operator.findUnique({ where: { id: current.reservedById }, select: { name: true } });
        throw new QueueItemRefusedError("held", `${holder?.name ?? "Another reviewer"} has this reply open right now.`);
      }
      const { count } = await tx.queueItem.updateMany({
        where: { ...pk, reviewsDone: { lt: queue.reviewsNeeded } },
        data: { reviewsDone: { increment: 1 }, reservedById: null, reservedUntil: null },
      });
      if (count !== 1)
        throw new QueueItemRefusedError(
          "full",
          `This reply already has the ${queue.reviewsNeeded} review${queue.reviewsNeeded > 1 ? "s" : ""} the queue needs.`,
        );
      await tx.queueReview.create({ data: { ...pk, reviewerId: actor.id, reviewId: review.id } });
    }
    // Scores are rewritten with the review (an edit of my review takes the current config versions).
    await tx.reviewScore.deleteMany({ where: { reviewId: review.id } });
    if (Object.keys(values).length) {
      await tx.reviewScore.createMany({ data: Object.entries(values).map(([key, v]) => ({ reviewId: review.id, key, configId: v.configId, value: v.value })) });
    }
    await audit(
      {
        actor,
        action: counted ? "queue_review.update" : "queue_review.create",
        targetType: "review_queue",
        targetId: queue.id,
        details: {
          sessionId,
          seq,
          reviewId: review.id,
          scores: Object.fromEntries(Object.entries(values).map(([k, v]) => [k, { value: v.value, version: v.version }])),
        },
        ip,
      },
      tx,
    );
  });
}
