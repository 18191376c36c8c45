// Exact reads over FleetLM's holed pages (protocol §13.1): a page answers the unflushed messages first and
// fills the rest with the oldest stored ones, so it can skip seqs that exist, and a real FleetLM can lose
// seqs for good (§13.2). readRange returns exactly the seqs asked for, or says which ones FleetLM lacks.
import type { Message } from "./schemas.js";

export interface SeqRange {
  /** First seq wanted (≥ 1). */
  from: number;
  /** Last seq wanted (inclusive). */
  to: number;
}

export interface ReadRangeOptions {
  /**
   * How long to keep re-reading seqs that are still missing before reporting them (default 1500 ms). A seq
   * FleetLM has is always returned by a read from just below it with a limit above its unflushed tail, so
   * this wait only covers races (a seq still being committed); a lost seq costs it once, see `knownMissing`.
   */
  settleMs?: number;
  /** Seqs already known to be lost: reported as missing without waiting for them again. */
  knownMissing?: Iterable<number>;
  /** Largest `limit` of one request (default 1000). */
  maxPageSize?: number;
  /**
   * Seqs up to this one are known to have been appended (e.g. a head seen live). Without it only seqs below
   * the highest one FleetLM returned can be reported missing, so a lost newest message would go unnoticed.
   */
  existsUpTo?: number;
  /**
   * Slots the first read leaves for unflushed messages above the range, which FleetLM answers before the stored
   * ones (§13.1): with room for all of them a holed range costs one read instead of two. Default 0; the
   * `unflushed` of the session's previous read is a good value (FleetLMRest.readRange passes it itself).
   */
  headroom?: number;
}

export interface RangeRead<M extends { seq: number } = Message> {
  /** Every seq of the range FleetLM returned, ascending, once each. */
  messages: M[];
  /**
   * Seqs of the range FleetLM did not return, although a later seq exists: lost (or overwritten) in
   * FleetLM's storage. Seqs above the highest existing one are not here: they were never appended.
   */
  missing: number[];
  /** Highest seq seen in any answer (it may lie beyond `to`), 0 when none. */
  highestSeen: number;
  /** HTTP reads this call made. */
  reads: number;
  /**
   * Messages above the range that came back in an answer without following on from it: FleetLM's unflushed
   * tail as this read met it (0 on contiguous storage, where what follows the range is the next seqs).
   */
  unflushed: number;
}

export type FetchAfter<M extends { seq: number } = Message> = (afterSeq: number, limit: number) => Promise<M[]>;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Collapses sorted seqs into inclusive runs: [3,4,5,9] → [{from:3,to:5},{from:9,to:9}]. */
export function seqRuns(seqs: readonly number[]): SeqRange[] {
  const runs: SeqRange[] = [];
  for (const seq of seqs) {
    const last = runs.at(-1);
    if (last && seq === last.to + 1) last.to = seq;
    else runs.push({ from: seq, to: seq });
  }
  return runs;
}

export async function readRange<M extends { seq: number } = Message>(
  fetchAfter: FetchAfter<M>,
  range: SeqRange,
  options: ReadRangeOptions = {},
): Promise<RangeRead<M>> {
  const from = Math.max(1, Math.floor(range.from));
  const to = Math.floor(range.to);
  const got = new Map<number, M>();
  let highestSeen = 0;
  let reads = 0;
  let unflushed = 0;
  if (to < from) return { messages: [], missing: [], highestSeen, reads, unflushed };
  const maxPage = options.maxPageSize ?? 1000;
  const known = new Set(options.knownMissing ?? []);
  const settleMs = options.settleMs ?? 1500;
  const headroom = Math.max(0, Math.floor(options.headroom ?? 0));

  /** One read from just below `start`; `extra` makes room for unflushed messages that sort in first. */
  const readFrom = async (start: number, extra: number) => {
    const limit = Math.min(maxPage, to - start + 1 + extra);
    reads += 1;
    const page = await fetchAfter(start - 1, limit);
    let beyond = 0;
    let following = to + 1; // the next seq that would simply continue the range
    let detached = 0;
    for (const m of page) {
      if (m.seq > highestSeen) highestSeen = m.seq;
      if (m.seq >= from && m.seq <= to) got.set(m.seq, m);
      else if (m.seq > to) {
        beyond += 1;
        if (m.seq === following) following += 1;
        else detached += 1;
      }
    }
    if (detached > unflushed) unflushed = detached;
    return { page, limit, beyond };
  };

  const firstMissing = (skipKnown: boolean): number | null => {
    for (let s = from; s <= to; s++) if (!got.has(s) && !(skipKnown && known.has(s))) return s;
    return null;
  };

  // Pass: read on from the first missing seq until every remaining one is proven absent right now.
  const pass = async (skipKnown: boolean) => {
    const absent = new Set<number>();
    let extra = headroom;
    let start = firstMissing(skipKnown);
    while (start !== null) {
      const { page, limit, beyond } = await readFrom(start, extra);
      if (page.length < limit) {
        // A short answer holds every seq above `start - 1` that FleetLM has (the unflushed tail whole, and
        // every stored row it had room for): what is still missing in the range is absent right now.
        for (let s = start; s <= to; s++) if (!got.has(s)) absent.add(s);
      } else if (got.has(start)) {
        extra = beyond; // unflushed messages beyond the range took that many slots
      } else if (page.length >= limit && limit < maxPage) {
        extra = Math.max(1, extra) * 2 + beyond; // a full page of tail: the stored seq did not fit
        continue;
      } else {
        // The read from just below `start` with room to spare did not return it: FleetLM lacks it now.
        // Everything up to the first returned seq above it is absent too.
        const at = start;
        const next = page.find((m) => m.seq > at)?.seq ?? to + 1;
        for (let s = at; s < Math.min(next, to + 1); s++) if (!got.has(s)) absent.add(s);
      }
      start = null;
      for (let s = from; s <= to; s++) {
        if (!got.has(s) && !absent.has(s) && !(skipKnown && known.has(s))) {
          start = s;
          break;
        }
      }
    }
  };

  await pass(true);
  const deadline = Date.now() + settleMs;
  let pause = 100;
  const upper = () => Math.min(to, Math.max(highestSeen, options.existsUpTo ?? 0));
  for (;;) {
    const unexplained = [] as number[];
    for (let s = from; s <= upper(); s++) if (!got.has(s) && !known.has(s)) unexplained.push(s);
    if (unexplained.length === 0 || Date.now() >= deadline) break;
    await sleep(Math.min(pause, Math.max(0, deadline - Date.now())));
    pause *= 2;
    await pass(true);
  }

  const messages = [...got.values()].sort((a, b) => a.seq - b.seq);
  const missing: number[] = [];
  for (let s = from; s <= upper(); s++) if (!got.has(s)) missing.push(s);
  return { messages, missing, highestSeen, reads, unflushed };
}
