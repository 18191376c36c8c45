// FleetLMClient: the API FleetLM's docs advertise, composed from FleetLMRest, FleetLMSocket,
// SessionStream and FleetLMInbox.
import { Emitter } from "./emitter.js";
import { FleetLMError } from "./errors.js";
import { FleetLMInbox } from "./inbox.js";
import { FleetLMRest, type FetchLike, type RestRequestInfo } from "./rest.js";
import type { Message, Session, StreamChunkEvent } from "./schemas.js";
import { SessionStream, type LiveMessage, type SendInput } from "./session-stream.js";
import {
  DEFAULT_SOCKET_URL,
  FleetLMSocket,
  type BackoffOptions,
  type ConnectedEvent,
  type DisconnectedEvent,
  type ReconnectingEvent,
  type WebSocketConstructor,
} from "./socket.js";

export interface FleetLMClientOptions {
  /** Act as this user (sent as the socket's `user_id`, and the sender of `send()`). */
  userId?: string;
  /** The session's agent. With `userId` it is only used to create a session; alone, the client acts as the agent. */
  agentId?: string;
  /** Join this session. Without it, `connect()` creates one (needs both ids). */
  sessionId?: string;
  /** Metadata for a session that `connect()` creates. */
  sessionMetadata?: Record<string, unknown>;
  /** Default `http://localhost:4000`. */
  baseUrl?: string;
  /** Default `ws://localhost:4000/socket`. */
  socketUrl?: string;
  /** WebSocket implementation; default the global one, else `ws`. */
  transport?: WebSocketConstructor;
  /** Share a socket with other subscriptions. Its identity must be the session's user or agent. */
  socket?: FleetLMSocket;
  /** Share a REST client; otherwise one is built from `baseUrl`, `timeoutMs`, `retries`, `fetch`, `onRequest`. */
  rest?: FleetLMRest;
  /** Deliver messages with `seq > lastSeq`. Default 0: the whole history, then live. */
  lastSeq?: number;
  /** REST timeout per attempt. Default 10 000 ms. */
  timeoutMs?: number;
  /** REST GET retries. Default 2. */
  retries?: number;
  fetch?: FetchLike;
  onRequest?: (info: RestRequestInfo) => void;
  /** Socket reconnect backoff (jittered). */
  reconnect?: BackoffOptions;
  rejoinAfterMs?: (tries: number) => number;
  heartbeatIntervalMs?: number;
  /** REST page size for catch-up and gap fills. Default 100. */
  pageSize?: number;
  /** See SessionStreamOptions. */
  gapRetryDelaysMs?: number[];
}

export interface FleetLMClientEvents {
  message: Message;
  chunk: StreamChunkEvent;
  live: LiveMessage | null;
  connected: ConnectedEvent;
  disconnected: DisconnectedEvent;
  reconnecting: ReconnectingEvent;
  joined: { sessionId: string; lastSeq: number; rejoin: boolean };
  gap: { from: number; to: number };
  error: Error;
}

export class FleetLMClient extends Emitter<FleetLMClientEvents> {
  readonly userId: string | undefined;
  readonly agentId: string | undefined;
  readonly rest: FleetLMRest;
  readonly socketUrl: string;
  private readonly options: FleetLMClientOptions;
  private id: string | undefined;
  private socket: FleetLMSocket | null = null;
  private stream: SessionStream | null = null;
  private connecting: Promise<void> | null = null;
  private cursor: number;
  private unsubscribes: Array<() => void> = [];

  constructor(options: FleetLMClientOptions = {}) {
    super();
    if (options.userId === undefined && options.agentId === undefined && !options.socket) {
      throw new FleetLMError("FleetLMClient needs a userId, an agentId, or a socket");
    }
    this.options = options;
    this.userId = options.userId;
    this.agentId = options.agentId;
    this.id = options.sessionId;
    this.cursor = options.lastSeq ?? 0;
    this.socketUrl = options.socketUrl ?? DEFAULT_SOCKET_URL;
    this.rest =
      options.rest ??
      new FleetLMRest({
        baseUrl: options.baseUrl,
        timeoutMs: options.timeoutMs,
        retries: options.retries,
        fetch: options.fetch,
        onRequest: options.onRequest,
      });
  }

  /** The joined session (set by `connect()` when it created one). */
  get sessionId(): string | undefined {
    return this.id;
  }

  /** Highest seq delivered as a `message` event. */
  get lastSeq(): number {
    return this.stream?.lastSeq ?? this.cursor;
  }

  get connected(): boolean {
    return (this.socket?.isConnected ?? false) && (this.stream?.joined ?? false);
  }

  /** The live assistant message being streamed, or null. */
  get live(): LiveMessage | null {
    return this.stream?.live ?? null;
  }

  /**
   * Creates a session if needed, opens the socket and joins `session:{id}` with `last_seq`. Resolves
   * once the replay since `lastSeq` has been delivered as `message` events.
   */
  connect(): Promise<void> {
    if (!this.connecting) {
      const attempt = this.open();
      this.connecting = attempt;
      attempt.catch(() => {
        if (this.connecting === attempt) this.connecting = null;
      });
    }
    return this.connecting;
  }

