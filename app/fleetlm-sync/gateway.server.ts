// The gateway's lifecycle and status: one per Console process (the leader's, ADR 130), keeping the session index in
// step with FleetLM. It owns its sockets and one REST client and wires its parts together:
// - `session-list-poll`: new sessions and users from FleetLM's newest-50 list;
// - `inbox-subscriptions`: `inbox:{user}` for every known user, re-joined by activity, entries as sync signals, on
//   `inbox-sockets` (at most 200 inboxes a socket, ADR 198);
// - `hot-pushes`: sessions on their `session:` channels, on the gateway's own muxes (push-muxes): every live one
//   by default, or hot users' only (GATEWAY_PUSH_SCOPE; ADR 208, 222);
// - `sync-queue`: reading a session's new messages after the index head (deduped, limited, retried);
// - `reconcile`: re-reading sessions no signal may have mentioned, and a slow sweep of the whole index (ADR 064).
// Counts come from seqs, so they stay exact across reconnects, FleetLM restarts and duplicate broadcasts.
import { errorText, FleetLMRest, socketUrlFor } from "@fleetlm/client";
import { env } from "~/env.server";
import { indexedUserActivity } from "~/inbox/session-index.server";
import { slot } from "~/lib/singleton.server";
import { openHopTrace, type HopTrace } from "./hop-trace.server";
import { HotPushes } from "./hot-pushes.server";
import { InboxSockets } from "./inbox-sockets.server";
import { InboxSubscriptions, type InboxSchedule, type PushScope } from "./inbox-subscriptions.server";
import { LinkHealth } from "./link-health.server";
import { Reconciler } from "./reconcile.server";
import { DEFAULT_WINDOWS, type ActivityClass, type RejoinPolicy } from "./rejoin-policy";
import { SessionListPoll } from "./session-list-poll.server";
import { setGatewayQueue, SyncQueue, type SyncHint } from "./sync-queue.server";
import { Timers } from "./timers";

/** The identity of the gateway's socket. Inbox joins are not authorised, so any name works (quirk 6). */
export const GATEWAY_SOCKET_USER = "fleetlm-console";

export type GatewayOptions = {
  /** Default: FLEETLM_URL. */
  fleetlmUrl?: string;
  /** Default: GATEWAY_POLL_MS. */
  pollMs?: number;
  /** Re-join interval of an active user's inbox. Default: INBOX_REJOIN_MS. */
  rejoinMs?: number;
  /** The rest of the re-join policy (ADR 089). Defaults: GATEWAY_WARM_REJOIN_MS, GATEWAY_COLD_REJOIN_MS, 2 min / 1 h windows. */
  rejoin?: Partial<Omit<RejoinPolicy, "hotMs">>;
  /** Concurrent REST reads for syncs. Default: GATEWAY_READ_CONCURRENCY (32). */
  concurrency?: number;
  /** Follow sessions on their channels (ADR 208). Default: GATEWAY_HOT_PUSHES (on). */
  hotPushes?: boolean;
  /** Whose sessions: every live one, or hot users' (ADR 222). Default: GATEWAY_PUSH_SCOPE (all). */
  pushScope?: PushScope;
  /** With scope `all`: re-join interval of an inbox whose sessions are all pushed. Default: GATEWAY_PUSHED_REJOIN_MS. */
  pushedRejoinMs?: number;
  /** Append the hop trace to this file (ADR 208). Default: GATEWAY_TRACE_FILE (none). */
  traceFile?: string;
  /** Indexed sessions re-read per second by the background sweep. Default: GATEWAY_SWEEP_PER_S. 0 turns it off. */
  sweepPerSecond?: number;
  /**
   * The socket's heartbeat interval; a heartbeat left unanswered until the next is due drops the socket. Default
   * phoenix's 30 s (FleetLM closes sockets silent for 120 s); tests shorten it to see a dead link in seconds.
   */
  heartbeatMs?: number;
  /** Inbox channels per socket (ADR 198). Default 200. */
  inboxesPerSocket?: number;
  /** Start even when GATEWAY_DISABLED=1 (tests and benchmarks start it explicitly). */
  force?: boolean;
};

type Gateway = {
  sockets: InboxSockets;
  timers: Timers;
  health: LinkHealth;
  queue: SyncQueue;
  inboxes: InboxSubscriptions;
  reconciler: Reconciler;
  poll: SessionListPoll;
  pushes: HotPushes | null;
  trace: HopTrace | null;
};

const running = slot<Gateway>("gateway");
const starting = slot<Promise<void>>("gatewayStarting");
const held = slot<boolean>("gatewayHeld");

// ---- lifecycle ------------------------------------------------------------------------------------------

