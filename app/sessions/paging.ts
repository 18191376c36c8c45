// Merging pages and live messages by seq, and keeping the browser's list bounded. Shared by loader and browser.
import type { ViewMessage } from "./types";

export const PAGE_SIZE = 100;
/** The most messages one page view holds; the far end is dropped beyond this. */
export const MAX_VIEW_MESSAGES = 500;

/**
 * Merges `incoming` into `current` by seq (never by id: FleetLM shows random ids in places), ascending.
 * A seq already held keeps its message. Beyond `max`, messages are dropped from `dropFrom`: "end" when
 * older pages are being read, "start" when newer ones arrive.
 */
export function mergeBySeq(
  current: readonly ViewMessage[],
  incoming: readonly ViewMessage[],
  dropFrom: "start" | "end",
  max = MAX_VIEW_MESSAGES,
): ViewMessage[] {
  const bySeq = new Map<number, ViewMessage>();
  for (const message of current) bySeq.set(message.seq, message);
  let added = false;
  for (const message of incoming) {
    if (!bySeq.has(message.seq)) {
      bySeq.set(message.seq, message);
      added = true;
    }
  }
  if (!added && current.length <= max) return current as ViewMessage[];
  const merged = [...bySeq.values()].sort((a, b) => a.seq - b.seq);
  if (merged.length <= max) return merged;
  return dropFrom === "end" ? merged.slice(0, max) : merged.slice(merged.length - max);
}

/** Seqs missing between `lastSeq` and an arriving `seq` (a gap to fill before showing it). */
export function missingBefore(lastSeq: number, seq: number): { afterSeq: number; count: number } | null {
  return seq > lastSeq + 1 ? { afterSeq: lastSeq, count: seq - lastSeq - 1 } : null;
}
