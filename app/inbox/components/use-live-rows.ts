// The inbox's rows, live: a `session.changed` event patches its row at once (unread moves by the new end-user
// messages, exact because the event carries userCount; ADR 100), and a change to the rows re-reads the table alone
// (/inbox/rows, throttled; ADR 207) so order, membership, previews and the count follow without re-running the
// whole page's loaders. The list holds still while the operator works in it (use-stable-rows).
import { useRevalidator } from "@remix-run/react";
import { useEffect, useMemo, useRef, useState } from "react";
import type { InboxRow } from "~/inbox/inbox-query.server";
import { useThrottledCallback } from "~/lib/use-throttled-callback";
import type { LiveStreamEvent } from "~/live/events";
import { useLiveEvents, type LiveStatus } from "~/live/use-live";
import { keepNewer, parseTableRead, shownRead, type FetchedRead, type TableRead } from "./table-read";
import { useStableRows } from "./use-stable-rows";

// At most ~2 table reads a second per tab; the first change after a quiet spell reads at once.
const REFRESH_THROTTLE_MS = 400;

type RowPatch = Partial<InboxRow> & { headSeq: number };

export type LiveRows = Omit<TableRead, "rows" | "liveId"> & { rows: InboxRow[]; pending: number; status: LiveStatus };

/**
 * `loaded`: the loader's table read; `holding`: the operator is working the list (held rows keep their order,
 * `pending` counts what would move); `search`: the URL's query, whose change (the operator's own navigation) is
 * never held; `reloadPage`: re-run the page's loaders instead of reading the table alone (the page shows more
 * than the table, e.g. its empty-index notice).
 */
export function useLiveRows({
  loaded,
  holding,
  search,
  reloadPage = false,
}: {
  loaded: TableRead;
  holding: boolean;
  search: string;
  reloadPage?: boolean;
}): LiveRows {
  const revalidator = useRevalidator();
  const [fetched, setFetched] = useState<FetchedRead | null>(null);
  const read = shownRead(loaded, fetched, search);
  const [patches, setPatches] = useState<Map<string, RowPatch>>(new Map());
  // A read that caught up with a patch makes it redundant.
  useEffect(() => {
    setPatches((current) => {
      if (current.size === 0) return current;
      const heads = new Map(read.rows.map((row) => [row.id, row.headSeq]));
      const kept = [...current].filter(([id, patch]) => (heads.get(id) ?? Number.POSITIVE_INFINITY) < patch.headSeq);
      return kept.length === current.size ? current : new Map(kept);
    });
  }, [read.rows]);
  const incoming = useMemo(
    () =>
      read.rows.map((row) => {
        const patch = patches.get(row.id);
        return patch && patch.headSeq > row.headSeq ? { ...row, ...patch } : row;
      }),
    [read.rows, patches],
  );
  const { rows, pending } = useStableRows(incoming, holding, search);

  const scheduleRevalidate = useThrottledCallback(revalidator.revalidate, REFRESH_THROTTLE_MS);
  const readTable = (forSearch: string) => {
    fetch(`/inbox/rows${forSearch}`, { headers: { accept: "application/json" }, credentials: "same-origin" })
      .then((response) => (response.ok ? response.json() : null))
      .then((body: unknown) => {
        const table = parseTableRead(body);
        // Not a read (signed out, an error): the page's own loaders decide what to show.
        if (!table) return revalidator.revalidate();
        setFetched((held) => keepNewer(held, { ...table, search: forSearch }));
      })
      .catch(() => revalidator.revalidate());
  };
  const scheduleRead = useThrottledCallback(readTable, REFRESH_THROTTLE_MS);
  const rowsRef = useRef(rows);
  rowsRef.current = rows;
  const context = useRef({ search, reloadPage });
  context.current = { search, reloadPage };
  const status = useLiveEvents(
    (event: LiveStreamEvent) => {
      if (event.type === "session.changed" && event.userCount !== undefined) {
        const row = rowsRef.current.find((r) => r.id === event.sessionId);
        if (row && event.headSeq > row.headSeq) {
          // Only the end user's messages make a row unread (ADR 100); anything else is new activity.
          const added = event.userCount - row.userCount;
          const unread = Math.max(0, row.unread + added);
          setPatches((current) =>
            new Map(current).set(row.id, {
              headSeq: event.headSeq,
              userCount: event.userCount!,
              unread,
              activity: unread === 0,
              lastActivityAt: event.lastActivityAt,
              lastSenderRole: event.lastSenderRole,
              lastPreview: event.lastPreview,
            }),
          );
        }
      }
      // A session, my read state or a takeover changed: only the table moves.
      if ((event.type === "session.changed" || event.type === "read" || event.type === "takeover") && !context.current.reloadPage)
        scheduleRead(context.current.search);
      // Events were missed, or FleetLM went away or came back (the page's banner): the whole page re-reads.
      else if (event.type === "session.changed" || event.type === "read" || event.type === "takeover" || event.type === "reset" || event.type === "gateway")
        scheduleRevalidate();
    },
    { since: loaded.liveId },
  );
  return { rows, total: read.total, capped: read.capped, viewers: read.viewers, pending, status };
}