/** Starts the process's gateway (idempotent). Honours GATEWAY_DISABLED=1 unless `force`. */
export async function startGateway(options: GatewayOptions = {}): Promise<void> {
  if (running.get() || starting.get()) return starting.get();
  if (!options.force && env().GATEWAY_DISABLED === "1") return;
  const start = begin(options).finally(() => starting.set(undefined));
  starting.set(start);
  return start;
}

/** Starts the gateway if it is not running (lazy start under `vite dev`, where server.mjs does not run). */
export function ensureGateway(): void {
  if (running.get() || starting.get() || held.get() || env().GATEWAY_DISABLED === "1") return;
  void startGateway().catch((error: unknown) => console.warn(`[gateway] could not start: ${errorText(error)}`));
}

/** server.mjs elects the process that runs the gateway (ADR 130): from then on ensureGateway() starts nothing. */
export function holdGatewayForLeader(): void {
  held.set(true);
}

/** Stops everything the gateway runs and waits for syncs in flight (tests, benchmarks, shutdown). */
export async function stopGateway(): Promise<void> {
  await starting.get()?.catch(() => {});
  const gw = running.get();
  if (!gw) return;
  running.set(undefined);
  setGatewayQueue(undefined);
  gw.timers.stop();
  gw.reconciler.stop();
  // Disconnect first: a leave on a closed socket answers at once instead of waiting for its timeout.
  await gw.sockets.stop();
  await gw.inboxes.stop();
  await gw.pushes?.stop();
  await gw.queue.drain();
  await gw.trace?.close();
}

async function begin(options: GatewayOptions): Promise<void> {
  const config = env();
  const fleetlmUrl = options.fleetlmUrl ?? config.FLEETLM_URL;
  const rejoinMs = options.rejoinMs ?? config.INBOX_REJOIN_MS;
  const policy: RejoinPolicy = {
    ...DEFAULT_WINDOWS,
    hotMs: rejoinMs,
    warmMs: config.GATEWAY_WARM_REJOIN_MS,
    coldMs: config.GATEWAY_COLD_REJOIN_MS,
    ...options.rejoin,
  };
  // Our own retries (with backoff across polls), so one slow FleetLM answer never stacks up attempts.
  const rest = new FleetLMRest({ baseUrl: fleetlmUrl, timeoutMs: config.FLEETLM_TIMEOUT_MS, retries: 0 });
  const timers = new Timers();
  const health = new LinkHealth();
  // A socket that opened again after a drop: FleetLM may have restarted, so its inboxes' next snapshots are not
  // trusted (read only once the first reopen comes, after `inboxes` is assigned below).
  const sockets = new InboxSockets({
    socketUrl: socketUrlFor(fleetlmUrl),
    userId: GATEWAY_SOCKET_USER,
    heartbeatMs: options.heartbeatMs,
    perSocket: options.inboxesPerSocket,
    timers,
    health,
    onReopen: (index) => inboxes.distrustSocket(index),
  });
  // The queue tells the inboxes of activity and the inboxes ask the queue for syncs: `inboxes` is read only once
  // syncs run, after it is assigned below.
  const trace = openHopTrace(options.traceFile ?? config.GATEWAY_TRACE_FILE);
  const queue = new SyncQueue({
    rest,
    concurrency: options.concurrency ?? config.GATEWAY_READ_CONCURRENCY,
    timers,
    health,
    onActivity: (userId) => inboxes.markActive(userId),
    trace,
  });
  const pushes =
    (options.hotPushes ?? config.GATEWAY_HOT_PUSHES === "1")
      ? new HotPushes({
          fleetlmUrl,
          heartbeatMs: options.heartbeatMs,
          timers,
          health,
          onNews: (sessionId, seq, messages) => void queue.sync(sessionId, { seq, via: "push", messages }),
          onCovered: (userId) => inboxes.covered(userId),
        })
      : null;
  const sync = (sessionId: string, hint?: SyncHint) => void queue.sync(sessionId, hint);
  const reconciler = new Reconciler({
    rest,
    sync: (sessionId) => queue.sync(sessionId),
    liveWaiting: () => queue.waiting > 0,
    timers,
    health,
    sweepPerSecond: options.sweepPerSecond ?? config.GATEWAY_SWEEP_PER_S,
    readsPerSecond: config.GATEWAY_RECONCILE_PER_S,
  });
  const reconcile = (sessionId: string) => reconciler.enqueue(sessionId);
  const inboxes = new InboxSubscriptions({
    sockets,
    policy,
    rejoinMs,
    timers,
    health,
    sync,
    reconcile,
    pushes,
    pushScope: options.pushScope ?? config.GATEWAY_PUSH_SCOPE,
    pushedRejoinMs: options.pushedRejoinMs ?? config.GATEWAY_PUSHED_REJOIN_MS,
  });
  const follow = inboxes.add.bind(inboxes);
  const unfollowGone = (userIds: string[]) => inboxes.prune(userIds);
  const learned = inboxes.learned.bind(inboxes);
  const pollMs = options.pollMs ?? config.GATEWAY_POLL_MS;
  const poll = new SessionListPoll({ rest, pollMs, timers, health, follow, unfollowGone, sync, reconcile, learned });
  const gw: Gateway = { sockets, timers, health, queue, inboxes, reconciler, poll, pushes, trace };
  running.set(gw);
  setGatewayQueue(queue);
  for (const { userId, activeAt } of await indexedUserActivity()) follow(userId, activeAt?.getTime() ?? 0);
  sockets.start();
  // Not awaited: server.mjs waits for this before listening, and a slow FleetLM must not delay the Console.
  poll.start();
  inboxes.start();
  queue.start();
  reconciler.start();
}

