// The browser side of /live: one EventSource per component that asks, with a connection status for a
// "reconnecting" banner. EventSource reconnects by itself after a network drop (sending Last-Event-ID); when
// it gives up (the server answered an error, e.g. after a restart) we open a new one with `?lastEventId=`.
import { useEffect, useRef, useState } from "react";
import type { LiveStreamEvent } from "./events";

export type LiveStatus = "connecting" | "open" | "reconnecting";

export type UseLiveOptions = {
  /** Session ids whose messages, chunks and viewers this tab wants (at most 5). */
  watch?: string | string[];
  /** Set false to stay disconnected (e.g. signed out). */
  enabled?: boolean;
};

const MAX_RETRY_MS = 15_000;

export function liveUrl(watch: string[], lastEventId: string | null): string {
  const params = new URLSearchParams();
  for (const id of watch) params.append("watch", id);
  if (lastEventId) params.set("lastEventId", lastEventId);
  const query = params.toString();
  return query ? `/live?${query}` : "/live";
}

/**
 * Calls `onEvent` for every event the server sends this tab, `hello` and `reset` included: on `reset` the
 * caller must reload what it shows (events were missed). Returns the connection status.
 */
export function useLiveEvents(onEvent: (event: LiveStreamEvent) => void, options: UseLiveOptions = {}): LiveStatus {
  const [status, setStatus] = useState<LiveStatus>("connecting");
  const handler = useRef(onEvent);
  handler.current = onEvent;
  const watch = options.watch === undefined ? [] : [options.watch].flat();
  const watchKey = watch.join("\n");
  const enabled = options.enabled ?? true;

  useEffect(() => {
    if (!enabled || typeof EventSource === "undefined") return;
    const watched = watchKey ? watchKey.split("\n") : [];
    let source: EventSource | null = null;
    let lastEventId: string | null = null;
    let retryTimer: ReturnType<typeof setTimeout> | undefined;
    let attempts = 0;
    let stopped = false;

    const open = () => {
      source = new EventSource(liveUrl(watched, lastEventId));
      source.onopen = () => {
        attempts = 0;
        setStatus("open");
      };
      source.onmessage = (frame: MessageEvent<string>) => {
        if (frame.lastEventId) lastEventId = frame.lastEventId;
        let event: LiveStreamEvent;
        try {
          event = JSON.parse(frame.data) as LiveStreamEvent;
        } catch {
          return;
        }
        if (event && typeof event.type === "string") handler.current(event);
      };
      source.onerror = () => {
        if (stopped || !source) return;
        setStatus("reconnecting");
        // CONNECTING: the browser retries by itself. CLOSED: it gave up; we start over with our resume point.
        if (source.readyState === EventSource.CLOSED) {
          source.close();
          attempts += 1;
          const delay = Math.min(MAX_RETRY_MS, 1_000 * 2 ** Math.min(attempts - 1, 4));
          retryTimer = setTimeout(() => {
            if (!stopped) open();
          }, delay * (0.5 + Math.random() / 2));
        }
      };
    };
    open();
    return () => {
      stopped = true;
      clearTimeout(retryTimer);
      source?.close();
    };
  }, [watchKey, enabled]);

  return status;
}
