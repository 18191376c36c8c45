// Many channels on one Phoenix socket, at a few hundred bytes each: for a process that follows tens of thousands of
// `session:{id}` topics (the Console's gateway). phoenix.js keeps about 2.5 KB per channel (its pushes, timers and
// bindings) and walks every channel of its socket for each frame; here a channel is one small record in a map by
// topic, one timer serves every join's timeout and retry, and joins after a (re)connect are paced so thousands of
// them do not leave at once. The wire protocol is Phoenix's vsn 2.0.0: `[join_ref, ref, topic, event, payload]`.
import { Emitter } from "./emitter.js";
import { FleetLMError, FleetLMNetworkError } from "./errors.js";
import { backoffDelay, type BackoffOptions } from "./backoff.js";
import { resolveWebSocket, type WebSocketConstructor } from "./socket.js";

/** What the owner of the channels hears. Every call is about one topic; none is made after `leave(topic)`. */
export interface ChannelMuxHandler {
  /** The join params, asked at every (re)join: e.g. `last_seq` at the newest seq seen. */
  params(topic: string): object;
  /** Joined (or rejoined after a drop): the join's reply. */
  joined(topic: string, response: unknown): void;
  /** The join was refused (an error reply): the topic is dropped, not retried. */
  refused(topic: string, response: unknown): void;
  /** A push on a joined channel (`message`, `stream_chunk`, …). */
  event(topic: string, event: string, payload: unknown): void;
  /** The channel is not joined any more (socket drop, channel crash, join timeout); it is rejoined by itself. */
  lost?(topic: string): void;
}

export interface ChannelMuxOptions {
  /** ws(s)://host/socket, as `socketUrlFor` gives. */
  socketUrl: string;
  /** The socket's connect params: who the channels are joined as. */
  identity: { user_id: string } | { agent_id: string };
  handler: ChannelMuxHandler;
  transport?: WebSocketConstructor;
  /** Default 30 000 ms; a heartbeat unanswered when the next is due drops the socket. */
  heartbeatMs?: number;
  /** A join unanswered this long is retried. Default 10 000 ms. */
  joinTimeoutMs?: number;
  /** Joins awaiting their reply at once; the rest queue. Default 200. */
  maxJoining?: number;
  /** Reconnect backoff (equal jitter). Default 200 ms doubling to 5 s. */
  reconnect?: BackoffOptions;
  /** Rejoin backoff after a crashed channel or a join timeout (equal jitter). Default 1 s doubling to 10 s. */
  rejoin?: BackoffOptions;
}

export interface ChannelMuxEvents {
  /** `reconnect`: false for the first open. Every channel is being rejoined. */
  connected: { reconnect: boolean };
  disconnected: { code: number | null };
  error: Error;
}

type Socket = {
  readyState: number;
  send(data: string): void;
  close(code?: number): void;
  onopen: ((event: unknown) => void) | null;
  onclose: ((event: { code?: number }) => void) | null;
  onerror: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
};

const OPEN = 1;
/** idle: waiting for the socket or a retry; joining: a join was sent with `joinRef`; joined. */
const IDLE = 0;
const JOINING = 1;
const JOINED = 2;
type Entry = { state: 0 | 1 | 2; joinRef: string | null; sentAt: number; attempts: number; retryAt: number };

export class FleetLMChannelMux extends Emitter<ChannelMuxEvents> {
  readonly #options: ChannelMuxOptions;
  readonly #entries = new Map<string, Entry>();
  /** Topics waiting to send their join, oldest first (a Set keeps insertion order and drops repeats). */
  readonly #queue = new Set<string>();
  /** Topics whose join was sent and not answered yet. */
  readonly #joining = new Set<string>();
  /** Idle topics with a retry time (after a crash or a timeout). */
  readonly #retrying = new Set<string>();
  #socket: Socket | null = null;
  #ref = 0;
  #heartbeatRef: string | null = null;
  #tick: ReturnType<typeof setInterval> | null = null;
  #heartbeat: ReturnType<typeof setInterval> | null = null;
  #reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  #reconnects = 0;
  #opens = 0;
  #closed = false;
  /** The first connect()'s promise, shared by concurrent callers; `#settleFirst` ends it (open, failure or close()). */
  #connecting: Promise<void> | null = null;
  #settleFirst: ((error?: Error) => void) | null = null;

  constructor(options: ChannelMuxOptions) {
    super();
    this.#options = options;
  }

  get size(): number {
    return this.#entries.size;
  }

  get isConnected(): boolean {
    return this.#socket?.readyState === OPEN;
  }

