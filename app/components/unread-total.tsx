// How many sessions are unread for me (the end user wrote since I last read; ADR 100), in the navigation and the tab title, kept live by the tab's event
// stream: a changed session or a change of my read state re-reads the total (throttled). A plain fetch of the
// resource route, not a Remix fetcher: a failed read must never replace the page with an error boundary.
import { useLocation } from "@remix-run/react";
import { useEffect, useState } from "react";
import { useThrottledCallback } from "~/lib/use-throttled-callback";
import { useLiveEvents } from "~/live/use-live";
import type { LiveStreamEvent } from "~/live/events";

const THROTTLE_MS = 1_000;
const TITLE_PREFIX = /^\(\d+\+?\) /;

export function UnreadTotal() {
  const [unread, setUnread] = useState<number | undefined>(undefined);
  // The second number: sessions waiting on a human (for every role; it is the team's queue, not my read state).
  const [waiting, setWaiting] = useState<{ n: number; capped: boolean } | undefined>(undefined);
  const { pathname } = useLocation();
  const refresh = useThrottledCallback(() => {
    fetch("/inbox/unread-total", { headers: { accept: "application/json" }, credentials: "same-origin" })
      .then((response) =>
        response.ok ? (response.json() as Promise<{ unread?: unknown; hidden?: unknown; waiting?: unknown; waitingCapped?: unknown }>) : null,
      )
      .then((body) => {
        if (body && typeof body.waiting === "number") setWaiting({ n: body.waiting, capped: body.waitingCapped === true });
        if (body?.hidden === true)
          setUnread(0); // an auditor who has not asked for the badge
        else if (body && typeof body.unread === "number") setUnread(body.unread);
      })
      .catch(() => {}); // offline or signed out: keep the last value; the next event tries again
  }, THROTTLE_MS);

  useEffect(() => {
    refresh();
    const onChange = () => refresh();
    window.addEventListener("unread-badge-changed", onChange);
    return () => window.removeEventListener("unread-badge-changed", onChange);
  }, [refresh]);

  useLiveEvents((event: LiveStreamEvent) => {
    if (event.type === "session.changed" || event.type === "read" || event.type === "reset") refresh();
    // The inbox page's "show my unread badge" switch tells the badge to re-read through a window event.
  });

  useEffect(() => {
    if (unread === undefined) return;
    const base = document.title.replace(TITLE_PREFIX, "");
    document.title = unread > 0 ? `(${unread > 999 ? "999+" : unread}) ${base}` : base;
  }, [unread, pathname]);

  const waitingBadge =
    waiting && waiting.n > 0 ? (
      <span
        data-testid="waiting-total"
        aria-label={`${waiting.n}${waiting.capped ? "+" : ""} waiting on a human`}
        title="Sessions waiting on a human"
        className="ml-1 rounded-full bg-amber-500 px-1.5 py-0.5 text-xs font-semibold text-slate-950"
      >
        {waiting.n}
        {waiting.capped ? "+" : ""}
      </span>
    ) : null;
  if (!unread) return waitingBadge;
  return (
    <>
      <span
        data-testid="unread-total"
        aria-label={`${unread} unread ${unread === 1 ? "session" : "sessions"}`}
        title="Sessions where the user wrote since you last read"
        className="ml-1 rounded-full bg-blue-600 px-1.5 py-0.5 text-xs font-semibold text-white"
      >
        {unread > 999 ? "999+" : unread}
      </span>
      {waitingBadge}
    </>
  );
}
