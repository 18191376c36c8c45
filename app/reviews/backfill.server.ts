// Backfills the reply index from FleetLM's REST history for the sessions the Console indexes. The gateway
// records what it reads live; this covers history from before the Console watched a session and sessions
// nobody opened. Progress is "checked through seq N" per session: kept in memory, and written to
// ReplyBackfillCheck in batches after the replies were recorded (ADR 225), so a restart reads each session only
// past what was checked (before, past its last reply: every session at every boot).
import { readExact } from "~/fleetlm/losses.server";
import { db, isPostgresUrl, numberedParameters } from "~/db.server";
import { env } from "~/env.server";
import { maxIndexedSeqs, recordReplies } from "./reply-index.server";
import { singleton, slot } from "~/lib/singleton.server";

const PAGE_SIZE = 200;
const SESSION_BATCH = 500;
// Rows a statement of the progress write upserts (two parameters each).
const WRITE_BATCH = 400;

type State = {
  checked: Map<string, number>;
  /** Sessions whose progress moved since it was last written. */
  dirty: Set<string>;
  timer?: ReturnType<typeof setTimeout>;
  since?: Date;
  running?: Promise<void>;
};
function state(): State {
  return singleton<State>("replyBackfill", () => ({ checked: new Map(), dirty: new Set() }));
}

/** Every reply of the session up to `through` is recorded: its progress moves there (never back). */
function advance(s: State, sessionId: string, through: number): void {
  const known = s.checked.get(sessionId);
  if (known !== undefined && known >= through) return;
  s.checked.set(sessionId, through);
  s.dirty.add(sessionId);
}

/** The progress written by earlier passes, this process's or another's before a restart. */
async function storedChecks(sessionIds: string[]): Promise<Map<string, number>> {
  const result = new Map<string, number>();
  if (sessionIds.length === 0) return result;
  const rows = await (await db()).replyBackfillCheck.findMany({ where: { sessionId: { in: sessionIds } } });
  for (const row of rows) result.set(row.sessionId, row.checkedSeq);
  return result;
}

/**
 * Writes the progress that moved since the last write: one upsert per 400 sessions, which keeps the higher seq
 * (so a late write never moves a session back). A failed write keeps them for the next one; losing them costs
 * only reads after a restart, never a reply.
 */
async function writeBackfillProgress(): Promise<void> {
  const s = state();
  if (s.dirty.size === 0) return;
  const ids = [...s.dirty];
  s.dirty.clear();
  const prisma = await db();
  const postgres = isPostgresUrl(env().DATABASE_URL);
  let written = 0;
  try {
    for (; written < ids.length; written += WRITE_BATCH) {
      const chunk = ids.slice(written, written + WRITE_BATCH);
      const sql = `INSERT INTO "ReplyBackfillCheck" ("sessionId", "checkedSeq") VALUES ${chunk.map(() => "(?, ?)").join(", ")}
         ON CONFLICT ("sessionId") DO UPDATE SET "checkedSeq" = excluded."checkedSeq"
         WHERE "ReplyBackfillCheck"."checkedSeq" < excluded."checkedSeq"`;
      await prisma.$executeRawUnsafe(postgres ? numberedParameters(sql) : sql, ...chunk.flatMap((id) => [id, s.checked.get(id) ?? 0]));
    }
  } catch (error) {
    for (const id of ids.slice(written)) s.dirty.add(id);
    throw error;
  }
}

/**
 * Reads a session's history after `afterSeq` (default: what this process already checked, else the last indexed
 * reply) and records every reply. Returns the number of new rows. Throws when FleetLM cannot be read.
 */
export async function backfillReplies(sessionId: string, options: { afterSeq?: number } = {}): Promise<number> {
  const prisma = await db();
  const session = await prisma.sessionIndex.findUnique({ where: { id: sessionId }, select: { id: true, agentId: true } });
  if (!session) return 0;
  const start = options.afterSeq ?? state().checked.get(sessionId) ?? (await derivedChecks([sessionId])).get(sessionId) ?? 0;
  return backfillAfter(session, start);
}

/**
 * The live sync recorded every reply in (`after`, `through`]: a session checked through `after` (or further) is now
 * checked through `through`, and the next pass reads nothing of it. A session whose progress this process does not
 * know yet is left to the pass, which derives it.
 */
export function repliesRecordedThrough(sessionId: string, after: number, through: number): void {
  const s = state();
  const known = s.checked.get(sessionId);
  if (known !== undefined && known >= after) advance(s, sessionId, through);
}

