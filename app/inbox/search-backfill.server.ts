// Makes sessions indexed before full-text search existed searchable (ADR 150). The index sync writes an
// IndexedMessage only for seqs it reads after the head, so a session whose head was already at N when the
// migration ran has no text for seqs 1..N. This pass walks the index in id order, reads those seqs from FleetLM
// (readExact) and writes the missing rows; its position is stored in ConsoleSetting, so a restart resumes where
// it stopped, and once it has walked the whole index it never runs again.
import type { Message } from "@fleetlm/client";
import { z } from "zod";
import { db } from "~/db.server";
import { env } from "~/env.server";
import { readExact } from "~/fleetlm/losses.server";
import { lockSessionRow } from "~/inbox/session-lock.server";
import { SEARCH_BODY_CHARS, senderRole } from "~/inbox/session-index.server";
import { singleton } from "~/lib/singleton.server";
import { fromStored, toStored } from "~/lib/stored-text";
import { authorshipOf } from "~/messages/authorship.server";
import { messageText } from "~/messages/message-text";

export const BACKFILL_KEY = "search.backfill";
/** Sessions looked at per step; one session's history is read in ranges of at most SPAN seqs. */
const BATCH = 200;
const SPAN = 200;
const RETRY_MS = 60_000;

const ProgressSchema = z.object({
  /** The last session id (as stored) this pass finished with; null before the first. */
  after: z.string().nullable(),
  /** Sessions looked at, sessions that lacked text, and message rows written. */
  scanned: z.number().int().min(0),
  sessions: z.number().int().min(0),
  messages: z.number().int().min(0),
  /** Indexed sessions when the pass began (for "N of M"). */
  total: z.number().int().min(0),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  /** Why the last step stopped early (FleetLM unreachable), cleared by the next good step. */
  error: z.string().nullable(),
});
export type BackfillProgress = z.infer<typeof ProgressSchema>;

const EMPTY: BackfillProgress = { after: null, scanned: 0, sessions: 0, messages: 0, total: 0, startedAt: null, finishedAt: null, error: null };

