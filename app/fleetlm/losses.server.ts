// Exact reads from FleetLM and the seqs it lost (protocol §13). Every Console read of messages goes through
// `readExact`: the SDK's readRange (never trusts a page to be contiguous), with the losses already on record
// passed in so a known loss costs no wait, and fresh losses recorded once: a LostSeq row, a warning in the
// log, the session's lostCount (inbox filter, agent quality page) and the unread arithmetic.
import { seqRuns, type FleetLMRest, type Message, type RangeRead, type SeqRange } from "@fleetlm/client";
import { db } from "~/db.server";
import { fleetlm } from "./fleetlm.server";

export type ExactRead = RangeRead & {
  /** Seqs of the range FleetLM does not have (known before or found by this read), ascending. */
  lost: number[];
};

/** Recorded losses of a session within `range` (all of them without one). */
export async function knownLosses(sessionId: string, range?: SeqRange): Promise<number[]> {
  const rows = await (await db()).lostSeq.findMany({
    where: { sessionId, ...(range ? { seq: { gte: range.from, lte: range.to } } : {}) },
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

type Tx = Parameters<Parameters<Awaited<ReturnType<typeof db>>["$transaction"]>[0]>[0];

/**
 * Excludes the recorded, not yet counted losses at or below `headSeq` from unread, like operators' messages
 * (opCount), and lets read cursors already past one count it as seen — so unread stays exact whichever side
 * of the cursor a loss lies and whenever it is found. A loss above the index head waits until the head
 * reaches it (the gateway's sync calls this after moving the head), else headSeq − opCount would undercount.
 */
async function countLosses(tx: Tx, sessionId: string, headSeq: number): Promise<number> {
  const due = await tx.lostSeq.findMany({ where: { sessionId, counted: false, seq: { lte: headSeq } }, select: { seq: true } });
  if (due.length === 0) return 0;
  const seqs = due.map((d) => d.seq);
  // An operator's message is excluded from unread already; counting its loss again would do it twice.
  const operator = new Set((await tx.operatorMessage.findMany({ where: { sessionId, seq: { in: seqs } }, select: { seq: true } })).map((o) => o.seq));
  let excluded = 0;
  for (const seq of seqs) {
    const marked = await tx.lostSeq.updateMany({ where: { sessionId, seq, counted: false }, data: { counted: true } });
    if (marked.count === 0 || operator.has(seq)) continue; // a concurrent caller counted it
    await tx.readCursor.updateMany({ where: { sessionId, lastSeq: { gte: seq } }, data: { opCountAtCursor: { increment: 1 } } });
    excluded += 1;
  }
  if (excluded > 0) await tx.sessionIndex.update({ where: { id: sessionId }, data: { opCount: { increment: excluded } } });
  return due.length;
}

/**
 * Records seqs FleetLM proved not to have. Idempotent: only seqs not on record yet are written, logged and
 * added to the session's lostCount (inbox filter, quality page). Returns the seqs that were new.
 */
export async function recordLosses(sessionId: string, seqs: readonly number[], agentIdHint?: string): Promise<number[]> {
  const wanted = [...new Set(seqs)].filter((s) => Number.isInteger(s) && s > 0).sort((a, b) => a - b);
  if (wanted.length === 0) return [];
  const prisma = await db();
  const fresh = await prisma.$transaction(async (tx) => {
    const existing = await tx.lostSeq.findMany({ where: { sessionId, seq: { in: wanted } }, select: { seq: true } });
    const known = new Set(existing.map((e) => e.seq));
    const todo = wanted.filter((s) => !known.has(s));
    if (todo.length === 0) return [];
    const row = await tx.sessionIndex.findUnique({ where: { id: sessionId }, select: { agentId: true, headSeq: true } });
    const agentId = row?.agentId ?? agentIdHint ?? "";
    const created: number[] = [];
    for (const seq of todo) {
      try {
        await tx.lostSeq.create({ data: { sessionId, seq, agentId } });
        created.push(seq);
      } catch (error) {
        if ((error as { code?: string }).code !== "P2002") throw error; // else a concurrent reader recorded it
      }
    }
    if (row && created.length > 0) {
      await tx.sessionIndex.update({ where: { id: sessionId }, data: { lostCount: { increment: created.length } } });
      await countLosses(tx, sessionId, row.headSeq);
    }
    return created;
  });
  if (fresh.length > 0) console.warn(`[fleetlm] session ${sessionId}: FleetLM lost messages ${formatSeqRuns(fresh)} (no read returns them)`);
  return fresh;
}

/** After the index head moved to `headSeq`: count the recorded losses it now covers (see countLosses); how many. */
export async function countLossesUpTo(sessionId: string, headSeq: number): Promise<number> {
  const prisma = await db();
  // Cheap when there is nothing to count (the usual case): no transaction.
  if ((await prisma.lostSeq.count({ where: { sessionId, counted: false, seq: { lte: headSeq } } })) === 0) return 0;
  return prisma.$transaction((tx) => countLosses(tx, sessionId, headSeq));
}

/**
 * Exactly the seqs `from..to` as FleetLM has them, plus the ones it lost. `existsUpTo`: seqs known to have
 * been appended (the index head), so a lost newest message is found too.
 */
export async function readExact(
  sessionId: string,
  range: SeqRange,
  options: { existsUpTo?: number; settleMs?: number; rest?: FleetLMRest } = {},
): Promise<ExactRead> {
  if (range.to < range.from) return { messages: [], missing: [], highestSeen: 0, reads: 0, lost: [] };
  const rest = options.rest ?? fleetlm();
  const known = await knownLosses(sessionId, range);
  const read = await rest.readRange(sessionId, range, { knownMissing: known, existsUpTo: options.existsUpTo, settleMs: options.settleMs });
  if (read.missing.length > 0 && read.highestSeen === 0 && (await rest.findHeadSeq(sessionId)).headSeq === 0) {
    // FleetLM has nothing at all for this session: the index is stale (a reset FleetLM), not a loss.
    return { ...read, missing: [], lost: [] };
  }
  if (read.missing.length > 0) await recordLosses(sessionId, read.missing);
  return { ...read, lost: read.missing };
}

/** The newest `n` seqs up to `head` (probed when null) through readExact. */
export async function readExactTail(sessionId: string, n: number, head: number | null, options: { settleMs?: number } = {}): Promise<ExactRead & { headSeq: number }> {
  let headSeq = head ?? (await fleetlm().findHeadSeq(sessionId)).headSeq;
  if (headSeq === 0) return { messages: [], missing: [], highestSeen: 0, reads: 0, lost: [], headSeq: 0 };
  const read = await readExact(sessionId, { from: Math.max(1, headSeq - n + 1), to: headSeq }, { existsUpTo: head ?? undefined, ...options });
  headSeq = Math.max(headSeq, read.highestSeen);
  return { ...read, headSeq };
}

export type { Message };
