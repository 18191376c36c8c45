// Who may not review what: nobody reviews a reply they wrote (the operator send ledger) or a reply in a
// session they took over (at any time: holding it, they shaped the conversation the agent answered).
import { db } from "~/db.server";

export type Conflict = "wrote" | "held";

export class ReviewConflictError extends Error {
  constructor(readonly conflict: Conflict) {
    super(
      conflict === "wrote"
        ? "You wrote this reply, so someone else has to review it."
        : "You held this session (took it over), so someone else has to review its replies.",
    );
  }
}

/** Why `reviewerId` may not review (sessionId, seq), or null. */
export async function reviewConflict(reviewerId: string, sessionId: string, seq: number): Promise<Conflict | null> {
  const prisma = await db();
  const [wrote, held] = await Promise.all([
    prisma.sentMessage.findFirst({ where: { sessionId, seq, operatorId: reviewerId }, select: { clientMessageId: true } }),
    prisma.takeover.findFirst({ where: { sessionId, operatorId: reviewerId }, select: { id: true } }),
  ]);
  return wrote ? "wrote" : held ? "held" : null;
}

export async function assertMayReview(reviewerId: string, sessionId: string, seq: number): Promise<void> {
  const conflict = await reviewConflict(reviewerId, sessionId, seq);
  if (conflict) throw new ReviewConflictError(conflict);
}

/**
 * The keys among `replies` that `reviewerId` may not review, in two queries for the whole batch (the queue
 * filters a page of candidates at once).
 */
export async function conflictedKeys(reviewerId: string, replies: { sessionId: string; seq: number }[]): Promise<Set<string>> {
  if (replies.length === 0) return new Set();
  const prisma = await db();
  const sessionIds = [...new Set(replies.map((r) => r.sessionId))];
  const [sent, held] = await Promise.all([
    prisma.sentMessage.findMany({
      where: { operatorId: reviewerId, sessionId: { in: sessionIds }, seq: { not: null } },
      select: { sessionId: true, seq: true },
    }),
    prisma.takeover.findMany({ where: { operatorId: reviewerId, sessionId: { in: sessionIds } }, select: { sessionId: true }, distinct: ["sessionId"] }),
  ]);
  const heldSessions = new Set(held.map((t) => t.sessionId));
  const out = new Set(sent.map((s) => `${s.sessionId}:${s.seq}`));
  for (const r of replies) if (heldSessions.has(r.sessionId)) out.add(`${r.sessionId}:${r.seq}`);
  return out;
}
