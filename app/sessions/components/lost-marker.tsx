// Where FleetLM lost messages (protocol §13.2: delivered once, never returned by a read again), the transcript
// says so in their place instead of closing the gap silently.
import { seqRuns } from "@fleetlm/client";

export function lostLabel(seqs: readonly number[]): string {
  const runs = seqRuns([...seqs].sort((a, b) => a - b));
  const text = runs.map((r) => (r.from === r.to ? `${r.from}` : `${r.from}–${r.to}`)).join(", ");
  return seqs.length === 1 ? `FleetLM lost message ${text}` : `FleetLM lost messages ${text}`;
}

export function LostMarker({ seqs }: { seqs: readonly number[] }) {
  if (seqs.length === 0) return null;
  return (
    <div
      role="note"
      data-testid="lost-marker"
      data-seqs={[...seqs].sort((a, b) => a - b).join(",")}
      className="my-2 rounded border border-dashed border-amber-400 bg-amber-50 px-3 py-1.5 text-center text-xs text-amber-900 dark:border-amber-700 dark:bg-amber-950/40 dark:text-amber-100"
    >
      {lostLabel(seqs)} — FleetLM no longer has {seqs.length === 1 ? "it" : "them"}, so {seqs.length === 1 ? "it" : "they"} cannot be shown.
    </div>
  );
}

/** The lost seqs that sit just before `seq` (after `previousSeq`), for the marker above a message. */
export function lostBetween(lost: readonly number[], previousSeq: number, seq: number): number[] {
  return lost.filter((s) => s > previousSeq && s < seq);
}
