// Watching sessions live for the session page. FleetLM only lets a session's user or agent join
// `session:{id}`, so the Console joins as the session's agent: a seat on an agent socket (agent-sockets, shared
// with the gateway's hot pushes, at most 200 sessions a socket), and one SessionStream per watched session,
// refcounted by viewers.
// SessionStream gives exactly-once, in-order messages across reconnects (REST fills the gaps).
import { backoffDelay, SessionStream, type Message } from "@fleetlm/client";
import { db } from "~/db.server";
import { fleetlm } from "~/fleetlm/fleetlm.server";
import { recordLosses } from "~/fleetlm/losses.server";
import { forgetStream, noteStreamChunk } from "~/reviews/reply-index.server";
import { liveBus } from "~/live/bus.server";
import type { PresenceEvent } from "~/live/events";
import { clusterPresence } from "~/live/presence.server";
import { toViewMessage, withAuthorship } from "~/messages/view-message.server";
import { INTERRUPTED_CHUNK_TYPE } from "~/messages/live-markers";
import { acquireAgentSeat, agentSocketCount, type AgentSeat } from "./agent-sockets.server";
import { syncSessionNow } from "./sync-queue.server";
import { singleton } from "~/lib/singleton.server";

export type Viewer = { id: string; name: string };

type Watch = {
  sessionId: string;
  agentId: string | null;
  refs: number;
  viewers: Map<string, { viewer: Viewer; count: number }>;
  stream: SessionStream | null;
  retryTimer: ReturnType<typeof setTimeout> | undefined;
  attempts: number;
  closed: boolean;
  /** The session's user and agent, for authorship (read once). */
  identity?: { id: string; userId: string; agentId: string };
  /** The tail of the publish chain: live messages leave in seq order. */
  publishing?: Promise<void>;
  /** Its place on an agent socket. */
  seat?: AgentSeat;
};

function state() {
  return singleton("sessionWatch", () => ({ watches: new Map<string, Watch>() }));
}

/** Subscribes the gateway to session:{id} for this viewer; publishes message/chunk/presence events on the live bus. */
export function watchSession(sessionId: string, viewer: Viewer): () => void {
  const { watches } = state();
  let watch = watches.get(sessionId);
  if (!watch) {
    watch = { sessionId, agentId: null, refs: 0, viewers: new Map(), stream: null, retryTimer: undefined, attempts: 0, closed: false };
    watches.set(sessionId, watch);
    void start(watch);
  }
  const current = watch;
  current.refs += 1;
  const seat = current.viewers.get(viewer.id) ?? { viewer, count: 0 };
  seat.count += 1;
  current.viewers.set(viewer.id, seat);
  publishPresence(current);

  let released = false;
  return () => {
    if (released) return;
    released = true;
    current.refs -= 1;
    seat.count -= 1;
    if (seat.count <= 0) current.viewers.delete(viewer.id);
    publishPresence(current);
    if (current.refs <= 0) void stop(current);
  };
}

/** Who is viewing a session right now, here and on every other Console process (one entry per operator). */
export function currentViewers(sessionId: string): Viewer[] {
  const watch = state().watches.get(sessionId);
  const byId = new Map<string, Viewer>();
  for (const seat of watch?.viewers.values() ?? []) byId.set(seat.viewer.id, seat.viewer);
  for (const viewer of presence().remoteViewers(sessionId)) if (!byId.has(viewer.id)) byId.set(viewer.id, viewer);
  return [...byId.values()];
}

/**
 * The presence a tab served by this process is shown: everyone viewing across processes, and whether this
 * process (whose live events the tab gets) has joined the session's channel. /live sends it in place of each
 * process's own `presence` event.
 */
export function presenceHere(sessionId: string): PresenceEvent {
  return { type: "presence", sessionId, viewers: currentViewers(sessionId), watching: state().watches.get(sessionId)?.stream?.joined === true };
}

/** Publishes this process's viewers of every watched session again (another process started and asked). */
export function republishPresence(): void {
  for (const watch of state().watches.values()) publishPresence(watch);
}

/** The cluster view of presence; a process that went away changes what this process's viewers see. */
export function presence() {
  return clusterPresence((sessionIds) => {
    for (const sessionId of sessionIds) {
      const watch = state().watches.get(sessionId);
      if (watch) publishPresence(watch);
    }
  });
}

/** Stops every watch and closes every agent socket (shutdown and tests). */
export async function closeSessionWatches(): Promise<void> {
  const { watches } = state();
  await Promise.all([...watches.values()].map((watch) => stop(watch)));
}