/** Where the pass stands (the admin's inbox settings page shows it). */
export async function backfillProgress(): Promise<BackfillProgress> {
  const prisma = await db();
  const row = await prisma.consoleSetting.findUnique({ where: { key: BACKFILL_KEY } });
  if (!row) return EMPTY;
  const parsed = ProgressSchema.safeParse(safeJson(row.value));
  return parsed.success ? parsed.data : EMPTY; // unreadable progress starts over: every write below is idempotent
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

async function saveProgress(progress: BackfillProgress): Promise<void> {
  const prisma = await db();
  const value = JSON.stringify(progress);
  await prisma.consoleSetting.upsert({ where: { key: BACKFILL_KEY }, create: { key: BACKFILL_KEY, value }, update: { value } });
}

/** The seqs 1..to a session has no text for, as ranges of at most SPAN seqs. */
function missingRanges(to: number, present: Set<number>): { from: number; to: number }[] {
  const out: { from: number; to: number }[] = [];
  for (let seq = 1; seq <= to; seq++) {
    if (present.has(seq)) continue;
    const last = out[out.length - 1];
    if (last && last.to === seq - 1 && seq - last.from < SPAN) last.to = seq;
    else out.push({ from: seq, to: seq });
  }
  return out;
}

type Candidate = { id: string; userId: string; agentId: string; headSeq: number };

/**
 * Writes the text of every seq at or below the session's head that has none. Rows are re-checked inside the
 * session's lock, so a concurrent index sync (which writes the seqs above the head) and a second run both leave
 * exactly one row per seq. Returns the rows written; throws when FleetLM cannot be read.
 */
export async function backfillSessionText(row: Candidate): Promise<number> {
  const prisma = await db();
  const present = new Set(
    (await prisma.indexedMessage.findMany({ where: { sessionId: row.id, seq: { lte: row.headSeq } }, select: { seq: true } })).map((m) => m.seq),
  );
  const ranges = missingRanges(row.headSeq, present);
  if (ranges.length === 0) return 0;
  const sessionId = fromStored(row.id);
  const messages: Message[] = [];
  for (const range of ranges) messages.push(...(await readExact(sessionId, range, { existsUpTo: row.headSeq })).messages);
  if (messages.length === 0) return 0; // FleetLM lost them: nothing to index
  const authors = await authorshipOf({ id: sessionId, userId: fromStored(row.userId), agentId: fromStored(row.agentId) }, messages);
  return prisma.$transaction(async (tx) => {
    await lockSessionRow(tx, row.id);
    const current = await tx.sessionIndex.findUnique({ where: { id: row.id }, select: { headSeq: true } });
    if (!current) return 0;
    const have = new Set(
      (await tx.indexedMessage.findMany({ where: { sessionId: row.id, seq: { in: messages.map((m) => m.seq) } }, select: { seq: true } })).map((m) => m.seq),
    );
    const fresh = messages.filter((m) => m.seq <= current.headSeq && !have.has(m.seq));
    if (fresh.length === 0) return 0;
    await tx.indexedMessage.createMany({
      data: fresh.map((m) => ({
        sessionId: row.id,
        seq: m.seq,
        role: senderRole(authors.get(m.seq)),
        body: toStored(messageText(m.content).slice(0, SEARCH_BODY_CHARS)),
        at: m.insertedAt,
      })),
    });
    return fresh.length;
  });
}

export type BackfillStep = { progress: BackfillProgress; done: boolean; written: number };

/**
 * One batch of the pass: the next BATCH sessions after the stored position. A session whose first indexed seq
 * is 1 (everything the sync wrote since it was created) costs one grouped query and no FleetLM read.
 * The position moves after each session read from FleetLM and at the end of the batch, so an interrupted step
 * loses at most the session it was reading and re-scans the cheap ones.
 * Throws when FleetLM cannot be read (the position stays on the session that failed).
 */
export async function backfillStep(options: { batch?: number } = {}): Promise<BackfillStep> {
  const prisma = await db();
  let progress = await backfillProgress();
  if (progress.finishedAt) return { progress, done: true, written: 0 };
  if (!progress.startedAt) progress = { ...progress, startedAt: new Date().toISOString(), total: await prisma.sessionIndex.count() };
  const batch = await prisma.sessionIndex.findMany({
    where: progress.after === null ? {} : { id: { gt: progress.after } },
    select: { id: true, userId: true, agentId: true, headSeq: true },
    orderBy: { id: "asc" },
    take: options.batch ?? BATCH,
  });
  if (batch.length === 0) {
    progress = { ...progress, finishedAt: new Date().toISOString(), error: null };
    await saveProgress(progress);
    return { progress, done: true, written: 0 };
  }
  const firstSeqs = await prisma.indexedMessage.groupBy({ by: ["sessionId"], where: { sessionId: { in: batch.map((r) => r.id) } }, _min: { seq: true } });
  const first = new Map(firstSeqs.map((g) => [g.sessionId, g._min.seq ?? 0]));
  let total = 0;
  for (const row of batch) {
    const lowest = first.get(row.id);
    const lacksText = row.headSeq > 0 && (lowest === undefined || lowest > 1);
    let written = 0;
    if (lacksText) {
      try {
        written = await backfillSessionText(row);
      } catch (error) {
        progress = { ...progress, error: error instanceof Error ? error.message : String(error) };
        await saveProgress(progress);
        throw error;
      }
    }
    progress = {
      ...progress,
      after: row.id,
      scanned: progress.scanned + 1,
      sessions: progress.sessions + (written > 0 ? 1 : 0),
      messages: progress.messages + written,
      error: null,
    };
    total += written;
    // After a FleetLM read, so an interrupted step re-reads no session; a session that needed none moves the
    // position with the batch's one write below (ADR 198): re-scanning those costs one grouped query.
    if (lacksText) await saveProgress(progress);
  }
  await saveProgress(progress);
  return { progress, done: false, written: total };
}

/** The whole pass (or what is left of it), step by step. */
export async function runSearchBackfill(): Promise<BackfillProgress> {
  for (;;) {
    const step = await backfillStep();
    if (step.done) return step.progress;
  }
}

/**
 * In the background (leader only, ADR 130): runs the pass to its end, logging progress per batch; FleetLM being
 * unreachable pauses it for a minute. Does nothing once a pass has finished.
 */
export function startSearchBackfill(): void {
  const state = singleton<{ started: boolean; timer?: ReturnType<typeof setTimeout> }>("searchBackfill", () => ({ started: false }));
  // Tests run without the gateway; the pass would read FleetLM behind their backs.
  if (state.started || env().GATEWAY_DISABLED === "1") return;
  state.started = true;
  const pass = async () => {
    try {
      for (;;) {
        // The event loop is handed back between batches: live syncs go first (ADR 198).
        await new Promise<void>((resolve) => setImmediate(resolve));
        const { progress, done, written } = await backfillStep();
        if (done) {
          if (progress.sessions > 0)
            console.log(`[inbox] search backfill finished: ${progress.messages} messages of ${progress.sessions} older sessions indexed`);
          return;
        }
        if (written > 0)
          console.log(`[inbox] search backfill: ${progress.scanned} of ${progress.total} sessions looked at, ${progress.messages} messages indexed`);
      }
    } catch (error) {
      console.warn(`[inbox] search backfill paused, retrying in ${RETRY_MS / 1000} s: ${error instanceof Error ? error.message : String(error)}`);
      state.timer = setTimeout(() => void pass(), RETRY_MS);
      state.timer.unref?.();
    }
  };
  void pass();
}
