// A worklist that holds still under the user's hand (issue 16): while the pointer or the keyboard is in the list,
// live reloads update the cells of the rows already shown but not their order or membership; what would change is
// counted ("N updates — show") and applied when the user leaves the list or asks. A navigation of the user's own
// (page, filter, sort: a new `resetKey`) is never held.
import { useRef } from "react";

export type StableRows<T> = { rows: T[]; pending: number };

/** How many sessions would enter, leave or move if `incoming` replaced `shown`. */
export function pendingChanges(shown: readonly string[], incoming: readonly string[]): number {
  const inShown = new Set(shown);
  const inIncoming = new Set(incoming);
  const entering = incoming.filter((id) => !inShown.has(id)).length;
  const leaving = shown.filter((id) => !inIncoming.has(id)).length;
  const a = shown.filter((id) => inIncoming.has(id));
  const b = incoming.filter((id) => inShown.has(id));
  const moved = a.filter((id, i) => b[i] !== id).length;
  return entering + leaving + moved;
}

export function useStableRows<T extends { id: string }>(incoming: T[], holding: boolean, resetKey: string): StableRows<T> {
  const frozen = useRef<T[] | null>(null);
  const key = useRef(resetKey);
  if (key.current !== resetKey) {
    key.current = resetKey;
    frozen.current = null;
  }
  if (!holding) {
    frozen.current = null;
    return { rows: incoming, pending: 0 };
  }
  const byId = new Map(incoming.map((row) => [row.id, row]));
  // Rows already shown take their new cells; a row that left the result stays until the list is released.
  const rows = (frozen.current ?? incoming).map((row) => byId.get(row.id) ?? row);
  frozen.current = rows;
  return { rows, pending: pendingChanges(rows.map((r) => r.id), incoming.map((r) => r.id)) };
}
