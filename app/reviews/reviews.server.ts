// Reviews of agent replies: one per reviewer per message (a second submit edits it), a snapshot of the text
// taken from FleetLM when the review is first written, labels from the admin-managed list, and flags that
// put a reply at the front of the queue. Every write is audited in the same transaction.
import { fleetlmProblem } from "~/fleetlm/problem";
import type { Message } from "@fleetlm/client";
import { z } from "zod";
import { audit } from "~/audit/audit.server";
import type { CurrentOperator } from "~/auth/guards.server";
import { db } from "~/db.server";
import { fleetlm } from "~/fleetlm/fleetlm.server";
import { reportFleetlmFailure } from "~/fleetlm/health.server";
import type { Authorship } from "~/messages/authorship";
import { authorshipOf } from "~/messages/authorship.server";
import { boundText } from "~/messages/bounds";
import { readExact } from "~/fleetlm/losses.server";
import { listLabels } from "./labels.server";
import { snapshotText } from "./message-text";
import { recordReplies, replyFacts } from "./reply-index.server";
import { MAX_COMMENT, type ContextMessage, type Rating, type ReplyState } from "./review-types";

export { MAX_COMMENT };


const toList = (value: unknown) => (value === undefined || value === "" ? [] : Array.isArray(value) ? value : [value]);

export const ReviewFormSchema = z.object({
  rating: z.enum(["good", "bad"], { message: "Rate the reply good or bad." }),
  labels: z.preprocess(toList, z.array(z.string().trim().min(1).max(40)).max(20, "At most 20 labels.")),
  comment: z.string().trim().max(MAX_COMMENT, `At most ${MAX_COMMENT} characters.`).default(""),
  reviewId: z.string().min(1).max(64).optional(),
});
export type ReviewInput = z.output<typeof ReviewFormSchema>;

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

type Actor = Pick<CurrentOperator, "id" | "email">;
type Db = Awaited<ReturnType<typeof db>>;

/** A reply FleetLM had (it was indexed or delivered) and no longer returns (protocol §13.2). */
export const vanishedReply = () =>
  new Response("FleetLM no longer has this reply: it lost it after it was delivered. Reviews written before keep their snapshot.", { status: 410 });

/**
 * Reads one message from FleetLM through readExact (a plain `after_seq=seq-1&limit=1` answers an unflushed
 * newer message instead whenever there is one, §13.1). null when the seq does not exist; throws a 410 when
 * FleetLM lost it.
 */
