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
  const last = useRef<{ incoming: T[]; result: StableRows<T> } | null>(null);
  const key = useRef(resetKey);
  if (key.current !== resetKey) {
    key.current = resetKey;
    frozen.current = null;
  }
  if (!holding) {
    frozen.current = null;
    return { rows: incoming, pending: 0 };
  }
  // Same identities as long as nothing new arrived: the table's cells must not remount under a click (a remount
  // between mousedown and mouseup swallows the click on a row's link).
  if (frozen.current === null) {
    frozen.current = incoming;
    last.current = { incoming, result: { rows: incoming, pending: 0 } };
    return last.current.result;
  }
  if (last.current && last.current.incoming === incoming) return last.current.result;
  const byId = new Map(incoming.map((row) => [row.id, row]));
  // Rows already shown take their new cells; a row that left the result stays until the list is released.
  const rows = frozen.current.map((row) => byId.get(row.id) ?? row);
  frozen.current = rows;
  const result = {
    rows,
    pending: pendingChanges(
      rows.map((r) => r.id),
      incoming.map((r) => r.id),
    ),
  };
  last.current = { incoming, result };
  return result;
}
