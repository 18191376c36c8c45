// The total of my unread messages in the navigation and the tab title, kept live by the tab's event
// stream: a changed session or a change of my read state re-reads the total (throttled).
import { useFetcher, useLocation } from "@remix-run/react";
import { useCallback, useEffect, useRef } from "react";
import { useLiveEvents } from "~/live/use-live";
import type { LiveStreamEvent } from "~/live/events";

const THROTTLE_MS = 1_000;
const TITLE_PREFIX = /^\(\d+\+?\) /;

export function UnreadTotal() {
  const fetcher = useFetcher<{ unread: number }>();
  const { pathname } = useLocation();
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const lastLoad = useRef(0);
  const load = fetcher.load;

  const refresh = useCallback(() => {
    if (timer.current) return;
    const wait = Math.max(0, lastLoad.current + THROTTLE_MS - Date.now());
    timer.current = setTimeout(() => {
      timer.current = undefined;
      lastLoad.current = Date.now();
      load("/inbox/unread-total");
    }, wait);
  }, [load]);

  useEffect(() => {
    refresh();
    return () => clearTimeout(timer.current);
  }, [refresh]);

  useLiveEvents((event: LiveStreamEvent) => {
    if (event.type === "session.changed" || event.type === "read" || event.type === "reset") refresh();
  });

  const unread = fetcher.data?.unread;
  useEffect(() => {
    if (unread === undefined) return;
    const base = document.title.replace(TITLE_PREFIX, "");
    document.title = unread > 0 ? `(${unread > 999 ? "999+" : unread}) ${base}` : base;
  }, [unread, pathname]);

  if (!unread) return null;
  return (
    <span data-testid="unread-total" aria-label={`${unread} unread`} className="ml-1 rounded-full bg-blue-600 px-1.5 py-0.5 text-xs font-semibold text-white">
      {unread > 999 ? "999+" : unread}
    </span>
  );
}
