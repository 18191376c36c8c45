// One Phoenix socket: heartbeats, join/leave/duplicate join, routing events to channels (§4.3).
import type { WebSocket } from "ws";
import type { Conversations } from "../core/conversations.js";
import type { FaultState } from "../core/faults.js";
import type { Inboxes } from "../core/inbox-server.js";
import type { Logger } from "../core/logger.js";
import { InboxChannel } from "../channels/inbox.js";
import { SessionChannel } from "../channels/session.js";
import type { Channel, ChannelDeps } from "../channels/types.js";
import { decodeFrame, encodeFrame, type Frame, type Ref, type Vsn } from "./frames.js";

export interface ConnectionDeps {
  conversations: Conversations;
  inboxes: Inboxes;
  faults: FaultState;
  logger: Logger;
  quirks: boolean;
  idleTimeoutMs: number;
  /** Called with each frame's kind (`inbox:phx_join`, `phoenix:heartbeat`, …), for load figures. */
  countFrame?: (kind: string) => void;
}

interface Joined {
  joinRef: Ref;
  channel: Channel;
}

export class Connection {
  private channels = new Map<string, Joined>();
  private idleTimer: NodeJS.Timeout | null = null;

  constructor(
    private ws: WebSocket,
    readonly identity: string,
    private vsn: Vsn,
    private deps: ConnectionDeps,
  ) {
    ws.on("message", (data, isBinary) => this.onMessage(data, isBinary));
    ws.on("close", () => this.shutdown());
    ws.on("error", () => this.shutdown());
    this.resetIdle();
  }

  close(code: number, reason = ""): void {
    this.shutdown();
    try {
      this.ws.close(code, reason);
    } catch {
      this.ws.terminate();
    }
  }

  private resetIdle(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    // FleetLM closes sockets that sent nothing for 120 s; phoenix.js heartbeats every 30 s.
    this.idleTimer = setTimeout(() => this.close(1000, "idle"), this.deps.idleTimeoutMs);
    this.idleTimer.unref();
  }

  private shutdown(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    for (const { channel } of this.channels.values()) channel.terminate();
    this.channels.clear();
  }

  private send(frame: Frame): void {
    if (this.ws.readyState !== this.ws.OPEN) return;
    this.ws.send(encodeFrame(frame, this.vsn));
  }

  private reply(joinRef: Ref, ref: Ref, topic: string, status: "ok" | "error", response: unknown): void {
    this.send({ joinRef, ref, topic, event: "phx_reply", payload: { status, response } });
  }

  private onMessage(data: unknown, isBinary: boolean): void {
    this.resetIdle();
    const text = isBinary
      ? null
      : Buffer.isBuffer(data)
        ? data.toString("utf8")
        : Array.isArray(data)
          ? Buffer.concat(data).toString("utf8")
          : Buffer.from(data as ArrayBuffer).toString("utf8");
    const frame = text === null ? null : decodeFrame(text, this.vsn);
    if (!frame) {
      // Phoenix's socket process dies on an undecodable frame, which ends the connection.
      this.deps.logger.warn(`closing socket of ${JSON.stringify(this.identity)}: undecodable frame`);
      this.close(1011, "bad frame");
      return;
    }
    try {
      this.handle(frame);
    } catch (error) {
      this.deps.logger.error(`socket frame failed: ${error instanceof Error ? error.stack : String(error)}`);
    }
  }

  private handle(frame: Frame): void {
    const { joinRef, ref, topic, event, payload } = frame;
    this.deps.countFrame?.(`${topic.split(":", 1)[0]}:${event}`);
    if (topic === "phoenix" && event === "heartbeat") {
      if (!this.deps.faults.heartbeatsDropped) this.reply(null, ref, "phoenix", "ok", {});
      return;
    }
    if (event === "phx_join") {
      const faults = this.deps.faults;
      faults.joinsReceived += 1;
      const delay = faults.joinDelayMs;
      if (delay > 0) setTimeout(() => this.duplicateOrJoin(frame), delay);
      else this.duplicateOrJoin(frame);
      return;
    }
    const joined = this.channels.get(topic);
    if (event === "phx_leave") {
      if (joined) {
        this.reply(joined.joinRef, ref, topic, "ok", {});
        this.send({ joinRef: joined.joinRef, ref: joined.joinRef, topic, event: "phx_close", payload: {} });
        joined.channel.terminate();
        this.channels.delete(topic);
      } else {
        this.reply(joinRef, ref, topic, "ok", {});
      }
      return;
    }
    if (!joined) {
      this.reply(null, ref, topic, "error", { reason: "unmatched topic" });
      return;
    }
    let result: ReturnType<Channel["handleIn"]>;
    try {
      result = joined.channel.handleIn(event, payload);
    } catch (error) {
      // An exception in a handler kills FleetLM's channel process the same way a missing handler does.
      this.deps.logger.warn(`channel ${topic} crashed: ${error instanceof Error ? error.message : String(error)}`);
      result = { crash: true };
    }
    if (result.crash) {
      this.send({ joinRef: joined.joinRef, ref: joined.joinRef, topic, event: "phx_error", payload: {} });
      joined.channel.terminate();
      this.channels.delete(topic);
      return;
    }
    this.reply(joined.joinRef, ref, topic, result.reply.status, result.reply.response);
    result.after?.();
  }

  private duplicateOrJoin(frame: Frame): void {
    if (this.idleTimer === null) return; // the socket closed while a delayed join waited
    const joined = this.channels.get(frame.topic);
    if (joined) {
      // Duplicate join: the old channel is closed, then the new join runs normally.
      this.send({ joinRef: joined.joinRef, ref: joined.joinRef, topic: frame.topic, event: "phx_close", payload: {} });
      joined.channel.terminate();
      this.channels.delete(frame.topic);
    }
    this.join(frame);
    this.deps.faults.joinsAnswered += 1;
  }

  private join(frame: Frame): void {
    const { joinRef, ref, topic } = frame;
    const entry: Joined = { joinRef, channel: null as unknown as Channel };
    const deps: ChannelDeps = {
      conversations: this.deps.conversations,
      inboxes: this.deps.inboxes,
      quirks: this.deps.quirks,
      identity: this.identity,
      push: (event, payload) => {
        if (this.channels.get(topic) === entry) this.send({ joinRef: entry.joinRef, ref: null, topic, event, payload });
      },
    };
    let channel: Channel;
    if (topic.startsWith("session:")) channel = new SessionChannel(topic.slice("session:".length), deps);
    else if (topic.startsWith("inbox:")) channel = new InboxChannel(topic, topic.slice("inbox:".length), deps);
    else {
      this.reply(null, ref, topic, "error", { reason: "unmatched topic" });
      return;
    }
    entry.channel = channel;
    let result;
    try {
      result = channel.join(frame.payload);
    } catch {
      channel.terminate();
      this.reply(joinRef, ref, topic, "error", { reason: "join crashed" });
      return;
    }
    if (!result.ok) {
      channel.terminate();
      this.reply(joinRef, ref, topic, "error", { reason: result.reason });
      return;
    }
    this.channels.set(topic, entry);
    this.reply(joinRef, ref, topic, "ok", result.response);
  }
}
