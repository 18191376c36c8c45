// The reply index: one row per agent-authored message (AI replies and operator replies the Console sent as the agent),
// so reviewers and quality figures can work across every session without reading FleetLM.
// Keyed by (sessionId, seq), the only stable identity of a FleetLM message, so recording is idempotent.
import type { Message } from "@fleetlm/client";
import { db } from "~/db.server";
import { authorOf, isAgentReply, type Authorship } from "~/messages/authorship";
import { authorshipOf } from "~/messages/authorship.server";
import { messageText } from "./message-text";
import { rememberNewReplies } from "./snapshots.server";

export type ReplyFacts = {
  sessionId: string;
  seq: number;
  agentId: string;
  termination: "finish" | "abort";
  latencyMs: number | null;
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

function isUniqueViolation(error: unknown) {
  return (error as { code?: string } | null)?.code === "P2002";
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
    const existing = await prisma.replyIndex.findMany({ where: { sessionId: session.id, seq: { in: seqs.slice(i, i + LOOKUP_SLICE) } }, select: { seq: true } });
    for (const row of existing) known.add(row.seq);
  }
  const fresh = [...rows.values()].filter((row) => !known.has(row.seq));
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
