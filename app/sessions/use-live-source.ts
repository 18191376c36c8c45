// The browser's live feed for one watched session: the Console's SSE route `/live?watch=<id>`.
// EventSource reconnects by itself (sending Last-Event-ID); `onOpen` runs on every (re)open so the page
// can re-read what it may have missed.
import { useEffect, useRef } from "react";
import type { LiveEvent } from "~/live/events";

const TYPES = ["message", "chunk", "presence", "takeover", "gateway", "read", "session.changed"] as const;

export type LiveSourceHandlers = {
  onEvent: (event: LiveEvent) => void;
  onOpen: () => void;
  onDrop: () => void;
};

export function useLiveSource(sessionId: string, handlers: LiveSourceHandlers) {
  const latest = useRef(handlers);
  latest.current = handlers;
  useEffect(() => {
    if (typeof EventSource === "undefined") return;
    const source = new EventSource(`/live?watch=${encodeURIComponent(sessionId)}`);
    const handle = (frame: MessageEvent<string>, name: string) => {
      let data: unknown;
      try {
        data = JSON.parse(frame.data);
      } catch {
        return;
      }
      const raw = (data && typeof data === "object" && "event" in data && typeof (data as { event: unknown }).event === "object" ? (data as { event: unknown }).event : data) as Partial<LiveEvent> | null;
      if (!raw || typeof raw !== "object") return;
      const event = (typeof raw.type === "string" ? raw : { ...raw, type: name }) as LiveEvent;
      if ("sessionId" in event && event.sessionId !== sessionId) return;
      latest.current.onEvent(event);
    };
    const onDefault = (frame: MessageEvent<string>) => handle(frame, "message");
    source.addEventListener("message", onDefault);
    const named = TYPES.filter((t) => t !== "message").map((type) => {
      const listener = (frame: Event) => handle(frame as MessageEvent<string>, type);
      source.addEventListener(type, listener);
      return [type, listener] as const;
    });
    source.onopen = () => latest.current.onOpen();
    source.onerror = () => latest.current.onDrop();
    return () => {
      source.removeEventListener("message", onDefault);
      for (const [type, listener] of named) source.removeEventListener(type, listener);
      source.close();
    };
  }, [sessionId]);
}
