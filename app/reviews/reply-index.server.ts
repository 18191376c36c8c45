// The reply index: one row per agent-authored message (AI replies and operator replies the Console sent as the agent),
// so reviewers and quality figures can work across every session without reading FleetLM.
// Keyed by (sessionId, seq), the only stable identity of a FleetLM message, so recording is idempotent.
import type { Message } from "@fleetlm/client";
import { db } from "~/db.server";
import { toStored } from "~/lib/stored-text";
import { authorOf, isAgentReply, type Authorship } from "~/messages/authorship";
import { authorshipOf } from "~/messages/authorship.server";
import { messageText } from "~/messages/message-text";
import { isUniqueViolation } from "~/lib/db-errors.server";
import { singleton } from "~/lib/singleton.server";
import { rememberNewReplies } from "./snapshots.server";

export type ReplyFacts = {
  sessionId: string;
  seq: number;
  agentId: string;
  termination: "finish" | "abort";
  /** The agent's own figure (metadata.latency_ms); FleetLM never computes one (protocol §13.3). */
  latencyMs: number | null;
  /** The Console's: the answered user message's inserted_at → this reply's (both FleetLM's clock). */
  consoleLatencyMs?: number | null;
  /** Where the Console watched the stream: answered user message → first chunk, and first → last chunk. */
  ttftMs?: number | null;
  streamMs?: number | null;
  length: number;
  byOperator: boolean;
  at: Date;
};

type MessageLike = Pick<Message, "seq" | "sender_id" | "kind" | "content" | "metadata" | "insertedAt">;

/**
 * The reply-index facts of one message, or null when it is not the agent's reply. Authorship is the sender id
 * and the send ledger (ADR 087): `author` from authorshipOf; without it, no message counts as an operator's,
 * and a message that claims an author it does not have is never counted in the agent's figures.
 */
export function replyFacts(session: { id: string; agentId: string }, message: MessageLike, author: Authorship = authorOf(session, message)): ReplyFacts | null {
  if (!isAgentReply(author, message.kind)) return null;
  const metadata = message.metadata ?? {};
  const byOperator = author.role === "operator";
  const latency = metadata.latency_ms;
  return {
    sessionId: session.id,
    seq: message.seq,
    agentId: session.agentId,
    // An operator's reply was not produced by the agent: no termination or latency of the agent's to claim.
    termination: !byOperator && metadata.termination === "abort" ? "abort" : "finish",
    latencyMs: !byOperator && typeof latency === "number" && Number.isFinite(latency) && latency >= 0 ? Math.round(latency) : null,
    length: messageText(message.content).length,
    byOperator,
    at: message.insertedAt,
  };
}

const LOOKUP_SLICE = 500;

/** Whether a message is the end user's (what an AI reply answers): not the agent's, not an operator's. */
function isUserTurn(session: { agentId: string }, message: MessageLike): boolean {
  return message.sender_id !== session.agentId && message.metadata?.source !== "operator";
}

// First and last chunk times of the stream being watched per session (session-watch notes them), taken by
// the next AI reply recorded for that session.
const streams = singleton("replyStreams", () => new Map<string, { first: number; last: number }>());

/** A live chunk of the session's agent reply arrived now (only where the Console watches the session). */
export function noteStreamChunk(sessionId: string, at = Date.now()): void {
  const current = streams.get(sessionId);
  if (current) current.last = at;
  else streams.set(sessionId, { first: at, last: at });
}

/** The stream was cut (reconnect, stop): its timing belongs to no stored reply. */
export function forgetStream(sessionId: string): void {
  streams.delete(sessionId);
}

const ANSWER_WINDOW = 20;
const newest = (facts: ReplyFacts[]) => facts[facts.length - 1]!;

/**
 * The Console's latency figures for fresh AI replies: each reply answers the newest user message before it,
 * found in the batch or else in the Console's own message index (IndexedMessage, role "user"): no FleetLM
 * read, so recording never waits on FleetLM for it.
 */
