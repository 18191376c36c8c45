// The gateway: one per Console process. It keeps the session index in step with FleetLM:
// - polls FleetLM's newest-50 session list for new sessions (and users, whose inbox it then joins);
// - joins `inbox:{user}` for every known user on ONE socket and re-joins each inbox on a staggered timer,
//   because FleetLM stops pushing deltas after one quiet second (quirk 4);
// - treats an inbox entry that changed only as a signal (its unread_count is not an unread count, quirk 5)
//   and reads the session's new messages over REST after the index's head seq.
// - reconciles (re-reads after the index head) every session an inbox lists when a join cannot be trusted to
//   have seen what happened before it: the first join of an inbox, the first after a reconnect, and one whose
//   counts went down (FleetLM restarted the inbox server), and every listed session after a failed poll; a slow
//   sweep over the whole index catches anything else (ADR 064).
// Counts come from seqs, so they stay exact across reconnects, FleetLM restarts and duplicate broadcasts.
import { FleetLMInbox, FleetLMRest, FleetLMSocket, errorText, type InboxEntry, type Message } from "@fleetlm/client";
import { FleetLMHttpError } from "@fleetlm/client";
import { db } from "~/db.server";
import { env } from "~/env.server";
import { fleetlm } from "~/fleetlm/fleetlm.server";
import { readExact } from "~/fleetlm/losses.server";
import { applyMessages, changedEvent, findIndexed, indexSession, indexedUserActivity, upsertSessions, type IndexedSession } from "~/inbox/session-index.server";
import { toStored } from "~/lib/stored-text";
import { liveBus } from "~/live/bus.server";
import type { SessionChangedEvent } from "~/live/events";
import { recordReplies } from "~/reviews/reply-index.server";
import { activityClass, DEFAULT_WINDOWS, nextRejoinAt, type ActivityClass, type RejoinPolicy } from "./rejoin-policy";

/** The identity of the gateway's socket. Inbox joins are not authorised, so any name works (quirk 6). */
export const GATEWAY_SOCKET_USER = "fleetlm-console";
const PAGE_SIZE = 200;
const MAX_BACKOFF_MS = 10_000;
const REFRESH_TIMEOUT_MS = 15_000;
/** Inbox re-joins waiting for FleetLM's answer at once. */
const MAX_REFRESHING = 64;
/** Reconciliation reads in flight at once: a low-priority queue that never takes the live syncs' slots. */
const RECONCILE_CONCURRENCY = 2;

export type GatewayOptions = {
  /** Default: FLEETLM_URL. */
  fleetlmUrl?: string;
  /** Default: GATEWAY_POLL_MS. */
  pollMs?: number;
  /** Re-join interval of an active user's inbox. Default: INBOX_REJOIN_MS. */
  rejoinMs?: number;
  /** The rest of the re-join policy (ADR 089). Defaults: GATEWAY_WARM_REJOIN_MS, GATEWAY_COLD_REJOIN_MS, 2 min / 1 h windows. */
  rejoin?: Partial<Omit<RejoinPolicy, "hotMs">>;
  /** Concurrent REST reads for syncs. Default 8. */
  concurrency?: number;
  /** Indexed sessions re-read per second by the background sweep. Default: GATEWAY_SWEEP_PER_S. 0 turns it off. */
  sweepPerSecond?: number;
  /** Start even when GATEWAY_DISABLED=1 (tests and benchmarks start it explicitly). */
  force?: boolean;
};

/** `untrusted`: the next snapshot may hide activity from before the join, so its sessions are reconciled. */
/** `activeAt`: when this user's sessions last moved, as far as the gateway saw; `dueAt`: the next re-join (ADR 089). */
type InboxSeat = { inbox: FleetLMInbox | null; busySince: number | null; untrusted: boolean; activeAt: number; dueAt: number };
type SyncJob = { again: boolean; promise: Promise<SessionChangedEvent | null> };

