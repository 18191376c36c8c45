// Per-operator read cursors. Unread is computed from seqs, never from FleetLM's unread_count (quirk 5):
//   unread = (headSeq − opCount) − (cursor.lastSeq − cursor.opCountAtCursor)
// opCountAtCursor is how many operator-written messages lie at or below the cursor, so messages the
// Console's own operators wrote never count as unread, whichever side of the cursor they are on.
import { db } from "~/db.server";
import { liveBus } from "~/live/bus.server";

function isUniqueViolation(error: unknown) {
  return (error as { code?: string } | null)?.code === "P2002";
}

async function operatorMessagesUpTo(sessionId: string, seq: number): Promise<number> {
  const prisma = await db();
  return prisma.operatorMessage.count({ where: { sessionId, seq: { lte: seq } } });
}

function publishRead(operatorId: string, sessionId: string, lastSeq: number) {
  liveBus().publish({ type: "read", sessionId, operatorId, lastSeq }, operatorId);
}

/** Moves my cursor forward to `seq` (never backwards). Concurrent calls keep the highest seq. */
export async function advanceReadCursor(operatorId: string, sessionId: string, seq: number): Promise<void> {
  const target = Math.max(0, Math.floor(seq));
  const prisma = await db();
  const opCountAtCursor = await operatorMessagesUpTo(sessionId, target);
  // The `lastSeq < target` condition makes the move atomic: a slower call with a lower seq changes nothing.
  const moved = await prisma.readCursor.updateMany({
    where: { operatorId, sessionId, lastSeq: { lt: target } },
    data: { lastSeq: target, opCountAtCursor },
  });
  if (moved.count === 0) {
    const existing = await prisma.readCursor.findUnique({ where: { operatorId_sessionId: { operatorId, sessionId } }, select: { lastSeq: true } });
    if (existing) return; // already at or past `target`
    try {
      await prisma.readCursor.create({ data: { operatorId, sessionId, lastSeq: target, opCountAtCursor } });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      // Another tab created it meanwhile: move it forward if it is still behind.
      await prisma.readCursor.updateMany({ where: { operatorId, sessionId, lastSeq: { lt: target } }, data: { lastSeq: target, opCountAtCursor } });
    }
  }
  publishRead(operatorId, sessionId, target);
}

/** Sets my cursor to exactly `seq` (mark unread moves it back). */
export async function setReadCursor(operatorId: string, sessionId: string, seq: number): Promise<void> {
  const target = Math.max(0, Math.floor(seq));
  const prisma = await db();
  const opCountAtCursor = await operatorMessagesUpTo(sessionId, target);
  await prisma.readCursor.upsert({
    where: { operatorId_sessionId: { operatorId, sessionId } },
    create: { operatorId, sessionId, lastSeq: target, opCountAtCursor },
    update: { lastSeq: target, opCountAtCursor },
  });
  publishRead(operatorId, sessionId, target);
}

/** My unread count for one session, from the index row and my cursor (0 when the session is unknown). */
export async function unreadFor(operatorId: string, sessionId: string): Promise<number> {
  const prisma = await db();
  const [row, cursor] = await Promise.all([
    prisma.sessionIndex.findUnique({ where: { id: sessionId }, select: { headSeq: true, opCount: true } }),
    prisma.readCursor.findUnique({ where: { operatorId_sessionId: { operatorId, sessionId } }, select: { lastSeq: true, opCountAtCursor: true } }),
  ]);
  if (!row) return 0;
  return unreadFromCounts(row, cursor);
}

/** The formula, shared with tests; never negative (a cursor can run ahead of a lagging index). */
export function unreadFromCounts(row: { headSeq: number; opCount: number }, cursor: { lastSeq: number; opCountAtCursor: number } | null): number {
  const readable = row.headSeq - row.opCount;
  const seen = cursor ? cursor.lastSeq - cursor.opCountAtCursor : 0;
  return Math.max(0, readable - seen);
}
