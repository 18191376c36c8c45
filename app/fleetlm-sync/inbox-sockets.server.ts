// The gateway's sockets for `inbox:{user}` channels: at most `perSocket` inboxes on one socket (ADR 198). phoenix's
// Socket walks every channel it holds for each incoming frame, and filters arrays as long as that list to remove a
// left channel, so one socket with 10,000 inboxes costs O(10,000) per join reply, delta and leave. A new seat takes
// the first socket with a free place (a seat freed by a user who left is reused, ADR 205), a socket left with no
// seat is closed, so the sockets follow the users followed now, not every user ever seen; each socket opens (with
// backoff), reconnects and is reported on its own.
import { backoffDelay, FleetLMSocket } from "@fleetlm/client";
import type { LinkHealth } from "./link-health.server";
import type { Timers } from "./timers";

/** Inboxes per socket: a frame costs a walk over this many channels at most. */
export const INBOXES_PER_SOCKET = 200;
// At most 5 s: the socket is how the Console notices new messages, so it comes back quickly.
const CONNECT_BACKOFF = { baseMs: 250, maxMs: 5_000, jitter: "equal" } as const;

type Link = { socket: FleetLMSocket; up: boolean; everUp: boolean; offs: (() => void)[]; seats: number };

export class InboxSockets {
  /** By socket index; a hole where an empty socket was closed (its index is reused by the next socket made). */
  readonly #links: (Link | undefined)[] = [];
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

  /** Sockets open or opening. */
  get count(): number {
    return this.#links.filter(Boolean).length;
  }

  /** Seats placed on all sockets. */
  get seats(): number {
    return this.#links.reduce((sum, link) => sum + (link?.seats ?? 0), 0);
  }

  /** The socket for a new seat: the first one with a free place, else a new one. */
  assign(): number {
    const perSocket = this.deps.perSocket ?? INBOXES_PER_SOCKET;
    let index = this.#links.findIndex((link) => link !== undefined && link.seats < perSocket);
    if (index < 0) index = this.#links.findIndex((link) => link === undefined);
    if (index < 0) index = this.#links.length;
    this.#link(index).seats += 1;
    return index;
  }

  /** A seat on socket `index` was given up (its channel left): the place is free; an empty socket is closed. */
  release(index: number): void {
    const link = this.#links[index];
    if (!link) return;
    link.seats = Math.max(0, link.seats - 1);
    // Socket 0 stays: the link's health is reported from it even with no seat.
    if (link.seats > 0 || index === 0) return;
    this.#links[index] = undefined;
    for (const off of link.offs) off();
    void link.socket.disconnect();
    this.#report();
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
    for (const link of this.#links) if (link) void this.#connect(link);
  }

  /** Closes every socket for good: leaves on a closed socket answer at once. */
  async stop(): Promise<void> {
    const links = this.#links.filter((link): link is Link => link !== undefined);
    for (const link of links) for (const off of link.offs) off();
    await Promise.all(links.map((link) => link.socket.disconnect()));
  }

  #link(index: number): Link {
    const existing = this.#links[index];
    if (existing) return existing;
    const { socketUrl, userId, heartbeatMs } = this.deps;
    const socket = new FleetLMSocket({
      socketUrl,
      userId,
      reconnect: { baseMs: CONNECT_BACKOFF.baseMs, maxMs: CONNECT_BACKOFF.maxMs },
      heartbeatIntervalMs: heartbeatMs,
    });
    const link: Link = { socket, up: false, everUp: false, offs: [], seats: 0 };
    link.offs.push(
      socket.on("connected", ({ reconnect }) => {
        this.#set(link, true);
        if (reconnect && !this.deps.timers.stopped) this.deps.onReopen(index);
      }),
      socket.on("disconnected", () => this.#set(link, false)),
      socket.on("error", () => {}), // reconnecting is the socket's job; state changes are reported above
    );
    this.#links[index] = link;
    if (this.#started) void this.#connect(link);
    return link;
  }

  async #connect(link: Link, failures = 0): Promise<void> {
    const { timers, health } = this.deps;
    if (timers.stopped || !this.#links.includes(link)) return;
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
    if (this.deps.timers.stopped || !this.#links.includes(link)) return;
    link.up = up;
    if (up) link.everUp = true;
    this.#report();
  }

  #report() {
    const opened = this.#links.filter((l): l is Link => l !== undefined && l.everUp);
    this.deps.health.setConnected(opened.length > 0 && opened.every((l) => l.up));
  }
}