type Gateway = {
  options: Required<Omit<GatewayOptions, "force" | "rejoin">>;
  policy: RejoinPolicy;
  rest: FleetLMRest;
  socket: FleetLMSocket;
  stopped: boolean;
  connected: boolean;
  everConnected: boolean;
  fleetlmReachable: boolean;
  seats: Map<string, InboxSeat>;
  order: string[];
  cursor: number;
  signals: Map<string, { count: number; at: string }>;
  reconcile: Set<string>;
  reconciling: number;
  sweepAfter: string;
  syncs: Map<string, SyncJob>;
  retries: Map<string, { attempts: number; at: number }>;
  waiting: (() => void)[];
  running: number;
  timers: Set<ReturnType<typeof setTimeout>>;
  pollFailures: number;
  connectFailures: number;
  problems: Set<string>;
  failingInboxes: Set<string>;
  inFlight: Map<string, number>;
  stats: { polls: number; syncs: number; syncFailures: number; refreshes: number; reconciled: number; lastPollAt: string | null; lastError: string | null };
  offs: (() => void)[];
};

const globalState = globalThis as unknown as { __gateway?: Gateway | null; __gatewayStarting?: Promise<void> | null; __gatewayHeld?: boolean };

// ---- lifecycle ------------------------------------------------------------------------------------------

/** Starts the process's gateway (idempotent). Honours GATEWAY_DISABLED=1 unless `force`. */
export async function startGateway(options: GatewayOptions = {}): Promise<void> {
  if (globalState.__gateway || globalState.__gatewayStarting) return globalState.__gatewayStarting ?? undefined;
  if (!options.force && env().GATEWAY_DISABLED === "1") return;
  globalState.__gatewayStarting = begin(options).finally(() => (globalState.__gatewayStarting = null));
  return globalState.__gatewayStarting;
}

/** Starts the gateway if it is not running (lazy start under `vite dev`, where server.mjs does not run). */
export function ensureGateway(): void {
  if (globalState.__gateway || globalState.__gatewayStarting || globalState.__gatewayHeld || env().GATEWAY_DISABLED === "1") return;
  void startGateway().catch((error: unknown) => console.warn(`[gateway] could not start: ${errorText(error)}`));
}

/** server.mjs elects the process that runs the gateway (ADR 130): from then on ensureGateway() starts nothing. */
export function holdGatewayForLeader(): void {
  globalState.__gatewayHeld = true;
}

/** Stops everything the gateway runs and waits for syncs in flight (tests, benchmarks, shutdown). */
export async function stopGateway(): Promise<void> {
  await globalState.__gatewayStarting?.catch(() => {});
  const gw = globalState.__gateway;
  if (!gw) return;
  globalState.__gateway = null;
  gw.stopped = true;
  for (const timer of gw.timers) clearTimeout(timer);
  gw.timers.clear();
  for (const off of gw.offs) off();
  // Disconnect first: a leave on a closed socket answers at once instead of waiting for its timeout.
  await gw.socket.disconnect();
  await Promise.all([...gw.seats.values()].map((seat) => seat.inbox?.stop().catch(() => {})));
  for (const seat of gw.seats.values()) seat.inbox?.removeAllListeners();
  for (const release of gw.waiting.splice(0)) release();
  await Promise.allSettled([...gw.syncs.values()].map((job) => job.promise));
}

