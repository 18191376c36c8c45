// Exact reads from FleetLM and the seqs it lost (protocol §13). Every Console read of messages goes through
// `readExact`: the SDK's readRange (never trusts a page to be contiguous), with the losses already on record
// passed in so a known loss costs no wait, and fresh losses recorded once: a LostSeq row, a warning in the
// log, the session's lostCount (inbox filter, agent quality page).
import { seqRuns, type FleetLMRest, type Message, type MessageMaker, type RangeRead, type ReadRangeOptions, type SeqRange } from "@fleetlm/client";
import { db } from "~/db.server";
import { toStored } from "~/lib/stored-text";
import { fleetlm } from "./fleetlm.server";
import { isUniqueViolation } from "~/lib/db-errors.server";

export type ExactRead<M extends { seq: number } = Message> = RangeRead<M> & {
  /** Seqs of the range FleetLM does not have (known before or found by this read), ascending. */
  lost: number[];
};

/** Recorded losses of a session within `range` (all of them without one). */
export async function knownLosses(sessionId: string, range?: SeqRange): Promise<number[]> {
  const rows = await (
    await db()
  ).lostSeq.findMany({
    where: { sessionId: toStored(sessionId), ...(range ? { seq: { gte: range.from, lte: range.to } } : {}) },
    select: { seq: true },
    orderBy: { seq: "asc" },
  });
  return rows.map((r) => r.seq);
}

/** "148–150" / "7" */
export function formatSeqRuns(seqs: readonly number[]): string {
  return seqRuns([...seqs].sort((a, b) => a - b))
    .map((r) => (r.from === r.to ? `${r.from}` : `${r.from}–${r.to}`))
    .join(", ");
}

/**
 * Records seqs FleetLM proved not to have. Idempotent: only seqs not on record yet are written, logged and
 * added to the session's lostCount (inbox filter, quality page). Returns the seqs that were new.
 * Unread needs nothing here: it counts the user messages the index has read (ADR 100), and a lost seq is never
 * read again.
 */
export async function recordLosses(fleetlmSessionId: string, seqs: readonly number[], agentIdHint?: string): Promise<number[]> {
  const wanted = [...new Set(seqs)].filter((s) => Number.isInteger(s) && s > 0).sort((a, b) => a - b);
  if (wanted.length === 0) return [];
  const sessionId = toStored(fleetlmSessionId); // as the index stores ids (ADR 065)
  const prisma = await db();
  const fresh = await prisma.$transaction(async (tx) => {
    const existing = await tx.lostSeq.findMany({ where: { sessionId, seq: { in: wanted } }, select: { seq: true } });
    const known = new Set(existing.map((e) => e.seq));
    const todo = wanted.filter((s) => !known.has(s));
    if (todo.length === 0) return [];
    const row = await tx.sessionIndex.findUnique({ where: { id: sessionId }, select: { agentId: true } });
    const agentId = row?.agentId ?? (agentIdHint ? toStored(agentIdHint) : "");
    const created: number[] = [];
    for (const seq of todo) {
      try {
        await tx.lostSeq.create({ data: { sessionId, seq, agentId } });
        created.push(seq);
      } catch (error) {
        if (!isUniqueViolation(error)) throw error; // else a concurrent reader recorded it
      }
    }
    // A recount, not an increment: the index row may have been created with the losses already counted.
    if (row && created.length > 0)
      await tx.sessionIndex.update({ where: { id: sessionId }, data: { lostCount: await tx.lostSeq.count({ where: { sessionId } }) } });
    return created;
  });
  if (fresh.length > 0) console.warn(`[fleetlm] session ${fleetlmSessionId}: FleetLM lost messages ${formatSeqRuns(fresh)} (no read returns them)`);
  return fresh;
}

/**
 * Exactly the seqs `from..to` as FleetLM has them, plus the ones it lost. `existsUpTo`: seqs known to have
 * been appended (the index head), so a lost newest message is found too. `as`: each message made into the
 * caller's shape in the pass that checks it (the SDK's `Message` without it).
 */
export async function readExact<M extends { seq: number } = Message>(
  sessionId: string,
  range: SeqRange,
  options: { existsUpTo?: number; settleMs?: number; rest?: FleetLMRest; as?: MessageMaker<M> } = {},
): Promise<ExactRead<M>> {
  if (range.to < range.from) return { messages: [], missing: [], highestSeen: 0, reads: 0, unflushed: 0, lost: [] };
  const rest = options.rest ?? fleetlm();
  const as = options.as;
  const readRange = (readOptions: ReadRangeOptions) =>
    (as ? rest.readRange(sessionId, range, { ...readOptions, as }) : rest.readRange(sessionId, range, readOptions)) as Promise<RangeRead<M>>;
  // Losses on record are looked up only when FleetLM comes back short: a range it has whole (nearly every read)
  // costs no query. Seqs missing now that are not on record get the settle wait, on a second read of the range.
  let read = await readRange({ existsUpTo: options.existsUpTo, settleMs: 0 });
  if (read.missing.length > 0) {
    const known = await knownLosses(sessionId, range);
    const onRecord = new Set(known);
    if (read.missing.some((seq) => !onRecord.has(seq))) {
      const first = read.reads;
      read = await readRange({ knownMissing: known, existsUpTo: options.existsUpTo, settleMs: options.settleMs });
      read = { ...read, reads: first + read.reads };
    }
  }
  if (read.missing.length > 0 && read.highestSeen === 0 && (await rest.findHeadSeq(sessionId)).headSeq === 0) {
    // FleetLM has nothing at all for this session: the index is stale (a reset FleetLM), not a loss.
    return { ...read, missing: [], lost: [] };
  }
  if (read.missing.length > 0) await recordLosses(sessionId, read.missing);
  return { ...read, lost: read.missing };
}

/** The newest `n` seqs up to `head` (probed when null) through readExact. */
export async function readExactTail(
  sessionId: string,
  n: number,
  head: number | null,
  options: { settleMs?: number } = {},
): Promise<ExactRead & { headSeq: number }> {
  let headSeq = head ?? (await fleetlm().findHeadSeq(sessionId)).headSeq;
  if (headSeq === 0) return { messages: [], missing: [], highestSeen: 0, reads: 0, unflushed: 0, lost: [], headSeq: 0 };
  const read = await readExact(sessionId, { from: Math.max(1, headSeq - n + 1), to: headSeq }, { existsUpTo: head ?? undefined, ...options });
  headSeq = Math.max(headSeq, read.highestSeen);
  return { ...read, headSeq };
}

export type { Message };
