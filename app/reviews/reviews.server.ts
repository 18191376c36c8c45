// Reviews of agent replies: one per reviewer per message (a second submit edits it), a snapshot of the text
// taken from FleetLM when the review is first written, labels from the admin-managed list, and flags that
// put a reply at the front of the queue. Every write is audited in the same transaction.
import { fleetlmProblem } from "~/fleetlm/problem";
import type { Message } from "@fleetlm/client";
import { z } from "zod";
import { audit } from "~/audit/audit.server";
import { db } from "~/db.server";
import { fleetlm } from "~/fleetlm/fleetlm.server";
import { reportFleetlmFailure } from "~/fleetlm/health.server";
import type { Authorship } from "~/messages/authorship";
import { authorshipOf } from "~/messages/authorship.server";
import { boundText } from "~/messages/bounds";
import { readExact } from "~/fleetlm/losses.server";
import { toViewMessage } from "~/messages/view-message.server";
import { assertMayReview, reviewConflict } from "./integrity.server";
import { labelNames, listLabels, REVIEW_LABELS } from "./labels.server";
import { snapshotText } from "~/messages/message-text";
import { recordReplies, replyFacts } from "./reply-index.server";
import { MAX_COMMENT, type ContextMessage, type ReplyState } from "./review-types";
import { RatingSchema } from "~/lib/vocabulary";
import type { ReviewInput } from "./review-forms";
import { isUniqueViolation } from "~/lib/db-errors.server";
import type { Actor as FullActor } from "~/auth/actor";

export { MAX_COMMENT };

// The forms live with the controls (review-forms.ts); the work route and the tests read them from here too.
export { ReviewFormSchema, type ReviewInput } from "./review-forms";

export const ReplyParamsSchema = z.object({
  sessionId: z.string().min(1).max(200),
  seq: z.coerce.number().int().positive(),
});

export class FleetlmUnavailableError extends Error {}
export class UnknownLabelsError extends Error {
  constructor(readonly labels: string[]) {
    super(`Unknown label${labels.length > 1 ? "s" : ""}: ${labels.join(", ")}`);
  }
}

type Actor = Pick<FullActor, "id" | "email">;
type Db = Awaited<ReturnType<typeof db>>;
type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];
type ReviewRow = Awaited<ReturnType<Db["review"]["create"]>>;
/** Runs inside the review's transaction (queue counts, scores), so a refusal there writes nothing. */
export type InReviewTx = (tx: Tx, review: ReviewRow, created: boolean) => Promise<void>;

/** A reply FleetLM had (it was indexed or delivered) and no longer returns (protocol §13.2). */
export const vanishedReply = () =>
  new Response("FleetLM no longer has this reply: it lost it after it was delivered. Reviews written before keep their snapshot.", { status: 410 });

/**
 * Reads one message from FleetLM through readExact (a plain `after_seq=seq-1&limit=1` answers an unflushed
 * newer message instead whenever there is one, §13.1). null when the seq does not exist; throws a 410 when
 * FleetLM lost it.
 */
export async function readMessage(sessionId: string, seq: number): Promise<Message | null> {
  let read;
  try {
    const head = (await (await db()).sessionIndex.findUnique({ where: { id: sessionId }, select: { headSeq: true } }))?.headSeq ?? 0;
    read = await readExact(sessionId, { from: seq, to: seq }, { existsUpTo: head });
  } catch (error) {
    reportFleetlmFailure(error);
    throw new FleetlmUnavailableError(fleetlmProblem(error));
  }
  if (read.lost.includes(seq)) throw vanishedReply();
  return read.messages[0] ?? null;
}

async function sessionAgent(prisma: Db, sessionId: string): Promise<string | null> {
  const indexed = await prisma.sessionIndex.findUnique({ where: { id: sessionId }, select: { agentId: true } });
  if (indexed) return indexed.agentId;
  try {
    return (await fleetlm().getSession(sessionId)).agent_id;
  } catch (error) {
    if ((error as { status?: number }).status === 404) return null;
    reportFleetlmFailure(error);
    throw new FleetlmUnavailableError(fleetlmProblem(error));
  }
}

