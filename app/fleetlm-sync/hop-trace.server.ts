// The gateway's hop trace (ADR 208): with GATEWAY_TRACE_FILE set, one JSON line per hop of a session's news —
// seen (by a push, an inbox delta, a re-join's snapshot, or anything else), read from FleetLM, written to the
// index, announced — for the gateway benchmark's analysis. Off by default: the gateway then holds no tracer and
// each hop costs one null check.
import { createWriteStream, type WriteStream } from "node:fs";
import { performance } from "node:perf_hooks";

export type Hop = "seen" | "skipped" | "read" | "written" | "announced";
/** What told the gateway of a session's news. */
export type Via = "push" | "inbox" | "rejoin" | "other";

export type HopTrace = {
  hop: (hop: Hop, sessionId: string, fields?: Record<string, string | number>) => void;
  close: () => Promise<void>;
};

const FLUSH_MS = 100;
const MAX_LINES = 1_000;

/** A tracer appending to `file`, or null when no file is given. */
export function openHopTrace(file: string | undefined): HopTrace | null {
  if (!file) return null;
  const out: WriteStream = createWriteStream(file, { flags: "a" });
  out.on("error", (error) => console.warn(`[gateway] trace file ${file}: ${error.message}`));
  // Lines are gathered and written every FLUSH_MS: a write per hop (four a message) cost a few % of a core.
  let lines: string[] = [];
  let timer: ReturnType<typeof setTimeout> | null = null;
  const flush = () => {
    if (timer) clearTimeout(timer); // a flush by size leaves no timer to fire after close()
    timer = null;
    if (lines.length === 0) return;
    out.write(lines.join(""));
    lines = [];
  };
  return {
    hop: (hop, sessionId, fields) => {
      // Wall-clock ms with sub-ms precision, comparable with the bench's own clock.
      const at = Math.round((performance.timeOrigin + performance.now()) * 1000) / 1000;
      lines.push(`${JSON.stringify({ at, hop, session: sessionId, ...fields })}\n`);
      if (lines.length >= MAX_LINES) flush();
      else timer ??= setTimeout(flush, FLUSH_MS);
    },
    close: () => {
      flush();
      return new Promise((resolve) => out.end(() => resolve()));
    },
  };
}