  /** Sends over the channel as this client's identity. Resolves with the assigned seq. */
  async send(input: SendInput): Promise<number> {
    if (!this.stream) throw new FleetLMError("FleetLMClient.send() before connect()");
    return this.stream.send(input);
  }

  /**
   * A page of stored history. `afterSeq` pages forward (exclusive); `beforeSeq` pages backward and
   * returns the `limit` messages just before it. Default limit 50.
   */
  async history(options: { afterSeq?: number; beforeSeq?: number; limit?: number } = {}): Promise<Message[]> {
    const sessionId = this.requireSession();
    const limit = options.limit ?? 50;
    if (options.beforeSeq !== undefined) {
      const end = options.beforeSeq - 1;
      if (end < 1) return [];
      const start = Math.max(0, end - limit);
      return this.rest.listMessages(sessionId, { afterSeq: start, limit: end - start });
    }
    return this.rest.listMessages(sessionId, { afterSeq: options.afterSeq ?? 0, limit });
  }

  /** The newest `n` stored messages (head seq found by probing, see FleetLMRest.findHeadSeq). */
  latest(n: number): Promise<Message[]> {
    return this.rest.latest(this.requireSession(), n, { from: this.lastSeq });
  }

  /** Writes the read cursor (default: `lastSeq`). FleetLM stores it but nothing reads it (quirk 7). */
  markRead(lastSeq: number = this.lastSeq): Promise<Session> {
    const userId = this.userId;
    if (userId === undefined) throw new FleetLMError("markRead() needs the client's userId");
    return this.rest.markRead(this.requireSession(), { userId, lastSeq });
  }

  /** Subscribes to `inbox:{userId}` over this client's socket (default: the client's user). */
  inbox(userId: string | undefined = this.userId, options: { rejoinIntervalMs?: number } = {}): FleetLMInbox {
    if (userId === undefined) throw new FleetLMError("inbox() needs a userId");
    const inbox = new FleetLMInbox({ userId, socket: this.ensureSocket(), rejoinIntervalMs: options.rejoinIntervalMs });
    // Started on the next tick so listeners attached right after this call see the first snapshot.
    queueMicrotask(() => {
      inbox.start().catch((error: unknown) => {
        if (error instanceof Error) this.emit("error", error);
      });
    });
    return inbox;
  }

  /** Leaves the session and closes the socket (unless it was passed in). `connect()` resumes from `lastSeq`. */
  async disconnect(): Promise<void> {
    const stream = this.stream;
    this.stream = null;
    this.connecting = null;
    if (stream) {
      this.cursor = stream.lastSeq;
      await stream.stop();
    }
    for (const unsubscribe of this.unsubscribes.splice(0)) unsubscribe();
    const socket = this.socket;
    this.socket = null;
    if (socket && !this.options.socket) await socket.disconnect();
  }

  private async open(): Promise<void> {
    if (this.id === undefined) {
      if (this.userId === undefined || this.agentId === undefined) {
        throw new FleetLMError("connect() without a sessionId needs both userId and agentId to create one");
      }
      const session = await this.rest.createSession({
        userId: this.userId,
        agentId: this.agentId,
        metadata: this.options.sessionMetadata,
      });
      this.id = session.id;
    }
    const socket = this.ensureSocket();
    const stream = new SessionStream(socket, this.id, {
      rest: this.rest,
      lastSeq: this.cursor,
      pageSize: this.options.pageSize,
      gapRetryDelaysMs: this.options.gapRetryDelaysMs,
    });
    this.stream = stream;
    this.unsubscribes.push(
      stream.on("message", (message) => this.emit("message", message)),
      stream.on("chunk", (chunk) => this.emit("chunk", chunk)),
      stream.on("live", (live) => this.emit("live", live)),
      stream.on("joined", (joined) => this.emit("joined", joined)),
      stream.on("gap", (gap) => this.emit("gap", gap)),
      stream.on("error", (error) => this.emit("error", error)),
    );
    try {
      await stream.start();
    } catch (error) {
      await this.disconnect();
      throw error;
    }
  }

  private ensureSocket(): FleetLMSocket {
    if (this.socket) return this.socket;
    const socket =
      this.options.socket ??
      new FleetLMSocket({
        socketUrl: this.socketUrl,
        userId: this.userId,
        agentId: this.userId === undefined ? this.agentId : undefined,
        transport: this.options.transport,
        reconnect: this.options.reconnect,
        rejoinAfterMs: this.options.rejoinAfterMs,
        heartbeatIntervalMs: this.options.heartbeatIntervalMs,
      });
    this.socket = socket;
    this.unsubscribes.push(
      socket.on("connected", (event) => this.emit("connected", event)),
      socket.on("disconnected", (event) => this.emit("disconnected", event)),
      socket.on("reconnecting", (event) => this.emit("reconnecting", event)),
      socket.on("error", (error) => this.emit("error", error)),
    );
    return socket;
  }

  private requireSession(): string {
    if (this.id === undefined) throw new FleetLMError("no session yet: pass sessionId or call connect() first");
    return this.id;
  }
}