async function begin(options: GatewayOptions): Promise<void> {
  const config = env();
  const fleetlmUrl = options.fleetlmUrl ?? config.FLEETLM_URL;
  const gw: Gateway = {
    options: {
      fleetlmUrl,
      pollMs: options.pollMs ?? config.GATEWAY_POLL_MS,
      rejoinMs: options.rejoinMs ?? config.INBOX_REJOIN_MS,
      concurrency: options.concurrency ?? 8,
      sweepPerSecond: options.sweepPerSecond ?? config.GATEWAY_SWEEP_PER_S,
    },
    policy: {
      ...DEFAULT_WINDOWS,
      hotMs: options.rejoinMs ?? config.INBOX_REJOIN_MS,
      warmMs: config.GATEWAY_WARM_REJOIN_MS,
      coldMs: config.GATEWAY_COLD_REJOIN_MS,
      ...options.rejoin,
    },
    // Our own retries (with backoff across polls), so one slow FleetLM answer never stacks up attempts.
    rest: new FleetLMRest({ baseUrl: fleetlmUrl, timeoutMs: config.FLEETLM_TIMEOUT_MS, retries: 0 }),
    socket: new FleetLMSocket({ socketUrl: socketUrlFor(fleetlmUrl), userId: GATEWAY_SOCKET_USER, reconnect: { baseMs: 250, maxMs: 5_000 } }),
    stopped: false,
    connected: false,
    everConnected: false,
    fleetlmReachable: true,
    seats: new Map(),
    order: [],
    cursor: 0,
    signals: new Map(),
    reconcile: new Set(),
    reconciling: 0,
    sweepAfter: "",
    syncs: new Map(),
    retries: new Map(),
    waiting: [],
    running: 0,
    timers: new Set(),
    pollFailures: 0,
    connectFailures: 0,
    problems: new Set(),
    failingInboxes: new Set(),
    inFlight: new Map(),
    stats: { polls: 0, syncs: 0, syncFailures: 0, refreshes: 0, reconciled: 0, lastPollAt: null, lastError: null },
    offs: [],
  };
  globalState.__gateway = gw;
  gw.offs.push(
    gw.socket.on("connected", () => setConnected(gw, true)),
    gw.socket.on("disconnected", () => setConnected(gw, false)),
    gw.socket.on("error", () => {}), // reconnecting is the socket's job; state changes are reported above
  );
  for (const { userId, activeAt } of await indexedUserActivity()) addInbox(gw, userId, activeAt?.getTime() ?? 0);
  void connect(gw);
  // Not awaited: server.mjs waits for this before listening, and a slow FleetLM must not delay the Console.
  void poll(gw);
  tickRejoins(gw);
  tickRetries(gw);
  tickReconcile(gw);
  tickSweep(gw);
}

function socketUrlFor(httpUrl: string): string {
  const url = new URL(httpUrl);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  url.pathname = `${url.pathname.replace(/\/+$/, "")}/socket`;
  url.search = "";
  return url.toString();
}

function later(gw: Gateway, ms: number, fn: () => void) {
  if (gw.stopped) return;
  const timer = setTimeout(() => {
    gw.timers.delete(timer);
    if (!gw.stopped) fn();
  }, ms);
  gw.timers.add(timer);
}

function backoff(gw: Gateway, failures: number) {
  const step = Math.min(MAX_BACKOFF_MS, gw.options.pollMs * 2 ** Math.min(failures, 6));
  return Math.round(step / 2 + Math.random() * (step / 2));
}

// One line when a problem starts and one when it ends: FleetLM being down must not flood the logs.
function problem(gw: Gateway, key: string, error: unknown) {
  gw.stats.lastError = `${key}: ${errorText(error)}`;
  if (gw.problems.has(key)) return;
  gw.problems.add(key);
  console.warn(`[gateway] ${key} failing, retrying with backoff: ${errorText(error)}`);
}

function recovered(gw: Gateway, key: string) {
  if (gw.problems.delete(key)) console.warn(`[gateway] ${key} recovered`);
}

function setReachable(gw: Gateway, reachable: boolean) {
  if (gw.fleetlmReachable === reachable) return;
  gw.fleetlmReachable = reachable;
  publishStatus(gw);
}

function setConnected(gw: Gateway, connected: boolean) {
  if (gw.stopped || gw.connected === connected) return;
  gw.connected = connected;
  if (connected) {
    // After a drop, FleetLM may have restarted: its inbox servers (and what they were told) may be gone.
    if (gw.everConnected) for (const seat of gw.seats.values()) seat.untrusted = true;
    gw.everConnected = true;
  }
  publishStatus(gw);
}

function publishStatus(gw: Gateway) {
  liveBus().publish({ type: "gateway", connected: gw.connected, fleetlmReachable: gw.fleetlmReachable });
}

async function connect(gw: Gateway): Promise<void> {
  try {
    await gw.socket.connect();
    gw.connectFailures = 0;
    recovered(gw, "socket");
    setConnected(gw, true);
  } catch (error) {
    // The first open failed, so the socket gave up; later drops are reconnected by the socket itself.
    problem(gw, "socket", error);
    gw.connectFailures += 1;
    // At most 5 s: the socket is how the Console notices new messages, so it comes back quickly.
    const step = Math.min(5_000, 250 * 2 ** Math.min(gw.connectFailures - 1, 5));
    later(gw, step / 2 + Math.random() * (step / 2), () => void connect(gw));
  }
}

// ---- discovery: the newest-50 list ----------------------------------------------------------------------

