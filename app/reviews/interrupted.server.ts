// Counts interrupted replies: agent streams that never ended in `finish`/`abort`. FleetLM stores nothing for
// them (§8.5), so they exist only as live `chunk` events, which the gateway sees for watched sessions only.
// The counts therefore live in memory, cover watched sessions since this process started, and say so.
import { liveBus } from "~/live/bus.server";
import { slot } from "~/lib/singleton.server";

const SILENCE_MS = 60_000; // FleetLM's default receive timeout is 30 s: a longer silence means the call is over
const MAX_EVENTS = 50_000;

type Open = { agentId: string; lastChunkAt: number; terminal: boolean };
type State = {
  since: Date;
  open: Map<string, Open>;
  interrupted: { agentId: string; at: number }[];
  stop?: () => void;
  sweep?: ReturnType<typeof setInterval>;
};
const tracker = slot<State>("interrupted");

function record(s: State, agentId: string, at: number) {
  s.interrupted.push({ agentId, at });
  if (s.interrupted.length > MAX_EVENTS) s.interrupted.splice(0, s.interrupted.length - MAX_EVENTS);
}

function sweep(s: State, now: number) {
  for (const [sessionId, open] of s.open) {
    if (now - open.lastChunkAt < SILENCE_MS) continue;
    if (!open.terminal) record(s, open.agentId, open.lastChunkAt);
    s.open.delete(sessionId);
  }
}

/** Feeds one chunk or message event (exported for tests; the live bus calls it). */
export function observe(
  event: { type: string; sessionId?: string; agentId?: string; chunk?: Record<string, unknown>; message?: { kind: string } },
  now = Date.now(),
) {
  const s = tracker.get();
  if (!s || !event.sessionId) return;
  if (event.type === "chunk" && event.chunk && event.agentId) {
    const type = event.chunk.type;
    const open = s.open.get(event.sessionId);
    // A new message starting while the previous one never finished: that one was cut off.
    if (type === "start" && open && !open.terminal) record(s, open.agentId, open.lastChunkAt);
    const terminal = type === "finish" || type === "abort" || (type !== "start" && (open?.terminal ?? false));
    s.open.set(event.sessionId, { agentId: event.agentId, lastChunkAt: now, terminal });
  } else if (event.type === "message" && event.message?.kind === "assistant") {
    s.open.delete(event.sessionId);
  }
}

export function startInterruptedTracker() {
  if (tracker.get()) return;
  const s: State = { since: new Date(), open: new Map(), interrupted: [] };
  tracker.set(s);
  s.stop = liveBus().subscribe(({ event }) => {
    if (event.type === "chunk") observe(event);
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