  /** Channels joined now. */
  joinedCount(): number {
    let count = 0;
    for (const entry of this.#entries.values()) if (entry.state === JOINED) count += 1;
    return count;
  }

  isJoined(topic: string): boolean {
    return this.#entries.get(topic)?.state === JOINED;
  }

  has(topic: string): boolean {
    return this.#entries.has(topic);
  }

  /** The topics joined or being joined (also after a first open failed: what the owner must place elsewhere). */
  topics(): string[] {
    return [...this.#entries.keys()];
  }

  /** Opens the socket; rejects if the first open fails (then the mux is closed). Reconnects by itself afterwards. */
  connect(): Promise<void> {
    this.#connecting ??= this.#connect();
    return this.#connecting;
  }

  async #connect(): Promise<void> {
    const transport = this.#options.transport ?? (await resolveWebSocket());
    if (this.#closed) throw new FleetLMError("FleetLMChannelMux was closed before it opened");
    await new Promise<void>((resolve, reject) => {
      this.#settleFirst = (error) => {
        this.#settleFirst = null;
        if (error) reject(error);
        else resolve();
      };
      this.#open(transport);
    });
    this.#tick = setInterval(() => this.#sweep(), 250);
    this.#tick.unref?.();
  }

  /** Joins `topic` (no-op if it is joined or joining): now if the socket is open, else once it is. */
  join(topic: string): void {
    if (this.#closed || this.#entries.has(topic)) return;
    this.#entries.set(topic, { state: IDLE, joinRef: null, sentAt: 0, attempts: 0, retryAt: 0 });
    this.#queue.add(topic);
    this.#pump();
  }

  /** Leaves `topic`; nothing more is heard about it. */
  leave(topic: string): void {
    const entry = this.#entries.get(topic);
    if (!entry) return;
    this.#entries.delete(topic);
    this.#queue.delete(topic);
    this.#joining.delete(topic);
    this.#retrying.delete(topic);
    if (entry.state !== IDLE && entry.joinRef !== null) this.#send(entry.joinRef, this.#nextRef(), topic, "phx_leave", {});
    this.#pump();
  }

  /** Closes the socket for good: no reconnect, nothing more is heard. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#tick) clearInterval(this.#tick);
    if (this.#heartbeat) clearInterval(this.#heartbeat);
    if (this.#reconnectTimer) clearTimeout(this.#reconnectTimer);
    this.#entries.clear();
    this.#queue.clear();
    this.#joining.clear();
    this.#retrying.clear();
    this.#settleFirst?.(new FleetLMError("FleetLMChannelMux was closed before it opened"));
    const socket = this.#socket;
    this.#socket = null;
    if (!socket) return;
    socket.onmessage = null;
    await new Promise<void>((resolve) => {
      if (socket.readyState > OPEN) return resolve();
      socket.onclose = () => resolve();
      socket.onerror = () => resolve();
      try {
        socket.close(1000);
      } catch {
        resolve();
      }
    });
  }

  #open(transport: WebSocketConstructor): void {
    const identity = Object.entries(this.#options.identity).map(([key, value]) => `${key}=${encodeURIComponent(value)}`);
    const url = `${this.#options.socketUrl.replace(/\/+$/, "")}/websocket?${identity.join("&")}&vsn=2.0.0`;
    const socket = new transport(url) as Socket;
    this.#socket = socket;
    let opened = false;
    socket.onopen = () => {
      opened = true;
      this.#opens += 1;
      this.#reconnects = 0;
      this.#heartbeatRef = null;
      const heartbeatMs = this.#options.heartbeatMs ?? 30_000;
      this.#heartbeat = setInterval(() => this.#beat(), heartbeatMs);
      this.#heartbeat.unref?.();
      this.#settleFirst?.();
      this.emit("connected", { reconnect: this.#opens > 1 });
      this.#pump();
    };
    socket.onmessage = (event) => this.#frame(event.data);
    socket.onerror = () => {};
    socket.onclose = (event) => {
      if (this.#socket !== socket) return;
      this.#socket = null;
      if (this.#heartbeat) clearInterval(this.#heartbeat);
      this.#heartbeat = null;
      if (!opened && this.#settleFirst) {
        this.#closed = true;
        this.#settleFirst(
          new FleetLMNetworkError({ method: "WS", url: this.#options.socketUrl }, `WebSocket closed before opening (code ${event?.code ?? "?"})`),
        );
        return;
      }
      if (opened) this.emit("disconnected", { code: typeof event?.code === "number" ? event.code : null });
      this.#dropAll();
      if (this.#closed) return;
      this.#reconnects += 1;
      const delay = backoffDelay(this.#reconnects, { baseMs: 200, maxMs: 5_000, ...this.#options.reconnect, jitter: "equal" });
      this.#reconnectTimer = setTimeout(() => {
        this.#reconnectTimer = null;
        if (!this.#closed) this.#open(transport);
      }, delay);
    };
  }

  /** The socket dropped: every channel is idle and queued to rejoin once it is back. */
  #dropAll(): void {
    this.#joining.clear();
    this.#retrying.clear();
    for (const [topic, entry] of this.#entries) {
      const wasJoined = entry.state === JOINED;
      entry.state = IDLE;
      entry.joinRef = null;
      entry.retryAt = 0;
      this.#queue.add(topic);
      if (wasJoined) this.#tell(() => this.#options.handler.lost?.(topic));
    }
  }

  #beat(): void {
    if (this.#heartbeatRef !== null) {
      // The last heartbeat was not answered: the link is dead even if TCP has not noticed.
      this.#socket?.close(1000);
      return;
    }
    this.#heartbeatRef = this.#nextRef();
    this.#send(null, this.#heartbeatRef, "phoenix", "heartbeat", {});
  }