async function poll(gw: Gateway): Promise<void> {
  try {
    const sessions = await gw.rest.listSessions();
    gw.stats.polls += 1;
    gw.stats.lastPollAt = new Date().toISOString();
    const { added, newUsers, failed } = await upsertSessions(sessions);
    for (const [id, error] of failed) problem(gw, `indexing session ${JSON.stringify(id)}`, error);
    for (const user of newUsers) addInbox(gw, user);
    // Users seen before but whose inbox we have not joined (e.g. added while this process was down).
    for (const session of sessions) addInbox(gw, session.user_id);
    for (const id of added) void syncSession(id);
    // While polls failed, syncs likely failed too: whatever the list shows may have moved unseen.
    if (gw.pollFailures > 0) for (const session of sessions) enqueueReconcile(gw, session.id);
    gw.pollFailures = 0;
    recovered(gw, "session list poll");
    setReachable(gw, true);
  } catch (error) {
    gw.pollFailures += 1;
    problem(gw, "session list poll", error);
    if (isUnreachable(error)) setReachable(gw, false);
  }
  later(gw, gw.pollFailures === 0 ? gw.options.pollMs : backoff(gw, gw.pollFailures), () => void poll(gw));
}

// Not answering, failing, timing out or rate-limiting us all leave the Console without fresh data: degraded.
// A 4xx about the request itself (404 for one session, 422) says nothing about FleetLM's health.
function isUnreachable(error: unknown) {
  return !(error instanceof FleetLMHttpError) || error.status >= 500 || error.status === 429 || error.status === 408;
}

// ---- inboxes --------------------------------------------------------------------------------------------

/** `activeAt` defaults to now: a user the gateway just learned of (a new session) is active. */
function addInbox(gw: Gateway, userId: string, activeAt = Date.now()) {
  if (gw.seats.has(userId)) return;
  gw.seats.set(userId, { inbox: null, busySince: null, untrusted: true, activeAt, dueAt: 0 });
  gw.order.push(userId);
}

/** The user's sessions moved: their inbox is re-joined at the active rate again, starting now if it was quiet. */
function markActive(gw: Gateway, userId: string) {
  const seat = gw.seats.get(userId);
  if (!seat) return;
  const now = Date.now();
  seat.activeAt = now;
  seat.dueAt = Math.min(seat.dueAt, now + gw.policy.hotMs);
}

/**
 * One timer for every inbox: each tick visits the next slice, so N inboxes are each looked at about once per
 * INBOX_REJOIN_MS without N timers firing together, and re-joined when due (ADR 089: at once for a first join,
 * then by the user's activity). First joins go through the same queue (staggered start).
 */
function tickRejoins(gw: Gateway) {
  const tickMs = Math.max(20, Math.min(250, Math.floor(gw.options.rejoinMs / 10)));
  const run = () => {
    if (gw.connected && gw.order.length > 0) {
      const now = Date.now();
      for (const [user, since] of gw.inFlight) if (now - since >= REFRESH_TIMEOUT_MS) gw.inFlight.delete(user);
      const slice = Math.max(1, Math.ceil((gw.order.length * tickMs) / gw.options.rejoinMs));
      // A slow FleetLM answers joins slowly: the cap turns that into a slower round instead of a pile-up.
      for (let i = 0; i < slice && i < gw.order.length && gw.inFlight.size < MAX_REFRESHING; i++) {
        const user = gw.order[gw.cursor % gw.order.length]!;
        gw.cursor = (gw.cursor + 1) % gw.order.length;
        if (now >= (gw.seats.get(user)?.dueAt ?? 0)) refreshInbox(gw, user);
      }
    }
    later(gw, tickMs, run);
  };
  later(gw, 0, run);
}

