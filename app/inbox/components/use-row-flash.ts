// Which inbox rows flash, and since when: only rows whose content really changed while shown, not rows that came
// into view by paging, filtering or sorting (a new `search`). Each flash ends by itself; unmounting clears its timers.
import { useEffect, useRef, useState } from "react";
import type { InboxRow } from "~/inbox/inbox-query.server";

const FLASH_MS = 1_300;

const signature = (row: InboxRow) =>
  `${row.unread}|${row.headSeq}|${row.lastActivityAt}|${row.assignee?.id}|${row.holder?.id}|${row.labels.join(",")}|${row.status}|${row.state}`;

/** Session id → the stamp of its current flash (part of the row's key, so the animation restarts). */
export function useRowFlash(rows: InboxRow[], search: string): Map<string, number> {
  const [flash, setFlash] = useState<Map<string, number>>(new Map());
  const previous = useRef<{ key: string; signatures: Map<string, string> } | null>(null);
  const timers = useRef(new Set<ReturnType<typeof setTimeout>>());
  useEffect(() => {
    const next = new Map(rows.map((row) => [row.id, signature(row)]));
    const before = previous.current;
    if (before && before.key === search) {
      const changed = rows.filter((row) => before.signatures.has(row.id) && before.signatures.get(row.id) !== next.get(row.id)).map((row) => row.id);
      if (changed.length > 0) {
        const stamp = Date.now();
        setFlash((current) => new Map([...current, ...changed.map((id) => [id, stamp] as const)]));
        const timer = setTimeout(() => {
          timers.current.delete(timer);
          setFlash((current) => new Map([...current].filter(([, at]) => at !== stamp)));
        }, FLASH_MS);
        timers.current.add(timer);
      }
    }
    previous.current = { key: search, signatures: next };
  }, [rows, search]);
  useEffect(() => {
    const pending = timers.current;
    return () => pending.forEach(clearTimeout);
  }, []);
  return flash;
}