async function measureLatencies(session: { id: string; agentId: string }, batch: MessageLike[], fresh: ReplyFacts[]): Promise<void> {
  const ai = fresh.filter((f) => !f.byOperator).sort((a, b) => a.seq - b.seq);
  if (ai.length === 0) return;
  // seq → the user's message time: the batch's user turns, then the index's for the span (one query).
  const userAt = new Map<number, Date>();
  for (const m of batch) if (isUserTurn(session, m)) userAt.set(m.seq, m.insertedAt);
  const prisma = await db();
  const stored = toStored(session.id);
  const span = { gte: Math.max(1, ai[0]!.seq - ANSWER_WINDOW), lt: newest(ai).seq };
  for (const row of await prisma.indexedMessage.findMany({ where: { sessionId: stored, role: "user", seq: span }, select: { seq: true, at: true } })) {
    if (!userAt.has(row.seq)) userAt.set(row.seq, row.at);
  }
  const before = (seq: number) => {
    for (let s = seq - 1; s >= Math.max(1, seq - ANSWER_WINDOW); s--) {
      const at = userAt.get(s);
      if (at) return at;
    }
    return null;
  };
  const stream = streams.get(session.id);
  for (const facts of ai) {
    let question = before(facts.seq);
    if (!question && facts === ai[0]) {
      // A long run of agent messages: the question lies further back than the window.
      const row = await prisma.indexedMessage.findFirst({
        where: { sessionId: stored, role: "user", seq: { lt: facts.seq } },
        orderBy: { seq: "desc" },
        select: { at: true },
      });
      question = row?.at ?? null;
    }
    if (!question) continue;
    facts.consoleLatencyMs = Math.max(0, Math.round(facts.at.getTime() - question.getTime()));
    if (stream && facts === newest(ai) && stream.first >= question.getTime() - 1_000) {
      facts.ttftMs = Math.max(0, Math.round(stream.first - question.getTime()));
      facts.streamMs = Math.max(0, Math.round(stream.last - stream.first));
    }
  }
  if (stream) streams.delete(session.id);
}

/**
 * Records the agent-authored messages of one batch (any mix of kinds, any order, duplicates allowed).
 * Safe to call again with the same messages: rows are upserted by (sessionId, seq), and flags survive.
 */
export async function recordReplies(session: { id: string; agentId: string }, messages: Message[]): Promise<number> {
  const rows = new Map<number, ReplyFacts>();
  const authors = await authorshipOf(session, messages);
  for (const message of messages) {
    const facts = replyFacts(session, message, authors.get(message.seq));
    if (facts) rows.set(facts.seq, facts);
  }
  if (rows.size === 0) return 0;
  const prisma = await db();
  const seqs = [...rows.keys()];
  // A long catch-up read can carry thousands of replies: look them up in slices the database's bind limit allows.
  const known = new Set<number>();
  for (let i = 0; i < seqs.length; i += LOOKUP_SLICE) {
    const existing = await prisma.replyIndex.findMany({
      where: { sessionId: session.id, seq: { in: seqs.slice(i, i + LOOKUP_SLICE) } },
      select: { seq: true },
    });
    for (const row of existing) known.add(row.seq);
  }
  const fresh = [...rows.values()].filter((row) => !known.has(row.seq));
  await measureLatencies(session, messages, fresh);
  for (const row of fresh) {
    try {
      await prisma.replyIndex.create({ data: row });
    } catch (error) {
      // A concurrent recorder (live event and REST read of the same message) got there first.
      if (!isUniqueViolation(error)) throw error;
    }
  }
  if (fresh.length) await rememberNewReplies(session.id, messages, new Set(fresh.map((row) => row.seq)));
  return fresh.length;
}

/** The highest seq whose reply row exists, per session (0 when none). */
export async function maxIndexedSeqs(sessionIds: string[]): Promise<Map<string, number>> {
  const result = new Map<string, number>();
  if (sessionIds.length === 0) return result;
  const prisma = await db();
  const groups = await prisma.replyIndex.groupBy({ by: ["sessionId"], where: { sessionId: { in: sessionIds } }, _max: { seq: true } });
  for (const group of groups) result.set(group.sessionId, group._max.seq ?? 0);
  return result;
}