/**
 * The indexed reply at (sessionId, seq), indexing it from FleetLM first when the index has not seen it yet.
 * 404 when the message does not exist or is not agent-authored.
 */
export async function requireReply(sessionId: string, seq: number, message?: Message | null) {
  const prisma = await db();
  const row = await prisma.replyIndex.findUnique({ where: { sessionId_seq: { sessionId, seq } } });
  if (row) return row;
  const agentId = await sessionAgent(prisma, sessionId);
  if (!agentId) throw new Response("No such session.", { status: 404 });
  const found = message !== undefined ? message : await readMessage(sessionId, seq);
  const author = found ? (await authorshipOf({ id: sessionId, agentId }, [found])).get(found.seq) : undefined;
  if (!found || !replyFacts({ id: sessionId, agentId }, found, author)) throw new Response("No agent reply at that seq.", { status: 404 });
  await recordReplies({ id: sessionId, agentId }, [found]);
  return prisma.replyIndex.findUniqueOrThrow({ where: { sessionId_seq: { sessionId, seq } } });
}

async function assertKnownLabels(labels: string[]) {
  if (labels.length === 0) return;
  const known = new Set((await listLabels()).map((label) => label.name));
  const unknown = labels.filter((label) => !known.has(label));
  if (unknown.length > 0) throw new UnknownLabelsError(unknown);
}

const uniq = (values: string[]) => [...new Set(values)];

/**
 * Creates my review of a reply, or updates it when I already reviewed it. With `reviewId`, only that review
 * of mine at this reply is updated: someone else's id answers 404 (it looks exactly like a missing one).
 */
export async function submitReview(actor: Actor, sessionId: string, seq: number, input: ReviewInput, ip?: string, inTx?: InReviewTx) {
  const labels = uniq(input.labels);
  await assertMayReview(actor.id, sessionId, seq);
  await assertKnownLabels(labels);
  const prisma = await db();
  if (input.reviewId) {
    const mine = await prisma.review.findFirst({ where: { id: input.reviewId, reviewerId: actor.id, sessionId, seq } });
    if (!mine) throw new Response("No such review.", { status: 404 });
  }
  let existing = await prisma.review.findUnique({ where: { sessionId_seq_reviewerId: { sessionId, seq, reviewerId: actor.id } } });
  let textSnapshot = existing?.textSnapshot;
  let agentId = existing?.agentId;
  let snapshotSource = "fleetlm";
  if (!existing) {
    let message: Message | null = null;
    let cached: Awaited<ReturnType<typeof cachedReply>> = null;
    try {
      message = await readMessage(sessionId, seq);
    } catch (error) {
      // FleetLM is down: the reviewer had the reply on screen, so the Console's copy of it will do (marked).
      if (!(error instanceof FleetlmUnavailableError)) throw error;
      cached = await cachedReply(prisma, sessionId, seq);
      if (!cached) throw error;
    }
    if (cached) {
      textSnapshot = cached.text;
      agentId = cached.agentId;
      snapshotSource = "cache";
    } else {
      const reply = await requireReply(sessionId, seq, message);
      textSnapshot = snapshotText(message!.content);
      agentId = reply.agentId;
    }
  }
  const fields = { rating: input.rating, comment: input.comment };
  const labelRows = labels.map((label) => ({ label }));
  for (let attempt = 0; ; attempt++) {
    try {
      return await prisma.$transaction(async (tx) => {
        const review = existing
          ? await tx.review.update({ where: { id: existing.id }, data: { ...fields, labels: { deleteMany: {}, create: labelRows } } })
          : await tx.review.create({
              data: {
                ...fields,
                labels: { create: labelRows },
                sessionId,
                seq,
                agentId: agentId!,
                reviewerId: actor.id,
                textSnapshot: textSnapshot!,
                snapshotSource,
              },
            });
        await audit(
          {
            actor,
            action: existing ? "review.update" : "review.create",
            targetType: "review",
            targetId: review.id,
            details: { sessionId, seq, rating: review.rating, labels, commentLength: review.comment.length, ...(existing ? {} : { snapshotSource }) },
            ip,
          },
          tx,
        );
        if (inTx) await inTx(tx, review, !existing);
        return review;
      });
    } catch (error) {
      // Two submits of mine raced: the other one created the row, so this one becomes an update.
      if (!isUniqueViolation(error) || attempt > 0) throw error;
      existing = await prisma.review.findUnique({ where: { sessionId_seq_reviewerId: { sessionId, seq, reviewerId: actor.id } } });
      if (!existing) throw error;
    }
  }
}