function refreshInbox(gw: Gateway, userId: string) {
  const seat = gw.seats.get(userId);
  if (!seat) return;
  const now = Date.now();
  if (seat.busySince !== null && now - seat.busySince < REFRESH_TIMEOUT_MS) return;
  seat.busySince = now;
  seat.dueAt = nextRejoinAt(gw.policy, seat.activeAt, now);
  gw.inFlight.set(userId, now);
  let work: Promise<InboxEntry[]>;
  if (!seat.inbox) {
    const inbox = new FleetLMInbox({ userId, socket: gw.socket });
    seat.inbox = inbox;
    inbox.on("snapshot", (entries) => void onEntries(gw, userId, seat, entries, "snapshot"));
    inbox.on("delta", (entries) => void onEntries(gw, userId, seat, entries, "delta"));
    inbox.on("error", (error) => inboxFailed(gw, userId, error));
    work = inbox.start();
  } else {
    work = seat.inbox.refresh();
  }
  // A refresh that outlived REFRESH_TIMEOUT_MS was replaced: its late answer must not free the new one.
  const done = () => {
    if (seat.busySince !== now) return;
    seat.busySince = null;
    gw.inFlight.delete(userId);
  };
  work.then(
    () => {
      gw.stats.refreshes += 1;
      gw.failingInboxes.delete(userId);
      if (gw.failingInboxes.size === 0) recovered(gw, "inbox joins");
      done();
    },
    (error: unknown) => {
      // phoenix keeps retrying a refused join itself; the next round leaves and joins again anyway.
      if (!gw.stopped) inboxFailed(gw, userId, error);
      done();
    },
  );
}

// One log line for all inboxes (a thousand of them fail together when FleetLM does), one when all work again.
function inboxFailed(gw: Gateway, userId: string, error: unknown) {
  gw.failingInboxes.add(userId);
  problem(gw, "inbox joins", error);
}

/**
 * An entry whose activity or count moved is a session with (maybe) new messages: read them. A snapshot the seat
 * cannot trust (first join, first after a reconnect) or whose counts went down (the inbox server restarted and
 * forgot what it had been told) says nothing about what happened before it: every session it lists is reconciled.
 */
async function onEntries(gw: Gateway, userId: string, seat: InboxSeat, entries: InboxEntry[], kind: "snapshot" | "delta") {
  const firstSight: InboxEntry[] = [];
  let restarted = false;
  let moved = false;
  for (const entry of entries) {
    const signal = { count: entry.unread_count, at: entry.last_activity_at ?? "" };
    const previous = gw.signals.get(entry.session_id);
    gw.signals.set(entry.session_id, signal);
    if (previous && signal.count < previous.count) restarted = true;
    if (previous?.count === signal.count && previous.at === signal.at) continue;
    if (previous === undefined) firstSight.push(entry);
    else {
      moved = true;
      void syncSession(entry.session_id);
    }
  }
  if (moved) markActive(gw, userId);
  if (kind === "snapshot" && (seat.untrusted || restarted)) {
    seat.untrusted = false;
    for (const entry of entries) enqueueReconcile(gw, entry.session_id);
  }
  if (firstSight.length === 0 || gw.stopped) return;
  // First sight (gateway start, new session): read it now if the index lacks it or FleetLM saw activity since.
  try {
    const prisma = await db();
    const rows = await prisma.sessionIndex.findMany({ where: { id: { in: firstSight.map((e) => e.session_id) } }, select: { id: true } });
    const known = new Set(rows.map((row) => row.id));
    for (const entry of firstSight) {
      if (!known.has(entry.session_id) || entry.last_activity_at !== null) void syncSession(entry.session_id);
    }
  } catch (error) {
    problem(gw, "index lookup", error);
    for (const entry of firstSight) gw.signals.delete(entry.session_id); // try again on the next snapshot
  }
}

// ---- reconciliation: re-reading what no signal may have mentioned ---------------------------------------

function enqueueReconcile(gw: Gateway, sessionId: string) {
  if (!gw.stopped) gw.reconcile.add(sessionId);
}

/** Drains the reconcile queue, oldest first, a few reads at a time: a large backlog never delays live syncs. */
function tickReconcile(gw: Gateway) {
  const run = () => {
    while (gw.reconciling < RECONCILE_CONCURRENCY && gw.reconcile.size > 0) {
      const sessionId = gw.reconcile.values().next().value!;
      gw.reconcile.delete(sessionId);
      gw.reconciling += 1;
      void syncSession(sessionId).finally(() => {
        gw.reconciling -= 1;
        gw.stats.reconciled += 1;
        if (!gw.stopped) run();
      });
    }
    later(gw, 100, run);
  };
  later(gw, 100, run);
}

