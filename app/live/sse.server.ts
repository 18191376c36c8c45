// The server-sent-events side of /live: who may see which event, the wire encoding, and one subscriber's
// stream (resume from Last-Event-ID, heartbeat comments, clean-up on disconnect). Kept apart from the route so
// the rules can be tested without HTTP.
import { z } from "zod";
import type { Bus, Delivered } from "./bus.server";
import type { LiveStreamEvent } from "./events";

export const HEARTBEAT_MS = 15_000;
/** How long EventSource waits before reconnecting (the `retry:` field). */
export const RETRY_MS = 2_000;
export const MAX_WATCHES = 5;

const SessionIdSchema = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[^/?#\s]+$/, "is not a session id");
const LastEventIdSchema = z
  .string()
  .trim()
  .regex(/^\d{1,15}$/, "must be a non-negative integer")
  .transform(Number);

export type LiveQuery = { lastEventId: number | null; watch: string[] };

/**
 * The resume point (header `Last-Event-ID`, which EventSource sends on its own reconnects, or
 * `?lastEventId=` for a new EventSource the page opened after a failure) and the watched sessions.
 * A malformed value is a 400: a client that sends garbage is broken, not merely out of date.
 */
export function parseLiveQuery(request: Request): { ok: true; query: LiveQuery } | { ok: false; problems: string[] } {
  const url = new URL(request.url);
  const problems: string[] = [];
  for (const key of new Set(url.searchParams.keys())) {
    if (key !== "watch" && key !== "lastEventId") problems.push(`unknown parameter "${key}"`);
  }
  const rawId = request.headers.get("last-event-id") || url.searchParams.get("lastEventId") || null;
  let lastEventId: number | null = null;
  if (rawId !== null) {
    const parsed = LastEventIdSchema.safeParse(rawId);
    if (parsed.success) lastEventId = parsed.data;
    else problems.push(`lastEventId ${parsed.error.issues[0]?.message ?? "is invalid"}`);
  }
  const watches = z.array(SessionIdSchema).max(MAX_WATCHES, `watch at most ${MAX_WATCHES} sessions`).safeParse(url.searchParams.getAll("watch"));
  if (!watches.success) problems.push(...watches.error.issues.map((issue) => `watch ${issue.message}`));
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, query: { lastEventId, watch: watches.success ? [...new Set(watches.data)] : [] } };
}

/** origin: the process serving the subscriber (set by createLiveStream from the bus). */
export type Subscriber = { operatorId: string; watched: ReadonlySet<string>; origin?: string };

/**
 * Whether one subscriber gets one event. Every role may see every session in this product, so inbox-wide
 * events go to everyone; read state is personal; a session's messages, chunks and viewers only reach the
 * tabs watching that session (they are heavy, and chunks are only useful in the open session).
 */
export function isVisible(delivered: Delivered, subscriber: Subscriber): boolean {
  if (delivered.audience !== undefined && delivered.audience !== subscriber.operatorId) return false;
  const { event } = delivered;
  switch (event.type) {
    case "session.changed":
    case "viewers":
    case "takeover":
    case "gateway":
      return true;
    case "read":
      return event.operatorId === subscriber.operatorId;
    case "notify":
      // Only ever published for one operator (checked above); never to everyone.
      return delivered.audience !== undefined;
    case "chunk":
      // Every process watching a session relays its chunks: a tab takes those of the process serving it, once.
      if (delivered.origin !== undefined && subscriber.origin !== undefined && delivered.origin !== subscriber.origin) return false;
      return subscriber.watched.has(event.sessionId);
    case "message":
    case "presence":
    case "lost":
    case "gate.paused":
    case "typing":
    case "notes":
      return subscriber.watched.has(event.sessionId);
    default:
      return false;
  }
}

/** One SSE frame: `id:` on every event so the browser always knows where to resume. */
export function encodeEvent(id: number, event: LiveStreamEvent): string {
  // JSON never contains a raw newline, so one `data:` line is enough.
  return `id: ${id}\ndata: ${JSON.stringify(event)}\n\n`;
}

