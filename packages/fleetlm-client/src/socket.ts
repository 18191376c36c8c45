// One phoenix Socket to FleetLM, shareable by many session and inbox subscriptions. Adds what the
// stock client lacks here: a WebSocket in Node 20 (via `ws`), jittered reconnects, a reconnect after a
// server close with code 1000 (phoenix 1.8.1 does not), and connection state as events.
import { Socket, type Channel } from "phoenix";
import { Emitter } from "./emitter.js";
import { FleetLMError, FleetLMNetworkError } from "./errors.js";
import { backoffDelay, type BackoffOptions } from "./backoff.js";
export type { BackoffOptions } from "./backoff.js";

export const DEFAULT_SOCKET_URL = "ws://localhost:4000/socket";

/** Anything shaped like the browser WebSocket constructor (the browser's, `ws`, or a test double). */
export type WebSocketConstructor = new (url: string, protocols?: string | string[]) => unknown;

export interface FleetLMSocketOptions {
  /** Default `ws://localhost:4000/socket`. */
  socketUrl?: string;
  /** Identity sent as the `user_id` connect param. Wins over `agentId`, as on the server. */
  userId?: string;
  /** Identity sent as `agent_id` when there is no `userId`: the socket acts as that agent. */
  agentId?: string;
  /** WebSocket implementation. Default: `globalThis.WebSocket`, else the `ws` package. */
  transport?: WebSocketConstructor;
  /** Jittered exponential reconnect backoff. */
  reconnect?: BackoffOptions;
  /** Channel rejoin backoff after a refused or crashed join. Default phoenix's 1 s, 2 s, 5 s, then 10 s. */
  rejoinAfterMs?: (tries: number) => number;
  /** Default 30 000 ms (FleetLM closes idle sockets after 120 s). */
  heartbeatIntervalMs?: number;
  /** Join and push reply timeout. Default 10 000 ms. */
  timeoutMs?: number;
}

export interface DisconnectedEvent {
  code: number | null;
  reason: string;
}

export interface ReconnectingEvent {
  /** 1 for the first retry after a drop. */
  attempt: number;
  delayMs: number;
}

export interface ConnectedEvent {
  /** false for the first open, true afterwards. */
  reconnect: boolean;
}

export interface FleetLMSocketEvents {
  connected: ConnectedEvent;
  disconnected: DisconnectedEvent;
  reconnecting: ReconnectingEvent;
  error: Error;
}

/** Equal-jitter exponential backoff: half the step fixed, half random. */
export function jitteredBackoff(attempt: number, options: BackoffOptions = {}): number {
  return backoffDelay(attempt, { ...options, jitter: "equal" });
}

let wsConstructor: Promise<WebSocketConstructor> | undefined;