/** Walks the whole index in id order, a few sessions a second, queueing each for reconciliation. */
function tickSweep(gw: Gateway) {
  const perSecond = gw.options.sweepPerSecond;
  if (perSecond <= 0) return;
  const run = async () => {
    // Only when the queue is nearly empty: the sweep is the last resort, never a backlog of its own.
    if (gw.connected && gw.reconcile.size < perSecond) {
      try {
        const prisma = await db();
        const rows = await prisma.sessionIndex.findMany({
          where: { id: { gt: gw.sweepAfter } },
          orderBy: { id: "asc" },
          take: perSecond,
          select: { id: true },
        });
        gw.sweepAfter = rows.length < perSecond ? "" : rows[rows.length - 1]!.id;
        for (const row of rows) enqueueReconcile(gw, row.id);
      } catch (error) {
        problem(gw, "index sweep", error);
      }
    }
    later(gw, 1_000, () => void run());
  };
  later(gw, 1_000, () => void run());
}

// ---- syncing one session --------------------------------------------------------------------------------

/**
 * Reads a session's new messages into the index now (other features call it after they append; the session
 * view after a live message). Syncs of one session never overlap: a call during a sync runs one more pass
 * after it, and both callers wait for that pass. Never throws: failures are retried in the background.
 */
export function syncSessionNow(sessionId: string): Promise<SessionChangedEvent | null> {
  return syncSession(sessionId);
}

function syncSession(sessionId: string): Promise<SessionChangedEvent | null> {
  const current = globalState.__gateway?.syncs ?? standaloneSyncs;
  const running = current.get(sessionId);
  if (running) {
    running.again = true;
    return running.promise;
  }
  const job: SyncJob = { again: false, promise: Promise.resolve(null) };
  job.promise = (async () => {
    let last: SessionChangedEvent | null = null;
    try {
      do {
        job.again = false;
        last = (await syncGuarded(sessionId)) ?? last;
      } while (job.again);
    } finally {
      current.delete(sessionId);
    }
    return last;
  })();
  current.set(sessionId, job);
  return job.promise;
}

/**
 * A push from elsewhere (the agent gate saw a webhook call for this session): read it now if the gateway runs.
 * Without a gateway nothing follows FleetLM in this process, so there is nothing to nudge.
 */
export function nudgeSession(sessionId: string): void {
  if (globalState.__gateway && !globalState.__gateway.stopped) void syncSession(sessionId);
}

// Syncs requested while no gateway runs (tests, GATEWAY_DISABLED) still must not overlap.
const standaloneSyncs = new Map<string, SyncJob>();

async function syncGuarded(sessionId: string): Promise<SessionChangedEvent | null> {
  const gw = globalState.__gateway;
  const rest = gw?.rest ?? fleetlm();
  if (gw) await acquire(gw);
  try {
    const event = await syncOnce(rest, sessionId);
    if (gw) {
      // New messages (from any signal: inbox, gate, a watched session, reconciliation) make their user active.
      if (event) markActive(gw, event.userId);
      gw.stats.syncs += 1;
      gw.retries.delete(sessionId);
      recovered(gw, "session sync");
      setReachable(gw, true);
    }
    return event;
  } catch (error) {
    if (error instanceof FleetLMHttpError && error.status === 404) return null; // deleted or never existed
    if (gw && !gw.stopped) {
      gw.stats.syncFailures += 1;
      const attempts = (gw.retries.get(sessionId)?.attempts ?? 0) + 1;
      // Short backoff (≤ 5 s): a session that failed to sync is a badge that is wrong until it does.
      const step = Math.min(5_000, 500 * 2 ** Math.min(attempts - 1, 4));
      gw.retries.set(sessionId, { attempts, at: Date.now() + step / 2 + Math.random() * (step / 2) });
      problem(gw, "session sync", error);
      if (isUnreachable(error)) setReachable(gw, false);
    } else if (!gw) {
      console.warn(`[gateway] sync of ${sessionId} failed: ${errorText(error)}`);
    }
    return null;
  } finally {
    if (gw) release(gw);
  }
}

