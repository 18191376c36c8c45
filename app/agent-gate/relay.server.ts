// Passes an agent's NDJSON reply through to FleetLM as it arrives. Complete lines are forwarded at once; only
// the unfinished tail of a line waits for its newline, so that a stop can always append a whole
// `{"type":"abort"}` line (an abort glued to half a line would be a bad JSON line, and FleetLM would store nothing).

const NEWLINE = 0x0a;
const encoder = new TextEncoder();

export type RelayOptions = {
  /** Called once when the relay ends for any reason (upstream done, failed, stopped, or FleetLM hung up). */
  onEnd: () => void;
  /** Cancels the upstream request (FleetLM hung up, or the reply was stopped). */
  cancelUpstream: () => void;
};

export type Relay = {
  stream: ReadableStream<Uint8Array>;
  /** Ends the reply now with an abort chunk (when a message is in progress). False if it already ended. */
  stop: (metadata: Record<string, unknown>) => boolean;
};

export function relayNdjson(upstream: ReadableStream<Uint8Array>, options: RelayOptions): Relay {
  const reader = upstream.getReader();
  const decoder = new TextDecoder();
  let tail: Uint8Array = new Uint8Array(0);
  let messageOpen = false; // chunks seen since the last finish/abort: what an abort would store
  let ended = false;
  let controllerRef: ReadableStreamDefaultController<Uint8Array> | null = null;

  const end = () => {
    if (ended) return false;
    ended = true;
    options.onEnd();
    return true;
  };

  const noteLines = (bytes: Uint8Array) => {
    for (const line of decoder.decode(bytes).split("\n")) {
      const trimmed = line.trim();
      if (!trimmed) continue;
      try {
        const chunk = JSON.parse(trimmed) as { type?: unknown } | null;
        const type = chunk && typeof chunk === "object" ? chunk.type : undefined;
        messageOpen = !(type === "finish" || type === "abort");
      } catch {
        messageOpen = true;
      }
    }
  };

  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      controllerRef = controller;
    },
    async pull(controller) {
      // Loop until something is enqueued or the relay ends: a pull that returns empty-handed is not repeated.
      while (!ended) {
        let result: ReadableStreamReadResult<Uint8Array>;
        try {
          result = await reader.read();
        } catch (error) {
          if (!end()) return;
          // The agent's connection broke: break ours too, so FleetLM sees the same failure it would have seen.
          controller.error(error);
          return;
        }
        if (ended) return;
        if (result.done) {
          if (tail.length > 0) controller.enqueue(tail); // a last line without newline still counts (§8.4)
          end();
          controller.close();
          return;
        }
        const joined = concat(tail, result.value);
        const cut = joined.lastIndexOf(NEWLINE);
        if (cut < 0) {
          tail = joined;
          continue;
        }
        const complete = joined.subarray(0, cut + 1);
        tail = joined.slice(cut + 1);
        noteLines(complete);
        controller.enqueue(complete);
        return;
      }
    },
    cancel() {
      // FleetLM hung up (its idle timeout, or it shut down): stop asking the agent.
      if (end()) options.cancelUpstream();
      reader.cancel().catch(() => {});
    },
  });

  const stop = (metadata: Record<string, unknown>) => {
    if (!end()) return false;
    options.cancelUpstream();
    reader.cancel().catch(() => {});
    const controller = controllerRef!;
    try {
      if (messageOpen) controller.enqueue(encoder.encode(`${JSON.stringify({ type: "abort", messageMetadata: metadata })}\n`));
      controller.close();
    } catch {
      // the consumer is already gone
    }
    return true;
  };

  return { stream, stop };
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