export function encodeComment(text: string): string {
  return `: ${text.replace(/[\r\n]+/g, " ")}\n\n`;
}

export type LiveStreamOptions = {
  bus: Bus;
  subscriber: Subscriber;
  lastEventId: number | null;
  signal: AbortSignal;
  /** What the tab is sent for a visible event (default: the event itself); /live merges presence here. */
  rewrite?: (delivered: Delivered) => LiveStreamEvent;
  heartbeatMs?: number;
  /** Runs once when the stream ends (client gone or cancelled): unwatch sessions, etc. */
  onClose?: () => void;
  /** Checked at every heartbeat: false (signed out, deactivated) ends the stream. */
  stillAllowed?: () => Promise<boolean>;
};

/**
 * One tab's event stream. It subscribes before reading the replay buffer and drops live events the replay
 * already sent, so nothing published during the hand-over is lost or sent twice. Event ids only grow (in one
 * process, and across processes on the PostgreSQL bus), which is what makes "drop what was sent" an id check.
 */
export function createLiveStream(options: LiveStreamOptions): ReadableStream<Uint8Array> {
  const { bus, lastEventId, signal } = options;
  const subscriber: Subscriber = bus.origin === undefined ? options.subscriber : { ...options.subscriber, origin: bus.origin };
  const encoder = new TextEncoder();
  let closed = false;
  let cleanup = () => {};

  return new ReadableStream<Uint8Array>({
    async start(controller) {
      let sentUpTo = 0;
      const write = (text: string) => {
        if (closed) return;
        try {
          controller.enqueue(encoder.encode(text));
        } catch {
          close();
        }
      };
      const send = (delivered: Delivered) => {
        if (delivered.id <= sentUpTo) return;
        sentUpTo = delivered.id;
        if (isVisible(delivered, subscriber)) write(encodeEvent(delivered.id, options.rewrite ? options.rewrite(delivered) : delivered.event));
      };

      const pending: Delivered[] = [];
      let replaying = true;
      const unsubscribe = bus.subscribe((delivered) => (replaying ? pending.push(delivered) : send(delivered)));
      // The heartbeat also moves the browser's resume point past events it was not shown (an `id:` line
      // without data updates Last-Event-ID without dispatching), so a quiet tab never falls out of the buffer.
      const heartbeat = setInterval(() => {
        write(`id: ${sentUpTo}\n${encodeComment("ping")}`);
        options.stillAllowed?.().then(
          (allowed) => allowed || close(),
          () => {}, // a failed check (database busy) is not a sign-out: try again next beat
        );
      }, options.heartbeatMs ?? HEARTBEAT_MS);

      function close() {
        if (closed) return;
        closed = true;
        clearInterval(heartbeat);
        unsubscribe();
        signal.removeEventListener("abort", close);
        try {
          controller.close();
        } catch {
          // already closed by the client going away
        }
        options.onClose?.();
      }
      cleanup = close;
      if (signal.aborted) {
        close();
        return;
      }
      signal.addEventListener("abort", close);

      write(`retry: ${RETRY_MS}\n\n`);
      const head = bus.lastId;
      let backlog: Delivered[] | null = [];
      if (lastEventId !== null) {
        try {
          backlog = await bus.since(lastEventId);
        } catch {
          backlog = null; // the replay table cannot be read: the page reloads rather than trusting the feed
        }
      }
      if (closed) return;
      if (backlog === null) {
        // Missed events are gone (buffer moved on, or an id from before a restart): the page reloads its data.
        sentUpTo = Math.max(head, bus.lastId);
        write(encodeEvent(head, { type: "reset" }));
      } else if (lastEventId === null) {
        sentUpTo = head;
        write(encodeEvent(head, { type: "hello" }));
      } else {
        sentUpTo = lastEventId;
        write(encodeEvent(lastEventId, { type: "hello" }));
        for (const delivered of backlog) send(delivered);
      }
      replaying = false;
      for (const delivered of pending.splice(0)) send(delivered);
    },
    cancel() {
      cleanup();
    },
  });
}