/** Where a session's check stands when this process has not seen it: what was written, or its last indexed reply. */
async function derivedChecks(sessionIds: string[]): Promise<Map<string, number>> {
  const [stored, indexed] = await Promise.all([storedChecks(sessionIds), maxIndexedSeqs(sessionIds)]);
  for (const [id, seq] of indexed) if (seq > (stored.get(id) ?? 0)) stored.set(id, seq);
  return stored;
}

/** The read-and-record loop for a session whose row the caller already has. */
async function backfillAfter(session: { id: string; agentId: string }, start: number): Promise<number> {
  const sessionId = session.id;
  const s = state();
  let added = 0;
  let through = start;
  // Exact ranges (readExact): a real FleetLM's page can skip stored seqs behind unflushed ones (§13.1), so
  // "checked through" is the end of a range FleetLM answered for, never the last seq of a page.
  for (let from = start + 1; ; from += PAGE_SIZE) {
    const to = from + PAGE_SIZE - 1;
    const read = await readExact(sessionId, { from, to });
    added += await recordReplies(session, read.messages);
    through = Math.min(to, Math.max(through, read.highestSeen));
    advance(s, sessionId, through);
    if (read.highestSeen < to) break;
  }
  return added;
}

/** Backfills every indexed session whose head is past what was checked; `since` limits it to recently changed rows. */
export async function backfillPending(options: { since?: Date } = {}): Promise<{ sessions: number; added: number; failed: number }> {
  const prisma = await db();
  const checked = state().checked;
  let cursor: string | undefined;
  let sessions = 0;
  let added = 0;
  let failed = 0;
  for (;;) {
    // A batch at a time, the event loop handed back between batches (ADR 198): live syncs go first.
    await new Promise<void>((resolve) => setImmediate(resolve));
    const batch = await prisma.sessionIndex.findMany({
      where: options.since ? { updatedAt: { gte: options.since } } : {},
      select: { id: true, agentId: true, headSeq: true },
      orderBy: { id: "asc" },
      take: SESSION_BATCH,
      ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}),
    });
    if (batch.length === 0) break;
    cursor = batch[batch.length - 1]!.id;
    const unknown = batch.filter((row) => !checked.has(row.id)).map((row) => row.id);
    const derived = await derivedChecks(unknown);
    for (const row of batch) {
      const through = checked.get(row.id) ?? derived.get(row.id) ?? 0;
      // Nothing indexed past what was checked (a head of 0 included: the sync that moves it records its replies,
      // and the moved row is in the next pass's `since`), so no FleetLM read and no query for this session.
      if (row.headSeq <= through) {
        // Kept, so the live sync can move it on (repliesRecordedThrough) without a read here.
        if (!checked.has(row.id)) checked.set(row.id, through);
        continue;
      }
      try {
        added += await backfillAfter(row, through);
        sessions += 1;
      } catch (error) {
        failed += 1;
        // FleetLM down: stop this pass, the next tick retries from the same place.
        console.warn(`reply backfill: ${row.id}: ${error instanceof Error ? error.message : String(error)}`);
        await writeProgressQuietly();
        return { sessions, added, failed };
      }
    }
    // Each batch's progress (and the live syncs') is written as the pass goes: a restart in a long first pass
    // reads on from the last batch.
    await writeProgressQuietly();
    if (batch.length < SESSION_BATCH) break;
  }
  return { sessions, added, failed };
}

async function writeProgressQuietly(): Promise<void> {
  try {
    await writeBackfillProgress();
  } catch (error) {
    console.warn(`reply backfill: progress not written (kept for the next pass): ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Starts the background pass: everything once, then the sessions the index changed since the last pass. */
export function startReplyBackfill(intervalMs = 10_000) {
  const s = state();
  if (s.timer) return;
  const tick = async () => {
    const startedAt = new Date();
    try {
      const result = await backfillPending({ since: s.since });
      if (result.failed === 0) s.since = new Date(startedAt.getTime() - 1_000); // margin for clock granularity
    } catch (error) {
      console.warn(`reply backfill pass failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    s.timer = setTimeout(() => void (s.running = tick()), intervalMs);
    s.timer.unref?.();
  };
  s.timer = setTimeout(() => void (s.running = tick()), 0);
  s.timer.unref?.();
}

export function stopReplyBackfill() {
  const s = state();
  if (s.timer) clearTimeout(s.timer);
  slot("replyBackfill").set(undefined);
}

/** For tests: forget what this process checked and has not written (as after a restart). */
export function resetBackfillState() {
  stopReplyBackfill();
}
