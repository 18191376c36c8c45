// The inbox's rows, live: a `session.changed` event patches its row at once (unread moves by the new end-user
// messages, exact because the event carries userCount; ADR 100), any change re-runs the loader (throttled) so order
// and previews follow, and the list holds still while the operator works in it (use-stable-rows).
import { useRevalidator } from "@remix-run/react";
import { useEffect, useMemo, useRef, useState } from "react";
import type { InboxRow } from "~/inbox/inbox-query.server";
import { useThrottledCallback } from "~/lib/use-throttled-callback";
import type { LiveStreamEvent } from "~/live/events";
import { useLiveEvents, type LiveStatus } from "~/live/use-live";
import { useStableRows } from "./use-stable-rows";

// At most ~2 loader runs a second per tab; the first change after a quiet spell reloads at once.
const REVALIDATE_THROTTLE_MS = 400;

type RowPatch = Partial<InboxRow> & { headSeq: number };

export type LiveRows = { rows: InboxRow[]; pending: number; status: LiveStatus };

/**
 * `loaded`: the loader's rows; `liveId`: the live event id they are as fresh as; `holding`: the operator is working
 * the list (held rows keep their order, `pending` counts what would move); `search`: the URL's query, whose change
 * (the operator's own navigation) is never held.
 */
export function useLiveRows({ loaded, liveId, holding, search }: { loaded: InboxRow[]; liveId: number; holding: boolean; search: string }): LiveRows {
  const revalidator = useRevalidator();
  const [patches, setPatches] = useState<Map<string, RowPatch>>(new Map());
  // A reload that caught up with a patch makes it redundant.
  useEffect(() => {
    setPatches((current) => {
      if (current.size === 0) return current;
      const heads = new Map(loaded.map((row) => [row.id, row.headSeq]));
      const kept = [...current].filter(([id, patch]) => (heads.get(id) ?? Number.POSITIVE_INFINITY) < patch.headSeq);
      return kept.length === current.size ? current : new Map(kept);
    });
  }, [loaded]);
  const incoming = useMemo(
    () =>
      loaded.map((row) => {
        const patch = patches.get(row.id);
        return patch && patch.headSeq > row.headSeq ? { ...row, ...patch } : row;
      }),
    [loaded, patches],
  );
  const { rows, pending } = useStableRows(incoming, holding, search);

  const scheduleRevalidate = useThrottledCallback(revalidator.revalidate, REVALIDATE_THROTTLE_MS);
  const rowsRef = useRef(rows);
  rowsRef.current = rows;
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
      // "gateway": FleetLM went away or came back, so the page's banner follows without a reload.
      if (event.type === "session.changed" || event.type === "read" || event.type === "takeover" || event.type === "reset" || event.type === "gateway")
        scheduleRevalidate();
    },
    { since: liveId },
  );
  return { rows, pending, status };
}