/** The Console's copy of an indexed reply's text (ReplySnapshot), for a save while FleetLM is down. */
async function cachedReply(prisma: Db, sessionId: string, seq: number): Promise<{ text: string; agentId: string } | null> {
  const [snapshot, reply] = await Promise.all([
    prisma.replySnapshot.findUnique({ where: { sessionId_seq: { sessionId, seq } } }),
    prisma.replyIndex.findUnique({ where: { sessionId_seq: { sessionId, seq } }, select: { agentId: true } }),
  ]);
  return snapshot && reply ? { text: snapshot.text, agentId: reply.agentId } : null;
}

export async function deleteReview(actor: Actor, reviewId: string, ip?: string) {
  const prisma = await db();
  await prisma.$transaction(async (tx) => {
    const mine = await tx.review.findFirst({ where: { id: reviewId, reviewerId: actor.id } });
    if (!mine) throw new Response("No such review.", { status: 404 });
    await tx.review.delete({ where: { id: mine.id } });
    await audit({ actor, action: "review.delete", targetType: "review", targetId: mine.id, details: { sessionId: mine.sessionId, seq: mine.seq }, ip }, tx);
  });
}

export class UnflagReasonRequiredError extends Error {
  constructor(readonly flaggedByName: string | null) {
    super(`${flaggedByName ?? "Someone else"} flagged this reply: say why you clear their flag.`);
  }
}

/**
 * Flags (or unflags) a reply for review; a flagged reply leads the queue. Any role may flag. Clearing someone
 * else's flag needs a reason, checked inside the transaction against the flag as it is now (a re-flag racing
 * the unflag cannot slip through without one); the audit event names who had flagged it.
 */
export async function setFlag(actor: Actor, sessionId: string, seq: number, flagged: boolean, ip?: string, reason?: string) {
  await requireReply(sessionId, seq);
  const prisma = await db();
  return prisma.$transaction(async (tx) => {
    const before = await tx.replyIndex.findUniqueOrThrow({ where: { sessionId_seq: { sessionId, seq } }, select: { flaggedAt: true, flaggedById: true } });
    const othersFlag = !flagged && before.flaggedAt && before.flaggedById && before.flaggedById !== actor.id;
    if (othersFlag && !reason) {
      const flagger = await tx.operator.findUnique({ where: { id: before.flaggedById! }, select: { name: true } });
      throw new UnflagReasonRequiredError(flagger?.name ?? null);
    }
    const row = await tx.replyIndex.update({
      where: { sessionId_seq: { sessionId, seq } },
      data: flagged ? { flaggedAt: new Date(), flaggedById: actor.id } : { flaggedAt: null, flaggedById: null },
    });
    const details = flagged
      ? { sessionId, seq }
      : { sessionId, seq, flaggedById: before.flaggedById, flaggedAt: before.flaggedAt?.toISOString() ?? null, ...(reason ? { reason } : {}) };
    await audit({ actor, action: flagged ? "reply.flag" : "reply.unflag", targetType: "reply", targetId: `${sessionId}:${seq}`, details, ip }, tx);
    return row;
  });
}

