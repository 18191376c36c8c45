// The browser side of /live. Every component in a tab that calls `useLiveEvents` shares ONE EventSource
// (browsers allow only six connections per host over HTTP/1.1); its `watch` list is the union of what the
// components ask for, and changing it reopens the stream from the last event id, so nothing is lost.
// EventSource reconnects by itself after a network drop (sending Last-Event-ID); when it gives up (the
// server answered an error, e.g. while restarting) we open a new one with `?lastEventId=`.
import { useEffect, useRef, useState } from "react";
import type { LiveStreamEvent } from "./events";
import { backoffDelay } from "@fleetlm/client/backoff";

export type LiveStatus = "connecting" | "open" | "reconnecting";

export type UseLiveOptions = {
  /** Session ids whose messages, chunks and viewers this component wants (at most 5 per tab). */
  watch?: string | string[];
  /** Set false to stay disconnected (e.g. signed out). */
  enabled?: boolean;
  /**
   * The live event id the page's data is as fresh as (loaders return `liveBus().lastId`): events published
   * between the server render and this subscription are replayed instead of lost.
   */
  since?: number;
};

type Subscriber = { onEvent: (event: LiveStreamEvent) => void; watch: string[]; setStatus: (status: LiveStatus) => void; seen: number };

const MAX_RETRY_MS = 15_000;
const PER_SESSION = new Set(["message", "chunk", "presence", "gate.paused", "typing", "notes"]);

export function liveUrl(watch: string[], lastEventId: string | null): string {
  const params = new URLSearchParams();
  for (const id of watch) params.append("watch", id);
  if (lastEventId) params.set("lastEventId", lastEventId);
  const query = params.toString();
  return query ? `/live?${query}` : "/live";
}

const shared = {
  subscribers: new Set<Subscriber>(),
  source: null as EventSource | null,
  key: null as string | null,
  lastEventId: null as string | null,
  status: "connecting" as LiveStatus,
  attempts: 0,
  retryTimer: undefined as ReturnType<typeof setTimeout> | undefined,
};

function setStatus(status: LiveStatus) {
  shared.status = status;
  for (const subscriber of shared.subscribers) subscriber.setStatus(status);
}

function dispatch(id: number, event: LiveStreamEvent) {
  for (const subscriber of [...shared.subscribers]) {
    // A stream reopened from an older id replays events some subscribers already had: each gets them once.
    if (event.type !== "reset" && id <= subscriber.seen) continue;
    subscriber.seen = Math.max(subscriber.seen, id);
    if (PER_SESSION.has(event.type) && "sessionId" in event && !subscriber.watch.includes(event.sessionId)) continue;
    subscriber.onEvent(event);
  }
}

function closeSource() {
  clearTimeout(shared.retryTimer);
  shared.source?.close();
  shared.source = null;
}

function open() {
  const watch = shared.key ? shared.key.split("\n") : [];
  const source = new EventSource(liveUrl(watch, shared.lastEventId));
  shared.source = source;
  source.onopen = () => {
    shared.attempts = 0;
    setStatus("open");
  };
  source.onmessage = (frame: MessageEvent<string>) => {
    if (frame.lastEventId) shared.lastEventId = frame.lastEventId;
    let event: LiveStreamEvent;
    try {
      event = JSON.parse(frame.data) as LiveStreamEvent;
    } catch {
      return;
    }
    if (event && typeof event.type === "string") dispatch(Number(frame.lastEventId) || 0, event);
  };
  source.onerror = () => {
    if (shared.source !== source) return;
    setStatus("reconnecting");
    // CONNECTING: the browser retries by itself. CLOSED: it gave up; we start over from our resume point.
    if (source.readyState === EventSource.CLOSED) {
      closeSource();
      shared.attempts += 1;
      shared.retryTimer = setTimeout(
        () => {
          if (shared.subscribers.size > 0 && !shared.source) open();
        },
        backoffDelay(shared.attempts, { baseMs: 1_000, maxMs: MAX_RETRY_MS, jitter: "equal" }),
      );
    }
  };
}

/**
 * Opens, reopens (the watch list changed, or a subscriber needs events from before the stream's position) or
 * closes the tab's one stream to match its subscribers.
 */
function reconcile(since?: number) {
  if (shared.subscribers.size === 0) {
    closeSource();
    shared.key = null;
    return;
  }
  const key = [...new Set([...shared.subscribers].flatMap((s) => s.watch))].sort().join("\n");
  const behind = since !== undefined && (shared.lastEventId === null || since < Number(shared.lastEventId));
  if (behind) shared.lastEventId = String(since);
  if (shared.source && key === shared.key && !behind) return;
  closeSource();
  shared.key = key;
  open();
}

/**
 * Calls `onEvent` for every event the server sends this tab (session events only for watched sessions),
 * `hello` and `reset` included: on `reset` the caller must reload what it shows (events were missed).
 * Returns the connection status, for a visible "reconnecting" state.
 */
export function useLiveEvents(onEvent: (event: LiveStreamEvent) => void, options: UseLiveOptions = {}): LiveStatus {
  const [status, setLocalStatus] = useState<LiveStatus>("connecting");
  const handler = useRef(onEvent);
  handler.current = onEvent;
  const watchKey = (options.watch === undefined ? [] : [options.watch].flat()).join("\n");
  const enabled = options.enabled ?? true;
  // Only the first value matters (the resume point of this mount); later loader runs must not reopen the stream.
  const [since] = useState(options.since);

  useEffect(() => {
    if (!enabled || typeof EventSource === "undefined") return;
    const subscriber: Subscriber = {
      onEvent: (event) => handler.current(event),
      watch: watchKey ? watchKey.split("\n") : [],
      setStatus: setLocalStatus,
      seen: since ?? (shared.lastEventId === null ? -1 : Number(shared.lastEventId)),
    };
    shared.subscribers.add(subscriber);
    reconcile(since);
    setLocalStatus(shared.source && shared.source.readyState === EventSource.OPEN ? "open" : shared.status);
    return () => {
      shared.subscribers.delete(subscriber);
      reconcile();
    };
  }, [watchKey, enabled, since]);

  return status;
}
