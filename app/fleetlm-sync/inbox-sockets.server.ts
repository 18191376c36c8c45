// The gateway's sockets for `inbox:{user}` channels: at most `perSocket` inboxes on one socket (ADR 198). phoenix's
// Socket walks every channel it holds for each incoming frame, and filters arrays as long as that list to remove a
// left channel, so one socket with 10,000 inboxes costs O(10,000) per join reply, delta and leave. Seats are spread
// over sockets in the order they are added; each socket opens (with backoff), reconnects and is reported on its own.
import { backoffDelay, FleetLMSocket } from "@fleetlm/client";
import type { LinkHealth } from "./link-health.server";
import type { Timers } from "./timers";

/** Inboxes per socket: a frame costs a walk over this many channels at most. */
export const INBOXES_PER_SOCKET = 200;
// At most 5 s: the socket is how the Console notices new messages, so it comes back quickly.
const CONNECT_BACKOFF = { baseMs: 250, maxMs: 5_000, jitter: "equal" } as const;

type Link = { socket: FleetLMSocket; up: boolean; everUp: boolean; offs: (() => void)[] };

export class InboxSockets {
  readonly #links: Link[] = [];
  #seats = 0;
  #started = false;

  constructor(
    private readonly deps: {
      socketUrl: string;
      /** The sockets' identity: inbox joins are not authorised, so any name works (quirk 6). */
      userId: string;
      heartbeatMs?: number;
      perSocket?: number;
      timers: Timers;
      health: LinkHealth;
      /** Socket `index` opened again after a drop: FleetLM may have restarted, so its inboxes' snapshots lie. */
      onReopen: (index: number) => void;
    },
  ) {}

  /** Sockets made so far. */
  get count(): number {
    return this.#links.length;
  }

  /** The socket for the next seat: the last one until it holds `perSocket` seats, then a new one. */
  assign(): number {
    const index = Math.floor(this.#seats / (this.deps.perSocket ?? INBOXES_PER_SOCKET));
    this.#seats += 1;
    this.#link(index);
    return index;
  }

  socket(index: number): FleetLMSocket {
    return this.#link(index).socket;
  }

  isUp(index: number): boolean {
    return this.#links[index]?.up ?? false;
  }

  /** Opens every socket made so far (the first one even with no seat: the link's health is reported from it). */
  start(): void {
    this.#started = true;
    this.#link(0);
    for (const link of this.#links) void this.#connect(link);
  }

  /** Closes every socket for good: leaves on a closed socket answer at once. */
  async stop(): Promise<void> {
    for (const link of this.#links) for (const off of link.offs) off();
    await Promise.all(this.#links.map((link) => link.socket.disconnect()));
  }

  #link(index: number): Link {
    while (this.#links.length <= index) {
      const { socketUrl, userId, heartbeatMs } = this.deps;
      const socket = new FleetLMSocket({
        socketUrl,
        userId,
        reconnect: { baseMs: CONNECT_BACKOFF.baseMs, maxMs: CONNECT_BACKOFF.maxMs },
        heartbeatIntervalMs: heartbeatMs,
      });
      const at = this.#links.length;
      const link: Link = { socket, up: false, everUp: false, offs: [] };
      link.offs.push(
        socket.on("connected", ({ reconnect }) => {
          this.#set(link, true);
          if (reconnect && !this.deps.timers.stopped) this.deps.onReopen(at);
        }),
        socket.on("disconnected", () => this.#set(link, false)),
        socket.on("error", () => {}), // reconnecting is the socket's job; state changes are reported above
      );
      this.#links.push(link);
      if (this.#started) void this.#connect(link);
    }
    return this.#links[index]!;
  }

  async #connect(link: Link, failures = 0): Promise<void> {
    const { timers, health } = this.deps;
    if (timers.stopped) return;
    try {
      await link.socket.connect();
      health.recovered("socket");
      this.#set(link, true);
    } catch (error) {
      // The first open failed, so the socket gave up; later drops are reconnected by the socket itself.
      health.problem("socket", error);
      timers.later(backoffDelay(failures + 1, CONNECT_BACKOFF), () => void this.#connect(link, failures + 1));
    }
  }

  /** Connected: every socket that ever opened is open (a new socket still opening is no drop of the link). */
  #set(link: Link, up: boolean) {
    if (this.deps.timers.stopped) return;
    link.up = up;
    if (up) link.everUp = true;
    const opened = this.#links.filter((l) => l.everUp);
    this.deps.health.setConnected(opened.length > 0 && opened.every((l) => l.up));
  }
}