/** My review and the flag state of a reply, from the Console's own tables (no FleetLM read). */
export async function replyState(me: { id: string }, sessionId: string, seq: number): Promise<ReplyState> {
  const prisma = await db();
  const [row, mine, reviewCount, lost, conflict] = await Promise.all([
    prisma.replyIndex.findUnique({ where: { sessionId_seq: { sessionId, seq } } }),
    prisma.review.findUnique({ where: { sessionId_seq_reviewerId: { sessionId, seq, reviewerId: me.id } }, include: REVIEW_LABELS }),
    prisma.review.count({ where: { sessionId, seq } }),
    prisma.lostSeq.findUnique({ where: { sessionId_seq: { sessionId, seq } }, select: { detectedAt: true } }),
    reviewConflict(me.id, sessionId, seq),
  ]);
  const flagger = row?.flaggedById ? await prisma.operator.findUnique({ where: { id: row.flaggedById }, select: { name: true } }) : null;
  return {
    indexed: Boolean(row),
    termination: row?.termination ?? null,
    latencyMs: row?.latencyMs ?? null,
    consoleLatencyMs: row?.consoleLatencyMs ?? null,
    vanished: lost ? { detectedAt: lost.detectedAt.toISOString() } : null,
    byOperator: row?.byOperator ?? false,
    flagged: row?.flaggedAt ? { at: row.flaggedAt.toISOString(), byName: flagger?.name ?? null, byMe: row.flaggedById === me.id } : null,
    reviewCount,
    conflict,
    mine: mine
      ? { id: mine.id, rating: RatingSchema.parse(mine.rating), labels: labelNames(mine), comment: mine.comment, updatedAt: mine.updatedAt.toISOString() }
      : null,
  };
}

/** Authorship of context messages: sender id and send ledger, never metadata (ADR 087). */
async function contextAuthors(prisma: Db, sessionId: string, agentId: string | null, messages: Message[]) {
  if (!agentId) return new Map<number, Authorship>();
  const indexed = await prisma.sessionIndex.findUnique({ where: { id: sessionId }, select: { userId: true } });
  return authorshipOf({ id: sessionId, userId: indexed?.userId ?? null, agentId }, messages);
}

/** The reply, up to `before` messages before it and `after` after it, from FleetLM; null when FleetLM cannot be read. */
export async function replyContext(
  sessionId: string,
  seq: number,
  before = 5,
  after = 0,
): Promise<{ agentId: string | null; messages: ContextMessage[]; hasMoreBefore: boolean; lost: number[] } | null> {
  const prisma = await db();
  try {
    const agentId = await sessionAgent(prisma, sessionId);
    const head = (await prisma.sessionIndex.findUnique({ where: { id: sessionId }, select: { headSeq: true } }))?.headSeq ?? 0;
    const from = Math.max(1, seq - before);
    // Exactly from..seq+after: a plain page here is holed by unflushed newer messages (§13.1).
    const read = await readExact(sessionId, { from, to: seq + after }, { existsUpTo: head });
    const messages = read.messages;
    const authors = await contextAuthors(prisma, sessionId, agentId, messages);
    return {
      agentId,
      hasMoreBefore: from > 1,
      lost: read.lost,
      messages: messages.map((message) => {
        // The text is cut like any message a loader returns (ADR 085); `view` is the bounded message the
        // reviewing view renders as the session view does (tool calls and reasoning as parts).
        const { text, fullLength } = boundText(snapshotText(message.content));
        const author = authors.get(message.seq);
        const view = { ...toViewMessage(message), author };
        return {
          seq: message.seq,
          senderId: message.sender_id,
          role: author?.role ?? "other",
          suspicious: author?.suspicious ?? null,
          kind: message.kind,
          text,
          fullLength,
          at: message.insertedAt.toISOString(),
          view,
        };
      }),
    };
  } catch (error) {
    if (error instanceof FleetlmUnavailableError) return null;
    reportFleetlmFailure(error);
    return null;
  }
}
