// One `session:{id}` subscription on a (possibly shared) FleetLMSocket: persisted messages exactly once
// and in seq order across rejoins and reconnects, live stream chunks, and the assembled live reply.
import type { Channel } from "phoenix";
import { MessageAssembler, StreamRefusedError, type AssistantContent } from "./assembler.js";
import { JOIN_REPLAY_LIMIT, OrderedDelivery } from "./delivery.js";
import { Emitter } from "./emitter.js";
import { FleetLMBadResponseError, FleetLMChannelError, FleetLMError } from "./errors.js";
import type { FleetLMRest } from "./rest.js";
import { MessageSchema, SendReplySchema, SessionJoinReplySchema, StreamChunkPayloadSchema, type Message, type StreamChunkEvent } from "./schemas.js";
import type { FleetLMSocket } from "./socket.js";

export interface SendInput {
  /** Default `"text"`. */
  kind?: string;
  content: Record<string, unknown>;
  metadata?: Record<string, unknown>;
}

/** The assistant reply being streamed, assembled as FleetLM's assembler will store it (§8.5). */
export interface LiveMessage {
  agentId: string;
  content: AssistantContent;
  /** A `finish`/`abort` chunk arrived; the persisted message follows and replaces this. */
  finished: boolean;
  /**
   * FleetLM refuses this stream (`missing_type`, `assembler_error`): the webhook call failed at the last
   * chunk and nothing will be stored — show it as "not stored by FleetLM". null otherwise.
   */
  refused: string | null;
}

export interface SessionStreamEvents {
  /** A persisted message, once per seq, in seq order. */
  message: Message;
  /** A live `stream_chunk`, as it arrives. */
  chunk: StreamChunkEvent;
  /** The live assistant message after each chunk; `null` once the persisted `assistant` message arrived. */
  live: LiveMessage | null;
  /** Each successful (re)join, after its replay was delivered. */
  joined: { sessionId: string; lastSeq: number; rejoin: boolean };
  /** Seqs that storage does not have (a real FleetLM can lose rows, quirk 21); delivery moved past them. */
  gap: { from: number; to: number };
  error: Error;
}

export interface SessionStreamOptions {
  /** Used to page past a full join reply and to fill gaps. */
  rest: FleetLMRest;
  /** Deliver messages with `seq > lastSeq`. Default 0: the whole history, then live. */
  lastSeq?: number;
  /** REST page size for catch-up and gap fills. Default 100. */
  pageSize?: number;
  /** Assemble `live` from chunks. Default true. */
  assembleLive?: boolean;
  /** Pauses before a gap missing from REST is taken as real (see OrderedDelivery). */
  gapRetryDelaysMs?: number[];
}

export class SessionStream extends Emitter<SessionStreamEvents> {
  readonly sessionId: string;
  readonly topic: string;
  private readonly socket: FleetLMSocket;
  private readonly options: SessionStreamOptions;
  private readonly delivery: OrderedDelivery;
  private readonly assembler = new MessageAssembler();
  private channel: Channel | null = null;
  private started: Promise<void> | null = null;
  private joins = 0;
  private liveMessage: LiveMessage | null = null;
  private stopped = false;

  constructor(socket: FleetLMSocket, sessionId: string, options: SessionStreamOptions) {
    super();
    this.socket = socket;
    this.sessionId = sessionId;
    this.topic = `session:${sessionId}`;
    this.options = options;
    this.delivery = new OrderedDelivery({
      startSeq: options.lastSeq,
      pageSize: options.pageSize,
      gapRetryDelaysMs: options.gapRetryDelaysMs,
      // readRange, not one page: a real FleetLM's page can skip seqs it has (§13.1), which would look like a
      // gap and, after the retries, be reported as lost. The retries are OrderedDelivery's, so no settle here.
      fetchAfter: (afterSeq, limit) => options.rest.readRange(sessionId, { from: afterSeq + 1, to: afterSeq + limit }, { settleMs: 0 }).then((r) => r.messages),
      deliver: (message) => this.onDelivered(message),
      onError: (error) => this.emit("error", asError(error)),
      onSkip: (range) => this.emit("gap", range),
    });
  }

  /** Highest seq delivered so far; the `last_seq` of the next (re)join. */
  get lastSeq(): number {
    return this.delivery.lastSeq;
  }

  get live(): LiveMessage | null {
    return this.liveMessage;
  }

  get joined(): boolean {
    return this.channel?.state === "joined";
  }

  /**
   * Joins and resolves once the replay (join reply plus any REST pages) is delivered. A refused first
   * join rejects with FleetLMChannelError (`reason` "not found" / "unauthorized") and stops the stream.
   */
  start(): Promise<void> {
    this.started ??= this.join();
    return this.started;
  }

