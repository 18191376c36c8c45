// Counts interrupted replies: agent streams that never ended in `finish`/`abort`. FleetLM stores nothing for
// them (§8.5), so they exist only as live `chunk` events, which the gateway sees for watched sessions only.
// The counts therefore live in memory, cover watched sessions since this process started, and say so.
import { liveBus } from "~/live/bus.server";
import { slot } from "~/lib/singleton.server";

const SILENCE_MS = 60_000; // FleetLM's default receive timeout is 30 s: a longer silence means the call is over
const MAX_EVENTS = 50_000;

type Open = { agentId: string; lastChunkAt: number; terminal: boolean; startedAt: number; messageId?: string };
type Interrupted = { agentId: string; at: number; sessionId: string; origin: string; startedAt: number; messageId?: string };
type State = {
  since: Date;
  /** sessionId → relaying process (bus origin; "" in one process) → its stream of that session. */
  open: Map<string, Map<string, Open>>;
  interrupted: Interrupted[];
  stop?: () => void;
  sweep?: ReturnType<typeof setInterval>;
};
const tracker = slot<State>("interrupted");
/** Two relays' starts of one stream without a messageId are at most this far apart, as this process sees them. */
const SAME_STREAM_MS = 2_000;

/**
 * Every process that watches a session relays its stream, and on PostgreSQL every process sees every relay's
 * chunks (ADR 131): one reply cut off must count once, not once per relay. Relays are followed separately and
 * an interruption already recorded for the same reply (by messageId, else by its start) is not recorded again.
 */
function record(s: State, sessionId: string, origin: string, open: Open) {
  const same = (e: Interrupted) =>
    e.sessionId === sessionId &&
    (open.messageId !== undefined ? e.messageId === open.messageId : e.origin !== origin && Math.abs(e.startedAt - open.startedAt) < SAME_STREAM_MS);
  for (let i = s.interrupted.length - 1; i >= 0 && i >= s.interrupted.length - 200; i--) if (same(s.interrupted[i]!)) return;
  s.interrupted.push({ agentId: open.agentId, at: open.lastChunkAt, sessionId, origin, startedAt: open.startedAt, messageId: open.messageId });
  if (s.interrupted.length > MAX_EVENTS) s.interrupted.splice(0, s.interrupted.length - MAX_EVENTS);
}

function sweep(s: State, now: number) {
  for (const [sessionId, relays] of s.open) {
    for (const [origin, open] of relays) {
      if (now - open.lastChunkAt < SILENCE_MS) continue;
      if (!open.terminal) record(s, sessionId, origin, open);
      relays.delete(origin);
    }
    if (relays.size === 0) s.open.delete(sessionId);
  }
}

/** Feeds one chunk or message event (exported for tests; the live bus calls it). `origin`: the relaying process. */
export function observe(
  event: { type: string; sessionId?: string; agentId?: string; chunk?: Record<string, unknown>; message?: { kind: string } },
  now = Date.now(),
  origin = "",
) {
  const s = tracker.get();
  if (!s || !event.sessionId) return;
  if (event.type === "chunk" && event.chunk && event.agentId) {
    const type = event.chunk.type;
    let relays = s.open.get(event.sessionId);
    if (!relays) s.open.set(event.sessionId, (relays = new Map()));
    const open = relays.get(origin);
    // A new message starting while the previous one never finished: that one was cut off.
    if (type === "start" && open && !open.terminal) record(s, event.sessionId, origin, open);
    const terminal = type === "finish" || type === "abort" || (type !== "start" && (open?.terminal ?? false));
    const messageId = type === "start" ? (typeof event.chunk.messageId === "string" ? event.chunk.messageId : undefined) : open?.messageId;
    const startedAt = type === "start" || !open ? now : open.startedAt;
    relays.set(origin, { agentId: event.agentId, lastChunkAt: now, terminal, startedAt, messageId });
  } else if (event.type === "message" && event.message?.kind === "assistant") {
    s.open.delete(event.sessionId);
  }
}

export function startInterruptedTracker() {
  if (tracker.get()) return;
  const s: State = { since: new Date(), open: new Map(), interrupted: [] };
  tracker.set(s);
  s.stop = liveBus().subscribe(({ event, origin }) => {
    if (event.type === "chunk") observe(event, Date.now(), origin);
    else if (event.type === "message") observe({ type: "message", sessionId: event.sessionId, message: event.message });
  });
  s.sweep = setInterval(() => sweep(s, Date.now()), 10_000);
  s.sweep.unref?.();
}

export function stopInterruptedTracker() {
  const s = tracker.get();
  s?.stop?.();
  if (s?.sweep) clearInterval(s.sweep);
  tracker.set(undefined);
}

/** Interrupted replies of an agent in [from, to), or null when nothing was measured (tracker not running). */
export function interruptedCount(agentId: string, from: Date, to: Date): { count: number; measuredSince: string } | null {
  const s = tracker.get();
  if (!s) return null;
  sweep(s, Date.now());
  const count = s.interrupted.filter((e) => e.agentId === agentId && e.at >= from.getTime() && e.at < to.getTime()).length;
  return { count, measuredSince: s.since.toISOString() };
}