async function syncOnce(rest: FleetLMRest, sessionId: string): Promise<SessionChangedEvent | null> {
  let row: IndexedSession | null = await findIndexed(sessionId);
  if (!row) row = await indexSession(await rest.getSession(sessionId));
  const messages: Message[] = [];
  // Exact ranges, never "the last seq of a page" as read-through: a real FleetLM's page can skip stored seqs
  // behind unflushed ones (protocol §13.1). Seqs it lost are recorded by readExact. No head probe: a range
  // whose end FleetLM has (or passed) means read on; otherwise this was the end.
  let lastLost = 0;
  for (let from = row.headSeq + 1; ; from += PAGE_SIZE) {
    const to = from + PAGE_SIZE - 1;
    const read = await readExact(sessionId, { from, to }, { rest });
    messages.push(...read.messages);
    lastLost = Math.max(lastLost, read.lost.at(-1) ?? 0);
    if (read.highestSeen < to) break;
  }
  let updated = await applyMessages(row, messages);
  if (messages.length > 0) await recordReplies({ id: row.id, agentId: row.agentId }, messages);
  const applied = updated?.headSeq ?? row.headSeq;
  const reached = Math.max(applied, lastLost);
  // The newest seqs are lost: the head still moves past them (they existed), so the next sync starts above.
  if (reached > applied) await (await db()).sessionIndex.updateMany({ where: { id: toStored(row.id), headSeq: { lt: reached } }, data: { headSeq: reached } });
  if (reached > applied) updated = await findIndexed(row.id);
  if (!updated) return null;
  const event = changedEvent(updated);
  liveBus().publish(event);
  return event;
}

function tickRetries(gw: Gateway) {
  const run = () => {
    const now = Date.now();
    for (const [sessionId, retry] of gw.retries) {
      if (retry.at <= now && !gw.syncs.has(sessionId)) {
        retry.at = Number.POSITIVE_INFINITY; // rescheduled by the next failure
        void syncSession(sessionId);
      }
    }
    later(gw, 500, run);
  };
  later(gw, 500, run);
}

async function acquire(gw: Gateway) {
  if (gw.running < gw.options.concurrency) {
    gw.running += 1;
    return;
  }
  await new Promise<void>((resolve) => gw.waiting.push(resolve));
  gw.running += 1;
}

function release(gw: Gateway) {
  gw.running -= 1;
  gw.waiting.shift()?.();
}

// ---- status ---------------------------------------------------------------------------------------------

export type GatewayStatus = {
  running: boolean;
  connected: boolean;
  fleetlmReachable: boolean;
  inboxes: number;
  inboxesJoined: number;
  /** Inboxes by re-join class (ADR 089): active within 2 min, within the hour, quieter. */
  inboxClasses: Record<ActivityClass, number>;
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

/** One user's inbox in the re-join schedule (ADR 089), or null when the gateway does not follow that user. */
export function inboxSchedule(userId: string): { class: ActivityClass; activeAt: number; dueAt: number; joined: boolean } | null {
  const gw = globalState.__gateway;
  const seat = gw?.seats.get(userId);
  if (!gw || !seat) return null;
  return { class: activityClass(gw.policy, seat.activeAt, Date.now()), activeAt: seat.activeAt, dueAt: seat.dueAt, joined: seat.inbox !== null };
}

export function gatewayStatus(): GatewayStatus {
  const gw = globalState.__gateway;
  if (!gw) {
    return {
      running: false,
      connected: false,
      fleetlmReachable: false,
      inboxes: 0,
      inboxesJoined: 0,
      inboxClasses: { hot: 0, warm: 0, cold: 0 },
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
  }
  let joined = 0;
  const inboxClasses = { hot: 0, warm: 0, cold: 0 };
  const now = Date.now();
  for (const seat of gw.seats.values()) {
    if (seat.inbox && seat.busySince === null) joined += 1;
    inboxClasses[activityClass(gw.policy, seat.activeAt, now)] += 1;
  }
  return {
    running: true,
    connected: gw.connected,
    fleetlmReachable: gw.fleetlmReachable,
    inboxes: gw.seats.size,
    inboxesJoined: joined,
    inboxClasses,
    syncing: gw.syncs.size,
    pendingRetries: gw.retries.size,
    pendingReconciles: gw.reconcile.size,
    ...gw.stats,
  };
}

/** The inboxes (FleetLM user ids) the gateway follows. */
export function gatewayUsers(): string[] {
  return [...(globalState.__gateway?.seats.keys() ?? [])];
}