  /** Sends over the channel; resolves with the assigned seq. Rejects with FleetLMChannelError. */
  send(input: SendInput): Promise<number> {
    const channel = this.channel;
    if (!channel || this.stopped) return Promise.reject(new FleetLMError("SessionStream.send() before start() or after stop()"));
    const content: Record<string, unknown> = { kind: input.kind ?? "text", content: input.content };
    if (input.metadata !== undefined) content.metadata = input.metadata;
    return new Promise<number>((resolve, reject) => {
      channel
        .push("send", { content })
        .receive("ok", (response: unknown) => {
          const parsed = SendReplySchema.safeParse(response);
          if (parsed.success) resolve(parsed.data.seq);
          else reject(new FleetLMBadResponseError(`unexpected send reply on ${this.topic}`, { issues: parsed.error.issues }));
        })
        .receive("error", (response: unknown) => {
          const body = isObject(response) ? response : {};
          const reason = typeof body.error === "string" ? body.error : "error";
          reject(new FleetLMChannelError(this.topic, "send", reason, body));
        })
        .receive("timeout", () => reject(new FleetLMChannelError(this.topic, "send", "timeout")));
    });
  }

  /** Leaves the channel. Delivery stops; the cursor (`lastSeq`) is kept for a new stream. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.delivery.stop();
    const channel = this.channel;
    if (!channel) return;
    await new Promise<void>((resolve) => {
      channel
        .leave()
        .receive("ok", () => resolve())
        .receive("timeout", () => resolve());
    });
  }

  /** Resolves when every message received so far has been delivered or buffered behind a gap fill. */
  idle(): Promise<void> {
    return this.delivery.idle();
  }

  private async join(): Promise<void> {
    await this.socket.connect();
    if (this.stopped) return;
    // A function, so every rejoin (after a reconnect, a crash, a refused join) asks from the current cursor.
    const channel = this.socket.channel(this.topic, () => ({ last_seq: this.delivery.lastSeq }));
    this.channel = channel;

    channel.on("message", (payload: unknown) => {
      const parsed = MessageSchema.safeParse(payload);
      if (!parsed.success) {
        // Skipping it is safe: the seq shows up as a gap and is read from REST.
        this.emit("error", new FleetLMBadResponseError(`malformed message event on ${this.topic}`, { issues: parsed.error.issues }));
        return;
      }
      void this.delivery.push([parsed.data]);
    });
    channel.on("stream_chunk", (payload: unknown) => this.onChunk(payload));

    await new Promise<void>((resolve, reject) => {
      let settled = false;
      channel
        .join()
        .receive("ok", (reply: unknown) => {
          const rejoin = this.joins > 0;
          this.joins += 1;
          void this.onJoinReply(reply).then(() => {
            if (this.stopped) return;
            this.emit("joined", { sessionId: this.sessionId, lastSeq: this.delivery.lastSeq, rejoin });
            if (!settled) {
              settled = true;
              resolve();
            }
          });
        })
        .receive("error", (response: unknown) => {
          const body = isObject(response) ? response : {};
          const reason = typeof body.reason === "string" ? body.reason : "error";
          const error = new FleetLMChannelError(this.topic, "join", reason, body);
          if (!settled) {
            // phoenix would retry a refused join forever (every 10 s); a first refusal is final here.
            settled = true;
            void this.stop();
            reject(error);
          } else this.emit("error", error);
        })
        .receive("timeout", () => {
          const error = new FleetLMChannelError(this.topic, "join", "timeout");
          // phoenix rejoins by itself after a join timeout; report it without giving up.
          this.emit("error", error);
        });
    });
  }

  private async onJoinReply(reply: unknown): Promise<void> {
    const parsed = SessionJoinReplySchema.safeParse(reply);
    if (!parsed.success) {
      this.emit("error", new FleetLMBadResponseError(`malformed join reply on ${this.topic}`, { issues: parsed.error.issues }));
      await this.delivery.catchUp();
      return;
    }
    const { messages } = parsed.data;
    await this.delivery.push(messages);
    // The reply holds the oldest 100 after last_seq (quirk 20): a full one means REST has more.
    if (messages.length >= JOIN_REPLAY_LIMIT) await this.delivery.catchUp();
  }

  private onChunk(payload: unknown): void {
    const parsed = StreamChunkPayloadSchema.safeParse(payload);
    if (!parsed.success || !isObject(parsed.data.chunk)) {
      this.emit("error", new FleetLMBadResponseError(`malformed stream_chunk on ${this.topic}`, { issues: parsed.error?.issues }));
      return;
    }
    const event: StreamChunkEvent = { agentId: parsed.data.agent_id, chunk: parsed.data.chunk };
    this.emit("chunk", event);
    if (this.options.assembleLive === false) return;
    try {
      const completed = this.assembler.apply(event.chunk);
      const content = completed ? completed.content : this.assembler.current();
      this.setLive({ agentId: event.agentId, content, finished: completed !== null, refused: null });
    } catch (error) {
      if (!(error instanceof StreamRefusedError)) throw error;
      // FleetLM fails the webhook call here and stores nothing for the unfinished message: keep what was
      // shown, marked as refused, until another stream starts.
      const content = this.assembler.current();
      this.assembler.reset();
      this.setLive({ agentId: event.agentId, content, finished: false, refused: error.reason });
    }
  }

  private onDelivered(message: Message): void {
    this.emit("message", message);
    if (message.kind === "assistant" && this.liveMessage?.finished) this.setLive(null);
  }

  private setLive(live: LiveMessage | null): void {
    if (live === null && this.liveMessage === null) return;
    this.liveMessage = live;
    this.emit("live", live);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new FleetLMError(String(error));
}
