// Per-operator read cursors. Unread is computed from seqs, never from FleetLM's unread_count (quirk 5), and
// counts the end user's messages only (ADR 100): AI replies and teammates' replies are activity, not unread.
//   unread = SessionIndex.userCount − ReadCursor.userCountAtCursor
// userCountAtCursor is how many user messages lie at or below the cursor's seq. It is computed and written in
// one transaction holding the session-index row's lock, the same lock `applyMessages` holds while it records
// messages, so a message indexed while a cursor moves is counted on exactly one side.
import type { Prisma } from "~/generated/prisma/client";
import { db } from "~/db.server";
import { lockSessionRow } from "~/inbox/session-lock.server";
import { toStored } from "~/lib/stored-text";
import { liveBus } from "~/live/bus.server";
import { isUniqueViolation } from "~/lib/db-errors.server";

/** User messages at or below `seq`, read inside the locked transaction. */
async function userMessagesUpTo(tx: Prisma.TransactionClient, sessionId: string, seq: number): Promise<{ userCount: number; opCount: number }> {
  const row = await tx.sessionIndex.findUnique({ where: { id: sessionId }, select: { headSeq: true, userCount: true } });
  const [opCount, userCount] = await Promise.all([
    tx.operatorMessage.count({ where: { sessionId, seq: { lte: seq } } }),
    // At or past the head (the usual case: read at the tail) the row's own total answers without a scan.
    // Below it, count down from the total: sessions indexed before IndexedMessage existed have no rows for their
    // old messages, which then count as read rather than as unread forever.
    !row
      ? Promise.resolve(0)
      : seq >= row.headSeq
        ? Promise.resolve(row.userCount)
        : tx.indexedMessage.count({ where: { sessionId, role: "user", seq: { gt: seq } } }).then((above) => Math.max(0, row.userCount - above)),
  ]);
  return { userCount, opCount };
}

function publishRead(operatorId: string, sessionId: string, lastSeq: number) {
  liveBus().publish({ type: "read", sessionId, operatorId, lastSeq }, operatorId);
}

/**
 * Writes my cursor at `seq` inside one locked transaction. `forwardOnly`: a cursor already at or past `seq`
 * stays (concurrent tabs keep the highest seq). Returns whether it moved.
 */
async function writeCursor(operatorId: string, fleetlmSessionId: string, seq: number, forwardOnly: boolean): Promise<boolean> {
  const target = Math.max(0, Math.floor(seq));
  const sessionId = toStored(fleetlmSessionId); // as the index stores it (ADR 065)
  const prisma = await db();
  return prisma.$transaction(async (tx) => {
    await lockSessionRow(tx, sessionId);
    const existing = await tx.readCursor.findUnique({ where: { operatorId_sessionId: { operatorId, sessionId } }, select: { lastSeq: true } });
    if (forwardOnly && existing && existing.lastSeq >= target) return false;
    const counts = await userMessagesUpTo(tx, sessionId, target);
    const data = { lastSeq: target, opCountAtCursor: counts.opCount, userCountAtCursor: counts.userCount };
    if (existing) await tx.readCursor.update({ where: { operatorId_sessionId: { operatorId, sessionId } }, data });
    else await tx.readCursor.create({ data: { operatorId, sessionId, ...data } });
    return true;
  });
}

/** Moves my cursor forward to `seq` (never backwards). Concurrent calls keep the highest seq. */
export async function advanceReadCursor(operatorId: string, sessionId: string, seq: number): Promise<void> {
  try {
    await writeCursor(operatorId, sessionId, seq, true);
  } catch (error) {
    // PostgreSQL, a session not in the index (no row to lock): two first reads may both create. Retry once.
    if (!isUniqueViolation(error)) throw error;
    await writeCursor(operatorId, sessionId, seq, true);
  }
  publishRead(operatorId, sessionId, Math.max(0, Math.floor(seq)));
}

/** Sets my cursor to exactly `seq` (mark unread moves it back). */
export async function setReadCursor(operatorId: string, sessionId: string, seq: number): Promise<void> {
  try {
    await writeCursor(operatorId, sessionId, seq, false);
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    await writeCursor(operatorId, sessionId, seq, false);
  }
  publishRead(operatorId, sessionId, Math.max(0, Math.floor(seq)));
}

/** My unread count for one session, from the index row and my cursor (0 when the session is unknown). */
export async function unreadFor(operatorId: string, fleetlmSessionId: string): Promise<number> {
  const prisma = await db();
  const sessionId = toStored(fleetlmSessionId);
  const [row, cursor] = await Promise.all([
    prisma.sessionIndex.findUnique({ where: { id: sessionId }, select: { userCount: true } }),
    prisma.readCursor.findUnique({ where: { operatorId_sessionId: { operatorId, sessionId } }, select: { userCountAtCursor: true } }),
  ]);
  if (!row) return 0;
  return unreadFromCounts(row, cursor);
}

/** The formula, shared with tests; never negative (a cursor can run ahead of a lagging index). */
export function unreadFromCounts(row: { userCount: number }, cursor: { userCountAtCursor: number } | null): number {
  return Math.max(0, row.userCount - (cursor?.userCountAtCursor ?? 0));
}