/** Resolves once the session's channel is joined (tests, and callers that must not miss the next message). */
export async function whenWatching(sessionId: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!state().watches.get(sessionId)?.stream?.joined) {
    if (Date.now() > deadline) throw new Error(`session ${sessionId} is not being watched`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Sessions being watched and agent sockets open (for tests and diagnostics). */
export function sessionWatchStats() {
  return { sessions: state().watches.size, agentSockets: agentSocketCount() };
}

/**
 * This process's own viewers (each process publishes its own; presenceHere merges them). The inbox rows' `viewers`
 * event carries this process's viewers too (a small event: ids and names only).
 */
function publishPresence(watch: Watch, viewersChanged = true) {
  const viewers = [...watch.viewers.values()].map((seat) => seat.viewer);
  liveBus().publish({ type: "presence", sessionId: watch.sessionId, viewers, watching: watch.stream?.joined === true });
  if (viewersChanged) liveBus().publish({ type: "viewers", sessionId: watch.sessionId, viewers });
}

async function resolveSession(sessionId: string): Promise<{ agentId: string; userId: string; headSeq: number }> {
  const row = await (await db()).sessionIndex.findUnique({ where: { id: sessionId }, select: { agentId: true, userId: true, headSeq: true } });
  if (row && row.headSeq > 0) return { agentId: row.agentId, userId: row.userId, headSeq: row.headSeq };
  const session = row ? { agent_id: row.agentId, user_id: row.userId } : await fleetlm().getSession(sessionId);
  return { agentId: session.agent_id, userId: session.user_id, headSeq: await fleetlm().headSeq(sessionId) };
}

async function start(watch: Watch): Promise<void> {
  try {
    const { agentId, userId, headSeq } = await resolveSession(watch.sessionId);
    if (watch.closed) return;
    watch.agentId = agentId;
    // Known before the first message, so publishing one costs no lookup unless it claims an operator.
    watch.identity = { id: watch.sessionId, userId, agentId };
    watch.seat = acquireAgentSeat(agentId, `session:${watch.sessionId}`, { onDisconnected: () => publishInterrupted(watch, "disconnected") });
    const socket = watch.seat.socket;
    // Starting at the head: the page's loader read the history; the browser fills any gap from its loader.
    const stream = new SessionStream(socket, watch.sessionId, { rest: fleetlm(), lastSeq: headSeq, assembleLive: false });
    watch.stream = stream;
    stream.on("message", (message) => onMessage(watch, message));
    stream.on("chunk", (event) => {
      noteStreamChunk(watch.sessionId); // the Console's time to first token and stream time
      liveBus().publish({ type: "chunk", sessionId: watch.sessionId, agentId: event.agentId, chunk: event.chunk });
    });
    stream.on("joined", ({ rejoin }) => {
      if (rejoin) publishInterrupted(watch, "rejoined");
      else publishPresence(watch, false); // the page learns that from now on nothing is missed (tests wait on it)
    });
    // FleetLM lacks these seqs for good (the stream re-read them first): record the loss once, then show it.
    stream.on("gap", ({ from, to }) => {
      const seqs = Array.from({ length: to - from + 1 }, (_, i) => from + i);
      void recordLosses(watch.sessionId, seqs, watch.agentId ?? undefined).then(
        () => liveBus().publish({ type: "lost", sessionId: watch.sessionId, seqs }),
        (error: unknown) => console.warn(`[session-watch] ${watch.sessionId}: could not record lost seqs: ${String(error)}`),
      );
    });
    stream.on("error", (error) => console.warn(`[session-watch] ${watch.sessionId}: ${error.message}`));
    await stream.start();
    watch.attempts = 0;
  } catch (error) {
    console.warn(`[session-watch] could not watch ${watch.sessionId}: ${error instanceof Error ? error.message : String(error)}`);
    await dropStream(watch);
    if (watch.closed) return;
    // FleetLM down or the session not indexed yet: try again while someone is still watching.
    watch.attempts += 1;
    watch.retryTimer = setTimeout(() => void start(watch), backoffDelay(watch.attempts, { baseMs: 1_000, maxMs: 10_000 }));
  }
}

function onMessage(watch: Watch, message: Message) {
  // Authorship needs a ledger read; the chain keeps messages in seq order while each waits for its own.
  watch.publishing = (watch.publishing ?? Promise.resolve())
    .then(async () => {
      const [live] = await withAuthorship(watch.identity ?? (watch.identity = await identity(watch.sessionId)), [toViewMessage(message)]);
      liveBus().publish({ type: "message", sessionId: watch.sessionId, message: live! });
    })
    .catch((error: unknown) => {
      // The browser fills any gap from the loader (which annotates again), so a failed lookup loses nothing.
      console.warn(`[session-watch] ${watch.sessionId}: could not publish seq ${message.seq}: ${error instanceof Error ? error.message : String(error)}`);
    });
  syncIndex(watch.sessionId);
}

async function identity(sessionId: string) {
  const row = await (await db()).sessionIndex.findUnique({ where: { id: sessionId }, select: { userId: true, agentId: true } });
  if (row) return { id: sessionId, ...row };
  const session = await fleetlm().getSession(sessionId);
  return { id: sessionId, userId: session.user_id, agentId: session.agent_id };
}

/** The session index learns of the new head at once (the gateway's sync never throws; it retries itself). */
function syncIndex(sessionId: string) {
  void syncSessionNow(sessionId);
}

function publishInterrupted(watch: Watch, reason: string) {
  forgetStream(watch.sessionId);
  liveBus().publish({ type: "chunk", sessionId: watch.sessionId, agentId: watch.agentId ?? "", chunk: { type: INTERRUPTED_CHUNK_TYPE, reason } });
}

async function dropStream(watch: Watch) {
  const stream = watch.stream;
  watch.stream = null;
  if (stream) {
    await stream.stop().catch(() => {});
    stream.removeAllListeners();
  }
  // A socket whose first open failed is finished: it leaves the pool so the retry builds a new one.
  const seat = watch.seat;
  watch.seat = undefined;
  await seat?.release({ failed: true });
}

async function stop(watch: Watch) {
  if (watch.closed) return;
  watch.closed = true;
  clearTimeout(watch.retryTimer);
  const { watches } = state();
  if (watches.get(watch.sessionId) === watch) watches.delete(watch.sessionId);
  const stream = watch.stream;
  watch.stream = null;
  if (stream) {
    await stream.stop().catch(() => {});
    stream.removeAllListeners();
  }
  const seat = watch.seat;
  watch.seat = undefined;
  await seat?.release();
}