/** The global WebSocket (browsers, Node >= 22), else `ws`, loaded only when needed. */
export function resolveWebSocket(): Promise<WebSocketConstructor> {
  const global = (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
  if (global) return Promise.resolve(global);
  wsConstructor ??= import("ws").then((module) => {
    const ctor = (module as { WebSocket?: unknown; default?: unknown }).WebSocket ?? module.default;
    if (typeof ctor !== "function") throw new FleetLMError("the `ws` package did not provide a WebSocket");
    return ctor as WebSocketConstructor;
  });
  return wsConstructor;
}

export class FleetLMSocket extends Emitter<FleetLMSocketEvents> {
  readonly socketUrl: string;
  readonly identity: { user_id: string } | { agent_id: string };
  private readonly options: FleetLMSocketOptions;
  private socket: Socket | null = null;
  private connecting: Promise<void> | null = null;
  private intentionalClose = false;
  private opens = 0;
  private wasOpen = false;
  // Counts reconnects phoenix scheduled itself, so a close it will not retry can be told apart.
  private phoenixSchedules = 0;
  private ownTries = 0;
  private ownTimer: ReturnType<typeof setTimeout> | undefined;
  private schedulesAtOpen = 0;
  private readonly topics = new Map<string, Channel>();

  constructor(options: FleetLMSocketOptions = {}) {
    super();
    this.options = options;
    this.socketUrl = (options.socketUrl ?? DEFAULT_SOCKET_URL).replace(/\/+$/, "").replace(/\/websocket$/, "");
    if (options.userId !== undefined) this.identity = { user_id: options.userId };
    else if (options.agentId !== undefined) this.identity = { agent_id: options.agentId };
    else throw new FleetLMError("FleetLMSocket needs a userId or an agentId (FleetLM refuses anonymous sockets)");
  }

  /** The underlying phoenix Socket (null before the first `connect()`). */
  get phoenix(): Socket | null {
    return this.socket;
  }

  get isConnected(): boolean {
    return this.socket?.isConnected() ?? false;
  }

  /**
   * Opens the socket; resolves on the first open. If that first attempt fails the promise rejects and
   * the socket stops; later drops are reconnected for as long as the socket is not disconnected.
   */
  connect(): Promise<void> {
    if (this.connecting) return this.connecting;
    this.intentionalClose = false;
    const attempt = this.open();
    this.connecting = attempt;
    attempt.catch(() => {
      if (this.connecting === attempt) this.connecting = null;
    });
    return attempt;
  }

  /**
   * A phoenix Channel on this socket. Call after `connect()` resolved. One socket holds one channel per
   * topic (phoenix and FleetLM both close the older one on a duplicate join), so asking for a topic
   * that is still joined or joining throws: share that subscription instead.
   */
  channel(topic: string, params: object | (() => object) = {}): Channel {
    if (!this.socket) throw new FleetLMError("FleetLMSocket.channel() before connect()");
    const held = this.topics.get(topic);
    if (held && held.state !== "closed" && held.state !== "leaving") {
      throw new FleetLMError(`${topic} is already subscribed on this socket; share that subscription`);
    }
    const channel = this.socket.channel(topic, params as object);
    this.topics.set(topic, channel);
    channel.onClose(() => {
      if (this.topics.get(topic) === channel) this.topics.delete(topic);
    });
    return channel;
  }

  /** Closes for good (until `connect()` again): no reconnect, channels are not rejoined. */
  disconnect(): Promise<void> {
    this.intentionalClose = true;
    clearTimeout(this.ownTimer);
    this.connecting = null;
    const socket = this.socket;
    if (!socket) return Promise.resolve();
    return new Promise((resolve) => socket.disconnect(() => resolve()));
  }

  private async open(): Promise<void> {
    const transport = this.options.transport ?? (await resolveWebSocket());
    // disconnect() may have been called while `ws` was loading.
    if (this.intentionalClose) throw new FleetLMError("FleetLMSocket was disconnected before it opened");
    if (!this.socket) this.socket = this.createSocket(transport);
    const socket = this.socket;
    await new Promise<void>((resolve, reject) => {
      const refs: ReturnType<Socket["onOpen"]>[] = [];
      const done = (error?: Error) => {
        socket.off(refs);
        if (error) {
          this.intentionalClose = true;
          socket.disconnect();
          reject(error);
        } else resolve();
      };
      refs.push(socket.onOpen(() => done()));
      refs.push(
        socket.onClose((event) => {
          if (!this.wasOpen) done(new FleetLMNetworkError({ method: "WS", url: this.socketUrl }, closeText(event)));
        }),
      );
      socket.connect();
    });
  }

  private createSocket(transport: WebSocketConstructor): Socket {
    const socket = new Socket(this.socketUrl, {
      transport: transport as never,
      params: this.identity,
      heartbeatIntervalMs: this.options.heartbeatIntervalMs,
      timeout: this.options.timeoutMs,
      rejoinAfterMs: this.options.rejoinAfterMs,
      reconnectAfterMs: (tries: number) => {
        this.phoenixSchedules += 1;
        const delayMs = jitteredBackoff(tries, this.options.reconnect);
        if (!this.intentionalClose) this.emit("reconnecting", { attempt: tries, delayMs });
        return delayMs;
      },
    });
    socket.onOpen(() => {
      this.opens += 1;
      this.wasOpen = true;
      this.ownTries = 0;
      this.schedulesAtOpen = this.phoenixSchedules;
      clearTimeout(this.ownTimer);
      this.emit("connected", { reconnect: this.opens > 1 });
    });
    socket.onError((error: unknown) => {
      if (this.intentionalClose) return;
      this.emit("error", new FleetLMNetworkError({ method: "WS", url: this.socketUrl }, transportErrorText(error)));
    });
    socket.onClose((event: CloseEvent) => {
      if (this.intentionalClose) return;
      if (this.wasOpen) {
        this.wasOpen = false;
        this.emit("disconnected", { code: typeof event?.code === "number" ? event.code : null, reason: event?.reason ?? "" });
      }
      // phoenix runs close callbacks after scheduling its own reconnect, when it intends one. Some
      // versions (1.8.1, the one FleetLM's examples lock) skip it for code 1000: then we reconnect.
      if (this.opens > 0 && this.phoenixSchedules === this.schedulesAtOpen) this.scheduleOwnReconnect();
    });
    return socket;
  }

  private scheduleOwnReconnect(): void {
    clearTimeout(this.ownTimer);
    this.ownTries += 1;
    const delayMs = jitteredBackoff(this.ownTries, this.options.reconnect);
    const schedules = this.phoenixSchedules;
    this.emit("reconnecting", { attempt: this.ownTries, delayMs });
    this.ownTimer = setTimeout(() => {
      const socket = this.socket;
      if (!socket || this.intentionalClose || this.phoenixSchedules !== schedules) return;
      const state = socket.connectionState();
      if (state === "open" || state === "connecting") return;
      // Ending the dead connection first makes phoenix's connect() create a new one.
      socket.disconnect(() => {
        if (!this.intentionalClose) socket.connect();
      });
    }, delayMs);
  }
}

function closeText(event: unknown): string {
  const close = event as { code?: unknown; reason?: unknown } | undefined;
  const code = typeof close?.code === "number" ? close.code : "?";
  const reason = typeof close?.reason === "string" && close.reason ? `: ${close.reason}` : "";
  return `WebSocket closed before opening (code ${code}${reason})`;
}

function transportErrorText(error: unknown): string {
  const inner = (error as { error?: unknown; message?: unknown } | undefined) ?? {};
  if (inner.error instanceof Error) return inner.error.message;
  if (typeof inner.message === "string" && inner.message) return inner.message;
  return "WebSocket error";
}