async function readMessage(sessionId: string, seq: number): Promise<Message | null> {
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
export async function submitReview(actor: Actor, sessionId: string, seq: number, input: ReviewInput, ip?: string) {
  const labels = uniq(input.labels);
  await assertKnownLabels(labels);
  const prisma = await db();
  if (input.reviewId) {
    const mine = await prisma.review.findFirst({ where: { id: input.reviewId, reviewerId: actor.id, sessionId, seq } });
    if (!mine) throw new Response("No such review.", { status: 404 });
  }
  let existing = await prisma.review.findUnique({ where: { sessionId_seq_reviewerId: { sessionId, seq, reviewerId: actor.id } } });
  let textSnapshot = existing?.textSnapshot;
  let agentId = existing?.agentId;
  if (!existing) {
    const message = await readMessage(sessionId, seq);
    const reply = await requireReply(sessionId, seq, message);
    textSnapshot = snapshotText(message!.content);
    agentId = reply.agentId;
  }
  const fields = { rating: input.rating, labels: labels.join(","), comment: input.comment };
  for (let attempt = 0; ; attempt++) {
    try {
      return await prisma.$transaction(async (tx) => {
        const review = existing
          ? await tx.review.update({ where: { id: existing.id }, data: fields })
          : await tx.review.create({ data: { ...fields, sessionId, seq, agentId: agentId!, reviewerId: actor.id, textSnapshot: textSnapshot! } });
        await audit(
          {
            actor,
            action: existing ? "review.update" : "review.create",
            targetType: "review",
            targetId: review.id,
            details: { sessionId, seq, rating: review.rating, labels, commentLength: review.comment.length },
            ip,
          },
          tx,
        );
        return review;
      });
    } catch (error) {
      // Two submits of mine raced: the other one created the row, so this one becomes an update.
      if ((error as { code?: string }).code !== "P2002" || attempt > 0) throw error;
      existing = await prisma.review.findUnique({ where: { sessionId_seq_reviewerId: { sessionId, seq, reviewerId: actor.id } } });
      if (!existing) throw error;
    }
  }
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

/** Flags (or unflags) a reply for review; a flagged reply leads the queue. Any role may flag. */
export async function setFlag(actor: Actor, sessionId: string, seq: number, flagged: boolean, ip?: string) {
  await requireReply(sessionId, seq);
  const prisma = await db();
  return prisma.$transaction(async (tx) => {
    const row = await tx.replyIndex.update({
      where: { sessionId_seq: { sessionId, seq } },
      data: flagged ? { flaggedAt: new Date(), flaggedById: actor.id } : { flaggedAt: null, flaggedById: null },
    });
    await audit({ actor, action: flagged ? "reply.flag" : "reply.unflag", targetType: "reply", targetId: `${sessionId}:${seq}`, details: { sessionId, seq }, ip }, tx);
    return row;
  });
}

export function splitLabels(labels: string): string[] {
  return labels === "" ? [] : labels.split(",");
}

/** My review and the flag state of a reply, from the Console's own tables (no FleetLM read). */
export async function replyState(me: { id: string }, sessionId: string, seq: number): Promise<ReplyState> {
  const prisma = await db();
  const [row, mine, reviewCount, lost] = await Promise.all([
    prisma.replyIndex.findUnique({ where: { sessionId_seq: { sessionId, seq } } }),
    prisma.review.findUnique({ where: { sessionId_seq_reviewerId: { sessionId, seq, reviewerId: me.id } } }),
    prisma.review.count({ where: { sessionId, seq } }),
    prisma.lostSeq.findUnique({ where: { sessionId_seq: { sessionId, seq } }, select: { detectedAt: true } }),
  ]);
  const flagger = row?.flaggedById ? await prisma.operator.findUnique({ where: { id: row.flaggedById }, select: { name: true } }) : null;
  return {
    indexed: Boolean(row),
    termination: row?.termination ?? null,
    latencyMs: row?.latencyMs ?? null,
    consoleLatencyMs: row?.consoleLatencyMs ?? null,
    vanished: lost ? { detectedAt: lost.detectedAt.toISOString() } : null,
    byOperator: row?.byOperator ?? false,
    flagged: row?.flaggedAt ? { at: row.flaggedAt.toISOString(), byName: flagger?.name ?? null } : null,
    reviewCount,
    mine: mine
      ? { id: mine.id, rating: mine.rating as Rating, labels: splitLabels(mine.labels), comment: mine.comment, updatedAt: mine.updatedAt.toISOString() }
      : null,
  };
}


/** Authorship of context messages: sender id and send ledger, never metadata (ADR 087). */
async function contextAuthors(prisma: Db, sessionId: string, agentId: string | null, messages: Message[]) {
  if (!agentId) return new Map<number, Authorship>();
  const indexed = await prisma.sessionIndex.findUnique({ where: { id: sessionId }, select: { userId: true } });
  return authorshipOf({ id: sessionId, userId: indexed?.userId ?? null, agentId }, messages);
}

/** The reply and up to `before` messages before it, from FleetLM; null when FleetLM cannot be read. */
export async function replyContext(sessionId: string, seq: number, before = 5): Promise<{ agentId: string | null; messages: ContextMessage[]; lost: number[] } | null> {
  const prisma = await db();
  try {
    const agentId = await sessionAgent(prisma, sessionId);
    const head = (await prisma.sessionIndex.findUnique({ where: { id: sessionId }, select: { headSeq: true } }))?.headSeq ?? 0;
    // Exactly seq-before..seq: a plain page here is holed by unflushed newer messages (§13.1).
    const read = await readExact(sessionId, { from: Math.max(1, seq - before), to: seq }, { existsUpTo: head });
    const messages = read.messages;
    const authors = await contextAuthors(prisma, sessionId, agentId, messages);
    return {
      agentId,
      lost: read.lost,
      messages: messages.map((message) => {
        // Context is shown as plain text, cut like any message a loader returns (ADR 085).
        const { text, fullLength } = boundText(snapshotText(message.content));
        const author = authors.get(message.seq);
        return { seq: message.seq, senderId: message.sender_id, role: author?.role ?? "other", suspicious: author?.suspicious ?? null, kind: message.kind, text, fullLength, at: message.insertedAt.toISOString() };
      }),
    };
  } catch (error) {
    if (error instanceof FleetlmUnavailableError) return null;
    reportFleetlmFailure(error);
    return null;
  }
}