// ---- status ---------------------------------------------------------------------------------------------

export type GatewayStatus = {
  running: boolean;
  connected: boolean;
  fleetlmReachable: boolean;
  inboxes: number;
  inboxesJoined: number;
  /** Inboxes whose sessions are all pushed, left until their next re-join (ADR 222). */
  inboxesParked: number;
  /** Sockets the inboxes are spread over (ADR 198). */
  inboxSockets: number;
  /** Inboxes by re-join class (ADR 089): active within 2 min, within the hour, quieter. */
  inboxClasses: Record<ActivityClass, number>;
  /** Users followed by push, their sessions' channels, those joined, messages pushed, and the sockets (ADR 208, 222). */
  hotUsers: number;
  pushChannels: number;
  pushChannelsJoined: number;
  pushes: number;
  pushSockets: number;
  /** Signals that started no sync: the session was synced to their seq already (ADR 208). */
  skippedSyncs: number;
  /** Syncs that indexed pushed messages with no FleetLM read (ADR 224). */
  syncsFromPushes: number;
  syncing: number;
  pendingRetries: number;
  pendingReconciles: number;
  reconciled: number;
  polls: number;
  syncs: number;
  syncFailures: number;
  refreshes: number;
  lastPollAt: string | null;
  lastError: string | null;
};

const NOT_RUNNING: GatewayStatus = {
  running: false,
  connected: false,
  fleetlmReachable: false,
  inboxes: 0,
  inboxesJoined: 0,
  inboxesParked: 0,
  inboxSockets: 0,
  inboxClasses: { hot: 0, warm: 0, cold: 0 },
  hotUsers: 0,
  pushChannels: 0,
  pushChannelsJoined: 0,
  pushes: 0,
  pushSockets: 0,
  skippedSyncs: 0,
  syncsFromPushes: 0,
  syncing: 0,
  pendingRetries: 0,
  pendingReconciles: 0,
  reconciled: 0,
  polls: 0,
  syncs: 0,
  syncFailures: 0,
  refreshes: 0,
  lastPollAt: null,
  lastError: null,
};

export function gatewayStatus(): GatewayStatus {
  const gw = running.get();
  if (!gw) return { ...NOT_RUNNING, inboxClasses: { ...NOT_RUNNING.inboxClasses } };
  const { health, queue, inboxes, reconciler, poll } = gw;
  return {
    running: true,
    connected: health.connected,
    fleetlmReachable: health.fleetlmReachable,
    ...inboxes.summary(),
    inboxSockets: gw.sockets.count,
    ...(gw.pushes?.summary() ?? { hotUsers: 0, pushChannels: 0, pushChannelsJoined: 0, pushes: 0, pushSockets: 0 }),
    skippedSyncs: queue.skipped,
    syncsFromPushes: queue.fromPushes,
    syncing: queue.syncing,
    pendingRetries: queue.pendingRetries,
    pendingReconciles: reconciler.pending,
    reconciled: reconciler.reconciled,
    polls: poll.polls,
    syncs: queue.syncs,
    syncFailures: queue.syncFailures,
    refreshes: inboxes.refreshes,
    lastPollAt: poll.lastPollAt,
    lastError: health.lastError,
  };
}

/** One user's inbox in the re-join schedule (ADR 089), or null when the gateway does not follow that user. */
export function inboxSchedule(userId: string): InboxSchedule | null {
  return running.get()?.inboxes.schedule(userId) ?? null;
}

/** The inboxes (FleetLM user ids) the gateway follows. */
export function gatewayUsers(): string[] {
  return running.get()?.inboxes.users() ?? [];
}