  /** Sends queued joins while the socket is open and fewer than `maxJoining` await their reply. */
  #pump(): void {
    if (!this.isConnected) return;
    const max = this.#options.maxJoining ?? 200;
    const now = Date.now();
    for (const topic of this.#queue) {
      if (this.#joining.size >= max) break;
      this.#queue.delete(topic);
      const entry = this.#entries.get(topic);
      if (!entry || entry.state !== IDLE) continue;
      entry.state = JOINING;
      entry.joinRef = this.#nextRef();
      entry.sentAt = now;
      this.#joining.add(topic);
      const params = this.#tell(() => this.#options.handler.params(topic)) ?? {};
      this.#send(entry.joinRef, entry.joinRef, topic, "phx_join", params);
    }
  }

  /** Every 250 ms: joins that timed out are retried later, retries that fell due are queued. */
  #sweep(): void {
    const now = Date.now();
    const timeout = this.#options.joinTimeoutMs ?? 10_000;
    for (const topic of this.#joining) {
      const entry = this.#entries.get(topic);
      // Sent in order, so the first one not yet due ends the pass.
      if (entry && now - entry.sentAt < timeout) break;
      this.#joining.delete(topic);
      if (entry) this.#retryLater(topic, entry, now);
    }
    for (const topic of this.#retrying) {
      const entry = this.#entries.get(topic);
      if (entry && now < entry.retryAt) continue;
      this.#retrying.delete(topic);
      if (entry?.state === IDLE) this.#queue.add(topic);
    }
    this.#pump();
  }

  #retryLater(topic: string, entry: Entry, now: number): void {
    const was = entry.state;
    entry.state = IDLE;
    entry.joinRef = null;
    entry.attempts += 1;
    entry.retryAt = now + backoffDelay(entry.attempts, { baseMs: 1_000, maxMs: 10_000, ...this.#options.rejoin, jitter: "equal" });
    this.#retrying.add(topic);
    if (was === JOINED) this.#tell(() => this.#options.handler.lost?.(topic));
  }

  #frame(data: unknown): void {
    let frame: unknown;
    try {
      frame = JSON.parse(typeof data === "string" ? data : String(data));
    } catch {
      return; // not a frame this protocol sends; phoenix.js ignores it too
    }
    if (!Array.isArray(frame) || frame.length !== 5) return;
    const [joinRef, ref, topic, event, payload] = frame as [unknown, unknown, unknown, unknown, unknown];
    if (typeof topic !== "string" || typeof event !== "string") return;
    if (topic === "phoenix") {
      if (event === "phx_reply" && ref === this.#heartbeatRef) this.#heartbeatRef = null;
      return;
    }
    const entry = this.#entries.get(topic);
    if (!entry || entry.joinRef === null) return;
    // A frame of an earlier join of this topic (before a leave, a crash or a timeout) is not about this one.
    if (joinRef !== null && String(joinRef) !== entry.joinRef) return;
    const { handler } = this.#options;
    if (event === "phx_reply") {
      if (String(ref) !== entry.joinRef || entry.state !== JOINING) return;
      this.#joining.delete(topic);
      const reply = payload as { status?: unknown; response?: unknown } | null;
      if (reply?.status === "ok") {
        entry.state = JOINED;
        entry.attempts = 0;
        this.#tell(() => handler.joined(topic, reply.response));
      } else {
        this.#entries.delete(topic);
        this.#tell(() => handler.refused(topic, reply?.response));
      }
      this.#pump();
      return;
    }
    if (event === "phx_error" || event === "phx_close") {
      // The server's channel process died or was closed: joined again after a pause, as phoenix.js does.
      this.#joining.delete(topic);
      this.#retryLater(topic, entry, Date.now());
      this.#pump();
      return;
    }
    if (entry.state === JOINED) this.#tell(() => handler.event(topic, event, payload));
  }

  /** Runs a handler call; one that throws is reported as `error` and never breaks the mux's own state. */
  #tell<T>(call: () => T): T | undefined {
    try {
      return call();
    } catch (error) {
      this.emit("error", error instanceof Error ? error : new Error(String(error)));
      return undefined;
    }
  }

  #send(joinRef: string | null, ref: string, topic: string, event: string, payload: unknown): void {
    const socket = this.#socket;
    if (socket?.readyState !== OPEN) return;
    socket.send(JSON.stringify([joinRef, ref, topic, event, payload]));
  }

  #nextRef(): string {
    this.#ref += 1;
    return String(this.#ref);
  }
}
