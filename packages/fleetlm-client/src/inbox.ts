// One `inbox:{user}` subscription: the join reply as `snapshot`, pushes as `delta` (both full lists), and
// an optional periodic leave-and-rejoin, because FleetLM stops pushing after one quiet second (quirk 4).
import type { Channel } from "phoenix";
import { Emitter } from "./emitter.js";
import { FleetLMBadResponseError, FleetLMChannelError, FleetLMError } from "./errors.js";
import { InboxPayloadSchema, type InboxEntry } from "./schemas.js";
import { FleetLMSocket, type FleetLMSocketOptions } from "./socket.js";

export interface FleetLMInboxEvents {
  /** The join reply: every entry, after each (re)join. */
  snapshot: InboxEntry[];
  /** An `inbox_delta` push: despite the name, also every entry. */
  delta: InboxEntry[];
  error: Error;
}

export interface FleetLMInboxOptions extends Omit<FleetLMSocketOptions, "userId" | "agentId"> {
  /** Whose inbox. FleetLM does not check who asks (quirk 6). */
  userId: string;
  /** A shared socket; without one the inbox opens (and on stop closes) its own, connected as `userId`. */
  socket?: FleetLMSocket;
  /** Leave and re-join on this interval to get a fresh snapshot. Off by default. */
  rejoinIntervalMs?: number;
}

export class FleetLMInbox extends Emitter<FleetLMInboxEvents> {
  readonly userId: string;
  readonly topic: string;
  private readonly socket: FleetLMSocket;
  private readonly ownsSocket: boolean;
  private readonly rejoinIntervalMs: number | undefined;
  private channel: Channel | null = null;
  private started: Promise<InboxEntry[]> | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;
  private latest: InboxEntry[] = [];
  private refreshing: Promise<InboxEntry[]> | null = null;

  constructor(options: FleetLMInboxOptions) {
    super();
    const { userId, socket, rejoinIntervalMs, ...socketOptions } = options;
    this.userId = userId;
    this.topic = `inbox:${userId}`;
    this.ownsSocket = !socket;
    this.socket = socket ?? new FleetLMSocket({ ...socketOptions, userId });
    this.rejoinIntervalMs = rejoinIntervalMs;
  }

  /** The latest entries seen (snapshot or delta), most recent activity first. */
  get entries(): InboxEntry[] {
    return this.latest;
  }

  /**
   * Joins; resolves with the first snapshot. A refused first join rejects with FleetLMChannelError.
   * Later refusals and rejoins are reported as `error` events while phoenix retries.
   */
  start(): Promise<InboxEntry[]> {
    this.started ??= this.begin();
    return this.started;
  }

  /** Leaves the channel, stops the timer, and closes the socket if the inbox opened it. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearTimeout(this.timer);
    clearInterval(this.timer);
    const channel = this.channel;
    this.channel = null;
    if (channel) await leave(channel);
    if (this.ownsSocket) await this.socket.disconnect();
  }

  /** Leave and join again now, for a fresh snapshot. Resolves with it (a refresh in flight is shared). */
  refresh(): Promise<InboxEntry[]> {
    if (this.stopped) return Promise.reject(new FleetLMError("FleetLMInbox.refresh() after stop()"));
    this.refreshing ??= (async () => {
      try {
        const old = this.channel;
        this.channel = null;
        if (old) await leave(old);
        return await this.join();
      } finally {
        this.refreshing = null;
      }
    })();
    return this.refreshing;
  }

  private async begin(): Promise<InboxEntry[]> {
    await this.socket.connect();
    const entries = await this.join();
    const interval = this.rejoinIntervalMs;
    if (interval && interval > 0 && !this.stopped) {
      const tick = () => {
        this.refresh().catch((error: unknown) => {
          if (!this.stopped) this.emit("error", error instanceof Error ? error : new FleetLMError(String(error)));
        });
      };
      // Spread the first refresh over one interval, so thousands of inboxes on one socket do not rejoin in step.
      this.timer = setTimeout(
        () => {
          tick();
          if (!this.stopped) this.timer = setInterval(tick, interval);
        },
        Math.round(interval * (0.5 + Math.random() / 2)),
      );
    }
    return entries;
  }

  private join(): Promise<InboxEntry[]> {
    if (this.stopped) return Promise.resolve(this.latest);
    const channel = this.socket.channel(this.topic, {});
    this.channel = channel;
    channel.on("inbox_delta", (payload: unknown) => {
      const entries = this.parse(payload, "inbox_delta");
      if (entries && this.channel === channel) {
        this.latest = entries;
        this.emit("delta", entries);
      }
    });
    return new Promise<InboxEntry[]>((resolve, reject) => {
      let settled = false;
      channel
        .join()
        .receive("ok", (reply: unknown) => {
          const entries = this.parse(reply, "join reply");
          if (entries && this.channel === channel) {
            this.latest = entries;
            this.emit("snapshot", entries);
          }
          if (!settled) {
            settled = true;
            resolve(entries ?? this.latest);
          }
        })
        .receive("error", (response: unknown) => {
          const body = typeof response === "object" && response !== null ? (response as Record<string, unknown>) : {};
          const reason = typeof body.reason === "string" ? body.reason : "error";
          const error = new FleetLMChannelError(this.topic, "join", reason, body);
          // Two simultaneous first joins can race on FleetLM (quirk 22); phoenix's rejoin resolves it.
          if (!settled && !reason.includes("already_started")) {
            settled = true;
            if (this.channel === channel) this.channel = null;
            void leave(channel);
            reject(error);
          } else this.emit("error", error);
        })
        .receive("timeout", () => this.emit("error", new FleetLMChannelError(this.topic, "join", "timeout")));
    });
  }

  private parse(payload: unknown, what: string): InboxEntry[] | null {
    const parsed = InboxPayloadSchema.safeParse(payload);
    if (parsed.success) return parsed.data.inbox;
    this.emit("error", new FleetLMBadResponseError(`malformed ${what} on ${this.topic}`, { issues: parsed.error.issues }));
    return null;
  }
}

function leave(channel: Channel): Promise<void> {
  return new Promise((resolve) => {
    channel
      .leave()
      .receive("ok", () => resolve())
      .receive("timeout", () => resolve());
  });
}
