// CPU per frame of phoenix's Socket by how many channels it holds (issue 19, ADR 198): the official client, a socket
// over an in-memory transport that answers every join and leave at once, so only phoenix's own work is timed.
// `frameMicros`: an `inbox_delta` push delivered to one of the joined channels; `rejoinMicros`: one inbox re-join
// (leave, its reply, the channel's removal, a new channel, its join and reply), as the gateway does hundreds of times
// a second.
import { Socket } from "phoenix";

type Frame = [joinRef: string | null, ref: string | null, topic: string, event: string, payload: unknown];

/** A WebSocket stand-in: open at once; each frame sent is answered with `ok` when `flush()` runs. */
class LoopbackSocket {
  static instances: LoopbackSocket[] = [];
  readyState = 0;
  bufferedAmount = 0;
  binaryType = "arraybuffer";
  onopen: (() => void) | null = null;
  onmessage: ((event: { data: string }) => void) | null = null;
  onclose: ((event: { code: number; reason: string; wasClean: boolean }) => void) | null = null;
  onerror: ((error: unknown) => void) | null = null;
  readonly #outbox: Frame[] = [];

  constructor() {
    LoopbackSocket.instances.push(this);
    queueMicrotask(() => {
      this.readyState = 1;
      this.onopen?.();
    });
  }

  send(data: string) {
    this.#outbox.push(JSON.parse(data) as Frame);
  }

  close(code = 1000, reason = "") {
    this.readyState = 3;
    this.onclose?.({ code, reason, wasClean: true });
  }

  deliver(frame: Frame) {
    this.onmessage?.({ data: JSON.stringify(frame) });
  }

  /** Answers every frame sent so far (joins, leaves, heartbeats) with an ok reply. */
  flush() {
    while (this.#outbox.length > 0) {
      const [joinRef, ref, topic] = this.#outbox.shift()!;
      this.deliver([joinRef, ref, topic, "phx_reply", { status: "ok", response: { inbox: [] } }]);
    }
  }
}

function cpuMicros(): number {
  const { user, system } = process.cpuUsage();
  return user + system;
}

export type FrameCost = { channels: number; frameMicros: number; rejoinMicros: number };

/** Joins `channels` inbox channels on one socket, then times `frames` pushes and `rejoins` re-joins. */
export async function phoenixFrameCost(channels: number, frames = 20_000, rejoins = 2_000): Promise<FrameCost> {
  LoopbackSocket.instances = [];
  const socket = new Socket("ws://loopback/socket", { transport: LoopbackSocket as never, heartbeatIntervalMs: 3_600_000 });
  socket.connect();
  await new Promise((resolve) => setTimeout(resolve, 0));
  const wire = LoopbackSocket.instances.at(-1)!;
  const joined = Array.from({ length: channels }, (_, i) => {
    const channel = socket.channel(`inbox:u${i}`, {});
    channel.on("inbox_delta", () => {});
    channel.join();
    return channel;
  });
  wire.flush();
  const entries = Array.from({ length: 10 }, (_, i) => ({ session_id: `s${i}`, agent_id: "a", unread_count: 1, last_activity_at: null, last_sender_id: null }));
  // The same random spread of targets for every socket size.
  let seed = 7;
  const pick = () => (seed = (seed * 48_271) % 2_147_483_647) % channels;

  const frameStart = cpuMicros();
  for (let i = 0; i < frames; i++) {
    const channel = joined[pick()]!;
    // FleetLM sends a push with its channel's join ref (phoenix checks it against the channel's).
    const joinRef = (channel as unknown as { joinRef(): string }).joinRef();
    wire.deliver([joinRef, null, channel.topic, "inbox_delta", { inbox: entries }]);
  }
  const frameMicros = (cpuMicros() - frameStart) / frames;

  const rejoinStart = cpuMicros();
  for (let i = 0; i < rejoins; i++) {
    const at = pick();
    const old = joined[at]!;
    old.leave();
    wire.flush();
    const fresh = socket.channel(old.topic, {});
    fresh.on("inbox_delta", () => {});
    fresh.join();
    wire.flush();
    joined[at] = fresh;
  }
  const rejoinMicros = (cpuMicros() - rejoinStart) / rejoins;
  socket.disconnect();
  return { channels, frameMicros, rejoinMicros };
}
